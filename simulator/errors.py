"""User-facing errors: one line each, naming file:line:column where there is one."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# C0 and C1 controls, DEL, and the bidirectional overrides: a file name or a YAML key holding
# ESC or CR must not move the cursor, recolour or rewrite the terminal it is printed on.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` with every control character shown as an escape (\\x1b, \\r, \\u202e)."""

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        return repr(char)[1:-1] if ord(char) < 0x100 else f"\\u{ord(char):04x}"

    return _UNSAFE.sub(escape, unicodedata.normalize("NFC", text))


@dataclass(frozen=True)
class Problem:
    """One problem found in a user's file, printable as a single line."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None
    key_path: str = ""
    hint: str = ""

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: error: "
        if self.key_path:
            text += f"{self.key_path}: "
        text += self.message
        if self.hint:
            text += f" (hint: {self.hint})"
        return printable(" ".join(text.split("\n")))


class HuikuanError(Exception):
    """A mistake in the user's input (a file, a flag); the CLI prints it and exits 2."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems = problems if isinstance(problems, list) else [problems]
        super().__init__("\n".join(str(p) for p in self.problems))


class ScenarioError(HuikuanError):
    """A scenario file that cannot be loaded or run."""


class LogError(HuikuanError):
    """A session log that cannot be read or does not match its scenario."""
