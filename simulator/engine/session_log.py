"""Session logs: JSON lines written as the play happens, flushed and fsync'd per line."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from simulator.errors import HuikuanError, LogError, Problem
from simulator.files import read_limited

# Format 2 adds to each line after the header the time it was written ("at") and, when a
# signing key is configured, to every line an HMAC-SHA256 chained to the previous line ("sig").
# Format 1 logs (neither) still read.
LOG_FORMAT = 2
READABLE_FORMATS = (1, 2)
KEY_ENV, KEY_FILE_ENV = "HUIKUAN_SIGNING_KEY", "HUIKUAN_SIGNING_KEY_FILE"
SIGNATURE = "HMAC-SHA256"
_ENVELOPE = ("at", "sig")
# A long play logs a few hundred kilobytes; anything far larger is not a log of ours.
MAX_LOG_BYTES = 16 * 1024 * 1024
SEED_LIMIT = 2**63  # seeds are stored in SQLite's 64-bit integers
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_ID = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")


def _text(value: Any, most: int) -> bool:
    return isinstance(value, str) and 0 < len(value) <= most


def _optional_text(header: dict[str, Any], name: str, most: int) -> bool:
    return header.get(name) is None or _text(header[name], most)


def header_problem(header: dict[str, Any]) -> str:
    """Why a log's header is not one the simulator writes ('' when it is): every value typed
    and bounded before anything stores it."""
    checks: list[tuple[str, bool]] = [
        ("scenario", _text(header.get("scenario"), 64) and bool(_ID.match(header["scenario"]))),
        ("scenario_version", _text(header.get("scenario_version"), 32)),
        ("scenario_sha256", _text(header.get("scenario_sha256"), 64)
         and bool(_SHA256.match(header["scenario_sha256"]))),
        ("seed", type(header.get("seed")) is int and 0 <= header["seed"] < SEED_LIMIT),
        ("trainee", _text(header.get("trainee"), 200)),
        ("started", _text(header.get("started"), 40) and _is_time(header["started"])),
        ("lang", header.get("lang", "zh") in ("zh", "en")),
        ("scenario_path", _optional_text(header, "scenario_path", 4096)),
        ("engine_version", _optional_text(header, "engine_version", 64)),
        ("bot", _optional_text(header, "bot", 64)),
        ("signature", header.get("signature") is None or isinstance(header["signature"], dict)),
    ]  # fmt: skip
    bad = [name for name, ok in checks if not ok]
    if not bad:
        return ""
    name = bad[0]
    return f"malformed header: {name} is {str(repr(header.get(name)))[:60]}"


def _is_time(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _json_line(raw: bytes) -> Any:
    """One JSON line; a nesting bomb (100,000 '[') is a corrupt line, not a RecursionError."""
    try:
        return json.loads(raw.decode("utf-8"))
    except RecursionError:
        raise ValueError("nested too deeply") from None


def signing_key(key_file: Path | None = None) -> bytes | None:
    """The signing key: `key_file`, else $HUIKUAN_SIGNING_KEY, else the file $..._KEY_FILE names."""
    if key_file is None:
        text = os.environ.get(KEY_ENV, "").strip()
        if text:
            return text.encode("utf-8")
        named = os.environ.get(KEY_FILE_ENV, "").strip()
        if not named:
            return None
        key_file = Path(named)
    try:
        key = key_file.read_bytes().strip()
    except OSError as exc:
        raise LogError(Problem(str(key_file), f"cannot read signing key: {exc.strerror}")) from None
    if not key:
        raise LogError(Problem(str(key_file), "the signing key file is empty"))
    return key


def key_id(key: bytes) -> str:
    """A short public name for a key, so a grader can tell which key signed a log."""
    return hashlib.sha256(b"huikuan-key-id:" + key).hexdigest()[:16]


def _canonical(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True)


def _sign(key: bytes, previous: str, record: dict[str, Any]) -> str:
    message = (previous + "\n" + _canonical(record)).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def default_log_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path("huikuan", appauthor=False) / "logs"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _safe(text: str) -> str:
    # Letters of any script stay (张伟 is a usual trainee name); path separators and dots do not.
    return re.sub(r"[^\w-]+", "_", text, flags=re.UNICODE)[:40] or "anon"


class SessionLog:
    """An open log; every line reaches the disk before the next move is taken."""

    def __init__(
        self, path: Path, handle: IO[str], key: bytes | None = None, previous: str = ""
    ) -> None:
        self.path = path
        self._handle = handle
        self._key = key
        self._previous = previous

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
            key = signing_key()
            log = cls(path, handle, key)
            first = {"type": "header", "log_format": LOG_FORMAT, "started": _now(), **header}
            if key is not None:
                first["signature"] = {"alg": SIGNATURE, "key_id": key_id(key)}
            log.write(first)
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
        # A signed log goes on signing (with the key configured now) from its last whole line.
        lines = whole.splitlines()
        key, previous = None, ""
        try:
            signed = "signature" in json.loads(lines[0])
            previous = str(json.loads(lines[-1]).get("sig", ""))
        except (IndexError, ValueError, AttributeError):
            signed = False
        if signed:
            key = signing_key()
        return cls(path, path.open("a", encoding="utf-8"), key, previous)

    def write(self, record: dict[str, Any]) -> None:
        if record.get("type") != "header":
            record = {**record, "at": _now()}
        if self._key is not None:
            sig = _sign(self._key, self._previous, record)
            record, self._previous = {**record, "sig": sig}, sig
        self._handle.write(_canonical(record) + "\n")
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
    # When each step and the final line were written (format 2; None in older logs).
    stamps: list[str | None] = field(default_factory=list)
    ended: str | None = None

    @property
    def complete(self) -> bool:
        return self.final is not None

    @property
    def moves(self) -> list[str]:
        return [str(s["tactic"]) for s in self.steps]


def read_log_bytes(path: Path) -> bytes:
    """A log file's bytes (bounded, regular files only), without a UTF-8 BOM an editor added."""
    try:
        data = read_limited(path, MAX_LOG_BYTES, "session log")
    except HuikuanError as exc:
        raise LogError(exc.problems) from None
    return data.removeprefix(b"\xef\xbb\xbf")


def read_log(path: Path) -> LogContents:
    """Read a log; a partial last line (a crash mid-write) is dropped, not an error."""
    source = str(path)
    if not path.exists():
        raise LogError(Problem(source, "no such log file"))
    data = read_log_bytes(path)
    # Whatever follows the last newline is a line cut off mid-write; it is not counted.
    lines = data.split(b"\n")
    truncated = lines[-1] != b""
    lines = lines[:-1]
    records: list[tuple[int, dict[str, Any]]] = []
    problems: list[Problem] = []
    for number, raw in enumerate(lines, start=1):
        try:
            record = _json_line(raw)
            if not isinstance(record, dict) or "type" not in record:
                raise ValueError("not a log record")
        except (UnicodeDecodeError, ValueError) as exc:
            problems.append(Problem(source, f"corrupt line skipped ({exc})", number, 1))
            continue
        records.append((number, record))
    if not records or records[0][1].get("type") != "header":
        raise LogError(Problem(source, "not a huikuan session log (no header line)", 1, 1))
    header = records[0][1]
    header.pop("sig", None)
    if header.get("log_format") not in READABLE_FORMATS:
        raise LogError(
            Problem(source, f"unsupported log format {str(header.get('log_format'))[:20]!r}", 1, 1)
        )
    malformed = header_problem(header)
    if malformed:
        raise LogError(Problem(source, malformed, 1, 1))
    contents = LogContents(path, header, problems=problems, truncated=truncated)
    for number, record in records[1:]:
        kind = record.get("type")
        at, _ = (record.pop(name, None) for name in _ENVELOPE)
        if kind == "step":
            contents.steps.append(record)
            contents.stamps.append(at if isinstance(at, str) else None)
        elif kind == "final":
            contents.final = record
            contents.ended = at if isinstance(at, str) else None
        else:
            problems.append(Problem(source, f"unknown record type {kind!r} skipped", number, 1))
    return contents


def check_signatures(path: Path, key: bytes) -> str | None:
    """Why the log's signature chain does not hold with `key`, or None when every line is signed.

    A partial last line (a crash mid-write) is not part of the chain.
    """
    try:
        data = read_log_bytes(path)
    except HuikuanError as exc:
        return "; ".join(p.message for p in exc.problems)
    previous = ""
    for number, raw in enumerate(data.split(b"\n")[:-1], start=1):
        try:
            record = _json_line(raw)
            sig = record.pop("sig", None) if isinstance(record, dict) else None
        except (UnicodeDecodeError, ValueError):
            return f"line {number} is corrupt, the signature chain is broken there"
        if number == 1:
            signature = record.get("signature")
            if not isinstance(signature, dict):
                return "unsigned log (no signature in the header)"
            if signature.get("key_id") != key_id(key):
                return "signed with a different key"
        if not isinstance(sig, str) or not hmac.compare_digest(sig, _sign(key, previous, record)):
            return f"line {number}: signature does not match (edited, or lines removed)"
        previous = sig
    return None
