"""`huikuan serve` (the game in each trainee's browser) and `huikuan board` (the trainer's view)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from simulator.errors import HuikuanError, Problem

EXIT_OK = 0
DEFAULT_LOG_DIR = Path("workshop-logs")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= 10_000:
        raise argparse.ArgumentTypeError(f"must be between 1 and 10000: {value}")
    return value


def _port(text: str) -> int:
    value = int(text) if text.isdigit() and len(text) <= 5 else -1
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"not a port (1-65535): {text!r}")
    return value


def register(sub: Any) -> None:
    serve = sub.add_parser(
        "serve", help="run a workshop: the game in every trainee's browser, a board for you"
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1, this machine only; 0.0.0.0: the whole LAN)",
    )
    serve.add_argument("--port", type=_port, default=8000, help="port (default 8000)")
    serve.add_argument("--code", help="the workshop code (default: a fresh 6-letter one)")
    serve.add_argument(
        "--log-dir",
        type=Path,
        default=DEFAULT_LOG_DIR,
        help=f"where every play's log is written (default ./{DEFAULT_LOG_DIR})",
    )
    serve.add_argument("--scenarios", type=Path, help="a directory of extra scenarios")
    serve.add_argument(
        "--max-sessions", type=_positive, default=40, help="browsers at once (default 40)"
    )
    serve.add_argument("--lang", choices=("zh", "en"), default="zh", help="language (default zh)")
    serve.set_defaults(func=_serve)

    board = sub.add_parser("board", help="the workshop's live board in this terminal")
    board.add_argument("--log-dir", type=Path, default=DEFAULT_LOG_DIR, help="the serve log dir")
    board.add_argument("--scenarios", type=Path, help="a directory of extra scenarios")
    board.add_argument("--lang", choices=("zh", "en"), default="zh", help="language (default zh)")
    board.add_argument(
        "--once", action="store_true", help="print the board once as text (also without a terminal)"
    )
    board.set_defaults(func=_board)


def _check_dirs(args: argparse.Namespace) -> None:
    if args.scenarios is not None and not args.scenarios.is_dir():
        raise HuikuanError(Problem(str(args.scenarios), "not a directory of scenarios"))


def _serve(args: argparse.Namespace) -> int:
    from simulator.frontends.web.gate import make_code, normal
    from simulator.frontends.web.server import Workshop, WorkshopServer

    _check_dirs(args)
    code = make_code() if args.code is None else args.code
    if not (1 <= len(normal(code)) <= 64 and normal(code).isprintable()):
        raise HuikuanError(Problem("--code", "a code is 1 to 64 printable characters"))
    try:
        args.log_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise HuikuanError(Problem(str(args.log_dir), f"cannot create: {exc.strerror}")) from None
    workshop = Workshop(
        code=code,
        log_dir=args.log_dir,
        scenarios=args.scenarios,
        max_sessions=args.max_sessions,
        lang=args.lang,
        host=args.host,
        port=args.port,
    )
    server = WorkshopServer(workshop)
    try:
        asyncio.run(server.run_until_stopped(lambda: _banner(workshop)))
    except OSError as exc:
        where = f"{args.host}:{args.port}"
        raise HuikuanError(Problem(where, f"cannot listen: {exc.strerror or exc}")) from None
    return EXIT_OK


def _banner(workshop: Any) -> None:
    from simulator.frontends.web.addresses import ALL_INTERFACES, is_loopback, qr_text, urls

    code, port = workshop.code, workshop.port
    game = urls(workshop.host, port, "/", f"?code={code}")
    board = urls(workshop.host, port, "/board", f"?code={code}")
    lines = [
        "huikuan workshop 回款训练",
        f"  workshop code 训练码: {code}",
        "  trainees open 学员打开:",
    ]
    lines += [f"    {url}" for url in game]
    lines += [f"  board 看板: {board[0]}", f"  logs 日志: {workshop.log_dir.resolve()}"]
    lines.append(f"  places 名额: {workshop.max_sessions}")
    if workshop.host in ALL_INTERFACES:
        lines.append(
            f"  listening on ALL interfaces ({workshop.host or '*'}:{port}): anyone on this "
            "network with the code can play"
        )
    elif is_loopback(workshop.host):
        lines.append("  this machine only; to let the room in: --host 0.0.0.0 (all interfaces)")
    print("\n".join(lines), flush=True)
    if not is_loopback(workshop.host):
        qr = qr_text(game[0])
        if qr is not None:
            print(qr, flush=True)
    print(
        f"  grade afterwards 课后评分: huikuan grade {workshop.log_dir} --db grades.db", flush=True
    )
    print("  Ctrl+C stops the workshop.", flush=True)


def _board(args: argparse.Namespace) -> int:
    from simulator.frontends.board import Board

    _check_dirs(args)
    if not args.log_dir.is_dir():
        raise HuikuanError(Problem(str(args.log_dir), "no such log directory"))
    board = Board(args.log_dir, args.scenarios)
    if args.once or not (sys.stdin.isatty() and sys.stdout.isatty()):
        from simulator.frontends.console.board import print_board

        print_board(board.figures(), args.lang)
        return EXIT_OK
    from simulator.frontends.tui.board import BoardApp

    return BoardApp(board, args.lang).run() or EXIT_OK
