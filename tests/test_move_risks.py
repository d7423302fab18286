"""Confirmations decided per situation: an ending that what the screen shows already rules out
asks nothing, and nothing hidden ever changes whether a move asks."""

from __future__ import annotations

from pathlib import Path

from simulator.engine.engine import Engine
from simulator.format.loader import load_scenario
from simulator.format.palette import Risk

MINIMAL = Path(__file__).parent / "data" / "good" / "minimal.yaml"
# `ask` in the opening ends the play once the deadline nears: on day 3, when cash is short.
LATE_ASK = """      ask:
        - when: "day >= 3 and cash < 40000"
          to: partial
          pay: "cash"
          note: {zh: 拖到最后，只收回一部分。, en: Left late; only part came in.}
        - when: "day < 3 or cash >= 40000"
          change: {trust: -5}
          note: {zh: 还没到时候。, en: Not yet.}
"""


def engine(tmp_path: Path) -> Engine:
    text = MINIMAL.read_text(encoding="utf-8")
    anchor = "          note: {zh: 先了解原因再行动。, en: Find the cause before acting.}\n"
    path = tmp_path / "late.yaml"
    path.write_text(text.replace(anchor, anchor + LATE_ASK, 1), encoding="utf-8")
    return Engine(load_scenario(path))


def seed_of(game: Engine, cause: str) -> int:
    return next(s for s in range(100) if game.start(s).cause == cause)


def test_an_ending_the_day_rules_out_asks_nothing(tmp_path: Path) -> None:
    game = engine(tmp_path)
    with game.playing(seed_of(game, "cash_crunch")) as play:
        assert not game.risk(play, "ask")


def test_the_same_ending_asks_once_its_day_has_come(tmp_path: Path) -> None:
    game = engine(tmp_path)
    with game.playing(seed_of(game, "cash_crunch")) as play:
        game.advance(play, ["ask", "ask", "ask"])
        assert play.day == 3 and play.state == "opening"
        assert game.risk(play, "ask") == Risk(ends=True)


def test_a_hidden_value_never_decides_whether_a_move_asks(tmp_path: Path) -> None:
    # With cash to spare the late ask cannot end the play, but the trainee cannot see the cash:
    # the question is the same for both causes.
    game = engine(tmp_path)
    asked = []
    for cause in ("slow_sales", "cash_crunch"):
        with game.playing(seed_of(game, cause)) as play:
            game.advance(play, ["ask", "ask", "ask"])
            asked.append(game.risk(play, "ask"))
    assert asked == [Risk(ends=True), Risk(ends=True)]


def test_an_ending_on_hidden_values_alone_always_asks(tmp_path: Path) -> None:
    game = Engine(load_scenario(MINIMAL))
    for seed in range(6):
        with game.playing(seed) as play:
            game.advance(play, ["probe"])
            assert game.risk(play, "ask") == Risk(ends=True)


def test_irreversible_and_misconduct_still_ask_whatever_the_day(tmp_path: Path) -> None:
    game = engine(tmp_path)
    with game.playing(1) as play:
        assert game.risk(play, "threaten") == Risk(ends=True, violation=True)
        game.advance(play, ["probe"])
        assert game.risk(play, "sue").irreversible


def test_bundled_cases_open_without_a_confirmation_on_every_move() -> None:
    # The first screen of the credit case asked on all but one move when the check was static.
    credit = Path(__file__).parent.parent / "scenarios" / "credit-new-customer.yaml"
    game = Engine(load_scenario(credit))
    with game.playing(1) as play:
        open_moves = [o.id for o in game.options(play) if o.available]
        assert "ask_owner" in open_moves and not game.risk(play, "ask_owner")
