"""The bundled library as a course: every syllabus leaf taught twice, every case up to the bar."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from library import PATHS, loaded, solved

from simulator.analysis.analyze import analyze
from simulator.analysis.bots import autoplay
from simulator.analysis.policies import make_policy
from simulator.authoring.lint import lint
from simulator.format.model import DebtorType, Stage
from simulator.format.syllabus import COVERAGE


def test_at_least_ten_cases_over_every_type_and_stage() -> None:
    metas = [loaded(p).scenario.meta for p in PATHS]
    assert len(metas) >= 10
    assert {m.debtor_type for m in metas} == set(DebtorType)
    assert {m.stage for m in metas} == set(Stage)


def test_every_syllabus_leaf_is_trained_by_two_cases() -> None:
    trained = Counter(code for p in PATHS for code in loaded(p).topics)
    thin = {code: trained[code] for code in COVERAGE if trained[code] < 2}
    assert thin == {}


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_check_is_clean_without_warnings(path: Path) -> None:
    assert [str(f) for f in lint(loaded(path))] == []


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_every_note_names_its_source(path: Path) -> None:
    sc = loaded(path).scenario
    outcomes = [*sc.anywhere.values(), *(os for s in sc.states.values() for os in s.on.values())]
    unsourced = [o.note.zh[:30] for os in outcomes for o in os if o.source is None]
    assert unsourced == []


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_par_is_at_least_80_and_finding_the_cause_is_worth_something(path: Path) -> None:
    _, _, solution = solved(path)
    assert solution.par is not None and solution.par >= 80
    assert solution.par <= solution.ceiling


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_best_play_differs_between_seeds(path: Path) -> None:
    # Trainees must not be able to pass one answer around: over seeds 1-30 the optimal bot
    # (the par's policy) scores at least six different values.
    engine, solver, _ = solved(path)
    scores = set()
    for seed in range(1, 31):
        with engine.playing(seed) as play:
            autoplay(engine, play, make_policy("optimal", seed, solver))
        scores.add(engine.report(play).score)
    assert len(scores) >= 6, sorted(scores)


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_analysis_raises_no_flag_and_random_play_fails(path: Path) -> None:
    engine, _, _ = solved(path)
    result = analyze(engine, runs=200, spam_runs=60)
    assert result["flags"] == []
    assert result["bots"]["random"]["score"]["mean"] <= 40
