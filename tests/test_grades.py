"""A shown score never contradicts its grade, and "passed" means one thing everywhere."""

from __future__ import annotations

import re
from decimal import Decimal

from scoring.exports import feedback, passed
from scoring.report import histogram
from simulator.analysis.bots import autoplay, greedy_policy, random_policy
from simulator.engine.engine import Engine
from simulator.engine.score import grade_for
from simulator.format.catalog import bundled_paths
from simulator.format.loader import load_scenario
from simulator.format.model import DEFAULT_BANDS
from simulator.grades import GRADES, passes, shown_score

RANDOM_SEEDS = range(400)
GREEDY_SEEDS = range(40)


def _band(grade: str, bands: dict[str, float]) -> tuple[float, float]:
    """The [low, high) scores of `grade` under `bands`."""
    edges = [bands[g] for g in GRADES if g in bands]
    if grade == "F":
        return 0.0, min(edges)
    higher = [bands[g] for g in GRADES[: GRADES.index(grade)] if g in bands]
    return bands[grade], min(higher) if higher else 100.01


def test_a_score_just_under_a_band_edge_is_cut_not_rounded_up() -> None:
    assert shown_score(84.95, "B", DEFAULT_BANDS) == "84.9"


def test_a_score_on_a_band_edge_shows_the_edge() -> None:
    assert shown_score(85.0, "A", DEFAULT_BANDS) == "85.0"


def test_every_two_decimal_score_shows_inside_its_grade_band() -> None:
    wrong = []
    for hundredths in range(10001):
        score = hundredths / 100
        grade = grade_for(score, DEFAULT_BANDS)
        low, high = _band(grade, DEFAULT_BANDS)
        if not low <= float(shown_score(score, grade, DEFAULT_BANDS)) < high:
            wrong.append(score)
    assert wrong == []


def test_a_band_edge_finer_than_a_tenth_shows_the_stored_score() -> None:
    bands = {"A": 85.0, "B": 70.0, "C": 55.55}
    assert shown_score(55.56, "C", bands) == "55.56"


def test_scores_show_one_decimal_when_no_band_is_near() -> None:
    assert re.fullmatch(r"\d+\.\d", shown_score(72.46, "B", DEFAULT_BANDS))


def test_over_many_bot_plays_no_shown_score_sits_outside_its_grade_band() -> None:
    outside, near_an_edge = [], 0
    for path in bundled_paths():
        engine = Engine(load_scenario(path))
        bands = engine.bands
        for seed in RANDOM_SEEDS:
            policies = [random_policy(seed)] + (
                [greedy_policy(seed)] if seed in GREEDY_SEEDS else []
            )
            for policy in policies:
                play = engine.start(seed)
                autoplay(engine, play, policy)
                report = engine.report(play)
                if report.violations:
                    continue  # F by conduct whatever the number (and the number is 0)
                near_an_edge += any(0 < b - report.score < 0.05 for b in bands.values())
                shown = Decimal(shown_score(report.score, report.grade, bands))
                low, high = _band(report.grade, bands)
                if not Decimal(repr(low)) <= shown < Decimal(repr(high)):
                    outside.append((path.stem, seed, report.score, report.grade, str(shown)))
    # The plays reach the case this guards: a score within a rounding of the next band up.
    assert outside == [] and near_an_edge > 0


def test_d_is_not_a_pass_and_c_is() -> None:
    assert (passes("C"), passes("D"), passes("F"), passes(None)) == (True, False, False, False)


def test_an_export_row_passes_by_its_grade_not_its_stored_flag() -> None:
    # A gradebook filled when "passed" meant "not F" still says D is not a pass.
    assert passed({"grade": "D", "passed": 1}) is False


def _row(score: float, grade: str) -> dict[str, object]:
    return {
        "score": score,
        "grade": grade,
        "passed": 1,
        "recovery_rate": 0.5,
        "recovered": 1.0,
        "debt": 2.0,
        "relationship": 60.0,
        "relationship_damage": 0.0,
        "days": 10,
        "violations": [],
        "report": {},
    }


def test_moodle_feedback_shows_the_score_inside_its_band() -> None:
    assert feedback(_row(84.95, "B")).startswith("得分 84.9（B，通过）")


def test_moodle_feedback_calls_a_d_not_passed() -> None:
    assert "（D，未通过）" in feedback(_row(45.0, "D"))


def test_the_report_chart_colours_red_exactly_the_attempts_that_did_not_pass() -> None:
    # 55–60 holds a C (passed) and a D under a rubric with C at 58: one blue, one red.
    svg = histogram([57.0, 59.0], "t", [False, True])
    assert svg.count("未通过 1 次") == 1 and svg.count("：通过 1 次") == 1
