"""The subcommands of `huikuan`, one module per kind of user."""

from __future__ import annotations

import argparse


def positive(text: str) -> int:
    """argparse type: a whole number of at least 1 (runs, jobs, budgets, batch sizes)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not at least 1")
    return value
