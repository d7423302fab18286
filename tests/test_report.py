"""`huikuan report`: one self-contained HTML file, rendered by a real browser where there is one."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_grade_support import MINIMAL, TEN, grade, make_logs, rewrite

from scoring.flagnotes import note_zh
from scoring.report import _situation
from simulator.cli import main
from simulator.format.loader import load_text


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


class _Tables(HTMLParser):
    """The report's tables as {first header: rows of cell texts}, and the text of its <p>s."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.paragraphs: list[str] = []
        self._head: list[str] = []
        self._rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._paragraph: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._head, self._rows = [], []
        elif tag == "tr":
            self._rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "p":
            self._paragraph = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            text = "".join(self._cell)
            (self._head if tag == "th" else self._rows[-1]).append(text)
            self._cell = None
        elif tag == "table":
            self.tables[self._head[0]] = [r for r in self._rows if r]
        elif tag == "p" and self._paragraph is not None:
            self.paragraphs.append("".join(self._paragraph))
            self._paragraph = None

    def handle_data(self, data: str) -> None:
        for sink in (self._cell, self._paragraph):
            if sink is not None:
                sink.append(data)


def _parse(path: Path) -> _Tables:
    parser = _Tables()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _report(book: Path, out: Path) -> _Tables:
    assert main(["report", "--db", str(book), "--out", str(out)]) == 0
    return _parse(out)


def test_flagged_log_listed(html: Path) -> None:
    [row] = _parse(html).tables["日志文件"]
    assert row[1:3] == ["cheat", "被篡改"]


def test_flag_note_is_in_chinese(html: Path) -> None:
    [row] = _parse(html).tables["日志文件"]
    assert row[3] == "日志里的最终得分与重放结果不符"
    assert not re.search("[A-Za-z]", row[3])


def test_an_unknown_flag_detail_falls_back_to_the_status_in_chinese() -> None:
    assert (
        note_zh("tampered", "something new went wrong") == "重放结果与日志记录不符（日志被改动过）"
    )


def test_costly_decisions_name_states_by_their_lines_not_ids(html: Path) -> None:
    situations = {row[0] for row in _parse(html).tables["局面"]}
    assert "「最近生意不好做啊。」" in situations
    assert not situations & {"opening", "explained"}


def test_a_state_name_is_shown_when_the_trainer_wrote_one() -> None:
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "  opening:\n", "  opening:\n    name: {zh: 开场摸底, en: Opening}\n", 1
    )
    assert _situation(load_text(text, "named.yaml"), "opening") == "开场摸底"


def test_summary_counts_each_log_once(html: Path) -> None:
    [summary] = [p for p in _parse(html).paragraphs if p.startswith("共 ")]
    assert summary.startswith("共 31 份日志，10 名学员（另有 1 人只有被标记的日志）")
    assert "已核验 30，未完成 0，被标记 1" in summary


def test_a_flagged_file_graded_again_after_another_edit_counts_once(tmp_path: Path) -> None:
    [edited] = make_logs(tmp_path / "bad", ("cheat",), range(1))
    rewrite(edited, lambda r: r[-1]["report"].update(score=100.0))
    grade(tmp_path / "bad", db=tmp_path / "g.db")
    rewrite(edited, lambda r: r[-1]["report"].update(score=99.0))
    grade(tmp_path / "bad", db=tmp_path / "g.db")
    report = _report(tmp_path / "g.db", tmp_path / "r.html")
    assert len(report.tables["日志文件"]) == 1
    assert any("被标记 1（" in p for p in report.paragraphs)


def test_rows_of_several_cohorts_each_name_their_own(tmp_path: Path) -> None:
    grade(*make_logs(tmp_path / "a", ("t01",), range(2)), "--cohort", "一班", db=tmp_path / "g.db")
    grade(
        *make_logs(tmp_path / "b", ("t01",), range(2, 3)), "--cohort", "二班", db=tmp_path / "g.db"
    )
    report = _report(tmp_path / "g.db", tmp_path / "r.html")
    rows = [(r[0], r[1], r[2]) for r in report.tables["学员"]]
    assert rows == [("t01", "一班", "2"), ("t01", "二班", "1")]
    assert any("批次：一班（2 次尝试）、二班（1 次尝试）" in p for p in report.paragraphs)


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
