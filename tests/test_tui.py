"""The trainee TUI driven by Pilot: home → play → debrief, resume, language, refusals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input, Static

from simulator.engine.engine import Engine
from simulator.engine.session import Session
from simulator.engine.session_log import read_log
from simulator.format.loader import load_scenario
from simulator.format.palette import palette_order, tactic_keys
from simulator.frontends.records import best_scores, unfinished
from simulator.frontends.settings import Settings, load_settings, save_settings
from simulator.frontends.tui.app import HuikuanApp, make_app
from simulator.frontends.tui.debrief import DebriefScreen, by_day, course_line
from simulator.frontends.tui.dialogs import ChoiceDialog, ConfirmDialog, TraineeDialog
from simulator.frontends.tui.help import HelpScreen
from simulator.frontends.tui.home import HomeScreen
from simulator.frontends.tui.play import PlayScreen
from simulator.frontends.tui.view import columns, palette
from simulator.frontends.tui.widgets import Palette
from simulator.grades import shown_score

MINIMAL = Path(__file__).parent / "data" / "good" / "minimal.yaml"
SIZE = (100, 32)


@pytest.fixture
def dirs(tmp_path: Path) -> dict[str, Path]:
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    (scenarios / "minimal.yaml").write_bytes(MINIMAL.read_bytes())
    return {
        "logs": tmp_path / "logs",
        "config": tmp_path / "config" / "tui.json",
        "scenarios": scenarios,
    }


def app_for(dirs: dict[str, Path], scenario: Path | None = None, **kw: Any) -> HuikuanApp:
    kw.setdefault("trainee", "t1")
    return make_app(
        scenario,
        log_dir=dirs["logs"],
        config_path=dirs["config"],
        scenarios=dirs["scenarios"],
        bundled=False,
        cursor_blink=False,
        solver_budget=0,
        **kw,
    )


def text_of(app: HuikuanApp, selector: str) -> str:
    if selector == "#transcript":
        return "\n".join(str(w.content) for w in app.screen.query(".turn").results(Static))
    return str(app.screen.query_one(selector, Static).content)


async def settle(pilot: Any, kind: type) -> None:
    for _ in range(50):
        if isinstance(pilot.app.screen, kind):
            await pilot.pause()
            return
        await pilot.pause(0.02)
    raise AssertionError(f"screen is {type(pilot.app.screen).__name__}, not {kind.__name__}")


def the_log(dirs: dict[str, Path]) -> Path:
    [path] = sorted(dirs["logs"].glob("*.jsonl"))
    return path


# --- home → play → debrief ----------------------------------------------------------------------


async def test_home_play_debrief(dirs: dict[str, Path]) -> None:
    app = app_for(dirs)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, HomeScreen)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1
        assert "最小案例" in str(table.get_row_at(0))
        await pilot.press("enter")
        await settle(pilot, PlayScreen)
        assert "客户档案" in str(app.screen.query_one("#dossier-box").border_title)
        assert "测试商贸" in text_of(app, "#dossier")
        assert "第 0/10 天" in text_of(app, "#status")
        await pilot.press("2")  # probe: the second group's only tactic
        await pilot.pause()
        assert "客户说明了原因" in text_of(app, "#dossier")
        assert "实话说" in text_of(app, "#transcript")
        screen = app.screen
        assert isinstance(screen, PlayScreen)
        while screen.live:  # the seed is drawn afresh from home: ask until it ends
            await pilot.press("1")
            await pilot.pause()
            if isinstance(app.screen, ConfirmDialog):  # asking now may end the play
                await pilot.press("y")
                await settle(pilot, PlayScreen)
        assert "本局结束" in text_of(app, "#over")
        report = screen.session.report
        assert report is not None
        await pilot.press("enter")
        await settle(pilot, DebriefScreen)
        summary = text_of(app, "#summary")
        assert "回款率" in summary and f"{report.recovery_rate:.1%}" in summary
        assert f"得分 {shown_score(report.score)}" in summary and report.grade in summary
        decisions = text_of(app, "#decisions")
        assert "了解原因" in decisions and "先了解原因再行动" in decisions
        assert "课程推荐路线" in text_of(app, "#course")
        await pilot.press("h")
        await settle(pilot, HomeScreen)
        best = f"{shown_score(report.score)} ({report.grade})"
        assert best in str(app.screen.query_one(DataTable).get_row_at(0))
    contents = read_log(the_log(dirs))
    assert contents.complete and contents.moves[:2] == ["probe", "ask"]
    assert contents.header["trainee"] == "t1"


async def test_replay_and_new_seed_from_the_debrief(dirs: dict[str, Path]) -> None:
    app = app_for(dirs, MINIMAL, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, PlayScreen)
        await pilot.press("2", "1", "y", "enter")  # y: this ask may end the play
        await settle(pilot, DebriefScreen)
        await pilot.press("r")
        await settle(pilot, PlayScreen)
        screen = app.screen
        assert isinstance(screen, PlayScreen)
        assert screen.session.play.seed == 1 and not screen.session.play.steps
        await pilot.press("2", "1", "y", "enter")  # y: this ask may end the play
        await settle(pilot, DebriefScreen)
        await pilot.press("n")
        await settle(pilot, PlayScreen)
    assert len(list(dirs["logs"].glob("*.jsonl"))) == 3


# --- resume after a crash -----------------------------------------------------------------------


async def test_resume_after_a_crash(dirs: dict[str, Path]) -> None:
    engine = Engine(load_scenario(MINIMAL))
    crashed = Session.start(engine, 7, "t1", dirs["logs"])
    crashed.move("probe")
    path = the_log(dirs)
    # A crash mid-write leaves half a line; nothing closes the session.
    with path.open("a", encoding="utf-8") as raw:
        raw.write('{"type": "step", "tac')
    app = app_for(dirs, MINIMAL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, ChoiceDialog)
        assert "已走 1 步" in text_of(app, "#dialog-text")
        await pilot.press("r")
        await settle(pilot, PlayScreen)
        screen = app.screen
        assert isinstance(screen, PlayScreen)
        assert screen.session.play.seed == 7
        assert [s.tactic for s in screen.session.play.steps] == ["probe"]
        assert "客户说明了原因" in text_of(app, "#dossier")
        assert "最近生意不好做啊" in text_of(app, "#transcript")
        await pilot.press("1", "y")
        await pilot.pause()
        assert screen.session.play.over
    assert len(list(dirs["logs"].glob("*.jsonl"))) == 1
    contents = read_log(path)
    assert contents.complete and contents.moves == ["probe", "ask"] and not contents.truncated


async def test_start_over_instead_of_resuming(dirs: dict[str, Path]) -> None:
    engine = Engine(load_scenario(MINIMAL))
    Session.start(engine, 7, "t1", dirs["logs"]).move("probe")
    app = app_for(dirs, MINIMAL, seed=3)
    assert unfinished(dirs["logs"], "minimal", engine.loaded.sha256, "t1", 3) is None
    app = app_for(dirs, MINIMAL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, ChoiceDialog)
        await pilot.press("n")
        await settle(pilot, PlayScreen)
        screen = app.screen
        assert isinstance(screen, PlayScreen) and not screen.session.play.steps
    # The new play is now the latest: the old one is not offered again.
    assert unfinished(dirs["logs"], "minimal", engine.loaded.sha256, "t1") is None


async def test_no_resume_offer_for_another_trainee(dirs: dict[str, Path]) -> None:
    engine = Engine(load_scenario(MINIMAL))
    Session.start(engine, 7, "someone-else", dirs["logs"]).move("probe")
    app = app_for(dirs, MINIMAL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, PlayScreen)


# --- language -----------------------------------------------------------------------------------


async def test_language_switch_everywhere(dirs: dict[str, Path]) -> None:
    app = app_for(dirs, MINIMAL, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, PlayScreen)
        assert "第 0/10 天" in text_of(app, "#status")
        await pilot.press("l")
        await pilot.pause()
        assert app.lang == "en"
        assert "Day 0 of 10" in text_of(app, "#status")
        assert "Test Trading" in text_of(app, "#dossier")
        assert "Business is slow" in text_of(app, "#transcript")
        assert app.screen.query_one("#dossier-box").border_title == "Customer dossier"
        await pilot.press("2", "1", "y", "enter")  # y: this ask may end the play
        await settle(pilot, DebriefScreen)
        assert "Recovery rate" in text_of(app, "#summary")
        await pilot.press("l")
        await pilot.pause()
        assert "回款率" in text_of(app, "#summary")
    # The choice is remembered on this machine.
    assert load_settings(dirs["config"]).lang == "zh"


async def test_lang_option_starts_in_english(dirs: dict[str, Path]) -> None:
    app = app_for(dirs, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, HomeScreen)
        table = app.screen.query_one(DataTable)
        assert "Minimal case" in str(table.get_row_at(0))
        assert "Dealer" in str(table.get_row_at(0))


async def test_hidden_numbers_only_in_the_trainer_view(dirs: dict[str, Path]) -> None:
    app = app_for(dirs, MINIMAL, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, PlayScreen)
        assert not app.screen.query("#reveal")
        assert "60" not in text_of(app, "#status") and "良好" in text_of(app, "#status")
    app = app_for(dirs, MINIMAL, seed=1, reveal=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, PlayScreen)
        shown = text_of(app, "#reveal")
        assert "relationship=60" in shown and "trust=" in shown and "cause=" in shown


async def test_arrow_keys_skip_headings_and_enter_plays(dirs: dict[str, Path]) -> None:
    app = app_for(dirs, MINIMAL, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, PlayScreen)
        screen = app.screen
        assert isinstance(screen, PlayScreen)
        palette = screen.query_one(Palette)
        assert palette.highlighted_tactic == "ask"
        await pilot.press("down")  # over the 了解 heading, onto probe
        assert palette.highlighted_tactic == "probe"
        assert "probe" not in text_of(app, "#detail") and "了解原因" in text_of(app, "#detail")
        await pilot.press("end")  # sue is unavailable, yet the highlight reaches it
        assert palette.highlighted_tactic == "sue"
        assert "要先「了解原因」" in text_of(app, "#detail")
        await pilot.press("enter")  # refused: nothing is played
        await pilot.pause()
        assert screen.session.play.steps == []
        await pilot.press("up", "up", "enter")
        await pilot.pause()
        assert [s.tactic for s in screen.session.play.steps] == ["probe"]


async def test_a_click_on_a_tactic_plays_it(dirs: dict[str, Path]) -> None:
    app = app_for(dirs, MINIMAL, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, PlayScreen)
        screen = app.screen
        assert isinstance(screen, PlayScreen)
        # Row 4 inside the border: heading, ask, heading, probe.
        await pilot.click(Palette, offset=(6, 4))
        await pilot.pause()
        assert [s.tactic for s in screen.session.play.steps] == ["probe"]


# --- refusing and confirming ---------------------------------------------------------------------


async def test_unavailable_tactic_is_refused(dirs: dict[str, Path]) -> None:
    app = app_for(dirs, MINIMAL, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, PlayScreen)
        screen = app.screen
        assert isinstance(screen, PlayScreen)
        assert screen.keys["4"] == "sue"
        await pilot.press("4")  # sue: needs the reason first
        await pilot.pause()
        assert screen.session.play.steps == []
        assert any("要先「了解原因」" in str(n.message) for n in app._notifications)
        assert isinstance(app.screen, PlayScreen)
        sue = screen.query_one(Palette).get_option("sue")
        assert "⨯ 要先「了解原因」" in str(sue.prompt)
    assert read_log(the_log(dirs)).steps == []


async def test_irreversible_move_asks_first(dirs: dict[str, Path]) -> None:
    app = app_for(dirs, MINIMAL, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, PlayScreen)
        screen = app.screen
        assert isinstance(screen, PlayScreen)
        await pilot.press("2", "4")
        await settle(pilot, ConfirmDialog)
        assert "无法撤回" in text_of(app, "#dialog-text")
        await pilot.press("n")
        await settle(pilot, PlayScreen)
        assert [s.tactic for s in screen.session.play.steps] == ["probe"]
        await pilot.press("4")
        await settle(pilot, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot, PlayScreen)
        assert [s.tactic for s in screen.session.play.steps] == ["probe", "sue"]


async def test_quitting_mid_game_asks_and_keeps_the_log(dirs: dict[str, Path]) -> None:
    app = app_for(dirs, MINIMAL, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, PlayScreen)
        await pilot.press("2", "q")
        await settle(pilot, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot, PlayScreen)
        await pilot.press("q")
        await settle(pilot, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
    assert app.return_value == 0
    contents = read_log(the_log(dirs))
    assert contents.moves == ["probe"] and not contents.complete


async def test_escape_goes_home_after_asking(dirs: dict[str, Path]) -> None:
    app = app_for(dirs, MINIMAL, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, PlayScreen)
        await pilot.press("2", "escape")
        await settle(pilot, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot, HomeScreen)


async def test_help_lists_the_keys_and_escape_closes_it(dirs: dict[str, Path]) -> None:
    app = app_for(dirs, MINIMAL, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, PlayScreen)
        await pilot.press("question_mark")
        await settle(pilot, HelpScreen)
        help_text = text_of(app, "#help-text")
        for key in ("1–9", "Esc", "Enter", "?", "q", "l", "r", "n", "h", "t", "d"):
            assert key in help_text
        await pilot.press("escape")
        await settle(pilot, PlayScreen)


# --- trainee ------------------------------------------------------------------------------------


async def test_trainee_is_asked_at_every_start_with_the_last_offered(
    dirs: dict[str, Path],
) -> None:
    app = app_for(dirs, trainee=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, TraineeDialog)
        assert "只问一次" not in text_of(app, "#dialog-text")
        await pilot.press(*"lq 10086")  # typed into the field, not taken as keys
        assert app.screen.query_one(Input).value == "lq 10086"
        await pilot.press("enter")
        await settle(pilot, HomeScreen)
        assert "lq 10086" in text_of(app, "#who")
    assert load_settings(dirs["config"]).trainee == "lq 10086"
    again = app_for(dirs, trainee=None)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot, TraineeDialog)  # asked again: the PC may have changed hands
        assert again.screen.query_one(Input).value == "lq 10086"
        await pilot.press("enter")  # one key confirms the last name
        await settle(pilot, HomeScreen)
        assert again.trainee == "lq 10086"


async def test_the_next_trainee_replaces_the_offered_name(dirs: dict[str, Path]) -> None:
    save_settings(dirs["config"], Settings("张伟", None))
    app = app_for(dirs, MINIMAL, trainee=None, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, TraineeDialog)
        app.screen.query_one(Input).value = "  李  娜 "
        await pilot.press("enter")
        await settle(pilot, PlayScreen)
        await pilot.press("2")
        await pilot.pause()
    assert read_log(the_log(dirs)).header["trainee"] == "李 娜"
    assert load_settings(dirs["config"]).trainee == "李 娜"


async def test_an_empty_name_is_refused_with_a_message(dirs: dict[str, Path]) -> None:
    app = app_for(dirs, trainee=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, TraineeDialog)
        await pilot.press("space", "enter")
        await pilot.pause()
        assert isinstance(app.screen, TraineeDialog)
        assert any("empty" in str(n.message) for n in app._notifications)


async def test_a_trainee_named_like_markup_plays_to_the_debrief(dirs: dict[str, Path]) -> None:
    app = app_for(dirs, trainee="[/]")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, HomeScreen)
        assert "[/]" in text_of(app, "#who")
        await pilot.press("enter")
        await settle(pilot, PlayScreen)
        assert "[/]" in text_of(app, "#title")
        await pilot.press("3")  # threaten: ends the play, after a confirmation
        await settle(pilot, ConfirmDialog)
        await pilot.press("y", "enter")
        await settle(pilot, DebriefScreen)
        assert "[/]" in text_of(app, "#title")
    assert read_log(the_log(dirs)).header["trainee"] == "[/]"


async def test_a_move_that_can_end_the_play_asks_first(dirs: dict[str, Path]) -> None:
    app = app_for(dirs, MINIMAL, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, PlayScreen)
        screen = app.screen
        assert isinstance(screen, PlayScreen)
        await pilot.press("3")  # threaten: a violation that ends in court
        await settle(pilot, ConfirmDialog)
        words = text_of(app, "#dialog-text")
        assert "可能让本局就此结束" in words and "违反催收行为规范" in words
        await pilot.press("n")
        await settle(pilot, PlayScreen)
        assert screen.session.play.steps == []
        await pilot.press("1")  # asking before the cause is known cannot end anything
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)
        assert [s.tactic for s in screen.session.play.steps] == ["ask"]


# --- pure parts ---------------------------------------------------------------------------------


def test_keys_follow_the_grouped_palette() -> None:
    sc = load_scenario(MINIMAL).scenario
    assert palette_order(sc) == ["ask", "probe", "threaten", "sue"]
    assert tactic_keys(sc) == {"1": "ask", "2": "probe", "3": "threaten", "4": "sue"}
    engine = Engine(load_scenario(MINIMAL))
    play = engine.start(1)
    rows = palette(engine.options(play), tactic_keys(sc))
    assert [r.option.id if r.option else r.category.value for r in rows] == [
        "ask",
        "ask",
        "probe",
        "probe",
        "misconduct",
        "threaten",
        "legal",
        "sue",
    ]


def test_keys_beyond_nine_skip_the_screen_keys() -> None:
    from simulator.format.palette import RESERVED_KEYS, TACTIC_KEYS

    assert not RESERVED_KEYS & set(TACTIC_KEYS)
    assert TACTIC_KEYS[:10] == "1234567890"


def test_columns_are_on_a_fixed_scale() -> None:
    assert columns([0.0, 50.0, 100.0], 100.0, 1, 3) == [" ▄█"]
    assert columns([100.0], 100.0, 2, 2) == ["██", "██"]
    assert len(columns(list(range(100)), 100.0, 1, 10)[0]) == 10


def test_course_line_and_days(dirs: dict[str, Path]) -> None:
    engine = Engine(load_scenario(MINIMAL))
    play = engine.start(1)
    engine.play(play, "probe")
    engine.play(play, "ask")
    line = course_line(engine, play)
    assert line is not None and line.moves == ("probe", "ask")
    recovered, _ = by_day(play, 60.0)
    assert len(recovered) == play.day + 1 and recovered[-1] == play.recovered


def test_best_scores_and_settings_files(dirs: dict[str, Path], tmp_path: Path) -> None:
    engine = Engine(load_scenario(MINIMAL))
    for seed in (1, 2):
        session = Session.start(engine, seed, "t1", dirs["logs"])
        session.move("probe")
        session.move("ask")
    best = best_scores(dirs["logs"], "t1")
    assert set(best) == {"minimal"} and best["minimal"].grade in "ABCDF"
    assert best_scores(dirs["logs"], "nobody") == {}
    config = tmp_path / "c" / "tui.json"
    assert save_settings(config, Settings("张伟", "en"))
    assert load_settings(config) == Settings("张伟", "en")
    config.write_text(json.dumps(["not", "a", "dict"]))
    assert load_settings(config) == Settings()


# --- wiring -------------------------------------------------------------------------------------


def test_without_a_terminal_play_falls_back_to_plain_lines(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "xdg"), "XDG_CONFIG_HOME": str(tmp_path)}
    args = ["play", str(MINIMAL), "--seed", "1", "--trainee", "t1", "--log-dir", str(tmp_path)]
    done = subprocess.run(
        [sys.executable, "-m", "simulator.cli", *args],
        input="2\n1\ny\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "回款率" in done.stdout and "\x1b[?1049h" not in done.stdout


def test_core_modules_do_not_pull_in_textual() -> None:
    import subprocess
    import sys

    code = (
        "import sys, simulator.commands.play, simulator.engine.session, simulator.format.labels\n"
        "assert 'textual' not in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


async def test_the_debrief_names_the_source_of_each_note(dirs: dict[str, Path]) -> None:
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "          note: {zh: 先了解原因再行动。, en: Find the cause before acting.}\n",
        "          note: {zh: 先了解原因再行动。, en: Find the cause before acting.}\n"
        '          source: {zh: "种子000 §欠款原因", en: "seed 000, causes"}\n',
    )
    scenario = dirs["scenarios"] / "sourced.yaml"
    scenario.write_text(text, encoding="utf-8")
    app = app_for(dirs, scenario, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, PlayScreen)
        # probe, then ask (it may end the play, so it asks first): seed 1 pays in full
        for key in ("2", "1", "y"):
            await pilot.press(key)
            await pilot.pause()
        await pilot.press("enter")
        await settle(pilot, DebriefScreen)
        assert "出处：种子000 §欠款原因" in text_of(app, "#decisions")
