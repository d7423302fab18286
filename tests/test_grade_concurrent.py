"""Several graders' processes ingesting into one gradebook at once lose nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from test_grade_support import SCENARIOS, make_logs

from scoring.gradebook import Gradebook


def _grader(paths: list[Path], db: Path) -> subprocess.Popen[str]:
    argv = ["grade", *map(str, paths), "--db", str(db), "--scenarios", str(SCENARIOS)]
    code = f"import sys; from simulator.cli import main; sys.exit(main({[*argv, '--jobs', '1']!r}))"
    return subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_concurrent_ingests_lose_nothing(tmp_path: Path) -> None:
    logs = make_logs(tmp_path / "logs", tuple(f"t{n}" for n in range(8)), range(6))
    db = tmp_path / "g.db"
    # Four processes: each its own quarter, and all of them the whole set again, at once.
    quarters = [logs[i::4] for i in range(4)]
    graders = [_grader(q + logs, db) for q in quarters]
    results = [g.communicate(timeout=300) for g in graders]
    codes = [g.returncode for g in graders]
    assert codes == [0, 0, 0, 0], results
    book = Gradebook(db)
    rows = book.attempts()
    assert len(rows) == len(logs) == 48
    assert {r["source"] for r in rows} == {str(p) for p in logs}
    assert all(r["status"] == "verified" for r in rows)
