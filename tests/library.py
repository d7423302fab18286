"""The bundled scenarios loaded and solved once per test session (solving is the slow part)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from simulator.analysis.solver import Solution, Solver
from simulator.engine.engine import Engine
from simulator.format.catalog import bundled_paths
from simulator.format.loader import LoadedScenario, load_scenario

PATHS = bundled_paths()


@cache
def loaded(path: Path) -> LoadedScenario:
    return load_scenario(path)


@cache
def solved(path: Path) -> tuple[Engine, Solver, Solution]:
    """An engine, its solver and the solution, shared by every test that needs them."""
    engine = Engine(loaded(path))
    solver = Solver(engine)
    return engine, solver, solver.solve()
