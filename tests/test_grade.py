"""`huikuan grade`: verify logs by replay and keep them in the gradebook, once each."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from test_grade_support import MINIMAL, TEN, grade, make_logs, rewrite, summary

from scoring.gradebook import Gradebook
from simulator.analysis.policies import make_policy
from simulator.engine.session import resume


def _count(db: Path) -> int:
    with sqlite3.connect(db) as con:
        return int(con.execute("SELECT COUNT(*) FROM attempts").fetchone()[0])


def test_ten_trainees_all_verified(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_logs(tmp_path / "logs", TEN, range(2))
    found = summary(capsys, tmp_path / "logs", db=tmp_path / "g.db")
    assert found["new"] == 20 and found["statuses"] == {"verified": 20}


def test_grading_twice_adds_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_logs(tmp_path / "logs", ("a", "b"))
    grade(tmp_path / "logs", db=tmp_path / "g.db")
    capsys.readouterr()
    again = summary(capsys, tmp_path / "logs", db=tmp_path / "g.db")
    assert again["new"] == 0 and again["unchanged"] == 6 and _count(tmp_path / "g.db") == 6


def test_copy_of_a_log_elsewhere_adds_nothing(tmp_path: Path) -> None:
    [log] = make_logs(tmp_path / "logs", seeds=range(1))
    shutil.copy(log, tmp_path / "copy.jsonl")
    grade(tmp_path / "logs", tmp_path / "copy.jsonl", db=tmp_path / "g.db")
    assert _count(tmp_path / "g.db") == 1


def test_edited_score_is_flagged_tampered(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    [log] = make_logs(tmp_path, seeds=range(1))
    rewrite(log, lambda r: r[-1]["report"].update(score=100.0))
    assert grade(log, db=tmp_path / "g.db") == 1
    err = capsys.readouterr().err
    assert f"{log}: error: tampered: the final score differs" in err


def test_edited_move_is_flagged_tampered(tmp_path: Path) -> None:
    [log] = make_logs(tmp_path, seeds=range(1))
    rewrite(log, lambda r: r[1].update(paid=99999.0))
    assert grade(log, db=tmp_path / "g.db") == 1
    [row] = Gradebook(tmp_path / "g.db").attempts()
    assert row["status"] == "tampered" and "step 0" in row["detail"]


def test_tampered_copy_does_not_replace_verified_attempt(tmp_path: Path) -> None:
    [log] = make_logs(tmp_path / "logs", seeds=range(1))
    edited = tmp_path / "edited.jsonl"
    shutil.copy(log, edited)
    rewrite(edited, lambda r: r[-1]["report"].update(score=100.0))
    grade(log, db=tmp_path / "g.db")
    assert grade(edited, db=tmp_path / "g.db") == 1
    [row] = Gradebook(tmp_path / "g.db").attempts()
    assert row["status"] == "verified" and row["score"] != 100.0


def test_cut_log_kept_as_incomplete(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    [log] = make_logs(tmp_path, seeds=range(1), moves=1)
    log.write_bytes(log.read_bytes() + b'{"type": "step", "tac')
    assert grade(log, db=tmp_path / "g.db") == 0
    [row] = Gradebook(tmp_path / "g.db").attempts()
    assert row["status"] == "incomplete" and row["steps"] == 1 and row["score"] is None


def test_resumed_log_updates_incomplete_attempt(tmp_path: Path) -> None:
    [log] = make_logs(tmp_path, seeds=range(1), moves=1)
    grade(log, db=tmp_path / "g.db")
    session = resume(log)
    policy = make_policy("greedy", 0)
    while not session.play.over:
        session.move(policy(session.engine, session.play))
    grade(log, db=tmp_path / "g.db")
    [row] = Gradebook(tmp_path / "g.db").attempts()
    assert row["status"] == "verified" and row["finished"] == 1


def test_corrupt_line_reported_and_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    [log] = make_logs(tmp_path, seeds=range(1))
    lines = log.read_text(encoding="utf-8").splitlines()
    log.write_text("\n".join([lines[0], "{not json", *lines[1:]]) + "\n", encoding="utf-8")
    assert grade(log, db=tmp_path / "g.db") == 1
    err = capsys.readouterr().err
    assert f"{log}:2:1: error: corrupt line skipped" in err
    assert Gradebook(tmp_path / "g.db").attempts()[0]["status"] == "corrupt"


def test_bad_file_does_not_stop_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_logs(tmp_path / "logs", seeds=range(2))
    (tmp_path / "logs" / "aaa.jsonl").write_text("not a log\n", encoding="utf-8")
    found = summary(capsys, tmp_path / "logs", db=tmp_path / "g.db")
    assert found["statuses"] == {"unreadable": 1, "verified": 2}
    assert found["flagged"][0]["path"].endswith("aaa.jsonl")


def test_changed_scenario_flagged_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    copy = scenarios / "minimal.yaml"
    copy.write_text(MINIMAL.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    [log] = make_logs(tmp_path / "logs", seeds=range(1))
    rewrite(log, lambda r: r[0].update(scenario_path="/nowhere/minimal.yaml"))
    db = tmp_path / "g.db"
    code = main_grade(log, db, scenarios)
    assert code == 1
    assert f"{log}: error: scenario_changed: scenario changed: {copy}" in capsys.readouterr().err


def test_unknown_scenario_flagged_not_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    [log] = make_logs(tmp_path, seeds=range(1))
    rewrite(log, lambda r: r[0].update(scenario="ghost", scenario_sha256="0" * 64))
    assert grade(log, db=tmp_path / "g.db") == 1
    assert "scenario_not_found: scenario not found: no file with id 'ghost'" in (
        capsys.readouterr().err
    )


def test_scenario_found_by_header_path(tmp_path: Path) -> None:
    [log] = make_logs(tmp_path / "logs", seeds=range(1))
    assert main_grade(log, tmp_path / "g.db", None) == 0


def test_missing_path_is_usage_error_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert grade(tmp_path / "nope", db=tmp_path / "g.db") == 2
    assert f"{tmp_path / 'nope'}: error: no such file or directory" in capsys.readouterr().err
    assert not (tmp_path / "g.db").exists()


def test_not_a_gradebook_is_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_logs(tmp_path / "logs", seeds=range(1))
    db = tmp_path / "g.db"
    db.write_text("a spreadsheet\n", encoding="utf-8")
    assert grade(tmp_path / "logs", db=db) == 2
    assert f"{db}: error: not a huikuan gradebook" in capsys.readouterr().err
    assert db.read_text(encoding="utf-8") == "a spreadsheet\n"


def test_cohort_stored_per_attempt(tmp_path: Path) -> None:
    make_logs(tmp_path / "logs", seeds=range(2))
    grade(tmp_path / "logs", "--cohort", "2026-春", db=tmp_path / "g.db")
    assert {r["cohort"] for r in Gradebook(tmp_path / "g.db").attempts()} == {"2026-春"}


def test_process_pool_gives_same_verdicts(tmp_path: Path) -> None:
    from scoring.verify import ScenarioIndex, verify_many

    paths = make_logs(tmp_path, ("a",), range(3)) * 80  # 240 paths: enough for the pool
    index, _ = ScenarioIndex.build([MINIMAL])
    pooled = [v.status for v in verify_many(paths, index, jobs=2)]
    assert pooled == ["verified"] * 240


def main_grade(log: Path, db: Path, scenarios: Path | None) -> int:
    from simulator.cli import main

    extra = ["--scenarios", str(scenarios)] if scenarios else []
    return main(["grade", str(log), "--db", str(db), "--jobs", "1", *extra])


def test_malformed_header_is_unreadable_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    logs = make_logs(tmp_path / "logs", seeds=range(2))
    rewrite(logs[0], lambda r: r[0].update(seed="abc"))
    found = summary(capsys, tmp_path / "logs", db=tmp_path / "g.db")
    assert found["statuses"] == {"unreadable": 1, "verified": 1}
    assert "malformed header: seed is 'abc'" in found["flagged"][0]["detail"]


def test_step_without_tactic_is_tampered_not_a_crash(tmp_path: Path) -> None:
    [log] = make_logs(tmp_path, seeds=range(1))
    rewrite(log, lambda r: r[1].pop("tactic"))
    assert grade(log, db=tmp_path / "g.db") == 1
    assert Gradebook(tmp_path / "g.db").attempts()[0]["status"] == "tampered"


def test_format_1_log_still_grades(tmp_path: Path) -> None:
    [log] = make_logs(tmp_path, seeds=range(1))

    def older(records: list[dict[str, object]]) -> None:
        records[0]["log_format"] = 1
        for record in records[1:]:
            record.pop("at")

    rewrite(log, older)
    assert grade(log, db=tmp_path / "g.db") == 0
    [row] = Gradebook(tmp_path / "g.db").attempts()
    assert row["status"] == "verified" and row["duration_s"] is None
