"""Hostile session logs and gradebooks: one bad log never costs the others, nothing hangs."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from bounded import assert_clean, run_bounded
from test_grade_support import SCENARIOS, make_logs, rewrite

from scoring.gradebook import Gradebook
from simulator.frontends.records import best_scores


def _grade(tmp_path: Path, *paths: Path) -> tuple[Any, dict[str, Any]]:
    run = run_bounded(
        "grade", *paths, "--db", tmp_path / "g.db", "--scenarios", SCENARIOS, "--jobs", "1",
        "--json", home=tmp_path,
    )  # fmt: skip
    assert_clean(run, codes=(0, 1))
    return run, json.loads(run.out)


def _header(path: Path, **changes: Any) -> None:
    rewrite(path, lambda records: records[0].update(changes))


def _good_and(tmp_path: Path, count: int = 3) -> list[Path]:
    return make_logs(tmp_path / "logs", ("good",), range(count))


BAD_HEADERS = {
    "seed of 2**63": {"seed": 2**63},
    "seed of 10**30": {"seed": 10**30},
    "started as a mapping": {"started": {"at": "now"}},
    "started as a huge number": {"started": 10**30},
    "lang as a list": {"lang": ["zh", "en"]},
    "trainee as a number": {"trainee": 7},
    "sha256 not hex": {"scenario_sha256": "x" * 64},
}


@pytest.mark.parametrize("case", sorted(BAD_HEADERS))
def test_a_malformed_header_costs_only_its_own_log(case: str, tmp_path: Path) -> None:
    good = _good_and(tmp_path)
    [bad] = make_logs(tmp_path / "bad", ("bad",), range(1))
    _header(bad, **BAD_HEADERS[case])
    run, found = _grade(tmp_path, tmp_path / "logs", bad)
    assert run.code == 1
    assert found["new"] == len(good) and found["statuses"]["verified"] == len(good)
    assert found["statuses"]["unreadable"] == 1 and "malformed header" in run.err


def test_a_nesting_bomb_line_is_corrupt_and_the_home_screen_still_reads(tmp_path: Path) -> None:
    _good_and(tmp_path, 1)
    [bomb] = make_logs(tmp_path / "logs", ("bomb",), range(1))
    with bomb.open("a", encoding="utf-8") as handle:
        handle.write("[" * 100_000 + "\n")
    run, found = _grade(tmp_path, tmp_path / "logs")
    assert found["statuses"].get("corrupt") == 1 and found["statuses"]["verified"] == 1
    assert "nested too deeply" in run.err
    # The TUI home reads the same folder for best scores.
    assert "minimal" in best_scores(tmp_path / "logs", "good")


def test_a_log_saved_with_a_bom_still_verifies(tmp_path: Path) -> None:
    [log] = _good_and(tmp_path, 1)
    log.write_bytes(b"\xef\xbb\xbf" + log.read_bytes())
    _, found = _grade(tmp_path, log)
    assert found["statuses"] == {"verified": 1}


@pytest.mark.parametrize(
    "edit",
    [{"started": "2020-01-01T00:00:00+00:00"}, {"scenario_version": "9.9"}, {"extra": "field"}],
)
def test_editing_the_header_never_makes_a_second_attempt(
    edit: dict[str, Any], tmp_path: Path
) -> None:
    [log] = _good_and(tmp_path, 1)
    copy = tmp_path / "copy.jsonl"
    shutil.copy(log, copy)
    _header(copy, **edit)
    _grade(tmp_path, log, copy)
    assert Gradebook(tmp_path / "g.db").count() == 1


def test_two_endings_of_one_play_are_flagged_and_both_kept(tmp_path: Path) -> None:
    # One header, played on twice: one ends with a violation (F), the other clean.
    [clean] = make_logs(tmp_path / "a", ("fork",), range(1, 2))
    violent = tmp_path / "b" / "fork.jsonl"
    violent.parent.mkdir()
    records = [json.loads(line) for line in clean.read_text(encoding="utf-8").splitlines()]
    from simulator.engine.engine import Engine
    from simulator.engine.session import Session
    from simulator.format.loader import load_scenario

    engine = Engine(load_scenario(SCENARIOS / "minimal.yaml"))
    session = Session.start(engine, 1, "fork", None)
    session.move("threaten")
    lines = [records[0], {"type": "step", **session.play.steps[0].to_dict(), "at": "x"}]
    report = engine.report(session.play).to_dict()
    report.pop("decisions")
    lines.append({"type": "final", "report": report, "at": "y"})
    violent.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines), "utf-8")
    _grade(tmp_path, violent)
    run, found = _grade(tmp_path, clean)
    assert run.code == 1 and found["statuses"] == {"conflict": 1}
    [row] = Gradebook(tmp_path / "g.db").attempts()
    # The first ending (the violation) is not overwritten; the attempt waits for the grader.
    assert row["status"] == "conflict" and row["grade"] == "F"
    assert str(clean) in row["detail"] and str(violent) in row["detail"]


def test_a_scenario_path_naming_dev_zero_or_a_fifo_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    logs = make_logs(tmp_path / "logs", ("x",), range(2))
    _header(logs[0], scenario_path="/dev/zero", scenario_sha256="0" * 64)
    _header(logs[1], scenario_path=str(fifo), scenario_sha256="1" * 64)
    _, found = _grade(tmp_path, tmp_path / "logs")
    # Found by id with another sha256: named, never read from the device or the pipe.
    assert found["statuses"] == {"scenario_changed": 2}


def test_a_log_that_is_a_fifo_or_dev_zero_is_unreadable(tmp_path: Path) -> None:
    _good_and(tmp_path, 1)
    os.mkfifo(tmp_path / "logs" / "pipe.jsonl")
    (tmp_path / "logs" / "zero.jsonl").symlink_to("/dev/zero")
    run, found = _grade(tmp_path, tmp_path / "logs")
    assert found["statuses"] == {"verified": 1, "unreadable": 2}
    assert "not a regular file" in run.err


def test_a_huge_log_is_refused_without_reading_it(tmp_path: Path) -> None:
    _good_and(tmp_path, 1)
    huge = tmp_path / "logs" / "huge.jsonl"
    with huge.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: no disk, but 200 MB to a reader
    run, found = _grade(tmp_path, tmp_path / "logs")
    assert found["statuses"] == {"verified": 1, "unreadable": 1} and "limit" in run.err


def test_a_damaged_gradebook_is_one_line_and_exit_2(tmp_path: Path) -> None:
    _good_and(tmp_path, 2)
    _grade(tmp_path, tmp_path / "logs")
    db = tmp_path / "g.db"
    data = bytearray(db.read_bytes())
    for i in range(4096, len(data), 97):
        data[i] = 0xAB
    db.write_bytes(bytes(data))
    make_logs(tmp_path / "logs", ("late",), range(1))
    for command in (
        ("grade", tmp_path / "logs", "--db", db),
        ("export", "--db", db, "--format", "csv", "--out", tmp_path / "o.csv"),
        ("report", "--db", db, "--out", tmp_path / "r.html"),
    ):
        run = run_bounded(*command, home=tmp_path)
        assert_clean(run, codes=(2,))
        assert len(run.err.splitlines()) == 1 and str(db) in run.err
    assert not (tmp_path / "o.csv").exists() and not (tmp_path / "r.html").exists()


def test_a_bot_play_is_marked_in_the_log_and_flagged_by_the_grader(tmp_path: Path) -> None:
    run = run_bounded(
        "play", SCENARIOS / "minimal.yaml", "--bot", "optimal", "--seed", "1", "--trainee", "li",
        "--log-dir", tmp_path / "logs", home=tmp_path,
    )  # fmt: skip
    assert_clean(run, codes=(0,))
    [log] = (tmp_path / "logs").glob("*.jsonl")
    assert json.loads(log.read_text(encoding="utf-8").splitlines()[0])["bot"] == "optimal"
    run, found = _grade(tmp_path, log)
    assert found["statuses"] == {"bot": 1} and "bot" in run.err


def test_an_unstorable_value_costs_only_its_log(tmp_path: Path) -> None:
    good = _good_and(tmp_path, 2)
    with sqlite3.connect(tmp_path / "g.db"):
        pass
    # In-process: a verdict whose row SQLite cannot take (an integer beyond 64 bits).
    from scoring.verify import ScenarioIndex, verify_many
    from simulator.format.catalog import bundled_paths

    index, _ = ScenarioIndex.build(bundled_paths(SCENARIOS))
    verdicts = list(verify_many(good, index, jobs=1))
    verdicts[0].row["steps"] = 10**30
    book = Gradebook(tmp_path / "book.db", create=True)
    found = book.ingest(verdicts)
    assert found.statuses["unreadable"] == 1 and found.statuses["verified"] == 1
    assert book.count() == 1


def test_a_log_file_name_with_control_characters_is_printed_escaped(tmp_path: Path) -> None:
    [log] = _good_and(tmp_path, 1)
    named = log.with_name("evil\x1b[2J\rname.jsonl")
    log.rename(named)
    rewrite(named, lambda records: records[-1]["report"].update(score=100.0))
    run, found = _grade(tmp_path, named)
    assert found["statuses"] == {"tampered": 1}
    # assert_clean has checked that no raw control character reached the terminal.
    assert "evil\\x1b[2J\\rname.jsonl" in run.err
