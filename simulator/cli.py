"""The `huikuan` command line: exit 0 ok, 1 findings, 2 bad input or usage."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from simulator.commands import grader, play, trainer, workshop
from simulator.errors import HuikuanError

EXIT_OK, EXIT_USAGE = 0, 2


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line and exit 2 (as the contract says)."""

    def error(self, message: str) -> Any:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="huikuan",
        description="回款 huikuan — role-play training for collecting overdue B2B receivables.",
    )
    parser.add_argument("--version", action="version", version="huikuan 0.1.0")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")
    for module in (play, trainer, grader, workshop):
        module.register(sub)
    play.register_home(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command is None:
            return play.home(args)
        result: int = args.func(args)
        return result
    except HuikuanError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
