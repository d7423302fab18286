"""Every bundled scenario: loads, meets the content bar, plays to the end, teaches its lesson."""

from __future__ import annotations

from pathlib import Path
from statistics import mean
from typing import Any

import msgspec
import pytest
from library import solved

from simulator.analysis.bots import autoplay
from simulator.analysis.policies import make_policy
from simulator.analysis.solver import Solver
from simulator.authoring.scripted import run_tests
from simulator.engine.engine import Engine
from simulator.format.catalog import bundled_paths
from simulator.format.loader import LoadedScenario, load_scenario
from simulator.format.model import DebtorType
from simulator.text import Reply, Text

PATHS = bundled_paths()
IDS = [p.stem for p in PATHS]
SEEDS = range(200)


@pytest.fixture(scope="module", params=PATHS, ids=IDS)
def loaded(request: pytest.FixtureRequest) -> LoadedScenario:
    return load_scenario(request.param)


def _texts(value: Any, path: str = "") -> list[tuple[str, Text]]:
    if isinstance(value, Text):
        return [(path, value)]
    if isinstance(value, Reply):
        return [(f"{path}[{i}]" if value.drawn else path, t) for i, t in enumerate(value.texts)]
    if isinstance(value, msgspec.Struct):
        return [
            t for k in value.__struct_fields__ for t in _texts(getattr(value, k), f"{path}.{k}")
        ]
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in _texts(v, f"{path}.{k}")]
    if isinstance(value, tuple | list):
        return [t for i, v in enumerate(value) for t in _texts(v, f"{path}[{i}]")]
    return []


def _scores(engine: Engine, bot: str, solver: Solver | None = None) -> list[float]:
    scores = []
    for seed in SEEDS:
        play = engine.start(seed)
        autoplay(engine, play, make_policy(bot, seed, solver))
        assert play.over, f"seed {seed}: {bot} bot did not finish"
        scores.append(engine.report(play).score)
    return scores


def test_original_four_debtor_types_bundled() -> None:
    types = {load_scenario(p).scenario.meta.debtor_type for p in PATHS}
    assert types >= set(DebtorType) - {DebtorType.FACTORY}


def test_content_bar(loaded: LoadedScenario) -> None:
    sc = loaded.scenario
    kinds = {s.outcome for s in sc.states.values() if s.outcome is not None}
    assert len(sc.states) >= 12
    assert len(sc.tactics) >= 10
    assert len(kinds) >= 3
    assert len(sc.causes) >= 2
    assert any(t.violation is not None for t in sc.tactics.values())


def test_every_text_in_both_languages(loaded: LoadedScenario) -> None:
    missing = [
        path
        for path, text in _texts(loaded.scenario)
        if not text.zh or not text.en or (text.zh == text.en and len(text.zh) > 3)
    ]
    assert missing == []


def test_scripted_tests_pass(loaded: LoadedScenario) -> None:
    results = run_tests(loaded)
    assert results, "a bundled scenario ships scripted tests"
    assert [r.failures for r in results if not r.passed] == []


def test_course_line_beats_trap_line(loaded: LoadedScenario) -> None:
    engine = Engine(loaded)
    courses: dict[int, float] = {}
    traps: list[tuple[str, int, float]] = []
    for test in loaded.scenario.tests:
        score = engine.report(engine.replay(test.seed, test.moves, lenient=True)).score
        if test.name.startswith("course"):
            courses[test.seed] = max(score, courses.get(test.seed, score))
        elif test.name.startswith("trap"):
            traps.append((test.name, test.seed, score))
    assert courses and traps, "tests named 'course…' and 'trap…' pin the lesson"
    for name, seed, trap in traps:
        # The best course line for the same draw, or the worst course line of any draw.
        best = courses.get(seed, min(courses.values()))
        assert best >= trap + 15, f"{name} (seed {seed}): course {best} vs trap {trap}"


def test_bots_finish_and_greedy_beats_random(loaded: LoadedScenario) -> None:
    engine = Engine(loaded)
    greedy, rand = _scores(engine, "greedy"), _scores(engine, "random")
    assert mean(greedy) > mean(rand)
    assert len(set(rand)) > 5, "results depend on the seed"


def test_bots_deterministic(loaded: LoadedScenario) -> None:
    first = [s for s in _scores(Engine(loaded), "random")[:20]]
    assert first == _scores(Engine(loaded), "random")[:20]


def test_bundled_file_declares_schema(loaded: LoadedScenario) -> None:
    first = Path(loaded.path).read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../docs/scenario.schema.json"


def test_solver_solves_and_optimal_bot_beats_greedy(loaded: LoadedScenario) -> None:
    engine, solver, solution = solved(Path(loaded.path))
    assert solution.par is not None, "the par over the trainee's belief is computed"
    optimal, greedy = mean(_scores(engine, "optimal", solver)), mean(_scores(engine, "greedy"))
    # Sample means over the same 200 seeds; the par is the optimal bot's exact expectation.
    assert optimal >= greedy - 1.0
    assert solution.par >= greedy - 2.0
