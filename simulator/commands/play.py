"""`huikuan play` and `huikuan list`: playing scenarios, headless or interactive."""

from __future__ import annotations

import argparse
import getpass
import json
import secrets
import sys
from pathlib import Path
from typing import Any

from simulator.analysis.bots import BOTS
from simulator.engine.session_log import default_log_dir
from simulator.errors import HuikuanError, Problem
from simulator.text import Text
from simulator.trainee import display_name, name_problem

EXIT_OK, EXIT_FINDINGS = 0, 1


def register(sub: Any) -> None:
    play = sub.add_parser(
        "play", help="play a scenario (interactive, or headless with --moves/--bot)"
    )
    play.add_argument("scenario", metavar="SCENARIO", help="a scenario file or a bundled id")
    play.add_argument("--seed", type=int, help="the seed (default: a fresh random one)")
    play.add_argument(
        "--trainee",
        type=trainee_name,
        help="trainee name or ID (default: asked at the start, the last one offered; "
        "headless: your login)",
    )
    play.add_argument("--lang", choices=("zh", "en"), help="language (default zh)")
    play.add_argument("--log-dir", type=Path, help="where to write the session log")
    play.add_argument("--no-log", action="store_true", help="write no session log")
    play.add_argument("--scenarios", type=Path, help="a directory of extra scenarios")
    how = play.add_mutually_exclusive_group()
    how.add_argument("--moves", help="comma-separated tactic ids to play headless")
    how.add_argument("--bot", choices=BOTS, help="let a bot play headless")
    play.add_argument("--json", action="store_true", help="print the result as one JSON object")
    play.add_argument(
        "--plain", action="store_true", help="play line by line instead of the full-screen TUI"
    )
    play.add_argument(
        "--reveal", action="store_true", help="trainer view: show the hidden numbers while playing"
    )
    play.add_argument(
        "--regret",
        action="store_true",
        help="value each decision with the solver (regret and best tactic; headless only)",
    )
    play.set_defaults(func=_play)

    listing = sub.add_parser("list", help="list the bundled scenarios")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.add_argument("--scenarios", type=Path, help="a directory of extra scenarios")
    listing.set_defaults(func=_list)


def register_home(parser: argparse.ArgumentParser) -> None:
    """Options of `huikuan` with no command (the TUI home screen)."""
    home = parser.add_argument_group("home screen (huikuan with no command)")
    home.add_argument("--lang", dest="home_lang", choices=("zh", "en"), help="language")
    home.add_argument(
        "--trainee",
        dest="home_trainee",
        metavar="ID",
        type=trainee_name,
        help="trainee name or ID (default: asked at the start, the last one offered)",
    )
    home.add_argument(
        "--log-dir", dest="home_log_dir", metavar="DIR", type=Path, help="session log directory"
    )
    home.add_argument(
        "--scenarios", dest="home_scenarios", metavar="DIR", type=Path, help="extra scenarios"
    )
    home.add_argument("--plain", dest="home_plain", action="store_true", help="no full-screen TUI")
    home.add_argument(
        "--reveal", dest="home_reveal", action="store_true", help="trainer view: hidden numbers"
    )

    # What `huikuan serve` runs for each browser (textual-serve's pipes are not a terminal): the
    # name asked every time, nothing remembered on the shared machine.
    home.add_argument(
        "--workshop", dest="home_workshop", action="store_true", help=argparse.SUPPRESS
    )


def trainee_name(text: str) -> str:
    """argparse type: a trainee name as the log keeps it (simulator.trainee), or a clear no."""
    problem = name_problem(text)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return display_name(text)


def _tty() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def home(args: argparse.Namespace) -> int:
    """`huikuan`: the TUI home screen on a terminal, else the plain-terminal list."""
    if args.home_scenarios is not None and not args.home_scenarios.is_dir():
        raise HuikuanError(Problem(str(args.home_scenarios), "not a directory of scenarios"))
    log_dir = args.home_log_dir or default_log_dir()
    if args.home_plain or not (_tty() or args.home_workshop):
        from simulator.frontends.console import home as plain_home
        from simulator.frontends.settings import default_config_path

        return plain_home(
            args.home_lang,
            args.home_trainee,
            log_dir,
            args.home_scenarios,
            default_config_path(),
            reveal=args.home_reveal,
        )
    from simulator.frontends.tui.app import make_app

    app = make_app(
        trainee=args.home_trainee,
        lang=args.home_lang,
        log_dir=log_dir,
        scenarios=args.home_scenarios,
        reveal=args.home_reveal,
        workshop=args.home_workshop,
    )
    return app.run() or EXIT_OK


def _play(args: argparse.Namespace) -> int:
    from simulator.engine.engine import Engine, UnplayableMove
    from simulator.engine.session import Session
    from simulator.format.catalog import resolve
    from simulator.format.loader import load_scenario

    path = resolve(args.scenario, args.scenarios)
    loaded = load_scenario(path)
    log_dir = None if args.no_log else (args.log_dir or default_log_dir())
    if args.moves is None and args.bot is None and not args.plain and _tty():
        from simulator.frontends.tui.app import make_app

        app = make_app(
            loaded,
            seed=args.seed,
            trainee=args.trainee,
            lang=args.lang,
            log_dir=log_dir,
            scenarios=args.scenarios,
            reveal=args.reveal,
        )
        return app.run() or EXIT_OK
    engine = Engine(loaded)
    if args.moves is None and args.bot is None:
        from simulator.frontends.console import ask_trainee, play_interactive
        from simulator.frontends.settings import default_config_path, load_settings

        config = default_config_path()
        lang = args.lang or load_settings(config).lang or "zh"
        trainee = args.trainee or ask_trainee(config, lang)
        if trainee is None:
            return EXIT_OK
        return play_interactive(engine, args.seed, trainee, log_dir, lang, reveal=args.reveal)
    args.lang = args.lang or "zh"
    seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
    trainee = args.trainee or _login()
    moves = _moves(args.moves, loaded.scenario.tactics) if args.moves is not None else None
    if moves is not None:
        # A dry run first, so a bad move list writes no log at all.
        try:
            engine.replay(seed, moves)
        except UnplayableMove as exc:
            raise HuikuanError(Problem("--moves", str(exc))) from None
    session = Session.start(engine, seed, trainee, log_dir, args.lang, bot=args.bot)
    try:
        if moves is not None:
            _play_moves(session, moves)
        else:
            from simulator.analysis.policies import make_policy

            policy = make_policy(args.bot, seed)
            while not session.play.over:
                session.move(policy(engine, session.play))
    finally:
        if not session.play.over:
            session.close()
    from simulator.engine.session import result

    outcome = result(session, session.log.path if session.log else None)
    if args.regret:
        from simulator.analysis.solver import annotate_regret

        annotated = annotate_regret(engine, session.play)
        for entry, decision in zip(outcome["decisions"], annotated, strict=True):
            entry["regret"], entry["best_tactic"] = decision.regret, decision.best_tactic
    if args.json:
        print(json.dumps(outcome, ensure_ascii=False, indent=2))
    else:
        from simulator.frontends.console import print_transcript

        print_transcript(session, args.lang)
        if args.regret:
            _print_regret(outcome["decisions"], loaded.scenario.tactics, args.lang)
    return EXIT_OK


def _print_regret(decisions: list[dict[str, Any]], tactics: dict[str, Any], lang: str) -> None:
    from simulator.analysis.solver import worse  # under one point is a near tie: not "better"

    print()
    print(
        Text(zh="每一步的遗憾值（最佳期望得分 − 所选期望得分）：", en="Regret per decision:").get(
            lang
        )
    )
    for number, d in enumerate(decisions, start=1):
        if d["regret"] is None:
            continue
        name = tactics[d["tactic"]].name.get(lang)
        line = f"  {number:>2}. {name}: {d['regret']:.1f}"
        if worse(d["regret"]):
            best = tactics[d["best_tactic"]].name.get(lang)
            line += f"  ({Text(zh='更好', en='better').get(lang)}: {best})"
        print(line)


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
    # The dry run has shown that every move plays.
    for move in moves:
        session.move(move)


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "trainee"


def _list(args: argparse.Namespace) -> int:
    from simulator.format.catalog import catalog
    from simulator.format.labels import DEBTOR_LABELS

    entries, errors = catalog(args.scenarios)
    rows = [
        {
            "id": e.id,
            "debtor_type": e.loaded.scenario.meta.debtor_type.value,
            "stage": e.loaded.scenario.meta.stage.value,
            "topics": list(e.loaded.topics),
            "difficulty": e.loaded.scenario.meta.difficulty,
            "minutes": e.loaded.scenario.meta.minutes,
            "title": e.loaded.scenario.meta.title.as_dict(),
            "version": e.loaded.scenario.meta.version,
            "path": str(e.path),
        }
        for e in entries
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        from simulator.frontends.console import pad

        for e in entries:
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
