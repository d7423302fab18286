"""`huikuan check` and `huikuan test`: the trainer's tools for finding mistakes early."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from simulator.errors import HuikuanError, Problem
from simulator.format.catalog import scenario_files

if TYPE_CHECKING:
    from simulator.authoring.lint import Finding

EXIT_OK, EXIT_FINDINGS = 0, 1


def register(sub: Any) -> None:
    check = sub.add_parser(
        "check",
        help="load and lint scenario files (exit 1 on errors)",
        description="Load each scenario, then lint it. One line per finding:\n"
        "  file:line:col: warning|error HKnnn: message (hint: ...)\n"
        "Exit 0 with warnings at most, 1 when a file does not load or has errors, 2 on bad usage.",
        epilog="codes:\n" + "\n".join(f"  {c} {sev:<7} {what}" for c, (sev, what) in _codes()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or directories")
    check.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text: one line per finding; json: a list with one entry per file, "
        "its findings under 'problems'",
    )
    check.set_defaults(func=_check)

    test = sub.add_parser("test", help="run the scripted tests a scenario carries")
    test.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    test.set_defaults(func=_test)


def _expand(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
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
