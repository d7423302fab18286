"""What the session logs say about a trainee: best scores, and an unfinished play to resume."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator.engine.session_log import LogContents, read_log
from simulator.errors import LogError


@dataclass(frozen=True)
class Best:
    """A trainee's best finished play of one scenario."""

    score: float
    grade: str


@dataclass(frozen=True)
class Unfinished:
    """A play cut off before its end, that can be resumed from its log."""

    path: Path
    seed: int
    moves: int
    day: int


def _logs(log_dir: Path | None) -> list[LogContents]:
    if log_dir is None or not log_dir.is_dir():
        return []
    found = []
    for path in log_dir.glob("*.jsonl"):
        try:
            found.append((path.stat().st_mtime_ns, read_log(path)))
        except (LogError, OSError):
            continue
    # The last written to comes last (a start time has only whole seconds).
    found.sort(key=lambda pair: (pair[0], pair[1].path.name))
    return [contents for _, contents in found]


def best_scores(log_dir: Path | None, trainee: str) -> dict[str, Best]:
    """The best finished score per scenario id for `trainee`."""
    best: dict[str, Best] = {}
    for contents in _logs(log_dir):
        if contents.header.get("trainee") != trainee or contents.final is None:
            continue
        report: Any = contents.final.get("report", {})
        score, grade = report.get("score"), report.get("grade")
        if not isinstance(score, int | float) or not isinstance(grade, str):
            continue
        scenario = str(contents.header.get("scenario"))
        if scenario not in best or score > best[scenario].score:
            best[scenario] = Best(float(score), grade)
    return best


def unfinished(
    log_dir: Path | None, scenario: str, sha256: str, trainee: str, seed: int | None = None
) -> Unfinished | None:
    """The trainee's latest play of `scenario`, if it stopped mid-game and can be resumed.

    Only the latest counts: once a new play is started, an older cut-off one is not offered.
    """
    mine = [
        c
        for c in _logs(log_dir)
        if c.header.get("scenario") == scenario
        and c.header.get("trainee") == trainee
        and (seed is None or c.header.get("seed") == seed)
    ]
    if not mine:
        return None
    latest = mine[-1]
    if latest.complete or not latest.steps or latest.header.get("scenario_sha256") != sha256:
        return None
    day = latest.steps[-1].get("day", 0)
    return Unfinished(
        latest.path,
        int(latest.header["seed"]),
        len(latest.steps),
        int(day) if isinstance(day, int | float) else 0,
    )


def latest_unfinished(log_dir: Path | None, trainee: str) -> tuple[str, str, Unfinished] | None:
    """The trainee's latest play of any scenario, if it stopped mid-game: (id, sha256, where).

    A workshop asks the name when a browser opens; this is what it offers to resume.
    """
    mine = [c for c in _logs(log_dir) if c.header.get("trainee") == trainee]
    if not mine:
        return None
    latest = mine[-1]
    scenario, sha256 = str(latest.header["scenario"]), str(latest.header["scenario_sha256"])
    cut = unfinished(log_dir, scenario, sha256, trainee)
    return (scenario, sha256, cut) if cut is not None and cut.path == latest.path else None
