"""Sending xAPI statements to an LRS (xAPI 1.0.3 POST, basic auth) in batches, with retries."""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

XAPI_VERSION = "1.0.3"
RETRY_STATUSES = (408, 425, 429, 500, 502, 503, 504)


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


def _post(url: str, auth: str, body: bytes, timeout: float) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Content-Type", "application/json")
    request.add_header("X-Experience-API-Version", XAPI_VERSION)
    request.add_header("Authorization", f"Basic {auth}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read()


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
    """POST `statements` in batches; a batch that keeps failing is reported and the rest go on."""
    url = statements_url(lrs)
    auth = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    report = PushReport(url, statements=len(statements))
    for start in range(0, len(statements), batch_size):
        batch = statements[start : start + batch_size]
        report.batches += 1
        body = json.dumps(batch, ensure_ascii=False).encode("utf-8")
        label = f"batch {report.batches} (statements {start + 1}-{start + len(batch)})"
        for attempt in range(retries + 1):
            try:
                status, answer = _post(url, auth, body, timeout)
                problem = "" if status < 300 else f"HTTP {status}: {answer[:300]!r}"
                retry = status in RETRY_STATUSES
            except (urllib.error.URLError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                status, answer, problem, retry = 0, b"", f"cannot reach the LRS: {reason}", True
            if not problem:
                if status == 204:
                    report.already += len(batch)
                else:
                    stored = len(json.loads(answer or b"[]"))
                    report.stored += stored
                    report.already += len(batch) - stored
                break
            if not retry or attempt == retries:
                report.failures.append(f"{label}: {problem}")
                break
            report.retries += 1
            sleep(0.5 * 2**attempt)
    return report
