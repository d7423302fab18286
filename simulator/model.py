"""Typed, immutable models of a scenario: the one definition of the YAML format."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    GetJsonSchemaHandler,
    StrictFloat,
    StrictInt,
    Tag,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

Ident = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
# Strict, so `true` is not read as 1; `.nan` and `.inf` are refused by the model config.
Number = StrictInt | StrictFloat
# An expression is kept as its source text here; the loader compiles every one once.
ExprText = Annotated[str, Field(min_length=1, max_length=500)]
NumberOrExpr = Number | ExprText


class Frozen(BaseModel):
    """Base for every model: immutable, and unknown keys are errors."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", populate_by_name=True, allow_inf_nan=False
    )


class Text(Frozen):
    """A text in Chinese and English; a plain string in YAML stands for both."""

    zh: str = ""
    en: str = ""

    @model_validator(mode="before")
    @classmethod
    def _from_plain(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"zh": value, "en": value}
        return value

    @model_validator(mode="after")
    def _not_empty(self) -> Text:
        if not (self.zh or self.en):
            raise ValueError("text needs zh or en")
        return self

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        # Editors must accept the plain-string shorthand as well as {zh, en}.
        mapping = handler(core_schema)
        return {"anyOf": [{"type": "string", "minLength": 1}, mapping]}

    def get(self, lang: str) -> str:
        """The text in `lang`, falling back to the other language."""
        if lang == "en":
            return self.en or self.zh
        return self.zh or self.en


class DebtorType(StrEnum):
    ENGINEERING_PROJECT = "engineering_project"
    DEALER = "dealer"
    SUPERMARKET = "supermarket"
    MALICIOUS_DELAY = "malicious_delay"


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


class Meta(Frozen):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$", max_length=64)]
    version: Annotated[str, Field(min_length=1, max_length=32)]
    title: Text

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        # `version: 1.0` reads as a number in YAML; trainers mean the text "1.0".
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return value

    debtor_type: DebtorType
    difficulty: Annotated[int, Field(ge=1, le=5)]
    topics: tuple[Annotated[str, Field(pattern=r"^S-[A-Z0-9-]+$")], ...] = ()
    minutes: Annotated[int, Field(ge=1, le=240)] = 15
    summary: Text | None = None


class Contact(Frozen):
    name: Text
    role: Text
    note: Text | None = None


class Dossier(Frozen):
    company: Text
    contacts: tuple[Contact, ...] = ()
    amount_owed: Annotated[int, Field(gt=0, le=10**12)]
    currency: str = "CNY"
    aging_days: Annotated[int, Field(ge=0)]
    terms: Text
    credit_rating: Text
    history: Text
    notes: tuple[Text, ...] = ()


class Choice(Frozen):
    """An initial value drawn per seed from a list, optionally weighted."""

    choices: tuple[Number, ...] = Field(min_length=1)
    weights: tuple[Annotated[float, Field(ge=0)], ...] | None = None

    @model_validator(mode="after")
    def _weights_match(self) -> Choice:
        if self.weights is not None and len(self.weights) != len(self.choices):
            raise ValueError("weights must have one entry per choice")
        if self.weights is not None and sum(self.weights) <= 0:
            raise ValueError("weights must not all be zero")
        return self


class Range(Frozen):
    """An initial value drawn per seed uniformly from [low, high]."""

    range: tuple[Number, Number]

    @field_validator("range")
    @classmethod
    def _ordered(cls, value: tuple[Number, Number]) -> tuple[Number, Number]:
        if value[0] > value[1]:
            raise ValueError("range must be [low, high] with low <= high")
        return value


def _initial_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "range" if "range" in value and "choices" not in value else "choices"
    return "number"


# Tagged by shape, so a mistake inside {choices: …} is reported as such, not as a Range error.
Initial = Annotated[
    Annotated[Number, Tag("number")]
    | Annotated[Choice, Tag("choices")]
    | Annotated[Range, Tag("range")],
    Discriminator(_initial_kind),
]


class Variable(Frozen):
    min: Number
    max: Number
    initial: Initial
    label: Text | None = None

    @model_validator(mode="after")
    def _bounds(self) -> Variable:
        if self.min > self.max:
            raise ValueError("min must not exceed max")
        values: tuple[Number, ...]
        if isinstance(self.initial, Choice):
            values = self.initial.choices
        elif isinstance(self.initial, Range):
            values = self.initial.range
        else:
            values = (self.initial,)
        if any(not self.min <= v <= self.max for v in values):
            raise ValueError(f"initial value must lie within [{self.min}, {self.max}]")
        return self


class Cause(Frozen):
    """One possible hidden reason for not paying; one is drawn per seed."""

    label: Text
    weight: Annotated[float, Field(gt=0)] = 1.0
    set: dict[Ident, Number] = {}


class Mood(Frozen):
    """A visible cue shown while its condition holds (mood words, never numbers)."""

    when: ExprText
    text: Text


class Tactic(Frozen):
    name: Text
    says: Text
    hint: Text | None = None
    category: Category
    days: Annotated[int, Field(ge=0, le=365)] = 1
    when: ExprText | None = None
    unavailable: Text | None = None
    max_uses: Annotated[int, Field(ge=1)] | None = None
    irreversible: bool = False
    violation: Text | None = None


class Outcome(Frozen):
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
    reply: Text | tuple[Text, ...] | None = None
    note: Text


Reactions = dict[Ident, tuple[Outcome, ...]]


class State(Frozen):
    lines: tuple[Text, ...] = Field(min_length=1)
    cues: tuple[Text, ...] = ()
    outcome: OutcomeKind | None = None
    on: Reactions = {}

    @property
    def terminal(self) -> bool:
        return self.outcome is not None


class Weights(Frozen):
    recovery: Annotated[float, Field(ge=0)]
    present_value: Annotated[float, Field(ge=0)]
    relationship: Annotated[float, Field(ge=0)]
    speed: Annotated[float, Field(ge=0)]

    @model_validator(mode="after")
    def _positive(self) -> Weights:
        if self.recovery + self.present_value + self.relationship + self.speed <= 0:
            raise ValueError("at least one weight must be positive")
        return self


Grade = Literal["A", "B", "C", "D"]


class Rubric(Frozen):
    weights: Weights | None = None
    bands: dict[Grade, Annotated[float, Field(ge=0, le=100)]] | None = None
    secured_credit: Annotated[float, Field(ge=0, le=1)] = 0.5


class Expectation(Frozen):
    outcome: OutcomeKind | None = None
    final_state: Ident | None = None
    score: tuple[Number, Number] | None = None
    grade: Literal["A", "B", "C", "D", "F"] | None = None
    revealed: tuple[Ident, ...] = ()
    violations: Annotated[int, Field(ge=0)] | None = None
    min_recovered: Number | None = None


class ScriptedTest(Frozen):
    name: str
    seed: int = 0
    moves: tuple[Ident, ...]
    expect: Expectation


class Scenario(Frozen):
    """A whole debtor case as the trainer wrote it."""

    format: Literal[1] = 1
    meta: Meta
    dossier: Dossier
    deadline_days: Annotated[int, Field(ge=1, le=3650)]
    capital_cost_rate: Annotated[float, Field(ge=0, le=1)] = 0.06
    relationship: Annotated[int, Field(ge=0, le=100)] = 60
    causes: dict[Ident, Cause] = {}
    variables: dict[Ident, Variable] = {}
    facts: dict[Ident, Text] = {}
    moods: tuple[Mood, ...] = ()
    tactics: dict[Ident, Tactic] = Field(min_length=1)
    start: Ident
    states: dict[Ident, State] = Field(min_length=1)
    anywhere: Reactions = {}
    rubric: Rubric = Rubric()
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


DEFAULT_BANDS: dict[str, float] = {"A": 85, "B": 70, "C": 55, "D": 40}

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
}
