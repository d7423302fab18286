"""A note that fits what the trainee had already done (`note_if`), read before the move."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.engine.engine import Engine
from simulator.errors import ScenarioError
from simulator.format.loader import load_text

MINIMAL = Path(__file__).parent / "data" / "good" / "minimal.yaml"
PLAIN = (
    "      note: {zh: 不了解原因就催，效果有限。, en: Asking without knowing why achieves little.}"
)
PLAIN += "\n"
LATER = """      note_if:
        - when: "day >= 2"
          note: {zh: 已经催了两天了, en: Two days of asking already}
"""


def _engine(extra: str = LATER) -> Engine:
    text = MINIMAL.read_text(encoding="utf-8")
    assert text.count(PLAIN) == 1
    return Engine(load_text(text.replace(PLAIN, PLAIN + extra), "m.yaml"))


def test_the_note_changes_once_its_condition_held_before_the_move() -> None:
    play = _engine().replay(1, ["ask", "ask", "ask"])
    notes = [s.note.en for s in play.steps]
    # Day 0 and day 1 before the move: the plain note; day 2 before the third ask: the other.
    assert notes == [
        "Asking without knowing why achieves little.",
        "Asking without knowing why achieves little.",
        "Two days of asking already",
    ]


def test_the_debrief_decision_carries_the_note_that_was_shown() -> None:
    engine = _engine()
    decisions = engine.record(engine.replay(1, ["ask", "ask", "ask"])).decisions
    assert decisions[-1].note["en"] == "Two days of asking already"


def test_a_note_if_condition_naming_an_unknown_fact_fails_to_load() -> None:
    with pytest.raises(ScenarioError) as caught:
        _engine(LATER.replace("day >= 2", "known('nosuch')"))
    assert "undeclared fact" in caught.value.problems[0].message
