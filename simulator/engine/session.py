"""A playthrough with its log: start, move, finish, replay and resume — used by CLI and TUI."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from simulator.engine.engine import ENGINE_VERSION, Engine, UnplayableMove
from simulator.engine.playthrough import Playthrough, Step
from simulator.engine.score import ScoreReport
from simulator.engine.session_log import LogContents, SessionLog, read_log
from simulator.errors import HuikuanError, LogError, Problem
from simulator.format.loader import LoadedScenario, load_scenario


def _as_logged(record: dict[str, Any]) -> dict[str, Any]:
    """The record as it reads back from the log (tuples become lists), for comparing."""
    result: dict[str, Any] = json.loads(json.dumps(record, ensure_ascii=False))
    return result


def _step_record(step: Step) -> dict[str, Any]:
    return _as_logged({"type": "step", **step.to_dict()})


def _final_record(report: ScoreReport) -> dict[str, Any]:
    data = report.to_dict()
    data.pop("decisions")
    return _as_logged({"type": "final", "report": data})


class Session:
    """One trainee's play of one scenario, logged line by line as it happens."""

    def __init__(
        self,
        engine: Engine,
        play: Playthrough,
        trainee: str,
        log: SessionLog | None,
    ) -> None:
        self.engine = engine
        self.play = play
        self.trainee = trainee
        self.log = log
        self.report: ScoreReport | None = None

    @classmethod
    def start(
        cls,
        engine: Engine,
        seed: int,
        trainee: str,
        log_dir: Path | None,
        lang: str = "zh",
        bot: str | None = None,
    ) -> Session:
        """A new play; `bot` names the bot making the moves, which the log records."""
        play = engine.start(seed)
        log = None
        if log_dir is not None:
            loaded = engine.loaded
            log = SessionLog.create(log_dir, header(loaded, seed, trainee, lang, bot))
        session = cls(engine, play, trainee, log)
        session._finish_if_over()
        return session

    @property
    def scenario_id(self) -> str:
        return self.engine.scenario.meta.id

    def move(self, tactic_id: str) -> Step:
        step = self.engine.play(self.play, tactic_id)
        if self.log is not None:
            self.log.write(_step_record(step))
        self._finish_if_over()
        return step

    def _finish_if_over(self) -> None:
        if self.play.over and self.report is None:
            self.report = self.engine.report(self.play)
            if self.log is not None:
                self.log.write(_final_record(self.report))
                self.log.close()

    def close(self) -> None:
        """Stop without finishing; the log stays resumable."""
        self.engine.close(self.play)
        if self.log is not None and self.report is None:
            self.log.close()


def header(
    loaded: LoadedScenario, seed: int, trainee: str, lang: str, bot: str | None = None
) -> dict[str, Any]:
    meta = loaded.scenario.meta
    # A bot's play says so, so that the grader never counts it as the trainee's own.
    played_by = {"bot": bot} if bot else {}
    return {
        **played_by,
        "scenario": meta.id,
        "scenario_version": meta.version,
        "scenario_sha256": loaded.sha256,
        "scenario_path": str(Path(loaded.path).resolve()),
        "seed": seed,
        "trainee": trainee,
        "lang": lang,
        "engine_version": ENGINE_VERSION,
    }


@dataclass(frozen=True)
class ReplayCheck:
    """Whether a log is what its scenario and moves produce."""

    contents: LogContents
    matches: bool
    same_scenario: bool
    mismatch: str = ""


def _replay_steps(engine: Engine, play: Playthrough, contents: LogContents) -> str:
    """The logged moves played again on `play` (started from the logged seed); '' or where
    the log first differs from the replay."""
    moves = [str(logged.get("tactic")) for logged in contents.steps]
    failed: UnplayableMove | HuikuanError | KeyError | None = None
    try:
        engine.advance(play, moves)
    except (UnplayableMove, KeyError, HuikuanError) as exc:
        failed = exc
    for index, (logged, step) in enumerate(zip(contents.steps, play.steps, strict=False)):
        if _step_record(step) != logged:
            return f"step {index} ({moves[index]}) differs from the replay"
    if failed is not None:
        index = len(play.steps)
        why = failed.why if isinstance(failed, UnplayableMove) else str(failed)
        return f"step {index} ({moves[index]}) does not replay: {why}"
    return ""


def replay_log(engine: Engine, contents: LogContents) -> tuple[ScoreReport | None, str]:
    """The replay's report (as if ended now, if the log was cut), or None and where it differs."""
    with engine.playing(int(contents.header["seed"])) as play:
        mismatch = _replay_steps(engine, play, contents)
    report, over = engine.report(play), play.over
    if mismatch:
        return None, mismatch
    if contents.final is not None:
        if not over:
            return None, "the log says finished, the replay is not"
        # The final line has no decisions: leave them out of the comparison copy (10,000 logs).
        if _final_record(replace(report, decisions=())) != contents.final:
            return None, "the final score differs from the replay"
    return report, ""


def replay(contents: LogContents, loaded: LoadedScenario) -> ReplayCheck:
    """Play the logged moves again with the logged seed and compare every line."""
    same = contents.header.get("scenario_sha256") == loaded.sha256
    report, mismatch = replay_log(Engine(loaded), contents)
    return ReplayCheck(contents, report is not None, same, mismatch)


def resume(path: Path, engine: Engine | None = None) -> Session:
    """Continue an unfinished log from its last whole step, with the same seed and state."""
    contents = read_log(path)
    if contents.complete:
        raise LogError(Problem(str(path), "this play is already finished"))
    loaded = engine.loaded if engine else load_scenario(contents.header["scenario_path"])
    if contents.header.get("scenario_sha256") != loaded.sha256:
        raise LogError(Problem(str(path), "the scenario file has changed since this play began"))
    engine = engine or Engine(loaded)
    # Not `playing`: a resumed play stays open for the trainee's next move.
    play = engine.start(int(contents.header["seed"]))
    mismatch = _replay_steps(engine, play, contents)
    if mismatch:
        engine.close(play)
        raise LogError(Problem(str(path), mismatch))
    session = Session(engine, play, str(contents.header.get("trainee", "")), None)
    session.log = SessionLog.reopen(path)
    session._finish_if_over()
    return session


def result(session: Session, log_path: Path | None) -> dict[str, Any]:
    """The headless result object (design brief: `play --json`)."""
    engine, play = session.engine, session.play
    report = session.report or engine.report(play)
    meta = engine.scenario.meta
    return {
        "scenario": meta.id,
        "scenario_version": meta.version,
        "seed": play.seed,
        "trainee": session.trainee,
        "moves": [s.tactic for s in play.steps],
        "finished": play.over,
        "final_state": play.state,
        "outcome": str(play.outcome) if play.outcome else None,
        "cause": play.cause,
        "debt": report.debt,
        "recovered": report.recovered,
        "secured": report.secured,
        "recovery_rate": report.recovery_rate,
        "present_value": report.present_value,
        "relationship": report.relationship,
        "relationship_damage": report.relationship_damage,
        "days": report.days,
        "violations": list(report.violations),
        "score": report.score,
        "grade": report.grade,
        "components": report.components,
        "revealed": list(play.revealed),
        # The report's own Decision shape: a field added there shows here (and in the log's
        # final report, the debrief and the exports) with no second list to keep.
        "decisions": [asdict(d) for d in report.decisions],
        "log_path": str(log_path) if log_path else None,
    }
