"""`huikuan graph` and `huikuan new`: drawing a scenario, and starting one from a template."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from simulator.authoring.scaffold import TYPES
from simulator.errors import HuikuanError, Problem

EXIT_OK = 0


def register(sub: Any) -> None:
    graph = sub.add_parser(
        "graph",
        help="draw the states and moves (Mermaid, Graphviz DOT or SVG)",
        description="Draw a scenario: one node per state (endings coloured by outcome kind), one "
        "edge per (from, to) pair labelled with the tactics that lead there; `anywhere` reactions "
        "start from a single 'any state' node. SVG needs Graphviz `dot` on PATH.",
    )
    graph.add_argument("scenario", metavar="SCENARIO", help="a scenario file or a bundled id")
    graph.add_argument(
        "--format", choices=("mermaid", "dot", "svg"), default="mermaid", help="default mermaid"
    )
    graph.add_argument("--lang", choices=("zh", "en"), default="zh", help="labels (default zh)")
    graph.add_argument("-o", "--output", type=Path, metavar="FILE", help="write FILE, not stdout")
    graph.add_argument("--scenarios", type=Path, help="a directory of extra scenarios")
    graph.set_defaults(func=_graph)

    new = sub.add_parser(
        "new",
        help="start a scenario from a commented, playable template",
        description=(
            "Write a commented starting scenario for a debtor type. It already passes\n"
            "`huikuan check`, plays, and passes its own `huikuan test`; change the story\n"
            "from there.\n"
            "\n"
            "Its first line points editors that use yaml-language-server (e.g. VS Code's YAML\n"
            "extension) at the JSON Schema shipped inside this installation, for completion and\n"
            "checking as you type:\n"
            "  # yaml-language-server: $schema=file:///…/simulator/templates/scenario.schema.json\n"
            "If you share the file or move it to another machine, point that line at your\n"
            "copy of docs/scenario.schema.json instead (bundled scenarios use\n"
            "../docs/scenario.schema.json)."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    new.add_argument(
        "name",
        metavar="NAME",
        help="lower-case slug (letters, digits, '-' or '_'); becomes meta.id, the title and the "
        "default file name",
    )
    new.add_argument("--type", required=True, choices=TYPES, dest="debtor_type", help="debtor type")
    new.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="where to write (default ./NAME.yaml)"
    )
    new.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    new.set_defaults(func=_new)


def _graph(args: argparse.Namespace) -> int:
    from simulator.authoring.graph import build, find_dot, to_dot, to_mermaid, to_svg
    from simulator.format.catalog import resolve
    from simulator.format.loader import load_scenario

    dot = find_dot() if args.format == "svg" else None  # fail before any work
    _check_output_dir(args.output)
    graph = build(load_scenario(resolve(args.scenario, args.scenarios)).scenario, args.lang)
    if args.format == "mermaid":
        text = to_mermaid(graph, args.lang)
    else:
        text = to_dot(graph, args.lang)
        if dot is not None:
            text = to_svg(text, dot)
    if args.output is None:
        sys.stdout.write(text)
    else:
        write_atomic(args.output, text)
        print(f"wrote {args.output}", file=sys.stderr)
    return EXIT_OK


def _new(args: argparse.Namespace) -> int:
    from simulator.authoring.scaffold import check_name, render

    name = check_name(args.name)
    target: Path = args.output if args.output is not None else Path(f"{name}.yaml")
    if target.is_dir():
        target = target / f"{name}.yaml"
    if target.exists() and not args.force:
        raise HuikuanError(
            Problem(str(target), "already exists; not overwritten", hint="use --force or -o FILE")
        )
    _check_output_dir(target)
    write_atomic(target, render(name, args.debtor_type))
    print(f"wrote {target} ({args.debtor_type} template)")
    print(f"next: huikuan check {target} && huikuan test {target} && huikuan play {target}")
    return EXIT_OK


def _check_output_dir(path: Path | None) -> None:
    if path is not None and not path.parent.is_dir():
        raise HuikuanError(Problem(str(path), f"no such directory: {path.parent}"))


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` via a temporary file in the same directory, then rename over it."""
    try:
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise HuikuanError(Problem(str(path), f"cannot write: {exc.strerror or exc}")) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)  # the mode a plain open() would have given
        os.replace(temp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise HuikuanError(Problem(str(path), f"cannot write: {exc.strerror or exc}")) from None
