"""Snapshots of the home, play and debrief screens at 80×24 and 110×34, in Chinese and English.

They use tests/data/good/minimal.yaml only (never the bundled scenarios, which change), a fixed
seed, a fixed trainee and no cursor blink. Regenerate with `pytest tests/test_tui_snapshots.py
--snapshot-update` and look at the SVGs before committing them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from simulator.engine.engine import Engine
from simulator.engine.session import Session
from simulator.format.loader import load_scenario
from simulator.frontends.tui.app import HuikuanApp, make_app
from simulator.frontends.tui.debrief import DebriefScreen
from simulator.frontends.tui.home import HomeScreen
from simulator.frontends.tui.play import PlayScreen

MINIMAL = Path(__file__).parent / "data" / "good" / "minimal.yaml"
# The smallest terminal a workshop PC should offer, and a common larger one.
SIZES = {"80x24": (80, 24), "110x34": (110, 34)}
LANGS = ["zh", "en"]
Compare = Callable[..., bool]


def build(tmp_path: Path, lang: str, scenario: Path | None, budget: int = 0) -> HuikuanApp:
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir(exist_ok=True)
    (scenarios / "minimal.yaml").write_bytes(MINIMAL.read_bytes())
    return make_app(
        scenario,
        seed=1,
        trainee="张伟 10086",
        lang=lang,
        log_dir=tmp_path / "logs",
        scenarios=scenarios,
        bundled=False,
        config_path=tmp_path / "tui.json",
        cursor_blink=False,
        solver_budget=budget,
    )


def waiting_for(kind: type, until: Callable[[Any], bool] = lambda _: True) -> Any:
    async def run_before(pilot: Any) -> None:
        for _ in range(200):
            screen = pilot.app.screen
            if isinstance(screen, kind) and until(screen):
                break
            await pilot.pause(0.05)
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", LANGS)
def test_home(snap_compare: Compare, tmp_path: Path, lang: str, size: str) -> None:
    finished = Session.start(Engine(load_scenario(MINIMAL)), 1, "张伟 10086", tmp_path / "logs")
    finished.move("probe")
    finished.move("ask")
    app = build(tmp_path, lang, None)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=waiting_for(HomeScreen))


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", LANGS)
def test_play(snap_compare: Compare, tmp_path: Path, lang: str, size: str) -> None:
    app = build(tmp_path, lang, MINIMAL)
    assert snap_compare(
        app, press=["2"], terminal_size=SIZES[size], run_before=waiting_for(PlayScreen)
    )


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", LANGS)
def test_debrief(snap_compare: Compare, tmp_path: Path, lang: str, size: str) -> None:
    app = build(tmp_path, lang, MINIMAL, budget=20_000)

    async def run_before(pilot: Any) -> None:
        await waiting_for(PlayScreen)(pilot)
        await pilot.press("2", "1", "y", "enter")  # y: this ask may end the play
        # The solver's regret arrives from a thread; wait for it so the picture is stable.
        await waiting_for(DebriefScreen, lambda s: s.decisions[0].regret is not None)(pilot)

    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)
