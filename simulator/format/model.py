"""Typed, immutable models of a scenario: the one definition of the YAML format."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

import msgspec

from simulator.text import Reply, Text, decode_hook


def _rule(**constraints: Any) -> msgspec.Meta:
    return msgspec.Meta(**constraints)


Ident = Annotated[str, _rule(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
# msgspec converts strictly, so `true` is not read as 1; the loader refuses `.nan` and `.inf`.
Number = int | float
# A coverage code from the syllabus; the loader checks it against simulator.format.syllabus.
Topic = Annotated[str, _rule(pattern=r"^S-[A-Z0-9-]+$", max_length=32)]
Topics = tuple[Topic, ...]
# An expression is kept as its source text here; the loader compiles every one once.
ExprText = Annotated[str, _rule(min_length=1, max_length=500)]
NumberOrExpr = int | float | ExprText
# Weights are relative; a bound keeps their sums and products finite (1e308 would overflow).
NonNegative = Annotated[float, _rule(ge=0, le=1e6)]


class Frozen(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Base for every model: immutable, and unknown keys are errors."""


class DebtorType(StrEnum):
    ENGINEERING_PROJECT = "engineering_project"
    DEALER = "dealer"
    SUPERMARKET = "supermarket"
    MALICIOUS_DELAY = "malicious_delay"
    FACTORY = "factory"


class Stage(StrEnum):
    """Where in the life of an account the case sits (S-CREDIT before, during, after)."""

    BEFORE_SALE = "before_sale"  # a new customer: investigate, rate, set limit and terms
    OVERDUE = "overdue"  # one account past due: find the cause, then collect
    PORTFOLIO = "portfolio"  # many accounts at once: aging, triage, the 回款率 target
    DRILL = "drill"  # a five-minute exercise on one skill (excuses, communication)


class OutcomeKind(StrEnum):
    FULL_RECOVERY = "full_recovery"
    INSTALLMENT_AGREEMENT = "installment_agreement"
    PARTIAL_RECOVERY = "partial_recovery"
    LEGAL_ROUTE = "legal_route"
    RELATIONSHIP_BROKEN = "relationship_broken"
    WRITTEN_OFF = "written_off"
    DEADLINE_PASSED = "deadline_passed"


class Category(StrEnum):
    ASK = "ask"  # 催收: ask for the money
    PROBE = "probe"  # 了解: find out why
    RELATE = "relate"  # 沟通: relationship, face, empathy
    HELP = "help"  # 协助: help them get paid or sell
    NEGOTIATE = "negotiate"  # 谈判: terms, discounts, installments
    LEVERAGE = "leverage"  # 施压: stop supply, escalate
    LEGAL = "legal"  # 法律: lawyer's letter, lawsuit
    MISCONDUCT = "misconduct"  # 违规: never allowed (S-CONDUCT)


class Meta(Frozen, frozen=True, kw_only=True):
    # The YAML reader keeps `version` as written, so `1.10` stays "1.10".
    id: Annotated[str, _rule(pattern=r"^[a-z][a-z0-9_-]*$", max_length=64)]
    version: Annotated[str, _rule(min_length=1, max_length=32)]
    title: Text
    debtor_type: DebtorType
    difficulty: Annotated[int, _rule(ge=1, le=5)]
    stage: Stage = Stage.OVERDUE
    minutes: Annotated[int, _rule(ge=1, le=240)] = 15
    summary: Text | None = None


class Contact(Frozen, frozen=True, kw_only=True):
    name: Text
    role: Text
    note: Text | None = None


class Dossier(Frozen, frozen=True, kw_only=True):
    company: Text
    contacts: tuple[Contact, ...] = ()
    amount_owed: Annotated[int, _rule(gt=0, le=10**12)]
    currency: str = "CNY"
    aging_days: Annotated[int, _rule(ge=0)]
    terms: Text
    credit_rating: Text
    history: Text
    notes: tuple[Text, ...] = ()


class Draw(Frozen, frozen=True, kw_only=True):
    """An initial value drawn per seed: from `choices` (optionally weighted) or from `range`."""

    choices: Annotated[tuple[Number, ...], _rule(min_length=1)] | None = None
    weights: tuple[NonNegative, ...] | None = None
    range: tuple[Number, Number] | None = None

    def __post_init__(self) -> None:
        if (self.choices is None) == (self.range is None):
            raise ValueError("give either `choices` or `range`, not both or neither")
        if self.range is not None and self.range[0] > self.range[1]:
            raise ValueError("range must be [low, high] with low <= high")
        if self.weights is not None:
            if self.choices is None:
                raise ValueError("weights go with choices, not with range")
            if len(self.weights) != len(self.choices):
                raise ValueError("weights must have one entry per choice")
            if sum(self.weights) <= 0:
                raise ValueError("weights must not all be zero")

    @property
    def values(self) -> tuple[Number, ...]:
        """The choices, or the two ends of the range."""
        return self.choices if self.choices is not None else self.range or ()


class Variable(Frozen, frozen=True, kw_only=True):
    min: Number
    max: Number
    initial: Number | Draw
    label: Text | None = None

    def __post_init__(self) -> None:
        if self.min > self.max:
            raise ValueError("min must not exceed max")
        values = self.initial.values if isinstance(self.initial, Draw) else (self.initial,)
        if any(not self.min <= v <= self.max for v in values):
            raise ValueError(f"initial value must lie within [{self.min}, {self.max}]")


class Cause(Frozen, frozen=True, kw_only=True):
    """One possible hidden reason for not paying; one is drawn per seed."""

    label: Text
    weight: Annotated[float, _rule(gt=0, le=1e6)] = 1.0
    set: dict[Ident, Number] = {}
    topics: Topics = ()


class Mood(Frozen, frozen=True, kw_only=True):
    """A visible cue shown while its condition holds (mood words, never numbers)."""

    when: ExprText
    text: Text


class Tactic(Frozen, frozen=True, kw_only=True):
    name: Text
    says: Text
    hint: Text | None = None
    category: Category
    days: Annotated[int, _rule(ge=0, le=365)] = 1
    when: ExprText | None = None
    unavailable: Text | None = None
    # Why the tactic is greyed out, per condition of `when` (a part of its top-level `and`,
    # written as in `when`): the engine shows the reason of the first condition that fails.
    reasons: dict[ExprText, Text] = {}
    max_uses: Annotated[int, _rule(ge=1)] | None = None
    irreversible: bool = False
    violation: Text | None = None
    topics: Topics = ()


class NoteIf(Frozen, frozen=True, kw_only=True):
    """A teaching note for when the trainee had already done something (learned the cause)."""

    when: ExprText
    note: Text
    source: Text | None = None


class Outcome(Frozen, frozen=True, kw_only=True):
    """One guarded, weighted alternative of what a tactic causes."""

    when: ExprText | None = None
    weight: NumberOrExpr = 1
    to: Ident | None = None
    change: dict[Ident, NumberOrExpr] = {}
    set: dict[Ident, NumberOrExpr] = {}
    pay: NumberOrExpr = 0
    secure: NumberOrExpr = 0
    relationship: NumberOrExpr = 0
    reveal: tuple[Ident, ...] = ()
    violation: Text | None = None
    reply: Reply | None = None
    note: Text
    # Where in the course the note's lesson comes from (出处), e.g. "seed 002 §三.1".
    source: Text | None = None
    # Notes that replace `note` when their `when` held before the move (the first that holds),
    # so a note never tells the trainee to do what they have already done.
    note_if: tuple[NoteIf, ...] = ()
    topics: Topics = ()


Reactions = dict[Ident, tuple[Outcome, ...]]


class State(Frozen, frozen=True, kw_only=True):
    # What the trainer calls the situation (the report and the debrief show it, not the id).
    name: Text | None = None
    lines: Annotated[tuple[Text, ...], _rule(min_length=1)]
    cues: tuple[Text, ...] = ()
    outcome: OutcomeKind | None = None
    on: Reactions = {}

    @property
    def terminal(self) -> bool:
        return self.outcome is not None


class Weights(Frozen, frozen=True, kw_only=True):
    recovery: NonNegative
    present_value: NonNegative
    relationship: NonNegative
    speed: NonNegative

    def __post_init__(self) -> None:
        if self.recovery + self.present_value + self.relationship + self.speed <= 0:
            raise ValueError("at least one weight must be positive")


Grade = Literal["A", "B", "C", "D"]


class Rubric(Frozen, frozen=True, kw_only=True):
    weights: Weights | None = None
    bands: dict[Grade, Annotated[float, _rule(ge=0, le=100)]] | None = None
    secured_credit: Annotated[float, _rule(ge=0, le=1)] = 0.5

    @property
    def grade_bands(self) -> dict[str, float]:
        """The lowest score of each grade: the rubric's own bands, or the default ones."""
        return {k: float(v) for k, v in (self.bands or DEFAULT_BANDS).items()}


class Expectation(Frozen, frozen=True, kw_only=True):
    outcome: OutcomeKind | None = None
    final_state: Ident | None = None
    score: tuple[Number, Number] | None = None
    grade: Literal["A", "B", "C", "D", "F"] | None = None
    revealed: tuple[Ident, ...] = ()
    violations: Annotated[int, _rule(ge=0)] | None = None
    min_recovered: Number | None = None


class ScriptedTest(Frozen, frozen=True, kw_only=True):
    name: str
    seed: int = 0
    moves: tuple[Ident, ...]
    expect: Expectation


class Scenario(Frozen, frozen=True, kw_only=True):
    """A whole debtor case as the trainer wrote it."""

    format: Literal[1] = 1
    meta: Meta
    dossier: Dossier
    deadline_days: Annotated[int, _rule(ge=1, le=3650)]
    capital_cost_rate: Annotated[float, _rule(ge=0, le=1)] = 0.06
    relationship: Annotated[int, _rule(ge=0, le=100)] = 60
    causes: dict[Ident, Cause] = {}
    variables: dict[Ident, Variable] = {}
    facts: dict[Ident, Text] = {}
    moods: tuple[Mood, ...] = ()
    tactics: Annotated[dict[Ident, Tactic], _rule(min_length=1)]
    start: Ident
    states: Annotated[dict[Ident, State], _rule(min_length=1)]
    anywhere: Reactions = {}
    rubric: Rubric = msgspec.field(default_factory=Rubric)
    tests: tuple[ScriptedTest, ...] = ()

    @property
    def debt(self) -> int:
        return self.dossier.amount_owed

    def reactions(self, state_id: str, tactic_id: str) -> tuple[tuple[Outcome, ...], ...]:
        """The outcome lists that may answer `tactic_id` in `state_id`, most specific first."""
        found = []
        own = self.states[state_id].on.get(tactic_id)
        if own:
            found.append(own)
        general = self.anywhere.get(tactic_id)
        if general:
            found.append(general)
        return tuple(found)


def build_scenario(raw: Any) -> Scenario:
    """Validate plain YAML data into a Scenario (raises msgspec.ValidationError)."""
    return msgspec.convert(raw, Scenario, dec_hook=decode_hook)


# The one definition of the grade bands (a rubric may replace them); the scorer reads these.
DEFAULT_BANDS: dict[str, float] = {"A": 85.0, "B": 70.0, "C": 55.0, "D": 40.0}

# Relationship matters less against a debtor who stalls on purpose (S-KPI); it matters most
# where the customer is a channel you keep selling through.
DEFAULT_WEIGHTS: dict[DebtorType, Weights] = {
    DebtorType.ENGINEERING_PROJECT: Weights(
        recovery=0.45, present_value=0.2, relationship=0.2, speed=0.15
    ),
    DebtorType.DEALER: Weights(recovery=0.4, present_value=0.2, relationship=0.3, speed=0.1),
    DebtorType.SUPERMARKET: Weights(recovery=0.4, present_value=0.2, relationship=0.3, speed=0.1),
    DebtorType.MALICIOUS_DELAY: Weights(
        recovery=0.5, present_value=0.25, relationship=0.05, speed=0.2
    ),
    # Industrial goods between manufacturers: a harder negotiation, but a lasting account.
    DebtorType.FACTORY: Weights(recovery=0.45, present_value=0.2, relationship=0.25, speed=0.1),
}
