"""The TUI at 80x24 and 110x34: every tactic reachable, text never cut, focus never lost."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from textual.content import Content
from textual.widgets import DataTable, Static
from textual.widgets._toast import Toast

from simulator.frontends.tui.app import HuikuanApp, make_app
from simulator.frontends.tui.debrief import DebriefScreen
from simulator.frontends.tui.home import HomeScreen
from simulator.frontends.tui.play import PlayScreen
from simulator.frontends.tui.view import STATUS_SEP, ellipsis, pack
from simulator.frontends.tui.widgets import Palette, Prose, StatusBar

MINIMAL = Path(__file__).parent / "data" / "good" / "minimal.yaml"
# A bundled case with many tactics and long Chinese hints and reasons; the tests below check
# only what holds for any scenario, so its text may change.
CROWDED = Path(__file__).parents[1] / "scenarios" / "dealer-offseason.yaml"
SMALL, LARGE = (80, 24), (110, 34)
SIZES = pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "110x34"])


def app_for(tmp_path: Path, scenario: Path | None, **kw: Any) -> HuikuanApp:
    kw.setdefault("trainee", "t1")
    kw.setdefault("bundled", False)
    kw.setdefault("seed", 3)
    return make_app(
        scenario,
        log_dir=tmp_path / "logs",
        config_path=tmp_path / "tui.json",
        cursor_blink=False,
        solver_budget=0,
        **kw,
    )


async def settle(pilot: Any, kind: type) -> Any:
    for _ in range(100):
        if isinstance(pilot.app.screen, kind):
            await pilot.pause()
            return pilot.app.screen
        await pilot.pause(0.02)
    raise AssertionError(f"screen is {type(pilot.app.screen).__name__}, not {kind.__name__}")


def shown_lines(widget: Prose) -> list[str]:
    """The lines `widget` draws at its current width."""
    return widget.wrapped(widget.size.width).plain.split("\n")


def fully_visible(widget: Prose) -> bool:
    """Every line of `widget` lies on the screen, inside its own region."""
    region = widget.content_region
    screen = widget.screen.region
    return len(shown_lines(widget)) <= region.height and screen.contains_region(region)


# --- focus ---------------------------------------------------------------------------------------


@SIZES
async def test_dossier_twice_then_enter_plays_the_highlighted_tactic(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    app = app_for(tmp_path, CROWDED)
    async with app.run_test(size=size) as pilot:
        screen = await settle(pilot, PlayScreen)
        palette = screen.query_one(Palette)
        first = palette.highlighted_tactic
        # Off the first tactic, onto a playable one, so that Enter shows which row it played.
        await pilot.press("down")
        while not screen._option(palette.highlighted_tactic).available:
            await pilot.press("down")
        wanted = palette.highlighted_tactic
        assert wanted != first
        await pilot.press("d", "d")
        await pilot.pause()
        assert app.focused is palette
        await pilot.press("enter")
        await pilot.pause()
        if not screen.session.play.steps:  # a move that may end the play asks first
            await pilot.press("y")
            await pilot.pause()
        assert [s.tactic for s in screen.session.play.steps] == [wanted]


async def test_the_narrow_dossier_takes_focus_and_gives_it_back(tmp_path: Path) -> None:
    app = app_for(tmp_path, CROWDED)
    async with app.run_test(size=SMALL) as pilot:
        screen = await settle(pilot, PlayScreen)
        await pilot.press("d")
        await pilot.pause()
        assert app.focused is screen.query_one("#dossier-box")
        await pilot.press("escape")  # closes the dossier; it does not ask to leave the game
        await pilot.pause()
        assert app.screen is screen and app.focused is screen.query_one(Palette)


async def test_a_wide_dossier_toggle_leaves_focus_on_the_palette(tmp_path: Path) -> None:
    app = app_for(tmp_path, CROWDED)
    async with app.run_test(size=LARGE) as pilot:
        screen = await settle(pilot, PlayScreen)
        await pilot.press("d")
        await pilot.pause()
        assert not screen.query_one("#dossier-box").display
        assert app.focused is screen.query_one(Palette)


async def test_growing_the_terminal_under_the_dossier_refocuses_the_palette(
    tmp_path: Path,
) -> None:
    app = app_for(tmp_path, CROWDED)
    async with app.run_test(size=SMALL) as pilot:
        screen = await settle(pilot, PlayScreen)
        await pilot.press("d")
        await pilot.pause()
        await pilot.resize_terminal(*LARGE)
        await pilot.pause()
        await pilot.pause()
        assert app.focused is screen.query_one(Palette)


# --- the palette and the detail pane -------------------------------------------------------------


async def test_every_tactic_can_be_reached_and_is_scrolled_into_view(tmp_path: Path) -> None:
    app = app_for(tmp_path, CROWDED)
    async with app.run_test(size=SMALL) as pilot:
        screen = await settle(pilot, PlayScreen)
        palette = screen.query_one(Palette)
        seen = []
        for _ in range(len(palette.options)):
            tactic = palette.highlighted_tactic
            assert tactic is not None
            if tactic not in seen:
                seen.append(tactic)
            row = palette.get_option_index(tactic)
            top = palette.scroll_offset.y
            assert top <= row < top + palette.scrollable_content_region.height
            await pilot.press("down")
            await pilot.pause()
        assert sorted(seen) == sorted(screen.session.engine.scenario.tactics)


@SIZES
async def test_the_detail_pane_shows_each_hint_and_reason_whole(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    app = app_for(tmp_path, CROWDED)
    async with app.run_test(size=size) as pilot:
        screen = await settle(pilot, PlayScreen)
        palette = screen.query_one(Palette)
        detail = screen.query_one("#detail", Prose)
        for option in screen.session.engine.options(screen.session.play):
            palette.point_at(option.id)
            await pilot.pause()
            # Compared without spaces: a wrapped line may break at one.
            joined = "".join(line.strip() for line in shown_lines(detail)).replace(" ", "")
            hint = option.tactic.hint.get("zh") if option.tactic.hint else ""
            reason = option.reason.get("zh") if option.reason and not option.available else ""
            if size == SMALL and reason:  # the row cut the reason, not the hint
                hint = ""
            assert hint.replace(" ", "") in joined and reason.replace(" ", "") in joined
            assert fully_visible(detail), option.id


async def test_a_refused_key_points_the_palette_at_its_tactic(tmp_path: Path) -> None:
    app = app_for(tmp_path, MINIMAL)
    async with app.run_test(size=SMALL) as pilot:
        screen = await settle(pilot, PlayScreen)
        assert screen.keys["4"] == "sue"
        await pilot.press("4")  # sue needs the reason first
        await pilot.pause()
        assert screen.query_one(Palette).highlighted_tactic == "sue"
        assert "了解原因" in str(screen.query_one("#detail", Static).content)


@SIZES
async def test_a_toast_never_covers_the_panels(tmp_path: Path, size: tuple[int, int]) -> None:
    app = app_for(tmp_path, CROWDED)
    async with app.run_test(size=size, notifications=True) as pilot:
        screen = await settle(pilot, PlayScreen)
        refused = next(
            o for o in screen.session.engine.options(screen.session.play) if not o.available
        )
        screen.choose(refused.id)
        await pilot.pause(0.1)
        toasts = list(screen.query(Toast))
        assert toasts
        for toast in toasts:
            for panel in ("#body", "#keys", "#status", "#title"):
                assert not toast.region.overlaps(screen.query_one(panel).region), panel


# --- the status line -----------------------------------------------------------------------------


def test_status_segments_move_to_the_next_line_whole() -> None:
    segments = [
        Content("第 3/40 天"),
        Content("已回款 ¥0 / ¥368,000"),
        Content("对方 " + "很不耐烦" * 4),
    ]
    lines = pack(segments, 40).plain.split("\n")
    assert lines == ["第 3/40 天" + STATUS_SEP + "已回款 ¥0 / ¥368,000", "对方 " + "很不耐烦" * 4]


def test_a_segment_wider_than_the_line_is_wrapped_not_cut() -> None:
    mood = "对方 " + "很不耐烦、" * 10
    lines = pack([Content("第 3/40 天"), Content(mood)], 30).plain.split("\n")
    assert lines[0] == "第 3/40 天"
    assert "".join(lines[1:]).replace(" ", "") == mood.replace(" ", "")
    assert all(cell_len(line) <= 30 for line in lines)


@SIZES
async def test_the_status_line_is_whole(tmp_path: Path, size: tuple[int, int]) -> None:
    app = app_for(tmp_path, CROWDED)
    async with app.run_test(size=size) as pilot:
        screen = await settle(pilot, PlayScreen)
        status = screen.query_one(StatusBar)
        pieces = [p for line in shown_lines(status) for p in line.strip().split(STATUS_SEP.strip())]
        assert [p.strip() for p in pieces] == [s.plain for s in status.segments]
        assert fully_visible(status)


# --- home and debrief ----------------------------------------------------------------------------


def test_ellipsis_cuts_between_characters() -> None:
    assert ellipsis("中恒建设：压在工地上", 11) == "中恒建设：…"
    assert ellipsis("中恒建设", 8) == "中恒建设"
    assert ellipsis("abc def", 5) == "abc…"
    assert all(cell_len(ellipsis("中a恒b建设" * 3, n)) <= n for n in range(1, 20))


async def test_home_titles_end_in_an_ellipsis_at_80x24(tmp_path: Path) -> None:
    app = app_for(tmp_path, None, bundled=True)
    async with app.run_test(size=SMALL) as pilot:
        screen = await settle(pilot, HomeScreen)
        table = screen.query_one(DataTable)
        width = table.ordered_columns[1].width
        titles = [e.loaded.scenario.meta.title.get("zh") for e in screen.listed]
        assert any(cell_len(t) > width for t in titles)  # else the test would prove nothing
        for row, title in enumerate(titles):
            cell = str(table.get_cell_at((row, 1)))
            assert cell_len(cell) <= width
            assert cell == title or (cell.endswith("…") and title.startswith(cell[:-1]))
        assert fully_visible(screen.query_one("#keys", Prose))


async def test_the_course_line_is_in_view_at_80x24(tmp_path: Path) -> None:
    app = app_for(tmp_path, MINIMAL, seed=1)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot, PlayScreen)
        await pilot.press("2", "1", "y", "enter")  # y: this ask may end the play
        screen = await settle(pilot, DebriefScreen)
        course = screen.query_one("#course", Prose)
        chart = screen.query_one("#chart", Prose)
        assert "课程推荐路线" in course.wrapped(course.size.width).plain
        assert fully_visible(course) and fully_visible(chart)
        assert screen.query_one("#side").region.contains_region(course.region)
        assert not course.region.overlaps(chart.region)


async def test_after_the_game_the_dossier_toggle_keeps_a_visible_focus(tmp_path: Path) -> None:
    app = app_for(tmp_path, MINIMAL, seed=1)
    async with app.run_test(size=SMALL) as pilot:
        screen = await settle(pilot, PlayScreen)
        await pilot.press("2", "1", "y")  # probe, ask (it may end the play: confirmed)
        await pilot.pause()
        assert not screen.live
        for _ in range(2):
            await pilot.press("d")
            await pilot.pause()
            focused = app.focused
            assert focused is not None and all(n.display for n in focused.ancestors_with_self)
        assert focused is screen.query_one("#transcript-box")


async def test_a_long_title_line_ends_in_an_ellipsis(tmp_path: Path) -> None:
    app = app_for(tmp_path, CROWDED, trainee="一位名字很长很长的学员" * 3)
    async with app.run_test(size=SMALL) as pilot:
        screen = await settle(pilot, PlayScreen)
        title = screen.query_one("#title", Static)
        line = "".join(s.text for s in title.render_line(0)).rstrip()
        assert line.endswith("…") and cell_len(line) <= title.size.width
        assert title.size.height == 1


async def test_a_toast_on_the_home_screen_covers_nothing(tmp_path: Path) -> None:
    app = app_for(tmp_path, None, bundled=True)
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        screen = await settle(pilot, HomeScreen)
        app.notify("暂不可用：先看清他的生意（仓库、网点、竞品），才知道这笔账怎么算")
        await pilot.pause(0.1)
        [toast] = list(screen.query(Toast))
        for panel in ("#scenarios", "#summary-box", "#keys", "#who"):
            assert not toast.region.overlaps(screen.query_one(panel).region), panel


async def test_a_move_from_the_narrow_dossier_shows_its_answer(tmp_path: Path) -> None:
    app = app_for(tmp_path, MINIMAL, seed=1)
    async with app.run_test(size=SMALL) as pilot:
        screen = await settle(pilot, PlayScreen)
        await pilot.press("d", "2")
        await pilot.pause()
        await pilot.pause()
        assert [s.tactic for s in screen.session.play.steps] == ["probe"]
        assert screen.query_one("#transcript-box").display
        assert app.focused is screen.query_one(Palette)
