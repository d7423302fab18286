"""`huikuan report`: one self-contained HTML file, rendered by a real browser where there is one."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from test_grade_support import TEN, grade, make_logs, rewrite

from simulator.cli import main


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("report")
    make_logs(root / "logs", TEN, range(3), bot="random")
    [edited] = make_logs(root / "bad", ("cheat",), range(1))
    rewrite(edited, lambda r: r[-1]["report"].update(score=100.0))
    grade(root / "logs", root / "bad", db=root / "g.db")
    return root / "g.db"


@pytest.fixture(scope="module")
def html(book: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("html") / "report.html"
    assert main(["report", "--db", str(book), "--out", str(out)]) == 0
    return out


def test_self_contained(html: Path) -> None:
    text = html.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)
    assert "<link" not in text and "<script" not in text


def test_per_trainee_table(html: Path) -> None:
    text = html.read_text(encoding="utf-8")
    assert "学员成绩" in text and all(f"<td>{t}</td>" in text for t in TEN)


def test_score_distribution_as_inline_svg(html: Path) -> None:
    text = html.read_text(encoding="utf-8")
    assert "<svg" in text and "得分分布" in text


def test_costly_decisions_valued_by_solver(html: Path) -> None:
    assert "代价最高的决策" in html.read_text(encoding="utf-8")


def test_violations_listed(html: Path) -> None:
    assert "威胁客户（minimal）" in html.read_text(encoding="utf-8")


def test_flagged_log_listed(html: Path) -> None:
    text = html.read_text(encoding="utf-8")
    assert "被篡改" in text and "the final score differs" in text


def test_lowest_scoring_moves_when_solver_refuses(book: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    assert main(["report", "--db", str(book), "--out", str(out), "--budget", "1"]) == 0
    assert "得分最低的决策" in out.read_text(encoding="utf-8")


def test_out_must_be_html(book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--db", str(book), "--out", str(tmp_path / "r.pdf")]) == 2
    assert "name it FILE.html" in capsys.readouterr().err


def _browser() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "/usr/bin/chromium"):
        found = shutil.which(name)
        if found:
            return found
    return None


def test_renders_in_headless_chromium(html: Path, tmp_path: Path) -> None:
    browser = _browser()
    if browser is None:
        pytest.skip("no Chromium here (apt-get install chromium)")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'p'}"]
    shot = tmp_path / "report.png"
    done = subprocess.run(
        [browser, *flags, f"--screenshot={shot}", "--window-size=1100,1400", html.as_uri()],
        capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0 and shot.stat().st_size > 10_000, done.stderr[-500:]
    dom = subprocess.run(
        [browser, *flags, "--dump-dom", html.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert "回款训练成绩报告" in dom.stdout and "<svg" in dom.stdout
