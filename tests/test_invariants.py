"""Hypothesis: random available tactics never break the engine's invariants."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from simulator.engine.engine import Engine
from simulator.format.catalog import bundled_paths
from simulator.format.loader import load_scenario

SCENARIOS = [Path(__file__).parent / "data" / "good" / "minimal.yaml", *bundled_paths()]
ENGINES = {path.name: Engine(load_scenario(path)) for path in SCENARIOS}


class PlayMachine(RuleBasedStateMachine):
    """Fires available tactics at random and checks the invariants after every step."""

    engine: Engine

    @initialize(name=st.sampled_from(sorted(ENGINES)), seed=st.integers(0, 2**31 - 1))
    def begin(self, name: str, seed: int) -> None:
        self.engine = ENGINES[name]
        self.play = self.engine.start(seed)

    @precondition(lambda self: not self.play.over)
    @rule(data=st.data())
    def move(self, data: st.DataObject) -> None:
        available = self.engine.available(self.play)
        assert available, "a play that is not over offers at least one tactic"
        before = self.play.day
        self.engine.play(self.play, data.draw(st.sampled_from(available)))
        assert self.play.day >= before

    @precondition(lambda self: self.play.over)
    @rule(seed=st.integers(0, 2**31 - 1))
    def play_again(self, seed: int) -> None:
        self.play = self.engine.start(seed)

    @invariant()
    def state_is_declared(self) -> None:
        assert self.play.state in self.engine.scenario.states

    @invariant()
    def variables_within_ranges(self) -> None:
        for name, spec in self.engine.scenario.variables.items():
            assert spec.min <= self.play.env[name] <= spec.max

    @invariant()
    def money_and_score_bounded(self) -> None:
        report = self.engine.report(self.play)
        assert 0 <= report.recovered <= report.debt
        assert 0 <= report.score <= 100
        assert 0 <= report.relationship <= 100
        assert report.secured <= report.debt - report.recovered + 0.01

    @invariant()
    def over_means_an_outcome(self) -> None:
        if self.play.over:
            assert self.play.outcome is not None

    def teardown(self) -> None:
        self.engine.close(self.play)


PlayMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
test_play_invariants = PlayMachine.TestCase


@pytest.mark.parametrize("name", sorted(ENGINES))
def test_engines_build(name: str) -> None:
    assert all(token.playthrough is None for token in ENGINES[name].machine.models)
