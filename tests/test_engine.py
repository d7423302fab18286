"""Engine behaviour on the small test scenario: availability, determinism, endings."""

from __future__ import annotations

import pytest

from simulator.analysis.bots import autoplay
from simulator.analysis.policies import make_policy
from simulator.engine.engine import Engine
from simulator.engine.playthrough import relationship_word
from simulator.format.model import OutcomeKind


def _history(engine: Engine, seed: int, bot: str) -> list[dict[str, object]]:
    play = engine.start(seed)
    autoplay(engine, play, make_policy(bot, seed))
    return [s.to_dict() for s in play.steps] + [engine.report(play).to_dict()]


@pytest.mark.parametrize("bot", ["random", "greedy"])
def test_same_seed_same_playthrough(engine: Engine, bot: str) -> None:
    assert _history(engine, 7, bot) == _history(engine, 7, bot)


def test_fresh_engine_reproduces_playthrough(minimal, engine: Engine) -> None:
    assert _history(engine, 11, "random") == _history(Engine(minimal), 11, "random")


def test_seeds_draw_different_causes(engine: Engine) -> None:
    causes = {engine.start(seed).cause for seed in range(40)}
    assert causes == {"slow_sales", "cash_crunch"}


def test_cause_sets_variables(engine: Engine) -> None:
    for seed in range(20):
        play = engine.start(seed)
        assert play.env["cash"] == (40000 if play.cause == "slow_sales" else 10000)
        engine.close(play)


def test_range_initial_within_bounds(engine: Engine) -> None:
    values = {engine.start(seed).env["trust"] for seed in range(200)}
    assert min(values) >= 40 and max(values) <= 60 and len(values) > 5


def test_unavailable_tactic_gives_reason(engine: Engine) -> None:
    play = engine.start(1)
    sue = next(o for o in engine.options(play) if o.id == "sue")
    assert not sue.available and sue.reason is not None
    assert sue.reason.en == "Needs “Ask why” first"  # the move that reveals the fact it needs


def test_playing_unavailable_tactic_refused(engine: Engine) -> None:
    play = engine.start(1)
    with pytest.raises(ValueError, match="not available"):
        engine.play(play, "sue")
    assert play.steps == [] and play.day == 0


def test_max_uses_makes_tactic_unavailable(engine: Engine) -> None:
    play = engine.start(1)
    engine.play(play, "probe")
    probe = next(o for o in engine.options(play) if o.id == "probe")
    assert not probe.available and probe.reason is not None and probe.reason.en == "Already used"


def test_reveal_adds_fact_once(engine: Engine) -> None:
    play = engine.start(1)
    step = engine.play(play, "probe")
    assert step.revealed == ("reason",) and play.revealed == ["reason"]
    assert [f.en for f in engine.facts(play)] == ["The customer explained why"]


def test_day_advances_by_tactic_cost(engine: Engine) -> None:
    play = engine.start(1)
    engine.play(play, "probe")
    assert play.day == 1
    engine.play(play, "sue")
    assert play.day == 6


def test_terminal_state_ends_play(engine: Engine) -> None:
    play = engine.start(1)
    engine.play(play, "probe")
    engine.play(play, "sue")
    assert play.over and play.outcome == OutcomeKind.LEGAL_ROUTE and play.state == "court"


def test_secured_amount_recorded(engine: Engine) -> None:
    play = engine.start(1)
    engine.play(play, "probe")
    engine.play(play, "sue")
    assert play.secured == 50000


def test_deadline_ends_play(engine: Engine) -> None:
    play = engine.start(1)
    while not play.over:
        engine.play(play, "ask")
    assert play.outcome == OutcomeKind.DEADLINE_PASSED and play.day == 10


def test_violation_recorded_and_fails(engine: Engine) -> None:
    play = engine.start(1)
    step = engine.play(play, "threaten")
    report = engine.report(play)
    assert step.violation is not None
    assert report.grade == "F" and report.score == 0 and not report.passed


def test_full_payment_ends_with_full_recovery(engine: Engine) -> None:
    seed = next(s for s in range(50) if engine.start(s).cause == "slow_sales")
    play = engine.start(seed)
    engine.play(play, "probe")
    engine.play(play, "ask")
    assert play.outcome == OutcomeKind.FULL_RECOVERY and play.recovered == 100000


def test_finished_playthroughs_are_not_held_by_the_machine(engine: Engine) -> None:
    for seed in range(30):
        autoplay(engine, engine.start(seed), make_policy("random", seed))
    assert all(token.playthrough is None for token in engine.machine.models)


def test_machine_tokens_are_reused_between_playthroughs(engine: Engine) -> None:
    for seed in range(30):
        autoplay(engine, engine.start(seed), make_policy("random", seed))
    assert len(engine.machine.models) == 1


def test_reused_token_starts_at_the_start_state(engine: Engine) -> None:
    first = engine.start(1)
    engine.play(first, engine.available(first)[0])
    engine.close(first)
    again = engine.start(1)
    assert again.state == engine.scenario.start


def test_machine_has_no_auto_transitions(engine: Engine) -> None:
    assert not any(name.startswith("to_") for name in engine.machine.events)


def test_cues_show_words_not_numbers(engine: Engine) -> None:
    play = engine.start(1)
    words = [c.zh for c in engine.cues(play)]
    assert words and not any(ch.isdigit() for w in words for ch in w)


@pytest.mark.parametrize(
    ("value", "word"),
    [(100, "warm"), (60, "good"), (59.9, "cool"), (20, "strained"), (0, "broken")],
)
def test_relationship_word(value: float, word: str) -> None:
    assert relationship_word(value).en == word


def test_greedy_beats_random_on_minimal(engine: Engine) -> None:
    def mean(bot: str) -> float:
        scores = []
        for seed in range(100):
            play = engine.start(seed)
            autoplay(engine, play, make_policy(bot, seed))
            scores.append(engine.report(play).score)
        return sum(scores) / len(scores)

    assert mean("greedy") > mean("random")
