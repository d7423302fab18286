"""From a finished playthrough to a ScoreReport: the arithmetic of the course's KPIs."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from simulator.format.model import DEFAULT_BANDS
from simulator.grades import GRADES


@dataclass(frozen=True)
class Payment:
    day: int
    amount: float


@dataclass(frozen=True)
class ScoreWeights:
    recovery: float
    present_value: float
    relationship: float
    speed: float


@dataclass(frozen=True)
class Decision:
    """One move of the trainee as the debrief shows it."""

    index: int
    tactic: str
    tactic_name: dict[str, str]
    state_from: str
    state_to: str
    day: int
    paid: float
    secured: float
    relationship_change: float
    revealed: tuple[str, ...]
    violation: dict[str, str] | None
    note: dict[str, str]
    # Where in the course the note's lesson comes from (出处), as the trainer cited it.
    source: dict[str, str] | None = None
    # Filled in by the solver (analysis.solver.annotate_regret) when the debrief asks for it:
    # the best expected score at this point minus the chosen tactic's, and the best tactic.
    regret: float | None = None
    best_tactic: str | None = None


@dataclass(frozen=True)
class PlayRecord:
    """Everything the scorer needs to know about one playthrough, and nothing more."""

    debt: float
    deadline_days: int
    capital_cost_rate: float
    relationship_start: float
    relationship_end: float
    days: int
    payments: tuple[Payment, ...]
    secured: float
    violations: tuple[str, ...]
    weights: ScoreWeights
    bands: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_BANDS))
    secured_credit: float = 0.5
    outcome: str = ""
    final_state: str = ""
    decisions: tuple[Decision, ...] = ()


@dataclass(frozen=True)
class ScoreReport:
    debt: float
    recovered: float
    secured: float
    recovery_rate: float
    present_value: float
    relationship: float
    relationship_damage: float
    days: int
    violations: tuple[str, ...]
    components: dict[str, float]
    score: float
    grade: str
    passed: bool
    outcome: str
    final_state: str
    decisions: tuple[Decision, ...]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def present_value(payments: tuple[Payment, ...], annual_rate: float) -> float:
    """What the payments were worth on day 0: money later is worth less (资金占用成本)."""
    return float(sum(p.amount / (1 + annual_rate) ** (p.day / 365) for p in payments))


def components(record: PlayRecord) -> dict[str, float]:
    """Each part of the score in 0..1."""
    recovered = sum(p.amount for p in record.payments)
    counted = recovered + record.secured_credit * record.secured
    recovery = min(1.0, counted / record.debt)
    pv = min(1.0, present_value(record.payments, record.capital_cost_rate) / record.debt)
    elapsed = min(1.0, record.days / record.deadline_days)
    return {
        "recovery": recovery,
        "present_value": pv,
        "relationship": max(0.0, min(1.0, record.relationship_end / 100)),
        # Being quick only counts for the money it brought in.
        "speed": recovery * (1 - elapsed),
    }


def weighted_total(parts: dict[str, float], weights: ScoreWeights) -> float:
    pairs = [
        (parts["recovery"], weights.recovery),
        (parts["present_value"], weights.present_value),
        (parts["relationship"], weights.relationship),
        (parts["speed"], weights.speed),
    ]
    total_weight = sum(w for _, w in pairs)
    return 100 * sum(v * w for v, w in pairs) / total_weight


def total(record: PlayRecord) -> float:
    """The 0–100 score alone (what a bot compares); any violation makes it 0."""
    if record.violations:
        return 0.0
    return weighted_total(components(record), record.weights)


def grade_for(value: float, bands: dict[str, float]) -> str:
    for grade in GRADES:
        if grade in bands and value >= bands[grade]:
            return grade
    return "F"


def score(record: PlayRecord) -> ScoreReport:
    """Score a finished playthrough; a conduct violation fails it whatever came back."""
    parts = components(record)
    raw = weighted_total(parts, record.weights)
    failed = bool(record.violations)
    value = 0.0 if failed else round(raw, 2)
    grade = "F" if failed else grade_for(value, record.bands)
    recovered = sum(p.amount for p in record.payments)
    return ScoreReport(
        debt=record.debt,
        recovered=round(recovered, 2),
        secured=round(record.secured, 2),
        recovery_rate=round(recovered / record.debt, 4),
        present_value=round(present_value(record.payments, record.capital_cost_rate), 2),
        relationship=record.relationship_end,
        relationship_damage=max(0.0, record.relationship_start - record.relationship_end),
        days=record.days,
        violations=record.violations,
        components={k: round(v, 4) for k, v in parts.items()},
        score=value,
        grade=grade,
        # Logged as "graded at all" (not F) since the first logs, and compared on replay, so it
        # stays; whether the attempt passed the course is simulator.grades.passes(grade).
        passed=grade != "F",
        outcome=record.outcome,
        final_state=record.final_state,
        decisions=record.decisions,
    )
