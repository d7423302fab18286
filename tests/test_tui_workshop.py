"""The app in a workshop browser: the name asked every time, nothing saved, resume by name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Input

from simulator.engine.engine import Engine
from simulator.engine.session import Session
from simulator.format.loader import load_scenario
from simulator.frontends.settings import Settings, load_settings, save_settings
from simulator.frontends.tui.app import HuikuanApp, make_app
from simulator.frontends.tui.dialogs import ChoiceDialog, TraineeDialog
from simulator.frontends.tui.home import HomeScreen
from simulator.frontends.tui.play import PlayScreen

MINIMAL = Path(__file__).parent / "data" / "good" / "minimal.yaml"
SIZE = (100, 32)


def workshop_app(tmp_path: Path) -> HuikuanApp:
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir(exist_ok=True)
    (scenarios / "minimal.yaml").write_bytes(MINIMAL.read_bytes())
    return make_app(
        log_dir=tmp_path / "logs",
        config_path=tmp_path / "tui.json",
        scenarios=scenarios,
        bundled=False,
        cursor_blink=False,
        solver_budget=0,
        workshop=True,
    )


async def settle(pilot: Any, kind: type) -> None:
    for _ in range(100):
        if isinstance(pilot.app.screen, kind):
            await pilot.pause()
            return
        await pilot.pause(0.02)
    raise AssertionError(f"screen is {type(pilot.app.screen).__name__}, not {kind.__name__}")


async def give_name(pilot: Any, name: str) -> None:
    await settle(pilot, TraineeDialog)
    pilot.app.screen.query_one(Input).value = name
    await pilot.press("enter")


async def test_the_name_saved_on_the_machine_is_neither_used_nor_overwritten(
    tmp_path: Path,
) -> None:
    save_settings(tmp_path / "tui.json", Settings(trainee="上一位", lang="zh"))
    app = workshop_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, TraineeDialog)
        assert app.screen.query_one(Input).value == ""
        await give_name(pilot, "张伟")
        await settle(pilot, HomeScreen)
        assert app.trainee == "张伟"
        await pilot.press("l")
    assert load_settings(tmp_path / "tui.json") == Settings(trainee="上一位", lang="zh")


async def test_the_same_name_is_offered_its_unfinished_play(tmp_path: Path) -> None:
    engine = Engine(load_scenario(MINIMAL))
    Session.start(engine, 7, "张伟", tmp_path / "logs").move("probe")
    app = workshop_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await give_name(pilot, "张伟")
        await settle(pilot, ChoiceDialog)
        await pilot.press("r")
        await settle(pilot, PlayScreen)
        screen = app.screen
        assert isinstance(screen, PlayScreen)
        assert [s.tactic for s in screen.session.play.steps] == ["probe"]
        assert screen.session.play.seed == 7


async def test_another_name_goes_home_without_an_offer(tmp_path: Path) -> None:
    engine = Engine(load_scenario(MINIMAL))
    Session.start(engine, 7, "张伟", tmp_path / "logs").move("probe")
    app = workshop_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await give_name(pilot, "李娜")
        await settle(pilot, HomeScreen)
