"""`huikuan check` and `huikuan test`: the trainer's tools for finding mistakes early."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from simulator.errors import HuikuanError, Problem

EXIT_OK, EXIT_FINDINGS = 0, 1


def register(sub: Any) -> None:
    check = sub.add_parser("check", help="load and check scenario files")
    check.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.set_defaults(func=_check)

    test = sub.add_parser("test", help="run the scripted tests a scenario carries")
    test.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    test.set_defaults(func=_test)


def _expand(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
            if not found:
                raise HuikuanError(Problem(str(path), "directory holds no .yaml scenarios"))
            files += found
        elif not path.exists():
            raise HuikuanError(Problem(str(path), "no such file"))
        else:
            files.append(path)
    return files


def _check(args: argparse.Namespace) -> int:
    from simulator.errors import ScenarioError
    from simulator.loader import load_scenario

    results = []
    for path in _expand(args.paths):
        try:
            loaded = load_scenario(path)
            sc = loaded.scenario
            results.append({"path": str(path), "ok": True, "id": sc.meta.id, "problems": []})
            if args.format == "text":
                print(f"{path}: ok ({len(sc.states)} states, {len(sc.tactics)} tactics)")
        except ScenarioError as exc:
            problems = [
                {
                    "line": p.line,
                    "column": p.column,
                    "key_path": p.key_path,
                    "message": p.message,
                    "hint": p.hint,
                    "severity": "error",
                }
                for p in exc.problems
            ]
            results.append({"path": str(path), "ok": False, "problems": problems})
            if args.format == "text":
                for problem in exc.problems:
                    print(problem)
    if args.format == "json":
        print(json.dumps(results, ensure_ascii=False, indent=2))
    return EXIT_OK if all(r["ok"] for r in results) else EXIT_FINDINGS


def _test(args: argparse.Namespace) -> int:
    from simulator.errors import ScenarioError
    from simulator.loader import load_scenario
    from simulator.scripted import run_tests

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
