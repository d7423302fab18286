"""Days as the trainee sees them: never past the deadline, and the account keeps ageing."""

from __future__ import annotations

from pathlib import Path

from simulator.engine.engine import Engine
from simulator.engine.playthrough import shown_day
from simulator.engine.session import Session
from simulator.format.loader import load_scenario
from simulator.frontends.tui.debrief import by_day
from simulator.frontends.tui.view import dossier, status_line, transcript

MINIMAL = Path(__file__).parent / "data" / "good" / "minimal.yaml"
# Six asks, the reason, then a five-day lawsuit from day 7: the move ends on day 12 of 10.
PAST_THE_DEADLINE = ["ask"] * 6 + ["probe", "sue"]


def _session(moves: list[str]) -> Session:
    engine = Engine(load_scenario(MINIMAL))
    play = engine.replay(1, moves)
    return Session(engine, play, "t", None)


def test_the_logged_day_may_run_past_the_deadline() -> None:
    assert _session(PAST_THE_DEADLINE).play.day == 12


def test_a_day_past_the_deadline_is_shown_as_the_deadline() -> None:
    assert (shown_day(12, 10), shown_day(7, 10)) == (10, 7)


def test_the_status_line_never_shows_a_day_past_the_deadline() -> None:
    shown = status_line(_session(PAST_THE_DEADLINE), "zh").plain
    assert "第 10/10 天 期限已到" in shown and "12/10" not in shown


def test_the_transcript_dates_the_last_move_on_the_deadline() -> None:
    turns = transcript(_session(PAST_THE_DEADLINE), "en")
    assert turns[-1].plain.startswith("Day 10 · ")


def test_the_chart_ends_on_the_deadline() -> None:
    session = _session(PAST_THE_DEADLINE)
    recovered, _ = by_day(session.play, 60.0, 10)
    assert len(recovered) == 11


def test_the_dossier_ages_the_account_with_the_days_played() -> None:
    shown = dossier(_session(["ask", "ask"]), "zh").plain
    assert "47 天（接手时 45 天）" in shown


def test_the_dossier_shows_the_aging_alone_on_day_zero() -> None:
    shown = dossier(_session([]), "zh").plain
    assert "账龄：45 天\n" in shown
