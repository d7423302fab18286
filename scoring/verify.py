"""Verifying session logs: replay against the scenario file, check signatures, make a row."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import fields
from datetime import datetime
from pathlib import Path
from typing import Any

from scoring.verdict import STATUSES, Verdict
from simulator.engine.engine import Engine
from simulator.engine.score import ScoreReport
from simulator.engine.session import replay_log
from simulator.engine.session_log import LogContents, check_signatures, read_log, read_log_bytes
from simulator.errors import HuikuanError
from simulator.format.loader import LoadedScenario, decode, load_scenario, load_text, read_source
from simulator.grades import passes


class ScenarioIndex:
    """Scenario files by sha256 (and paths by id), found among bundled and extra ones."""

    def __init__(self, sources: dict[str, tuple[str, bytes]], by_id: dict[str, list[str]]):
        self.sources = sources
        self.by_id = by_id
        self._loaded: dict[str, LoadedScenario] = {}
        self._engines: dict[str, Engine] = {}
        self._outside: dict[str, str] = {}  # a path named in a header -> its sha256

    @classmethod
    def build(cls, paths: Iterable[Path]) -> tuple[ScenarioIndex, list[HuikuanError]]:
        """Load each file; those that do not load are returned as errors, not indexed."""
        sources: dict[str, tuple[str, bytes]] = {}
        by_id: dict[str, list[str]] = {}
        errors = []
        for path in paths:
            try:
                loaded = load_scenario(path)
            except HuikuanError as exc:
                errors.append(exc)
                continue
            sources.setdefault(loaded.sha256, (str(path), read_source(path)))
            by_id.setdefault(loaded.scenario.meta.id, []).append(str(path))
        return cls(sources, by_id), errors

    def loaded(self, sha: str) -> LoadedScenario:
        if sha not in self._loaded:
            path, data = self.sources[sha]
            self._loaded[sha] = load_text(decode(data, path), path, sha)
        return self._loaded[sha]

    def engine(self, sha: str) -> Engine:
        if sha not in self._engines:
            self._engines[sha] = Engine(self.loaded(sha))
        return self._engines[sha]

    def _adopt(self, path: Path, sha: str) -> str:
        """Index `path` if it is the scenario with `sha`; its sha, or "" if it is not."""
        try:
            # The path comes from a log: it may name /dev/zero or a FIFO.
            data = read_source(path)
            if hashlib.sha256(data).hexdigest() != sha:
                return ""
            self.sources[sha] = (str(path), data)
            self.loaded(sha)
        except (OSError, HuikuanError):
            self.sources.pop(sha, None)
            return ""
        return sha

    def find(self, header: dict[str, Any]) -> tuple[str | None, str]:
        """The sha256 to replay with, or None and why: changed (naming the file) or not found."""
        sha = str(header.get("scenario_sha256", ""))
        if sha in self.sources:
            return sha, ""
        named = str(header.get("scenario_path", ""))
        if sha and named and named not in self._outside:
            # The file the play used, if it is still there unchanged (a grader on the same machine).
            self._outside[named] = self._adopt(Path(named), sha)
            if self._outside[named]:
                return sha, ""
        same_id = self.by_id.get(str(header.get("scenario", "")), [])
        if same_id:
            return None, f"scenario changed: {', '.join(same_id)} has another sha256"
        wanted = header.get("scenario")
        return None, f"scenario not found: no file with id {wanted!r} and this sha256"


def _seconds(start: str | None, end: str | None) -> float | None:
    try:
        delta = datetime.fromisoformat(str(end)) - datetime.fromisoformat(str(start))
    except (ValueError, TypeError):  # not a time, or one with a zone and one without
        return None
    return max(0.0, delta.total_seconds())


def _report(report: ScoreReport) -> dict[str, Any]:
    """The report as a dict (dataclasses.asdict deep-copies every decision: slow for 10,000)."""
    data = {f.name: getattr(report, f.name) for f in fields(report)}
    data["decisions"] = [{f.name: getattr(d, f.name) for f in fields(d)} for d in report.decisions]
    return data


def _row(
    contents: LogContents, report: dict[str, Any] | None, loaded: LoadedScenario | None
) -> dict[str, Any]:
    header = contents.header
    finished = contents.final is not None
    ended = contents.ended or next((s for s in reversed(contents.stamps) if s), None)
    report = report or {}
    title = loaded.scenario.meta.title if loaded else None
    return {
        "trainee": str(header.get("trainee", "")),
        "scenario": str(header.get("scenario", "")),
        "scenario_version": str(header.get("scenario_version", "")),
        "scenario_sha256": str(header.get("scenario_sha256", "")),
        "title_zh": title.zh if title else None,
        "title_en": (title.en or title.zh) if title else None,
        "seed": int(header.get("seed", 0)),
        "lang": header.get("lang"),
        "started": header.get("started"),
        "ended": ended,
        "duration_s": _seconds(header.get("started"), ended) if ended else None,
        "steps": len(contents.steps),
        "moves": json.dumps([str(s.get("tactic")) for s in contents.steps]),
        "stamps": json.dumps(contents.stamps),
        "finished": int(finished),
        "signed": int("signature" in header),
        "score": report.get("score") if finished else None,
        "grade": report.get("grade") if finished else None,
        # The course's pass mark (C or better), not the log's own "passed" (graded at all).
        "passed": int(passes(report.get("grade"))) if finished else None,
        **{k: report.get(k) for k in ("debt", "recovered", "secured", "recovery_rate")},
        **{k: report.get(k) for k in ("present_value", "relationship", "days", "outcome")},
        "relationship_damage": report.get("relationship_damage"),
        "violations": json.dumps(report.get("violations", []), ensure_ascii=False),
        "report": json.dumps(report, ensure_ascii=False),
    }


# What identifies one play: a resumed log keeps it, and editing any other header value (or
# adding one) does not make a second attempt. The grader also matches plays by their steps'
# timestamps, so an edited `started` does not either (see gradebook).
IDENTITY = ("trainee", "scenario", "scenario_sha256", "seed", "started")


def attempt_key(header: dict[str, Any]) -> str:
    identity = [header.get(name) for name in IDENTITY]
    return hashlib.sha256(json.dumps(identity, ensure_ascii=False).encode("utf-8")).hexdigest()


def verify_file(path: Path, index: ScenarioIndex, key: bytes | None = None) -> Verdict:
    """Read one log, replay it, check its signatures (with a key) and make its row."""
    source = str(path)
    try:
        data = read_log_bytes(path)
        contents = read_log(path)
    except HuikuanError as exc:
        return Verdict(source, "unreadable", "; ".join(p.message for p in exc.problems))
    try:
        return _verify(path, data, contents, index, key)
    except Exception as exc:  # one odd file must never stop the rest of the grading
        return Verdict(source, "unreadable", f"cannot grade: {type(exc).__name__}: {exc}")


def _verify(
    path: Path, data: bytes, contents: LogContents, index: ScenarioIndex, key: bytes | None
) -> Verdict:
    source = str(path)
    header = dict(contents.header)
    verdict = Verdict(source, "verified", key=attempt_key(header))
    verdict.content_sha256 = hashlib.sha256(data).hexdigest()
    verdict.problems = [str(p) for p in contents.problems]
    issues: list[tuple[str, str]] = []
    sha, why = index.find(header)
    report: dict[str, Any] | None = None
    loaded = None
    if sha is None:
        changed = why.startswith("scenario changed")
        issues.append(("scenario_changed" if changed else "scenario_not_found", why))
        claimed = (contents.final or {}).get("report")
        report = claimed if isinstance(claimed, dict) else None
    else:
        loaded = index.loaded(sha)
        verdict.scenario_path = index.sources[sha][0]
        engine = index.engine(sha)
        replayed, mismatch = replay_log(engine, contents)
        if replayed is None:
            corrupt = bool(contents.problems)
            issues.append(("corrupt" if corrupt else "tampered", mismatch))
        else:
            report = _report(replayed)
    if contents.problems:
        lines = ", ".join(str(p.line) for p in contents.problems)
        issues.append(("corrupt", f"corrupt line(s) {lines} skipped"))
    if key is not None:
        broken = check_signatures(path, key)
        if broken:
            unsigned = broken.startswith("unsigned")
            issues.append(("unsigned" if unsigned else "bad_signature", broken))
    if header.get("bot"):
        issues.append(("bot", f"played by the {header['bot']} bot, not by the trainee"))
    if not contents.complete:
        issues.append(("incomplete", f"cut off after {len(contents.steps)} step(s)"))
    if issues:
        verdict.status = min((s for s, _ in issues), key=STATUSES.index)
        verdict.detail = "; ".join(d for _, d in issues)
    verdict.row = _row(contents, report, loaded)
    return verdict


_WORKER: dict[str, Any] = {}


def _start_worker(
    sources: dict[str, tuple[str, bytes]], by_id: dict[str, list[str]], key: bytes | None
) -> None:
    _WORKER["index"] = ScenarioIndex(sources, by_id)
    _WORKER["key"] = key


def _verify_in_worker(path: str) -> Verdict:
    return verify_file(Path(path), _WORKER["index"], _WORKER["key"])


def verify_many(
    paths: list[Path], index: ScenarioIndex, key: bytes | None = None, jobs: int | None = None
) -> Iterator[Verdict]:
    """Verdicts in the order of `paths`, replayed in `jobs` worker processes when worth it."""
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or len(paths) < 200:
        for path in paths:
            yield verify_file(path, index, key)
        return
    with ProcessPoolExecutor(
        max_workers=jobs,
        initializer=_start_worker,
        initargs=(index.sources, index.by_id, key),
    ) as pool:
        chunk = max(1, min(500, len(paths) // (jobs * 8)))
        yield from pool.map(_verify_in_worker, [str(p) for p in paths], chunksize=chunk)
