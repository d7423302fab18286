"""The trainer's board: per-trainee rows and per-scenario figures read from a log directory.

No Textual here: the web board (`frontends/web`) and the terminal board (`frontends/tui/board`)
both draw what `Board.figures()` computes, from logs read with `session_log.read_log`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.engine.session_log import LogContents, read_log
from simulator.errors import HuikuanError
from simulator.format.catalog import catalog
from simulator.text import Text

# A directory with more logs than this is not one workshop; the board reads the latest ones.
MAX_LOGS = 5000

# The board's words, shared by the web page and the terminal screen.
LABELS = {
    "title": Text(zh="培训看板", en="Workshop board"),
    "trainees": Text(zh="学员", en="Trainees"),
    "scenarios": Text(zh="案例汇总", en="Scenarios"),
    "trainee": Text(zh="学员", en="Trainee"),
    "scenario": Text(zh="案例", en="Scenario"),
    "day": Text(zh="天数", en="Day"),
    "recovered": Text(zh="已回款", en="Recovered"),
    "relationship": Text(zh="客户关系", en="Relationship"),
    "status": Text(zh="状态", en="Status"),
    "score": Text(zh="得分", en="Score"),
    "grade": Text(zh="等级", en="Grade"),
    "plays": Text(zh="次数", en="Plays"),
    "finished": Text(zh="完成", en="Finished"),
    "playing": Text(zh="进行中", en="Playing"),
    "people": Text(zh="学员数", en="Trainees"),
    "mean": Text(zh="平均分", en="Mean score"),
    "first": Text(zh="最常见的第一步", en="Most common first move"),
    "mistake": Text(zh="最常见的失误", en="Most common mistake"),
    "none": Text(zh="还没有人开始。学员的每一步会在几秒内出现在这里。",
                 en="Nobody has started yet. Each move shows up here within seconds."),
    "updated": Text(zh="更新于", en="Updated"),
    "unreadable": Text(zh="个日志无法读取", en="unreadable log(s)"),
    "mistake_is": Text(
        zh="失误：违反行为规范，或损害客户关系却没有带来回款的一步。",
        en="Mistake: a move that broke a conduct rule, or cost goodwill and brought no money.",
    ),
}  # fmt: skip


@dataclass(frozen=True)
class TraineeRow:
    """A trainee's latest play: where it stands, or how it ended."""

    trainee: str
    scenario: str
    title: Text
    plays: int
    day: int
    recovered: float
    debt: float | None
    relationship: float | None
    finished: bool
    score: float | None
    grade: str | None


@dataclass(frozen=True)
class ScenarioSummary:
    """What a scenario's plays add up to, for the debrief the trainer leads."""

    scenario: str
    title: Text
    plays: int
    trainees: int
    finished: int
    mean_score: float | None
    first_move: tuple[Text, int] | None
    mistake: tuple[Text, int] | None


@dataclass(frozen=True)
class Figures:
    """The whole board at one moment."""

    trainees: list[TraineeRow] = field(default_factory=list)
    scenarios: list[ScenarioSummary] = field(default_factory=list)
    unreadable: int = 0


def is_mistake(step: dict[str, Any]) -> bool:
    """A move that broke a conduct rule, or cost goodwill and brought nothing in."""
    if step.get("violation"):
        return True
    change, paid, secured = (step.get(k) or 0 for k in ("relationship_change", "paid", "secured"))
    numbers = all(isinstance(v, int | float) for v in (change, paid, secured))
    return numbers and change < 0 and paid <= 0 and secured <= 0


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


class Board:
    """Reads a log directory again and again; a file unchanged since last time is not re-read."""

    def __init__(self, log_dir: Path, scenarios: Path | None = None, *, bundled: bool = True):
        self.log_dir = log_dir
        self._cache: dict[Path, tuple[tuple[int, int], LogContents | None]] = {}
        self._titles: dict[str, Text] = {}
        self._tactics: dict[tuple[str, str], Text] = {}
        self._debts: dict[str, float] = {}
        try:
            entries, _ = catalog(scenarios, bundled=bundled)
        except HuikuanError:
            entries = []
        for entry in entries:
            scenario = entry.loaded.scenario
            self._titles[entry.id] = scenario.meta.title
            self._debts[entry.id] = float(scenario.dossier.amount_owed)
            for tactic_id, tactic in scenario.tactics.items():
                self._tactics[entry.id, tactic_id] = tactic.name

    def title(self, scenario: str) -> Text:
        return self._titles.get(scenario) or Text(zh=scenario, en=scenario)

    def tactic(self, scenario: str, tactic: str) -> Text:
        return self._tactics.get((scenario, tactic)) or Text(zh=tactic, en=tactic)

    def _read(self) -> tuple[list[LogContents], int]:
        """The trainees' logs, oldest first (bot plays are not a trainee's), and how many failed."""
        if not self.log_dir.is_dir():
            return [], 0
        stamped: list[tuple[int, str, Path, tuple[int, int]]] = []
        for path in self.log_dir.glob("*.jsonl"):
            try:
                info = path.stat()
            except OSError:
                continue
            stamped.append((info.st_mtime_ns, path.name, path, (info.st_mtime_ns, info.st_size)))
        stamped.sort()
        stamped = stamped[-MAX_LOGS:]
        seen: dict[Path, tuple[tuple[int, int], LogContents | None]] = {}
        logs, unreadable = [], 0
        for _, _, path, key in stamped:
            cached = self._cache.get(path)
            if cached is None or cached[0] != key:
                try:
                    cached = (key, read_log(path))
                except (HuikuanError, OSError):
                    cached = (key, None)
            seen[path] = cached
            contents = cached[1]
            if contents is None:
                unreadable += 1
            elif not contents.header.get("bot"):
                logs.append(contents)
        self._cache = seen
        return logs, unreadable

    def figures(self) -> Figures:
        logs, unreadable = self._read()
        latest: dict[str, LogContents] = {}
        plays: Counter[str] = Counter()
        for contents in logs:
            trainee = str(contents.header["trainee"])
            latest[trainee] = contents
            plays[trainee] += 1
        rows = [self._row(trainee, c, plays[trainee]) for trainee, c in latest.items()]
        rows.sort(key=lambda r: r.trainee)
        by_scenario: dict[str, list[LogContents]] = {}
        for contents in logs:
            by_scenario.setdefault(str(contents.header["scenario"]), []).append(contents)
        summaries = [self._summary(s, by_scenario[s]) for s in sorted(by_scenario)]
        return Figures(rows, summaries, unreadable)

    def _row(self, trainee: str, contents: LogContents, plays: int) -> TraineeRow:
        scenario = str(contents.header["scenario"])
        report: dict[str, Any] = (contents.final or {}).get("report") or {}
        steps = contents.steps
        last = steps[-1] if steps else {}
        day = _number(report.get("days")) or _number(last.get("day")) or 0
        recovered = _number(report.get("recovered"))
        if recovered is None:
            recovered = sum(_number(s.get("paid")) or 0.0 for s in steps)
        relationship = _number(report.get("relationship"))
        if relationship is None:
            relationship = _number(last.get("relationship"))
        finished = contents.complete
        return TraineeRow(
            trainee=trainee,
            scenario=scenario,
            title=self.title(scenario),
            plays=plays,
            day=int(day),
            recovered=recovered,
            debt=_number(report.get("debt")) or self._debts.get(scenario),
            relationship=relationship,
            finished=finished,
            score=_number(report.get("score")) if finished else None,
            grade=str(report["grade"]) if finished and "grade" in report else None,
        )

    def _summary(self, scenario: str, logs: list[LogContents]) -> ScenarioSummary:
        done = [c for c in logs if c.complete]
        scores = [
            s for c in done if (s := _number(((c.final or {}).get("report") or {}).get("score")))
            is not None
        ]  # fmt: skip
        firsts = Counter(str(c.steps[0].get("tactic")) for c in logs if c.steps)
        mistakes = Counter(str(s.get("tactic")) for c in logs for s in c.steps if is_mistake(s))
        return ScenarioSummary(
            scenario=scenario,
            title=self.title(scenario),
            plays=len(logs),
            trainees=len({str(c.header["trainee"]) for c in logs}),
            finished=len(done),
            mean_score=round(sum(scores) / len(scores), 1) if scores else None,
            first_move=self._most(scenario, firsts),
            mistake=self._most(scenario, mistakes),
        )

    def _most(self, scenario: str, counts: Counter[str]) -> tuple[Text, int] | None:
        if not counts:
            return None
        # Ties go to the tactic id first in alphabetical order, so the board does not flicker.
        tactic, n = min(counts.items(), key=lambda item: (-item[1], item[0]))
        return self.tactic(scenario, tactic), n
