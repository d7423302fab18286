"""The `huikuan` command line: play, list, check, test; exit 0 ok, 1 findings, 2 bad input."""

from __future__ import annotations

import argparse
import getpass
import json
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from simulator.errors import HuikuanError, Problem
from simulator.session_log import default_log_dir

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line and exit 2 (as the contract says)."""

    def error(self, message: str) -> Any:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="huikuan",
        description="回款 huikuan — role-play training for collecting overdue B2B receivables.",
    )
    parser.add_argument("--version", action="version", version="huikuan 0.1.0")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    play = sub.add_parser(
        "play", help="play a scenario (interactive, or headless with --moves/--bot)"
    )
    play.add_argument("scenario", metavar="SCENARIO", help="a scenario file or a bundled id")
    play.add_argument("--seed", type=int, help="the seed (default: a fresh random one)")
    play.add_argument("--trainee", help="trainee name or ID (default: your login name)")
    play.add_argument("--lang", choices=("zh", "en"), default="zh", help="language (default zh)")
    play.add_argument("--log-dir", type=Path, help="where to write the session log")
    play.add_argument("--no-log", action="store_true", help="write no session log")
    play.add_argument("--scenarios", type=Path, help="a directory of extra scenarios")
    how = play.add_mutually_exclusive_group()
    how.add_argument("--moves", help="comma-separated tactic ids to play headless")
    how.add_argument("--bot", choices=("random", "greedy"), help="let a bot play headless")
    play.add_argument("--json", action="store_true", help="print the result as one JSON object")

    listing = sub.add_parser("list", help="list the bundled scenarios")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.add_argument("--scenarios", type=Path, help="a directory of extra scenarios")

    check = sub.add_parser("check", help="load and check scenario files")
    check.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    check.add_argument("--format", choices=("text", "json"), default="text")

    test = sub.add_parser("test", help="run the scripted tests a scenario carries")
    test.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command is None:
            from simulator.console import home

            return home(lang="zh")
        handler = {"play": _play, "list": _list, "check": _check, "test": _test}[args.command]
        return handler(args)
    except HuikuanError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


def _play(args: argparse.Namespace) -> int:
    from simulator.catalog import resolve
    from simulator.engine import Engine
    from simulator.loader import load_scenario
    from simulator.session import Session

    loaded = load_scenario(resolve(args.scenario, args.scenarios))
    seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
    trainee = args.trainee or _login()
    log_dir = None if args.no_log else (args.log_dir or default_log_dir())
    engine = Engine(loaded)
    if args.moves is None and args.bot is None:
        from simulator.console import play_interactive

        return play_interactive(engine, seed, trainee, log_dir, args.lang)
    moves = _moves(args.moves, loaded.scenario.tactics) if args.moves is not None else None
    if moves is not None:
        # A dry run first, so a bad move list writes no log at all.
        _play_moves(Session.start(engine, seed, trainee, None), moves)
    session = Session.start(engine, seed, trainee, log_dir, args.lang)
    try:
        if moves is not None:
            _play_moves(session, moves)
        else:
            from simulator.bots import make_policy

            policy = make_policy(args.bot, seed)
            while not session.play.over:
                session.move(policy(engine, session.play))
    finally:
        if not session.play.over:
            session.close()
    from simulator.session import result

    outcome = result(session, session.log.path if session.log else None)
    if args.json:
        print(json.dumps(outcome, ensure_ascii=False, indent=2))
    else:
        from simulator.console import print_transcript

        print_transcript(session, args.lang)
    return EXIT_OK


def _moves(text: str, tactics: dict[str, Any]) -> list[str]:
    moves = [m.strip() for m in text.split(",") if m.strip()]
    unknown = [m for m in moves if m not in tactics]
    if unknown:
        import difflib

        close = difflib.get_close_matches(unknown[0], list(tactics), n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"tactics: {', '.join(tactics)}"
        raise HuikuanError(Problem("--moves", f"unknown tactic '{unknown[0]}'", hint=hint))
    return moves


def _play_moves(session: Any, moves: list[str]) -> None:
    for number, move in enumerate(moves, start=1):
        if session.play.over:
            session.close()
            raise HuikuanError(
                Problem("--moves", f"move {number} '{move}': the play already ended")
            )
        options = {o.id: o for o in session.engine.options(session.play)}
        if not options[move].available:
            reason = options[move].reason
            session.close()
            raise HuikuanError(
                Problem(
                    "--moves",
                    f"move {number} '{move}' is not available on day {session.play.day} "
                    f"in state '{session.play.state}'" + (f": {reason.en}" if reason else ""),
                )
            )
        session.move(move)
    if not session.play.over:
        session.close()


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "trainee"


def _list(args: argparse.Namespace) -> int:
    from simulator.catalog import catalog
    from simulator.labels import DEBTOR_LABELS

    entries, errors = catalog(args.scenarios)
    rows = [
        {
            "id": e.id,
            "debtor_type": e.loaded.scenario.meta.debtor_type.value,
            "difficulty": e.loaded.scenario.meta.difficulty,
            "minutes": e.loaded.scenario.meta.minutes,
            "title": e.loaded.scenario.meta.title.model_dump(),
            "version": e.loaded.scenario.meta.version,
            "path": str(e.path),
        }
        for e in entries
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        from simulator.console import pad

        for e, row in zip(entries, rows, strict=True):
            meta = e.loaded.scenario.meta
            kind = DEBTOR_LABELS[meta.debtor_type].zh
            print(
                f"{pad(e.id, 22)} {pad(kind, 12)} {'★' * meta.difficulty:<5} "
                f"{meta.minutes:>3} 分钟  {meta.title.zh} / {meta.title.en}"
            )
    for exc in errors:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
    return EXIT_FINDINGS if errors else EXIT_OK


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


if __name__ == "__main__":
    sys.exit(main())
