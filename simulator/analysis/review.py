"""What a finished play is compared with, for every front end's debrief: regret per decision,
the course's recommended line (or the solver's best), replayed from a seed."""

from __future__ import annotations

from dataclasses import dataclass

from simulator.engine.engine import Engine
from simulator.engine.playthrough import Playthrough
from simulator.engine.score import Decision, ScoreReport
from simulator.errors import HuikuanError

# Situations the debrief's solver may explore before it gives up on regret (silently).
# Every bundled case solves within this (the largest needs about 30,000 situations, ~3 s).
SOLVER_BUDGET = 60_000


@dataclass(frozen=True)
class Line:
    """A line of moves to compare with: the course's, or the solver's best."""

    moves: tuple[str, ...]
    score: float
    grade: str
    same_cause: bool
    from_solver: bool = False


def replay_line(engine: Engine, seed: int, moves: list[str] | tuple[str, ...]) -> ScoreReport:
    """Score `moves` from `seed`, stopping at the first one that cannot be played."""
    return engine.report(engine.replay(seed, moves, lenient=True))


def course_line(engine: Engine, play: Playthrough) -> Line | None:
    """The scenario's scripted "course …" test, preferring one that met the same hidden cause."""
    tests = [t for t in engine.scenario.tests if t.name.lower().startswith("course")]
    if not tests:
        return None

    def cause_of(seed: int) -> str | None:
        return engine.replay(seed, ()).cause

    same = next((t for t in tests if cause_of(t.seed) == play.cause), None)
    chosen = same or tests[0]
    report = replay_line(engine, chosen.seed, chosen.moves)
    return Line(tuple(chosen.moves), report.score, report.grade, same is not None)


def solver_line(engine: Engine, play: Playthrough, best: list[str]) -> Line:
    """The solver's best line, scored from the play's own seed."""
    report = replay_line(engine, play.seed, best)
    return Line(tuple(best), report.score, report.grade, True, True)


def regret(
    engine: Engine, play: Playthrough, budget: int = SOLVER_BUDGET
) -> tuple[tuple[Decision, ...], list[str]] | None:
    """Each decision with its regret and the solver's best line; None if the scenario is too
    large to solve within `budget` situations.

    Solved on an engine of its own, so that a front end may run this in a thread while its
    screens replay on theirs (a Machine is not shared between threads).
    """
    from simulator.analysis.solver import annotate_regret, solver_for

    try:
        own = Engine(engine.loaded)
        solver = solver_for(own, budget)
        return annotate_regret(own, play, solver), solver.solve().best_line
    except HuikuanError:
        return None
