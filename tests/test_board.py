"""The trainer's board against logs of headless plays: rows, summaries, the text and TUI views."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable

from simulator.cli import main
from simulator.engine.engine import Engine
from simulator.engine.session import Session
from simulator.engine.session_log import read_log
from simulator.format.loader import load_scenario
from simulator.frontends.board import Board, is_mistake
from simulator.frontends.tui.board import BoardApp, BoardScreen

MINIMAL = Path(__file__).parent / "data" / "good" / "minimal.yaml"
# (trainee, moves, seed): two finished plays (one a violation), two cut off mid-game.
PLAYS = [
    ("张伟", "probe,ask", 1),
    ("李娜", "threaten", 2),
    ("王强", "ask", 3),
    ("赵敏", "ask,ask", 4),
]


def play(logs: Path, trainee: str, moves: str, seed: int, capsys: Any) -> dict[str, Any]:
    argv = ["play", str(MINIMAL), "--moves", moves, "--seed", str(seed), "--trainee", trainee,
            "--log-dir", str(logs), "--json"]  # fmt: skip
    assert main(argv) == 0
    result: dict[str, Any] = json.loads(capsys.readouterr().out)
    return result


@pytest.fixture
def workshop(tmp_path: Path, capsys: Any) -> tuple[Path, Path, dict[str, dict[str, Any]]]:
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    (scenarios / "minimal.yaml").write_bytes(MINIMAL.read_bytes())
    logs = tmp_path / "logs"
    results = {t: play(logs, t, moves, seed, capsys) for t, moves, seed in PLAYS}
    return logs, scenarios, results


def test_one_row_per_trainee_with_the_plays_figures(workshop: Any) -> None:
    logs, scenarios, results = workshop
    figures = Board(logs, scenarios, bundled=False).figures()
    rows = {r.trainee: r for r in figures.trainees}
    assert set(rows) == {t for t, _, _ in PLAYS}
    for trainee, result in results.items():
        row = rows[trainee]
        assert row.scenario == "minimal" and row.title.zh and row.plays == 1
        assert row.finished == result["finished"]
        assert row.day == result["days"]
        assert row.recovered == pytest.approx(result["recovered"])
        assert row.relationship == pytest.approx(result["relationship"])
        if result["finished"]:
            assert (row.score, row.grade) == (result["score"], result["grade"])
        else:
            assert (row.score, row.grade) == (None, None)


def test_the_scenario_summary_counts_finished_mean_first_move_and_mistake(workshop: Any) -> None:
    logs, scenarios, results = workshop
    [summary] = Board(logs, scenarios, bundled=False).figures().scenarios
    finished = [r["score"] for r in results.values() if r["finished"]]
    assert (summary.plays, summary.trainees, summary.finished) == (4, 4, len(finished))
    assert summary.mean_score == pytest.approx(round(sum(finished) / len(finished), 1))
    assert summary.first_move is not None and summary.mistake is not None
    # "ask" opened two plays and cost goodwill for nothing three times; the threat broke a rule.
    assert (summary.first_move[0].zh, summary.first_move[1]) == ("直接催款", 2)
    assert (summary.mistake[0].zh, summary.mistake[1]) == ("直接催款", 3)


def test_a_mistake_is_a_violation_or_goodwill_lost_for_nothing(workshop: Any) -> None:
    logs, _, _ = workshop
    steps = {str(read_log(p).header["trainee"]): read_log(p).steps for p in logs.glob("*.jsonl")}
    assert [is_mistake(s) for s in steps["张伟"]] == [False, False]
    assert [is_mistake(s) for s in steps["李娜"]] == [True]
    assert [is_mistake(s) for s in steps["赵敏"]] == [True, True]


def test_the_latest_play_is_the_trainees_row(workshop: Any, capsys: Any) -> None:
    logs, scenarios, _ = workshop
    board = Board(logs, scenarios, bundled=False)
    board.figures()
    again = play(logs, "王强", "probe,ask", 1, capsys)
    row = {r.trainee: r for r in board.figures().trainees}["王强"]
    assert row.plays == 2 and row.finished and row.score == again["score"]


def test_bot_plays_and_unreadable_files_are_not_trainees(workshop: Any, capsys: Any) -> None:
    logs, scenarios, _ = workshop
    assert main(["play", str(MINIMAL), "--bot", "greedy", "--log-dir", str(logs)]) == 0
    capsys.readouterr()
    (logs / "junk.jsonl").write_text("not a log\n", encoding="utf-8")
    figures = Board(logs, scenarios, bundled=False).figures()
    assert len(figures.trainees) == len(PLAYS) and figures.unreadable == 1


def test_an_empty_or_missing_directory_gives_an_empty_board(tmp_path: Path) -> None:
    figures = Board(tmp_path / "nothing-here", bundled=False).figures()
    assert figures.trainees == [] and figures.scenarios == []


def test_board_once_prints_the_rows_as_text(workshop: Any, capsys: Any) -> None:
    logs, scenarios, _ = workshop
    assert main(["board", "--log-dir", str(logs), "--scenarios", str(scenarios), "--once"]) == 0
    out = capsys.readouterr().out
    assert all(trainee in out for trainee, _, _ in PLAYS) and "直接催款 ×3" in out


def test_board_refuses_a_missing_log_dir(tmp_path: Path, capsys: Any) -> None:
    assert main(["board", "--log-dir", str(tmp_path / "none"), "--once"]) == 2
    assert "no such log directory" in capsys.readouterr().err


async def test_the_terminal_board_shows_new_plays_as_they_land(workshop: Any) -> None:
    logs, scenarios, _ = workshop
    app = BoardApp(Board(logs, scenarios, bundled=False), refresh_s=0.1)
    async with app.run_test(size=(110, 34)) as pilot:
        for _ in range(50):
            await pilot.pause(0.05)
            if isinstance(app.screen, BoardScreen) and app.screen.shown is not None:
                break
        table = app.screen.query_one("#trainees", DataTable)
        assert table.row_count == len(PLAYS)
        # Textual holds stdout while the app runs: this play is logged by a session directly.
        Session.start(Engine(load_scenario(MINIMAL)), 5, "新学员", logs).move("probe")
        for _ in range(50):
            await pilot.pause(0.05)
            if table.row_count == len(PLAYS) + 1:
                break
        assert table.row_count == len(PLAYS) + 1
        await pilot.press("l")
        assert "Trainees" in str(app.screen.query_one("#trainees-title").render())


@pytest.mark.parametrize(("lang", "size"), [("zh", (80, 24)), ("en", (110, 34))])
def test_board_snapshot(
    snap_compare: Any, workshop: Any, lang: str, size: tuple[int, int], monkeypatch: Any
) -> None:
    logs, _, _ = workshop
    # Relative paths, so the title line is the same on every run.
    monkeypatch.chdir(logs.parent)
    board = Board(Path("logs"), Path("scenarios"), bundled=False)
    noon = datetime(2026, 3, 1, 12, 0, 0)
    app = BoardApp(board, lang, refresh_s=60, clock=lambda: noon)

    async def shown(pilot: Any) -> None:
        for _ in range(100):
            if isinstance(app.screen, BoardScreen) and app.screen.shown is not None:
                break
            await pilot.pause(0.02)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=shown)
