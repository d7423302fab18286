"""Bots that play a scenario headless: random, greedy and spammers (optimal is the solver's)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace

from simulator.engine.engine import Engine, promised_after
from simulator.engine.playthrough import Playthrough
from simulator.engine.score import Payment, PlayRecord, total

Policy = Callable[[Engine, Playthrough], str]
BOTS = ("random", "greedy", "optimal")
SPAM = "spam:"


def random_policy(seed: int) -> Policy:
    """Uniform among available tactics, from its own stream so the engine's draws stay intact."""
    rng = random.Random(f"huikuan-bot:{seed}")

    def choose(engine: Engine, play: Playthrough) -> str:
        options = engine.available(play)
        return options[int(rng.random() * len(options))]

    return choose


def expected_after(
    engine: Engine, play: Playthrough, tactic_id: str, base: PlayRecord | None = None
) -> float:
    """The expected score if `tactic_id` were played now and the play ended after it."""
    found = engine.candidates(play, tactic_id)
    weight_sum = sum(w for _, w in found)
    tactic = engine.scenario.tactics[tactic_id]
    base = base if base is not None else engine.record(play)
    expected = 0.0
    for compiled, weight in found:
        effects = engine.effects(play, compiled)
        relationship = min(100.0, max(0.0, play.relationship + effects.relationship))
        day = play.day + tactic.days
        payments = base.payments
        if effects.pay > 0:
            payments = (*payments, Payment(day, effects.pay))
        remaining = max(0.0, base.debt - play.recovered - effects.pay)
        violated = compiled.outcome.violation is not None or tactic.violation is not None
        after = replace(
            base,
            relationship_end=relationship,
            days=day,
            payments=payments,
            secured=promised_after(play.secured, effects, remaining),
            violations=(*base.violations, "x") if violated else base.violations,
            decisions=(),
        )
        expected += weight / weight_sum * total(after)
    return expected


def greedy_policy(seed: int) -> Policy:
    """The tactic with the best one-step expected score; ties go to palette order."""

    def choose(engine: Engine, play: Playthrough) -> str:
        options = engine.available(play)
        base = engine.record(play)
        return max(options, key=lambda t: expected_after(engine, play, t, base))

    return choose


def spammer_policy(tactic_id: str, seed: int) -> Policy:
    """Always `tactic_id` when it is available, else uniform among the available tactics."""
    fallback = random_policy(seed)

    def choose(engine: Engine, play: Playthrough) -> str:
        if tactic_id in engine.available(play):
            return tactic_id
        return fallback(engine, play)

    return choose


def autoplay(engine: Engine, play: Playthrough, policy: Policy, max_steps: int = 1000) -> None:
    """Play until the end (or `max_steps`, a guard against scenarios whose days never pass)."""
    steps = 0
    while not play.over and steps < max_steps:
        engine.play(play, policy(engine, play))
        steps += 1
    if not play.over:
        engine.close(play)
