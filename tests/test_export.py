"""`huikuan export`: the gradebook as CSV, Moodle and Canvas CSV, XLSX and JSON."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from test_grade_support import TEN, grade, make_logs

from scoring.exports import COLUMNS
from simulator.cli import main


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ten trainees, two plays each by the random bot, graded into one gradebook."""
    root = tmp_path_factory.mktemp("book")
    make_logs(root / "logs", TEN, range(2), bot="random")
    grade(root / "logs", "--cohort", "一期", db=root / "g.db")
    return root / "g.db"


def _export(book: Path, out: Path, *more: str) -> int:
    return main(["export", "--db", str(book), "--out", str(out), *more])


def _csv(path: Path) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_has_bom_and_one_row_per_attempt(book: Path, tmp_path: Path) -> None:
    assert _export(book, tmp_path / "a.csv", "--format", "csv") == 0
    rows = _csv(tmp_path / "a.csv")
    assert rows[0] == [zh for _, zh, _ in COLUMNS] and len(rows) == 21


def test_csv_english_headers(book: Path, tmp_path: Path) -> None:
    _export(book, tmp_path / "a.csv", "--format", "csv", "--lang", "en")
    assert _csv(tmp_path / "a.csv")[0][:3] == ["attempt_id", "trainee", "cohort"]


def test_best_keeps_one_row_per_trainee_and_scenario(book: Path, tmp_path: Path) -> None:
    _export(book, tmp_path / "a.csv", "--format", "csv", "--best", "--lang", "en")
    rows = _csv(tmp_path / "a.csv")
    assert sorted(r[1] for r in rows[1:]) == list(TEN)


def test_best_is_the_highest_score(book: Path, tmp_path: Path) -> None:
    _export(book, tmp_path / "all.json", "--format", "json")
    _export(book, tmp_path / "best.json", "--format", "json", "--best")
    every = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))["attempts"]
    best = json.loads((tmp_path / "best.json").read_text(encoding="utf-8"))["attempts"]
    for row in best:
        assert row["score"] == max(a["score"] for a in every if a["trainee"] == row["trainee"])


def test_cohort_filter(book: Path, tmp_path: Path) -> None:
    _export(book, tmp_path / "a.json", "--format", "json", "--cohort", "二期")
    assert json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))["attempts"] == []


def test_json_carries_each_score_report(book: Path, tmp_path: Path) -> None:
    _export(book, tmp_path / "a.json", "--format", "json")
    data = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert len(data["attempts"]) == 20
    assert all(a["report"]["decisions"] and "score" in a["report"] for a in data["attempts"])


def test_moodle_shape(book: Path, tmp_path: Path) -> None:
    assert _export(book, tmp_path / "m.csv", "--format", "moodle") == 0
    rows = _csv(tmp_path / "m.csv")
    assert rows[0] == ["Username", "huikuan:minimal", "huikuan:minimal feedback"]
    assert len(rows) == 11 and all(r[2].startswith("得分 ") for r in rows[1:])


def test_canvas_shape(book: Path, tmp_path: Path) -> None:
    assert _export(book, tmp_path / "c.csv", "--format", "canvas", "--last") == 0
    rows = _csv(tmp_path / "c.csv")
    assert rows[0] == [
        "Student", "ID", "SIS User ID", "SIS Login ID", "Section", "huikuan:minimal", "Notes"
    ]  # fmt: skip
    assert rows[1][0] == "Points Possible" and rows[1][5] == "100"
    assert rows[2][3] == "t01" and rows[2][4] == "一期"


def test_moodle_refuses_all(book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _export(book, tmp_path / "m.csv", "--format", "moodle", "--all") == 2
    assert "use --best or --last" in capsys.readouterr().err
    assert not (tmp_path / "m.csv").exists()


def test_xlsx_summary_and_scenario_sheets_with_numbers(book: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    assert _export(book, tmp_path / "a.xlsx", "--format", "xlsx") == 0
    workbook = load_workbook(tmp_path / "a.xlsx")
    assert workbook.sheetnames == ["汇总", "minimal"]
    sheet = workbook["minimal"]
    head = [c.value for c in sheet[1]]
    assert head[:2] == ["尝试编号", "学员"]
    score = sheet.cell(row=2, column=head.index("得分") + 1).value
    assert isinstance(score, int | float)  # a number, not text
    assert workbook["汇总"].max_row == 11


def test_missing_gradebook_is_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _export(tmp_path / "none.db", tmp_path / "a.csv", "--format", "csv") == 2
    assert "no such gradebook" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()


def test_write_is_atomic_and_leaves_no_temp(book: Path, tmp_path: Path) -> None:
    out = tmp_path / "a.csv"
    out.write_text("old", encoding="utf-8")
    _export(book, out, "--format", "csv")
    assert out.read_bytes().startswith(b"\xef\xbb\xbf") and list(tmp_path.iterdir()) == [out]


def test_unwritable_target_is_usage_error(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _export(book, tmp_path / "no" / "a.csv", "--format", "csv") == 2
    assert f"{tmp_path / 'no' / 'a.csv'}: error: cannot write" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["csv", "moodle", "canvas", "xlsx", "json", "xapi"])
def test_ten_trainees_round_trip_to_every_format(book: Path, tmp_path: Path, name: str) -> None:
    out = tmp_path / f"out.{name}"
    assert _export(book, out, "--format", name) == 0
    if name == "xlsx":
        from openpyxl import load_workbook

        text = " ".join(str(c.value) for c in load_workbook(out)["汇总"]["A"])
    else:
        text = out.read_text(encoding="utf-8")
    assert all(t in text for t in TEN)
