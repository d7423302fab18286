"""What a screen asks of the app, as Textual messages: no screen imports the app."""

from __future__ import annotations

from textual.message import Message

from simulator.engine.session import Session
from simulator.format.loader import LoadedScenario


class OpenScenario(Message):
    """Play `loaded` (offering to resume an unfinished play of it first)."""

    def __init__(self, loaded: LoadedScenario, seed: int | None = None) -> None:
        super().__init__()
        self.loaded = loaded
        self.seed = seed


class PlayAgain(Message):
    """A fresh play of the same scenario: the same seed, or a new one when `seed` is None."""

    def __init__(self, loaded: LoadedScenario, seed: int | None) -> None:
        super().__init__()
        self.loaded = loaded
        self.seed = seed


class ShowDebrief(Message):
    """The play is over: show its debrief."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session


class GoHome(Message):
    """Back to the home screen."""


class ChangeTrainee(Message):
    """Ask who is playing (the home screen's `t`)."""
