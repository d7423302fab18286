"""Solver and analysis: par and ceiling, the optimal bot, regret, refusal, analyze's report."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import pytest

from simulator.analysis.analyze import analyze
from simulator.analysis.bots import autoplay
from simulator.analysis.policies import make_policy
from simulator.analysis.solver import Solution, Solver, annotate_regret, solver_for
from simulator.cli import main
from simulator.engine.engine import Engine

MINIMAL = Path(__file__).parent / "data" / "good" / "minimal.yaml"


@pytest.fixture(scope="module")
def solved(minimal) -> tuple[Engine, Solver, Solution]:
    engine = Engine(minimal)
    solver = Solver(engine)
    return engine, solver, solver.solve()


def _mean(engine: Engine, bot: str, seeds: range, solver: Solver | None = None) -> float:
    scores = []
    for seed in seeds:
        play = engine.start(seed)
        autoplay(engine, play, make_policy(bot, seed, solver))
        scores.append(engine.report(play).score)
        engine.close(play)
    return statistics.fmean(scores)


def test_par_never_exceeds_ceiling(solved) -> None:
    _, _, solution = solved
    assert solution.par is not None
    assert 0 <= solution.par <= solution.ceiling + 1e-9 <= 100 + 1e-9


def test_best_line_is_playable(solved) -> None:
    engine, _, solution = solved
    play = engine.start(0)
    for tactic in solution.best_line[:1]:
        assert tactic in engine.available(play)


def test_optimal_bot_matches_par_on_average(solved) -> None:
    engine, solver, solution = solved
    assert solution.par is not None
    mean = _mean(engine, "optimal", range(3000), solver)
    # The par is the exact expectation of this policy; 3,000 plays land within a few points.
    assert abs(mean - solution.par) < 3.0


def test_optimal_bot_beats_or_equals_greedy(solved) -> None:
    engine, solver, _ = solved
    seeds = range(400)
    assert _mean(engine, "optimal", seeds, solver) >= _mean(engine, "greedy", seeds) - 0.5


def test_regret_of_a_violation_is_positive(solved) -> None:
    engine, solver, _ = solved
    play = engine.start(1)
    engine.play(play, "threaten")
    decision = annotate_regret(engine, play, solver)[0]
    assert decision.regret is not None and decision.regret > 0
    assert decision.best_tactic not in (None, "threaten")


def test_regret_of_the_best_line_is_zero(solved) -> None:
    engine, solver, _ = solved
    play = engine.start(2)
    autoplay(engine, play, make_policy("optimal", 2, solver))
    assert all(d.regret == 0 for d in annotate_regret(engine, play, solver))


def test_solver_for_returns_a_solved_solver(minimal) -> None:
    solver = solver_for(Engine(minimal))
    assert len(solver.graph) > 0


def test_solve_json_has_par_line_and_size(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", str(MINIMAL), "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert {"expected_score", "best_line", "states_explored", "par", "ceiling"} <= set(found)


def test_solve_over_budget_refuses_with_estimate(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", str(MINIMAL), "--budget", "10"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "too large" in err[0] and "alone give ~" in err[0]


def test_analyze_reports_bots_and_coverage(minimal) -> None:
    result = analyze(Engine(minimal), runs=60)
    for bot in ("random", "greedy", "optimal"):
        assert {"mean", "p10", "p50", "p90"} <= set(result["bots"][bot]["score"])
    assert result["coverage"]["states_visited"] <= result["coverage"]["states_total"]
    assert result["bots"]["greedy"]["score"]["mean"] > result["bots"]["random"]["score"]["mean"]


def test_analyze_flags_a_too_hard_scenario(minimal) -> None:
    result = analyze(Engine(minimal), runs=30)
    assert "too_hard" in {f["code"] for f in result["flags"]}


def test_analysis_does_not_depend_on_worker_processes(minimal) -> None:
    engine = Engine(minimal)
    here = analyze(engine, runs=300, spam_runs=100, jobs=1)
    spread = analyze(engine, runs=300, spam_runs=100, jobs=2)
    for timing in ("seconds", "plays_per_s"):
        here.pop(timing), spread.pop(timing)
    assert here == spread


def test_spammers_play_their_own_number_of_runs(minimal) -> None:
    result = analyze(Engine(minimal), runs=80, spam_runs=20)
    assert result["plays"] == 80 * 3 + 20 * len(minimal.scenario.tactics)
