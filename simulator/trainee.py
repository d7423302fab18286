"""Trainee names: the one check every entry point makes, and the username an LMS matches on."""

from __future__ import annotations

import unicodedata

from simulator.errors import HuikuanError, Problem

# The grader refuses a log header whose trainee is longer (engine/session_log.header_problem).
MAX_NAME = 200


def name_problem(text: str) -> str:
    """Why `text` cannot be a trainee's name ('' when it can), in one line for the trainee."""
    name = display_name(text)
    if not name:
        return "the trainee's name is empty; type a name or staff ID"
    if len(name) > MAX_NAME:
        return f"the trainee's name is {len(name)} characters long; at most {MAX_NAME} fit"
    bad = next((c for c in name if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co")), None)
    if bad is not None:
        return f"the trainee's name holds a control character (U+{ord(bad):04X}); type it plainly"
    return ""


def display_name(text: str) -> str:
    """The name as the trainee typed it, trimmed, with each run of whitespace made one space.

    This is what the log, the screens and the export's name columns show.
    """
    return " ".join(text.split())


def check_name(text: str, where: str = "--trainee") -> str:
    """The display name of `text`, or a HuikuanError naming `where` and what is wrong."""
    problem = name_problem(text)
    if problem:
        raise HuikuanError(Problem(where, problem))
    return display_name(text)


def username(name: str) -> str:
    """The name as an LMS username column matches it (Moodle Username, Canvas SIS login/ID).

    NFKC first, so that a staff ID typed with a Chinese input method in full width ("１００８６",
    "ＺＨＡＮＧ") is the ASCII one the LMS holds; then trimmed, inner whitespace made one
    space. Case is kept: Moodle's import may map the column to a case-sensitive ID number.
    """
    return " ".join(unicodedata.normalize("NFKC", name).split())
