"""`huikuan grade`, `export`, `push` and `report`: from session logs to the LMS and the LRS."""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

from simulator.commands import positive
from simulator.errors import HuikuanError, Problem, printable

EXIT_OK, EXIT_FINDINGS = 0, 1
FORMATS = ("csv", "moodle", "canvas", "xlsx", "json", "xapi")
PASSWORD_ENV = "HUIKUAN_LRS_PASSWORD"


def _selection(parser: Any) -> None:
    how = parser.add_mutually_exclusive_group()
    for name, text in (
        ("best", "per trainee and scenario, the best verified attempt"),
        ("last", "per trainee and scenario, the latest verified attempt"),
        ("all", "every attempt, with its status"),
    ):
        how.add_argument(f"--{name}", dest="select", action="store_const", const=name, help=text)
    parser.add_argument("--cohort", help="only the attempts graded with this --cohort")


def register(sub: Any) -> None:
    grade = sub.add_parser("grade", help="verify session logs and add them to a gradebook")
    grade.add_argument("paths", nargs="+", metavar="PATH", type=Path, help="log files or dirs")
    grade.add_argument("--db", type=Path, required=True, help="the SQLite gradebook file")
    grade.add_argument("--scenarios", type=Path, help="a directory of scenario files to match")
    grade.add_argument("--cohort", help="a cohort name stored with each new attempt")
    grade.add_argument("--key-file", type=Path, help="verify signatures with this key")
    grade.add_argument("--jobs", type=positive, help="replay processes (default: one per CPU)")
    grade.add_argument("--json", action="store_true", help="print the summary as JSON")
    grade.set_defaults(func=_grade)

    export = sub.add_parser("export", help="write the gradebook for an LMS, a sheet or an LRS")
    export.add_argument("--db", type=Path, required=True, help="the SQLite gradebook file")
    export.add_argument("--format", choices=FORMATS, required=True, help="what to write")
    export.add_argument("--out", type=Path, required=True, help="the file to write")
    export.add_argument("--lang", choices=("zh", "en"), default="zh", help="headers and texts")
    export.add_argument("--base-iri", help="xAPI: IRI for activities and accounts")
    _selection(export)
    export.set_defaults(func=_export)

    push = sub.add_parser("push", help="send the xAPI statements to an LRS")
    push.add_argument("--db", type=Path, required=True, help="the SQLite gradebook file")
    push.add_argument("--lrs", required=True, help="the LRS xAPI endpoint URL")
    push.add_argument("--user", required=True, help="LRS user (basic auth)")
    push.add_argument("--password", help=f"LRS password (default ${PASSWORD_ENV})")
    push.add_argument("--batch-size", type=positive, default=100, help="statements per POST")
    push.add_argument("--retries", type=int, default=3, help="retries per batch (default 3)")
    push.add_argument("--base-iri", help="IRI for activities and accounts")
    push.add_argument("--json", action="store_true", help="print the report as JSON")
    _selection(push)
    push.set_defaults(func=_push)

    report = sub.add_parser("report", help="a self-contained HTML report of the gradebook")
    report.add_argument("--db", type=Path, required=True, help="the SQLite gradebook file")
    report.add_argument("--out", type=Path, required=True, help="the HTML file to write")
    report.add_argument("--cohort", help="only the attempts graded with this --cohort")
    report.add_argument(
        "--budget", type=positive, default=50_000, help="solver size limit for regret"
    )
    report.set_defaults(func=_report)


def _log_files(paths: list[Path]) -> list[Path]:
    missing = [Problem(str(p), "no such file or directory") for p in paths if not p.exists()]
    if missing:
        raise HuikuanError(missing)
    found: dict[Path, None] = {}
    for path in paths:
        for file in sorted(path.rglob("*.jsonl")) if path.is_dir() else [path]:
            found.setdefault(file, None)
    return list(found)


def _scenario_files(extra: Path | None) -> list[Path]:
    from simulator.format.catalog import bundled_paths

    return bundled_paths(extra)


def _grade(args: argparse.Namespace) -> int:
    from scoring.gradebook import Gradebook
    from scoring.verify import ScenarioIndex, verify_many
    from simulator.engine.session_log import signing_key

    files = _log_files(args.paths)
    key = signing_key(args.key_file)
    index, errors = ScenarioIndex.build(_scenario_files(args.scenarios))
    for error in errors:
        for problem in error.problems:
            if args.scenarios and problem.path.startswith(str(args.scenarios)):
                print(f"{problem} (skipped)", file=sys.stderr)
    book = Gradebook(args.db, create=True)
    try:
        summary = book.ingest(verify_many(files, index, key, args.jobs), args.cohort, index.sources)
    except sqlite3.DatabaseError as exc:
        # A damaged file (corrupt pages): the open transaction is rolled back, nothing half-written.
        why = f"the gradebook is damaged, nothing was added ({exc})"
        raise HuikuanError(Problem(str(args.db), why)) from None
    finally:
        book.close()
    for line in summary.problems:
        print(printable(line), file=sys.stderr)
    for verdict in summary.flagged:
        line = f"{verdict.path}: error: {verdict.status}: {verdict.detail}"
        print(printable(line), file=sys.stderr)
    if args.json:
        print(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2))
    else:
        counts = ", ".join(f"{n} {s}" for s, n in sorted(summary.statuses.items()))
        print(
            f"graded {len(files)} log(s) into {args.db}: {summary.new} new, "
            f"{summary.updated} updated, {summary.unchanged} already there; {counts or 'none'}"
        )
        if summary.flagged:
            print(f"{len(summary.flagged)} flagged (see above)")
    return EXIT_FINDINGS if summary.flagged else EXIT_OK


def _rows(args: argparse.Namespace, default: str) -> tuple[list[dict[str, Any]], str]:
    from scoring.gradebook import Gradebook, select

    book = Gradebook(args.db)
    try:
        rows = book.attempts(args.cohort)
    except sqlite3.DatabaseError as exc:
        raise HuikuanError(Problem(str(args.db), f"cannot read the gradebook ({exc})")) from None
    finally:
        book.close()
    how = args.select or default
    return select(rows, how), how


def _export(args: argparse.Namespace) -> int:
    from scoring import exports

    wide = args.format in ("moodle", "canvas")
    if wide and args.select == "all":
        message = f"{args.format} takes one score per trainee and scenario: use --best or --last"
        raise HuikuanError(Problem(str(args.out), message))
    rows, how = _rows(args, "best" if wide else "all")
    if args.format == "json":
        data = exports.to_json(rows, how, args.cohort)
    elif args.format == "xapi":
        from scoring.xapi import DEFAULT_BASE, all_statements

        found = all_statements(rows, args.base_iri or DEFAULT_BASE)
        data = (exports.json_lines(found) + "\n").encode("utf-8")
    else:
        data = exports.WRITERS[args.format](rows, args.lang)
    exports.atomic_write(args.out, data)
    print(f"wrote {args.out} ({args.format}, {len(rows)} attempt(s), {how})")
    return EXIT_OK


def _push(args: argparse.Namespace) -> int:
    from scoring.lrs import push, statements_url
    from scoring.xapi import DEFAULT_BASE, all_statements

    password = args.password if args.password is not None else os.environ.get(PASSWORD_ENV)
    if password is None:
        raise HuikuanError(Problem(args.lrs, f"no password: give --password or set {PASSWORD_ENV}"))
    try:
        statements_url(args.lrs)
    except ValueError as exc:
        raise HuikuanError(Problem(args.lrs, str(exc))) from None
    rows, _ = _rows(args, "all")
    found = all_statements(rows, args.base_iri or DEFAULT_BASE)
    result = push(found, args.lrs, args.user, password, args.batch_size, max(0, args.retries))
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(
            f"pushed {result.statements} statement(s) in {result.batches} batch(es) to "
            f"{result.url}: {result.stored} stored, {result.already} already there, "
            f"{result.retries} retr{'y' if result.retries == 1 else 'ies'}, "
            f"{len(result.failures)} batch(es) failed"
        )
    for failure in result.failures:
        print(printable(f"{result.url}: error: {failure}"), file=sys.stderr)
    return EXIT_OK if result.ok else EXIT_FINDINGS


def _report(args: argparse.Namespace) -> int:
    from scoring.exports import atomic_write
    from scoring.gradebook import Gradebook
    from scoring.report import render

    if args.out.suffix.lower() not in (".html", ".htm"):
        raise HuikuanError(Problem(str(args.out), "the report is HTML: name it FILE.html"))
    book = Gradebook(args.db)
    try:
        rows, sources = book.attempts(args.cohort), book.scenario_sources()
        flagged = book.flagged_files(args.cohort)
    except sqlite3.DatabaseError as exc:
        raise HuikuanError(Problem(str(args.db), f"cannot read the gradebook ({exc})")) from None
    finally:
        book.close()
    atomic_write(args.out, render(rows, sources, flagged, args.budget).encode("utf-8"))
    print(f"wrote {args.out} ({len(rows)} attempt(s))")
    return EXIT_OK
