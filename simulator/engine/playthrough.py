"""What one play is made of: the playthrough's changing state, its steps, and the tactic palette."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from simulator.engine.score import Payment
from simulator.format.expressions import Evaluator
from simulator.format.loader import CompiledOutcome
from simulator.format.model import OutcomeKind, Tactic
from simulator.text import Text

GAME_OVER = Text(zh="本局已结束", en="The game is over")
RELATIONSHIP_WORDS = (
    (80, Text(zh="融洽", en="warm")),
    (60, Text(zh="良好", en="good")),
    (40, Text(zh="一般", en="cool")),
    (20, Text(zh="紧张", en="strained")),
    (0, Text(zh="破裂", en="broken")),
)


def shown_day(day: int, deadline: int) -> int:
    """The day as the trainee sees it. A move that runs past the deadline (five days from day
    43 of 45) ends the play on the deadline: "day 48 of 45" is no day anyone lives. The play's
    own day count (scored and logged) stays as it is."""
    return min(day, deadline)


def relationship_word(value: float) -> Text:
    """The relationship in a word, so the trainee never sees the hidden number."""
    for floor, word in RELATIONSHIP_WORDS:
        if value >= floor:
            return word
    return RELATIONSHIP_WORDS[-1][1]


class TacticOption(NamedTuple):
    """A tactic as the palette shows it now: available or not, and why not."""

    id: str
    tactic: Tactic
    available: bool
    reason: Text | None = None


@dataclass(frozen=True)
class Effects:
    """What one outcome does, computed from the values before the step."""

    values: dict[str, float]
    pay: float
    secure: float
    relationship: float


@dataclass(frozen=True)
class Step:
    """One move and what it caused."""

    index: int
    tactic: str
    outcome: str
    state_from: str
    state_to: str
    day: int
    paid: float
    secured: float
    relationship: float
    relationship_change: float
    revealed: tuple[str, ...]
    violation: Text | None
    reply: Text
    note: Text

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "tactic": self.tactic,
            "outcome": self.outcome,
            "state_from": self.state_from,
            "state_to": self.state_to,
            "day": self.day,
            "paid": self.paid,
            "secured": self.secured,
            "relationship": self.relationship,
            "relationship_change": self.relationship_change,
            "revealed": list(self.revealed),
            "violation": self.violation.as_dict() if self.violation else None,
        }


class Situation(Protocol):
    """What the rules read and change: a Playthrough, or a detached node of the solver."""

    env: dict[str, Any]
    revealed: list[str]
    uses: Counter[str]
    payments: list[Payment]
    violations: list[Text]
    steps: list[Step]
    outcome: OutcomeKind | None
    relationship_start: float
    offers: dict[str, list[tuple[CompiledOutcome, float]]] | None
    palette: list[TacticOption] | None

    @property
    def evaluate(self) -> Evaluator: ...

    @property
    def state(self) -> str: ...

    @property
    def over(self) -> bool: ...

    @property
    def day(self) -> int: ...

    @property
    def secured(self) -> float: ...

    @property
    def relationship(self) -> float: ...


class Readings:
    """What any situation reads off its variables: shared by playthroughs and solver nodes."""

    __slots__ = ()
    env: dict[str, Any]
    outcome: OutcomeKind | None

    @property
    def over(self) -> bool:
        return self.outcome is not None

    @property
    def day(self) -> int:
        return int(self.env["day"])

    @property
    def recovered(self) -> float:
        return float(self.env["recovered"])

    @property
    def secured(self) -> float:
        return float(self.env["secured"])

    @property
    def relationship(self) -> float:
        return float(self.env["relationship"])


class MachineToken:
    """The object transitions moves between states; it points back to its playthrough."""

    state: str
    trigger: Any  # bound by the Machine in add_model

    def __init__(self, playthrough: Playthrough) -> None:
        self.playthrough: Playthrough | None = playthrough


@dataclass(eq=False)
class Playthrough(Readings):
    """The whole changing state of one play; the engine alone changes it."""

    seed: int
    cause: str | None
    env: dict[str, Any]
    rng: random.Random
    text_rng: random.Random
    relationship_start: float
    line: Text
    token: MachineToken | None = None
    revealed: list[str] = field(default_factory=list)
    uses: Counter[str] = field(default_factory=Counter)
    payments: list[Payment] = field(default_factory=list)
    violations: list[Text] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    outcome: OutcomeKind | None = None
    final_state: str = ""
    pending: CompiledOutcome | None = None
    # The drawn outcome's note, chosen before the move changes anything (its `note_if`).
    pending_note: Text | None = None
    # What the tactics offer now; computed once per step, dropped when the step is taken.
    offers: dict[str, list[tuple[CompiledOutcome, float]]] | None = None
    palette: list[TacticOption] | None = None
    evaluate: Evaluator = field(init=False)
    # The debtor's first line, before any move (the transcript starts with it).
    opening: Text = field(init=False)

    def __post_init__(self) -> None:
        self.opening = self.line
        self.evaluate = Evaluator(self.env, self.revealed.__contains__, self.uses.__getitem__)

    @property
    def state(self) -> str:
        return self.token.state if self.token is not None else self.final_state
