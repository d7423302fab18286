"""Sending xAPI statements to an LRS (xAPI 1.0.3 POST, basic auth) in batches, with retries."""

from __future__ import annotations

import base64
import http.client
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

XAPI_VERSION = "1.0.3"
RETRY_STATUSES = (408, 425, 429, 500, 502, 503, 504)
# Refusals of the content: in a batch, one bad statement may be the cause.
SPLIT_STATUSES = (400, 409, 413, 422)
MAX_ANSWER = 1024 * 1024  # a list of ids: about 40 bytes a statement
MAX_ERROR_ANSWER = 64 * 1024  # enough to say why, never the 300 MB some servers send
MAX_BACKOFF = 30.0  # seconds between two tries, however many retries are asked for


def statements_url(lrs: str) -> str:
    """The statements resource: as given if it ends in /statements, else under /xAPI or the path."""
    parts = urlsplit(lrs)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an http(s) URL: {lrs!r}")
    path = parts.path.rstrip("/")
    if path.endswith("/statements"):
        return lrs
    if not path:
        path = "/xAPI"
    return f"{parts.scheme}://{parts.netloc}{path}/statements"


@dataclass
class PushReport:
    """What the LRS said to each batch."""

    url: str
    statements: int = 0
    batches: int = 0
    stored: int = 0
    already: int = 0
    retries: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "statements": self.statements,
            "batches": self.batches,
            "stored": self.stored,
            "already_stored": self.already,
            "retries": self.retries,
            "failures": self.failures,
        }


class AnswerError(Exception):
    """The LRS's answer could not be read in time or within its size bound."""


def _post(url: str, auth: str, body: bytes, timeout: float) -> tuple[int, bytes, str]:
    """POST `body`; the status, the answer (bounded) and any Location header.

    http.client follows no redirect, so the credentials never go anywhere but `url`; the
    whole exchange, connect to last byte, must finish within `timeout` seconds.
    """
    parts = urlsplit(url)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    deadline = time.monotonic() + timeout
    connection = kind(parts.netloc, timeout=timeout)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(
            "POST",
            target,
            body=body,
            headers={
                "Content-Type": "application/json",
                "X-Experience-API-Version": XAPI_VERSION,
                "Authorization": f"Basic {auth}",
            },
        )
        response = connection.getresponse()
        limit = MAX_ANSWER if response.status < 300 else MAX_ERROR_ANSWER
        chunks, size = [], 0
        while size <= limit:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AnswerError(f"the LRS did not finish answering within {timeout:g} s")
            if connection.sock is not None:
                connection.sock.settimeout(left)
            chunk = response.read1(min(65536, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        answer = b"".join(chunks)
        if response.status < 300 and size > limit:
            raise AnswerError(f"the LRS's answer is larger than {limit:,} bytes")
        return response.status, answer[:limit], response.getheader("Location") or ""
    finally:
        connection.close()


def _ids(answer: bytes, batch: list[dict[str, Any]]) -> list[str] | None:
    """The ids a 200 answer says were stored, if it is the list of ids xAPI specifies."""
    try:
        found = json.loads(answer)
    except (ValueError, RecursionError):
        return None
    sent = {s.get("id") for s in batch}
    if (
        not isinstance(found, list)
        or not found
        or not all(isinstance(i, str) and i in sent for i in found)
        or len(set(found)) != len(found)
    ):
        return None
    return found


def _backoff(attempt: int) -> float:
    return float(min(MAX_BACKOFF, 0.5 * 2**attempt))


def push(
    statements: list[dict[str, Any]],
    lrs: str,
    user: str,
    password: str,
    batch_size: int = 100,
    retries: int = 3,
    timeout: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
) -> PushReport:
    """POST `statements` in batches; a batch that keeps failing is reported and the rest go on;
    a batch the LRS refuses as a whole is split until the statement it refuses stands alone."""
    url = statements_url(lrs)
    auth = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    report = PushReport(url, statements=len(statements))
    sender = _Sender(url, auth, max(0, retries), timeout, sleep, report)
    for start in range(0, len(statements), batch_size):
        report.batches += 1
        sender.send(statements[start : start + batch_size], start, f"batch {report.batches}")
    return report


@dataclass
class _Sender:
    url: str
    auth: str
    retries: int
    timeout: float
    sleep: Callable[[float], None]
    report: PushReport

    def send(self, batch: list[dict[str, Any]], start: int, name: str) -> None:
        label = f"{name} (statements {start + 1}-{start + len(batch)})"
        body = json.dumps(batch, ensure_ascii=False).encode("utf-8")
        for attempt in range(self.retries + 1):
            problem, retry, split = self._once(batch, body)
            if not problem:
                return
            if split and len(batch) > 1:
                # One poisoned statement must not cost the others: halve until it stands alone.
                half = len(batch) // 2
                self.send(batch[:half], start, name)
                self.send(batch[half:], start + half, name)
                return
            if not retry or attempt == self.retries:
                if len(batch) == 1:
                    label += f" id {batch[0].get('id')}"
                self.report.failures.append(f"{label}: {problem}")
                return
            self.report.retries += 1
            self.sleep(_backoff(attempt))

    def _once(self, batch: list[dict[str, Any]], body: bytes) -> tuple[str, bool, bool]:
        """'' when the batch is in; else (why, worth retrying, worth splitting)."""
        try:
            status, answer, moved = _post(self.url, self.auth, body, self.timeout)
        except AnswerError as exc:
            return str(exc), True, False
        except (http.client.HTTPException, OSError) as exc:
            return f"cannot reach the LRS: {exc}", True, False
        if status == 204:
            self.report.already += len(batch)
            return "", False, False
        if status == 200:
            ids = _ids(answer, batch)
            if ids is None:
                return (
                    f"HTTP 200 but not a list of the statement ids: {answer[:200]!r}",
                    False,
                    False,
                )
            self.report.stored += len(ids)
            self.report.already += len(batch) - len(ids)
            return "", False, False
        if 300 <= status < 400:
            where = f" to {moved}" if moved else ""
            return (
                f"HTTP {status}: redirect{where} not followed (credentials stay here)",
                False,
                False,
            )
        problem = f"HTTP {status}: {answer[:300]!r}"
        return problem, status in RETRY_STATUSES, status in SPLIT_STATUSES
