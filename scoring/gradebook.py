"""The SQLite gradebook: attempts ingested from verified logs, safe under concurrent graders."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scoring.verdict import COUNTED, FLAGGED, STATUSES, Verdict
from simulator.errors import HuikuanError, Problem
from simulator.files import read_limited

APP, SCHEMA_VERSION = "huikuan-gradebook", "1"
BUSY_MS = 60_000
BATCH = 500

ATTEMPT_COLUMNS = (
    "trainee", "scenario", "scenario_version", "scenario_sha256", "title_zh", "title_en", "seed",
    "lang", "started", "ended", "duration_s", "steps", "moves", "stamps", "finished", "signed",
    "score", "grade", "passed", "debt", "recovered", "secured", "recovery_rate", "present_value",
    "relationship", "relationship_damage", "days", "outcome", "violations", "report",
)  # fmt: skip

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY,
    attempt_key TEXT NOT NULL UNIQUE,
    content_sha256 TEXT NOT NULL,
    source TEXT NOT NULL,
    cohort TEXT,
    status TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    ingested TEXT NOT NULL,
    {", ".join(ATTEMPT_COLUMNS)}
);
CREATE INDEX IF NOT EXISTS attempts_by_trainee ON attempts (trainee, scenario);
CREATE TABLE IF NOT EXISTS files (
    content_sha256 TEXT PRIMARY KEY,
    attempt_key TEXT,
    path TEXT NOT NULL,
    status TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    ingested TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS scenarios (
    sha256 TEXT PRIMARY KEY, id TEXT NOT NULL, path TEXT NOT NULL, source BLOB NOT NULL
);
"""


@dataclass
class IngestSummary:
    """What one `grade` run did: rows added or updated, and each file's status."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    flagged: list[Verdict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": sum(self.statuses.values()),
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "statuses": {k: n for k, n in sorted(self.statuses.items()) if n},
            "flagged": [{"path": v.path, "status": v.status, "detail": v.detail}
                        for v in self.flagged],
            "problems": self.problems,
        }  # fmt: skip


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _source(path: str, sha: str) -> tuple[str, bytes] | None:
    """A scenario file found by a worker process (named in a log), if it still has `sha`."""
    try:
        data = read_limited(Path(path), SCENARIO_BYTES, "scenario file")
    except HuikuanError:
        return None
    return (path, data) if hashlib.sha256(data).hexdigest() == sha else None


def _same_play(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two logs are one play: one's steps (and their times) begin the other's."""
    moves_a, moves_b = json.loads(a["moves"] or "[]"), json.loads(b["moves"] or "[]")
    stamps_a, stamps_b = json.loads(a["stamps"] or "[]"), json.loads(b["stamps"] or "[]")
    n = min(len(moves_a), len(moves_b))
    if moves_a[:n] != moves_b[:n]:
        return False
    return bool(stamps_a[:n] == stamps_b[:n])


def _stamped(row: dict[str, Any]) -> bool:
    return any(json.loads(row["stamps"] or "[]"))


def _rank(status: str, finished: int, steps: int) -> tuple[int, int, int]:
    """Which version of an attempt to keep: verified over incomplete over flagged, then longer."""
    return (STATUSES.index(status), finished, steps)


# The same bound as the loader's (the grader's storage does not import the format).
SCENARIO_BYTES = 2 * 1024 * 1024


class Gradebook:
    """One SQLite file in WAL mode; every change is a short IMMEDIATE transaction."""

    def __init__(self, path: Path, create: bool = False) -> None:
        self.path = path
        self._scenarios: set[str] = set()  # stored in this run
        where = str(path)
        if not create and not path.is_file():
            raise HuikuanError(Problem(where, "no such gradebook (run huikuan grade first)"))
        if path.is_dir():
            raise HuikuanError(Problem(where, "is a directory, not a gradebook file"))
        if not path.parent.is_dir():
            raise HuikuanError(Problem(where, "cannot create the gradebook: no such directory"))
        try:
            self.db = sqlite3.connect(where, timeout=BUSY_MS / 1000, isolation_level=None)
            self.db.row_factory = sqlite3.Row
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
            self._setup(create)
        except sqlite3.DatabaseError as exc:
            raise HuikuanError(Problem(where, f"not a huikuan gradebook ({exc})")) from None

    def _setup(self, create: bool) -> None:
        tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master")}
        if tables and "meta" not in tables:
            raise sqlite3.DatabaseError("other tables, no huikuan meta table")
        if "meta" in tables:
            found = dict(self.db.execute("SELECT key, value FROM meta").fetchall())
            if found.get("app") != APP:
                raise sqlite3.DatabaseError("meta table of another application")
            if found.get("schema") != SCHEMA_VERSION:
                raise sqlite3.DatabaseError(f"schema {found.get('schema')}, not {SCHEMA_VERSION}")
        if not create:
            if not tables:
                raise sqlite3.DatabaseError("an empty database")
            return
        if self.db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self._retry(lambda: self.db.execute("PRAGMA journal_mode = WAL"))
        self.db.execute("PRAGMA synchronous = NORMAL")
        if not tables:
            with self.transaction():
                # One statement at a time: executescript would commit the transaction.
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        self.db.execute(statement)
                meta = [("app", APP), ("schema", SCHEMA_VERSION)]
                self.db.executemany("INSERT OR IGNORE INTO meta VALUES (?, ?)", meta)

    def _retry(self, action: Any, tries: int = 20) -> Any:
        """Run `action`, waiting out a lock the busy timeout did not cover (e.g. WAL switch)."""
        for attempt in range(tries):
            try:
                return action()
            except sqlite3.OperationalError as exc:
                waiting = "locked" in str(exc) or "busy" in str(exc)
                if not waiting or attempt == tries - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        return None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE: take the write lock first, so two graders never deadlock."""
        self._retry(lambda: self.db.execute("BEGIN IMMEDIATE"))
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def close(self) -> None:
        self.db.close()

    # --- ingesting ---------------------------------------------------------------------------

    def ingest(
        self,
        verdicts: Iterable[Verdict],
        cohort: str | None = None,
        sources: dict[str, tuple[str, bytes]] | None = None,
    ) -> IngestSummary:
        """Add each verdict's attempt (or a better version of it) in batches of transactions."""
        summary = IngestSummary()
        batch: list[Verdict] = []
        for verdict in verdicts:
            summary.statuses[verdict.status] += 1
            summary.problems += verdict.problems
            if verdict.flagged:
                summary.flagged.append(verdict)
            batch.append(verdict)
            if len(batch) >= BATCH:
                self._write(batch, cohort, summary, sources or {})
                batch = []
        if batch:
            self._write(batch, cohort, summary, sources or {})
        return summary

    def _write(
        self,
        batch: list[Verdict],
        cohort: str | None,
        summary: IngestSummary,
        sources: dict[str, tuple[str, bytes]],
    ) -> None:
        now = _now()
        with self.transaction():
            for verdict in batch:
                # Each log in its own savepoint: a value SQLite cannot take costs that log
                # alone, never the batch.
                self.db.execute("SAVEPOINT one_log")
                try:
                    self._store(verdict, cohort, summary, sources, now)
                except (sqlite3.IntegrityError, sqlite3.InterfaceError, sqlite3.DataError,
                        OverflowError, ValueError, TypeError) as exc:  # fmt: skip
                    self.db.execute("ROLLBACK TO one_log")
                    self._unstorable(verdict, summary, f"cannot store: {exc}", now)
                self.db.execute("RELEASE one_log")

    def _store(
        self,
        verdict: Verdict,
        cohort: str | None,
        summary: IngestSummary,
        sources: dict[str, tuple[str, bytes]],
        now: str,
    ) -> None:
        if verdict.key:
            self._store_attempt(verdict, cohort, summary, now)
        self._store_file(verdict, now)
        sha = str(verdict.row.get("scenario_sha256"))
        if verdict.scenario_path and sha not in self._scenarios:
            found = sources.get(sha) or _source(verdict.scenario_path, sha)
            if found:
                self._scenarios.add(sha)
                self.db.execute(
                    "INSERT OR IGNORE INTO scenarios VALUES (?, ?, ?, ?)",
                    (sha, verdict.row["scenario"], *found),
                )

    def _unstorable(self, verdict: Verdict, summary: IngestSummary, why: str, now: str) -> None:
        summary.statuses[verdict.status] -= 1
        if verdict in summary.flagged:
            summary.flagged.remove(verdict)
        verdict.status, verdict.detail, verdict.key = "unreadable", why[:300], ""
        summary.statuses[verdict.status] += 1
        summary.flagged.append(verdict)
        self._store_file(verdict, now)

    def _reflag(self, verdict: Verdict, summary: IngestSummary, status: str, why: str) -> None:
        summary.statuses[verdict.status] -= 1
        if verdict not in summary.flagged:
            summary.flagged.append(verdict)
        verdict.status, verdict.detail = status, why
        summary.statuses[status] += 1

    def _known_play(self, verdict: Verdict) -> str | None:
        """The key of a stored attempt that is this same play under an edited header."""
        row = verdict.row
        if not row.get("moves") or not _stamped(row):
            return None
        found = self.db.execute(
            "SELECT attempt_key, moves, stamps FROM attempts WHERE trainee = ? AND scenario = ?"
            " AND scenario_sha256 = ? AND seed = ?",
            (row["trainee"], row["scenario"], row["scenario_sha256"], row["seed"]),
        )
        for other in found:
            if _stamped(dict(other)) and _same_play(dict(other), row):
                return str(other["attempt_key"])
        return None

    def _store_file(self, verdict: Verdict, now: str) -> None:
        sha = verdict.content_sha256 or f"unreadable:{verdict.path}"
        self.db.execute(
            "INSERT OR IGNORE INTO files VALUES (?, ?, ?, ?, ?, ?)",
            (sha, verdict.key or None, verdict.path, verdict.status, verdict.detail, now),
        )

    def _store_attempt(
        self, verdict: Verdict, cohort: str | None, summary: IngestSummary, now: str
    ) -> None:
        row = verdict.row
        exists = self.db.execute(
            "SELECT 1 FROM attempts WHERE attempt_key = ?", (verdict.key,)
        ).fetchone()
        if exists is None:
            known = self._known_play(verdict)
            if known is not None:
                # The same play with its header edited (or a field added): never a second attempt.
                verdict.key = known
        values = [row.get(c) for c in ATTEMPT_COLUMNS]
        marks = ", ".join("?" * (7 + len(ATTEMPT_COLUMNS)))
        added = self.db.execute(
            "INSERT OR IGNORE INTO attempts (attempt_key, content_sha256, source, cohort, status,"
            f" detail, ingested, {', '.join(ATTEMPT_COLUMNS)}) VALUES ({marks})",
            [verdict.key, verdict.content_sha256, verdict.path, cohort, verdict.status,
             verdict.detail, now, *values],
        )  # fmt: skip
        if added.rowcount == 1:
            summary.new += 1
            return
        found = self.db.execute(
            "SELECT content_sha256, status, finished, steps, moves, stamps, source"
            " FROM attempts WHERE attempt_key = ?",
            (verdict.key,),
        ).fetchone()
        if found["status"] == "conflict":
            summary.unchanged += 1  # only the grader settles a conflict
            return
        if found["content_sha256"] != verdict.content_sha256 and not _same_play(dict(found), row):
            # Two different endings of one play (a log copied and played on): keep both files,
            # change neither score, and flag the attempt for the grader to decide.
            why = f"two different endings of one play: {found['source']} and {verdict.path}"
            self.db.execute(
                "UPDATE attempts SET status = 'conflict', detail = ? WHERE attempt_key = ?",
                (why, verdict.key),
            )
            self._reflag(verdict, summary, "conflict", why)
            summary.updated += 1
            return
        if found["content_sha256"] == verdict.content_sha256 or _rank(
            verdict.status, row["finished"], row["steps"]
        ) <= _rank(found["status"], found["finished"], found["steps"]):
            summary.unchanged += 1
        else:
            sets = ", ".join(f"{c} = ?" for c in ATTEMPT_COLUMNS)
            self.db.execute(
                f"UPDATE attempts SET content_sha256 = ?, source = ?, status = ?, detail = ?,"
                f" ingested = ?, cohort = COALESCE(cohort, ?), {sets} WHERE attempt_key = ?",
                [verdict.content_sha256, verdict.path, verdict.status, verdict.detail, now,
                 cohort, *values, verdict.key],
            )  # fmt: skip
            summary.updated += 1

    # --- reading -----------------------------------------------------------------------------

    def attempts(self, cohort: str | None = None) -> list[dict[str, Any]]:
        """Every attempt, oldest first, with moves, violations and the report decoded."""
        query = "SELECT * FROM attempts"
        args: tuple[str, ...] = ()
        if cohort is not None:
            query, args = query + " WHERE cohort = ?", (cohort,)
        rows = []
        for found in self.db.execute(query + " ORDER BY started, id", args):
            row = dict(found)
            for name in ("moves", "stamps", "violations", "report"):
                row[name] = json.loads(row[name]) if row[name] else None
            rows.append(row)
        return rows

    def flagged_files(self, cohort: str | None = None) -> list[dict[str, Any]]:
        """Every flagged log file ever graded (also edited copies of attempts kept intact)."""
        marks = ", ".join("?" * len(FLAGGED))
        query = (
            "SELECT f.path, f.status, f.detail, f.ingested, a.trainee FROM files f"
            " LEFT JOIN attempts a"
            f" ON a.attempt_key = f.attempt_key WHERE f.status IN ({marks})"
        )
        args: list[str] = list(FLAGGED)
        if cohort is not None:
            query, args = query + " AND a.cohort = ?", [*args, cohort]
        return [dict(r) for r in self.db.execute(query + " ORDER BY f.path, f.ingested", args)]

    def scenario_sources(self) -> dict[str, tuple[str, bytes]]:
        """The scenario files the attempts were replayed with, by sha256."""
        found = self.db.execute("SELECT sha256, path, source FROM scenarios")
        return {sha: (path, bytes(data)) for sha, path, data in found}

    def count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0])


def select(rows: list[dict[str, Any]], how: str) -> list[dict[str, Any]]:
    """`all` rows; or per (trainee, scenario) the `best` or `last` counted (verified) attempt."""
    if how == "all":
        return rows
    chosen: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        if row["status"] not in COUNTED or not row["finished"]:
            continue
        key = (row["trainee"], row["scenario"])
        held = chosen.get(key)
        better = held is None or (
            row["score"] > held["score"] if how == "best" else True  # rows are oldest first
        )
        if better:
            chosen[key] = row
    return sorted(chosen.values(), key=lambda r: (r["trainee"], r["scenario"]))
