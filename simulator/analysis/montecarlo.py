"""Bot playthroughs in bulk, split over worker processes; results do not depend on the split."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from simulator.analysis.bots import autoplay
from simulator.analysis.policies import make_policy
from simulator.analysis.solver import Solver
from simulator.engine.engine import Engine
from simulator.format.loader import load_scenario

CHUNK = 250  # seeds per task: large enough to hide the pickling, small enough to balance


@dataclass(frozen=True)
class Run:
    """One bot playthrough, reduced to what the analysis counts."""

    seed: int
    score: float
    recovery: float
    relationship: float
    days: int
    outcome: str
    violated: bool
    tactics: tuple[str, ...]
    states: frozenset[str]
    facts: frozenset[str]


def play_runs(engine: Engine, bot: str, seeds: range, solver: Solver | None = None) -> list[Run]:
    """`bot` over `seeds` in this process."""
    runs = []
    for seed in seeds:
        with engine.playing(seed) as play:
            autoplay(engine, play, make_policy(bot, seed, solver))
        report = engine.report(play)
        states = {engine.scenario.start, *(s.state_to for s in play.steps)}
        runs.append(
            Run(
                seed=seed,
                score=report.score,
                recovery=report.recovery_rate,
                relationship=report.relationship,
                days=report.days,
                outcome=report.outcome or "unfinished",
                violated=bool(report.violations),
                tactics=tuple(s.tactic for s in play.steps),
                states=frozenset(states),
                facts=frozenset(play.revealed),
            )
        )
    return runs


class _Worker:
    """What one worker process holds: its own engine for the scenario."""

    engine: Engine | None = None


def _start_worker(path: str) -> None:
    # Each process loads the file itself: engines hold a Machine and do not pickle.
    _Worker.engine = Engine(load_scenario(Path(path)))


def _task(bot: str, first: int, stop: int) -> list[Run]:
    assert _Worker.engine is not None
    return play_runs(_Worker.engine, bot, range(first, stop))


def _chunks(seeds: range) -> list[range]:
    return [range(f, min(seeds.stop, f + CHUNK)) for f in range(seeds.start, seeds.stop, CHUNK)]


def play_many(
    engine: Engine,
    plan: dict[str, range],
    solver: Solver | None,
    jobs: int,
    tick: Callable[[int, str], None] | None = None,
) -> dict[str, list[Run]]:
    """Every bot in `plan` over its seeds, ordered by seed; `jobs` > 1 adds worker processes.

    The optimal bot always plays here, on the solver already solved, while the workers play
    the others: a worker would have to solve the scenario again.
    """
    played: dict[str, list[Run]] = {bot: [] for bot in plan}
    local = {bot: seeds for bot, seeds in plan.items() if jobs <= 1 or bot == "optimal"}
    remote = {bot: seeds for bot, seeds in plan.items() if bot not in local}
    pending: dict[Future[list[Run]], str] = {}

    def harvest(wait: bool) -> None:
        done = as_completed(pending) if wait else [f for f in pending if f.done()]
        for future in list(done):
            bot = pending.pop(future)
            runs = future.result()
            played[bot] += runs
            if tick is not None:
                tick(len(runs), bot)

    pool = None
    if remote:
        pool = ProcessPoolExecutor(
            jobs, initializer=_start_worker, initargs=(str(engine.loaded.path),)
        )
        for bot, seeds in remote.items():
            for chunk in _chunks(seeds):
                pending[pool.submit(_task, bot, chunk.start, chunk.stop)] = bot
    try:
        for bot, seeds in local.items():
            for chunk in _chunks(seeds):
                played[bot] += play_runs(engine, bot, chunk, solver)
                if tick is not None:
                    tick(len(chunk), bot)
                harvest(wait=False)
        harvest(wait=True)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return {bot: sorted(runs, key=lambda r: r.seed) for bot, runs in played.items()}
