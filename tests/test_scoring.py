"""Scorer arithmetic: recovery rate, present value, components, grades, violations."""

from __future__ import annotations

import pytest

from simulator.engine.score import (
    Payment,
    PlayRecord,
    ScoreWeights,
    grade_for,
    present_value,
    score,
)

EVEN = ScoreWeights(recovery=0.25, present_value=0.25, relationship=0.25, speed=0.25)


def record(**changes: object) -> PlayRecord:
    base: dict[str, object] = {
        "debt": 100000.0,
        "deadline_days": 30,
        "capital_cost_rate": 0.06,
        "relationship_start": 60.0,
        "relationship_end": 50.0,
        "days": 15,
        "payments": (Payment(0, 50000.0),),
        "secured": 0.0,
        "violations": (),
        "weights": EVEN,
    }
    base.update(changes)
    return PlayRecord(**base)  # type: ignore[arg-type]


def test_recovery_rate_is_received_over_owed() -> None:
    assert score(record()).recovery_rate == 0.5


def test_present_value_discounts_later_payments() -> None:
    value = present_value((Payment(365, 106000.0),), 0.06)
    assert value == pytest.approx(100000.0)


def test_payment_on_day_zero_keeps_full_value() -> None:
    assert score(record()).present_value == 50000.0


def test_components_and_total() -> None:
    report = score(record())
    assert report.components == {
        "recovery": 0.5,
        "present_value": 0.5,
        "relationship": 0.5,
        "speed": 0.25,
    }
    assert report.score == pytest.approx(43.75)
    assert report.grade == "D"


def test_secured_counts_at_secured_credit() -> None:
    report = score(record(payments=(), secured=50000.0, secured_credit=0.5))
    assert report.components["recovery"] == 0.25 and report.recovered == 0


def test_recovery_component_capped_at_one() -> None:
    report = score(record(payments=(Payment(0, 100000.0),), secured=100000.0))
    assert report.components["recovery"] == 1.0


def test_relationship_damage_is_drop_from_start() -> None:
    assert score(record()).relationship_damage == 10
    assert score(record(relationship_end=80.0)).relationship_damage == 0


def test_violation_fails_whatever_recovered() -> None:
    report = score(record(payments=(Payment(0, 100000.0),), violations=("threat",)))
    assert report.score == 0 and report.grade == "F" and not report.passed
    assert report.recovered == 100000


@pytest.mark.parametrize(
    ("value", "grade"), [(85, "A"), (84.99, "B"), (70, "B"), (55, "C"), (40, "D"), (39.9, "F")]
)
def test_default_grade_bands(value: float, grade: str) -> None:
    assert grade_for(value, {"A": 85, "B": 70, "C": 55, "D": 40}) == grade


def test_weights_shift_the_total() -> None:
    money_only = ScoreWeights(recovery=1, present_value=0, relationship=0, speed=0)
    assert score(record(weights=money_only)).score == 50.0


def test_nothing_recovered_means_no_speed_credit() -> None:
    report = score(record(payments=(), days=1))
    assert report.components["speed"] == 0
