"""What a grade means and how a score is shown beside it: one rule for every screen and export."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_FLOOR, Decimal

from simulator.text import Text

# Grades from best to worst; F is any score under the lowest band, or any conduct violation.
GRADES = ("A", "B", "C", "D")
# The course's pass mark: C or better. D is recorded (some money came back) but is not a pass;
# the TUI, the exports, xAPI and the report's chart all ask `passes`, never the grade letters.
PASS_GRADES = frozenset({"A", "B", "C"})
PASS_RULE = Text(zh="等级 C 或以上为通过", en="grade C or better passes")


def passes(grade: str | None) -> bool:
    """Whether an attempt with this grade passed (None: not finished, so not passed)."""
    return grade in PASS_GRADES


def shown_score(
    score: float, grade: str | None = None, bands: Mapping[str, float] | None = None
) -> str:
    """The score as text, one decimal, never above what was scored.

    Scores are stored with two decimals and graded on those; rounding 84.95 to "85.0" beside a
    B would contradict the grade (A starts at 85). So the score is cut, not rounded: "84.9".
    A band edge finer than a tenth (a rubric's `C: 55.55`) could put the cut value under its
    own grade's band; then the stored value is shown whole, as the grade was computed from it.
    """
    exact = Decimal(repr(float(score)))
    cut = exact.quantize(Decimal("0.1"), rounding=ROUND_FLOOR)
    if bands and grade is not None and grade in bands and cut < Decimal(repr(bands[grade])):
        return f"{exact.quantize(Decimal('0.01'), rounding=ROUND_FLOOR)}"
    return f"{cut}"
