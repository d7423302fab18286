"""Scripted playthroughs a scenario carries: seed, moves, and what must come of them."""

from __future__ import annotations

from dataclasses import dataclass

from simulator.engine.engine import Engine, UnplayableMove
from simulator.format.loader import LoadedScenario
from simulator.format.model import ScriptedTest


@dataclass(frozen=True)
class TestResult:
    name: str
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.failures


def run_test(engine: Engine, test: ScriptedTest) -> TestResult:
    failures: list[str] = []
    try:
        play = engine.replay(test.seed, test.moves)
    except UnplayableMove as exc:
        failures.append(str(exc))
        play = exc.play
    report = engine.report(play)
    expect = test.expect
    if expect.outcome is not None and str(play.outcome) != expect.outcome.value:
        failures.append(f"outcome {play.outcome or 'unfinished'}, expected {expect.outcome.value}")
    if expect.final_state is not None and play.state != expect.final_state:
        failures.append(f"final state {play.state}, expected {expect.final_state}")
    if expect.score is not None:
        low, high = expect.score
        if not low <= report.score <= high:
            failures.append(f"score {report.score}, expected {low}–{high}")
    if expect.grade is not None and report.grade != expect.grade:
        failures.append(f"grade {report.grade}, expected {expect.grade}")
    missing = [f for f in expect.revealed if f not in play.revealed]
    if missing:
        failures.append(f"facts not revealed: {', '.join(missing)}")
    if expect.violations is not None and len(report.violations) != expect.violations:
        failures.append(f"{len(report.violations)} violations, expected {expect.violations}")
    if expect.min_recovered is not None and report.recovered < expect.min_recovered:
        failures.append(f"recovered {report.recovered}, expected at least {expect.min_recovered}")
    return TestResult(test.name, tuple(failures))


def run_tests(loaded: LoadedScenario) -> list[TestResult]:
    engine = Engine(loaded)
    return [run_test(engine, test) for test in loaded.scenario.tests]
