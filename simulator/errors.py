"""User-facing errors: one line each, naming file:line:column where there is one."""

from __future__ import annotations

from dataclasses import dataclass


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
        return " ".join(text.split("\n"))


class HuikuanError(Exception):
    """A mistake in the user's input (a file, a flag); the CLI prints it and exits 2."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems = problems if isinstance(problems, list) else [problems]
        super().__init__("\n".join(str(p) for p in self.problems))


class ScenarioError(HuikuanError):
    """A scenario file that cannot be loaded or run."""


class LogError(HuikuanError):
    """A session log that cannot be read or does not match its scenario."""
