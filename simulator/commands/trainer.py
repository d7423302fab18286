"""The trainer's commands: check, test, new, graph, solve, analyze."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from simulator.authoring.scaffold import TYPES
from simulator.commands import positive
from simulator.errors import HuikuanError, Problem
from simulator.format.catalog import scenario_files

if TYPE_CHECKING:
    from simulator.authoring.lint import Finding

EXIT_OK, EXIT_FINDINGS = 0, 1


def register(sub: Any) -> None:
    _register_lint(sub)
    _register_analysis(sub)
    _register_files(sub)


def _register_lint(sub: Any) -> None:
    check = sub.add_parser(
        "check",
        help="load and lint scenario files (exit 1 on errors)",
        description="Load each scenario, then lint it. One line per finding:\n"
        "  file:line:col: warning|error HKnnn: message (hint: ...)\n"
        "Exit 0 with warnings at most, 1 when a file does not load or has errors, 2 on bad usage.",
        epilog="codes:\n" + "\n".join(f"  {c} {sev:<7} {what}" for c, (sev, what) in _codes()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument(
        "paths", nargs="+", metavar="SCENARIO", help="files, directories or bundled scenario ids"
    )
    check.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text: one line per finding; json: a list with one entry per file, "
        "its findings under 'problems'",
    )
    check.set_defaults(func=_check)

    test = sub.add_parser("test", help="run the scripted tests a scenario carries")
    test.add_argument(
        "paths", nargs="+", metavar="SCENARIO", help="files, directories or bundled scenario ids"
    )
    test.set_defaults(func=_test)


def _expand(names: list[str]) -> list[Path]:
    """Files to check: each name a file, a directory of scenarios, or a bundled id."""
    from simulator.format.catalog import resolve

    files: list[Path] = []
    for name in names:
        path = Path(name) if Path(name).exists() else resolve(name)
        if path.is_dir():
            found = scenario_files(path)
            if not found:
                raise HuikuanError(Problem(str(path), "directory holds no .yaml scenarios"))
            files += found
        elif not path.exists():
            raise HuikuanError(Problem(str(path), "no such file"))
        else:
            files.append(path)
    return files


def _codes() -> list[tuple[str, tuple[str, str]]]:
    from simulator.authoring.lint import CODES

    return list(CODES.items())


def _check(args: argparse.Namespace) -> int:
    from simulator.authoring.lint import lint
    from simulator.errors import ScenarioError
    from simulator.format.loader import load_scenario

    results = []
    for path in _expand(args.paths):
        entry: dict[str, Any] = {"path": str(path)}
        try:
            loaded = load_scenario(path)
        except ScenarioError as exc:
            findings = [_load_finding(p) for p in exc.problems]
            lines = [str(p) for p in exc.problems]
        else:
            sc = loaded.scenario
            findings = lint(loaded)
            entry["id"] = sc.meta.id
            lines = [str(f) for f in findings]
        errors = sum(f.severity == "error" for f in findings)
        warnings = len(findings) - errors
        entry.update(ok=not errors, errors=errors, warnings=warnings)
        entry["problems"] = [f.to_dict() for f in findings]
        results.append(entry)
        if args.format == "text":
            for line in lines:
                print(line)
            if "id" in entry:
                counts = f"{errors} error{'s' * (errors != 1)}, {warnings} warning"
                counts += "s" * (warnings != 1)
                verdict = "ok" if not errors else "FAILED"
                size = f"{len(sc.states)} states, {len(sc.tactics)} tactics"
                print(f"{path}: {verdict} ({size}; {counts})")
    if args.format == "json":
        print(json.dumps(results, ensure_ascii=False, indent=2))
    return EXIT_OK if all(r["ok"] for r in results) else EXIT_FINDINGS


def _load_finding(problem: Problem) -> Finding:
    """A load error as a finding (code HK100), so JSON output has one shape."""
    from simulator.authoring.lint import Finding

    return Finding(
        "HK100",
        "error",
        problem.path,
        problem.line,
        problem.column,
        problem.message,
        problem.hint,
        problem.key_path,
    )


def _test(args: argparse.Namespace) -> int:
    from simulator.authoring.scripted import run_tests
    from simulator.errors import ScenarioError
    from simulator.format.loader import load_scenario

    passed = failed = 0
    for path in _expand(args.paths):
        try:
            loaded = load_scenario(path)
        except ScenarioError as exc:
            for problem in exc.problems:
                print(problem)
            failed += 1
            continue
        for outcome in run_tests(loaded):
            if outcome.passed:
                passed += 1
                print(f"PASSED {path}::{outcome.name}")
            else:
                failed += 1
                print(f"FAILED {path}::{outcome.name} - {'; '.join(outcome.failures)}")
    print(f"{passed} passed, {failed} failed")
    return EXIT_OK if failed == 0 else EXIT_FINDINGS


def _register_analysis(sub: Any) -> None:
    from simulator.analysis.situations import DEFAULT_BUDGET

    solve = sub.add_parser("solve", help="the par and the ceiling of a scenario (exact expectimax)")
    solve.add_argument("scenario", metavar="SCENARIO", help="a scenario file or a bundled id")
    solve.add_argument("--json", action="store_true", help="print the result as one JSON object")
    solve.add_argument(
        "--budget",
        type=positive,
        default=DEFAULT_BUDGET,
        help=f"most situations to explore before refusing (default {DEFAULT_BUDGET:,})",
    )
    solve.add_argument("--scenarios", type=Path, help="a directory of extra scenarios")
    solve.set_defaults(func=_solve)

    analyze = sub.add_parser(
        "analyze", help="Monte Carlo with bots: distributions, coverage and warning flags"
    )
    analyze.add_argument("scenario", metavar="SCENARIO", help="a scenario file or a bundled id")
    analyze.add_argument("--runs", type=positive, default=1000, help="plays per bot (default 1000)")
    analyze.add_argument(
        "--spam-runs",
        type=positive,
        help="plays per one-tactic spammer (default the smaller of --runs and 500)",
    )
    analyze.add_argument(
        "--jobs",
        type=positive,
        default=os.cpu_count() or 1,
        help="worker processes (default: one per CPU; 1 plays everything in this process)",
    )
    analyze.add_argument("--seed", type=int, default=0, help="first seed (default 0)")
    analyze.add_argument("--json", action="store_true", help="print the result as one JSON object")
    analyze.add_argument(
        "--budget",
        type=positive,
        default=DEFAULT_BUDGET,
        help="the solver's budget for the optimal bot and the par",
    )
    analyze.add_argument("--scenarios", type=Path, help="a directory of extra scenarios")
    analyze.set_defaults(func=_analyze)


def _engine(args: argparse.Namespace) -> Any:
    from simulator.engine.engine import Engine
    from simulator.format.catalog import resolve
    from simulator.format.loader import load_scenario

    return Engine(load_scenario(resolve(args.scenario, args.scenarios)))


def _solve(args: argparse.Namespace) -> int:
    from simulator.analysis.solver import CEILING_ASSUMES, PAR_ASSUMES, Solver

    engine = _engine(args)
    solution = Solver(engine, args.budget).solve()
    if args.json:
        print(json.dumps(solution.to_dict(), ensure_ascii=False, indent=2))
        return EXIT_OK
    sc = engine.scenario
    tactics = sc.tactics
    seconds = solution.ceiling_seconds + solution.par_seconds
    print(
        f"{sc.meta.id} v{sc.meta.version}: solved in {seconds:.2f} s "
        f"({solution.states_explored:,} situations, {solution.beliefs_explored:,} beliefs, "
        f"{solution.draws} starting draws)"
    )
    if solution.par is not None:
        print(f"  par      {solution.par:6.2f}  {PAR_ASSUMES}")
    else:
        print("  par         —    the trainee's belief tree is over budget; not computed")
    print(f"  ceiling  {solution.ceiling:6.2f}  {CEILING_ASSUMES}")
    line = " → ".join(
        f"{t} ({tactics[t].name.zh} / {tactics[t].name.en})" for t in solution.best_line
    )
    print(f"  best line (likeliest reply at each step): {line or '—'}")
    if solution.openings:
        ranked = sorted(solution.openings.items(), key=lambda kv: -kv[1])
        print("  first moves: " + ", ".join(f"{t} {v:.1f}" for t, v in ranked))
    for cause, entry in solution.per_cause.items():
        print(f"  cause {cause} ({entry['probability']:.0%}): ceiling {entry['ceiling']:.2f}")
    for note in solution.notes:
        print(f"  note: {note}")
    return EXIT_OK


def _analyze(args: argparse.Namespace) -> int:
    from simulator.analysis.analyze import analyze, render
    from simulator.authoring.lint import lockout_words
    from simulator.authoring.lockout import lockouts

    engine = _engine(args)
    progress = _progress if sys.stderr.isatty() else None
    result = analyze(engine, args.runs, args.seed, args.budget, progress, args.spam_runs, args.jobs)
    # Proven from the rules, not sampled: the bots may never stumble on the move that does it.
    result["flags"] += [
        {"code": "course_lockout", "message": lockout_words(found)[0]}
        for found in lockouts(engine.loaded)
    ]
    if progress is not None:
        print(file=sys.stderr)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(render(result, engine.scenario))
    return EXIT_OK


def _progress(done: int, total: int, label: str) -> None:
    width = 30
    filled = width * done // max(1, total)
    bar = "█" * filled + "·" * (width - filled)
    sys.stderr.write(f"\ranalyze {bar} {done:>6}/{total} plays  {label:<24}")
    sys.stderr.flush()


def _register_files(sub: Any) -> None:
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
