"""Shared fixtures: the small test scenario and the bundled ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.engine.engine import Engine
from simulator.format.loader import LoadedScenario, load_scenario

DATA = Path(__file__).parent / "data"
MINIMAL = DATA / "good" / "minimal.yaml"


@pytest.fixture(scope="session")
def minimal() -> LoadedScenario:
    return load_scenario(MINIMAL)


@pytest.fixture
def engine(minimal: LoadedScenario) -> Engine:
    return Engine(minimal)
