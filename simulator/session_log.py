"""Session logs: JSON lines written as the play happens, flushed and fsync'd per line."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from simulator.errors import LogError, Problem

LOG_FORMAT = 1


def default_log_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path("huikuan", appauthor=False) / "logs"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)[:40] or "anon"


class SessionLog:
    """An open log; every line reaches the disk before the next move is taken."""

    def __init__(self, path: Path, handle: IO[str]) -> None:
        self.path = path
        self._handle = handle

    @classmethod
    def create(cls, directory: Path, header: dict[str, Any]) -> SessionLog:
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            message = f"cannot create log directory: {exc.strerror}"
            raise LogError(Problem(str(directory), message)) from None
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        stem = f"{stamp}-{_safe(header['scenario'])}-{_safe(header['trainee'])}-s{header['seed']}"
        for attempt in range(1000):
            path = directory / (stem + (f"-{attempt}" if attempt else "") + ".jsonl")
            try:
                handle = path.open("x", encoding="utf-8")
            except FileExistsError:
                continue
            except OSError as exc:
                raise LogError(Problem(str(path), f"cannot write log: {exc.strerror}")) from None
            log = cls(path, handle)
            log.write({"type": "header", "log_format": LOG_FORMAT, "started": _now(), **header})
            return log
        raise LogError(Problem(str(directory), "too many logs with the same name"))

    @classmethod
    def reopen(cls, path: Path) -> SessionLog:
        """Continue a log cut off by a crash: drop a partial last line, then append."""
        data = path.read_bytes()
        whole = data[: data.rfind(b"\n") + 1]
        if len(whole) != len(data):
            with path.open("r+b") as raw:
                raw.truncate(len(whole))
        return cls(path, path.open("a", encoding="utf-8"))

    def write(self, record: dict[str, Any]) -> None:
        self._handle.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def close(self) -> None:
        self._handle.close()


@dataclass
class LogContents:
    """A log as read back: what is whole, and what was wrong with the rest."""

    path: Path
    header: dict[str, Any]
    steps: list[dict[str, Any]] = field(default_factory=list)
    final: dict[str, Any] | None = None
    problems: list[Problem] = field(default_factory=list)
    truncated: bool = False

    @property
    def complete(self) -> bool:
        return self.final is not None

    @property
    def moves(self) -> list[str]:
        return [str(s["tactic"]) for s in self.steps]


def read_log(path: Path) -> LogContents:
    """Read a log; a partial last line (a crash mid-write) is dropped, not an error."""
    source = str(path)
    if not path.is_file():
        raise LogError(Problem(source, "no such log file"))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LogError(Problem(source, f"cannot read: {exc.strerror}")) from None
    # Whatever follows the last newline is a line cut off mid-write; it is not counted.
    lines = data.split(b"\n")
    truncated = lines[-1] != b""
    lines = lines[:-1]
    records: list[tuple[int, dict[str, Any]]] = []
    problems: list[Problem] = []
    for number, raw in enumerate(lines, start=1):
        try:
            record = json.loads(raw.decode("utf-8"))
            if not isinstance(record, dict) or "type" not in record:
                raise ValueError("not a log record")
        except (UnicodeDecodeError, ValueError) as exc:
            problems.append(Problem(source, f"corrupt line skipped ({exc})", number, 1))
            continue
        records.append((number, record))
    if not records or records[0][1].get("type") != "header":
        raise LogError(Problem(source, "not a huikuan session log (no header line)", 1, 1))
    header = records[0][1]
    if header.get("log_format") != LOG_FORMAT:
        raise LogError(
            Problem(source, f"unsupported log format {header.get('log_format')!r}", 1, 1)
        )
    contents = LogContents(path, header, problems=problems, truncated=truncated)
    for number, record in records[1:]:
        kind = record.get("type")
        if kind == "step":
            contents.steps.append(record)
        elif kind == "final":
            contents.final = record
        else:
            problems.append(Problem(source, f"unknown record type {kind!r} skipped", number, 1))
    return contents
