"""`huikuan push`: statements POSTed to an LRS in batches, retried, reported; and a real Ralph."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from test_grade_support import grade, make_logs

from scoring.gradebook import Gradebook
from scoring.lrs import push, statements_url
from scoring.xapi import all_statements
from simulator.cli import main


class FakeLRS(BaseHTTPRequestHandler):
    """Stores what is POSTed; answers 503 to the first `failures` requests."""

    received: list[dict[str, Any]]
    failures: int

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        headers = {k.lower(): v for k, v in self.headers.items()}  # names are case-insensitive
        type(self).received.append({"headers": headers, "body": json.loads(body)})
        if type(self).failures > 0:
            type(self).failures -= 1
            self.send_response(503)
            self.end_headers()
            return
        answer = json.dumps([s["id"] for s in json.loads(body)]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def fake() -> Iterator[tuple[str, type[FakeLRS]]]:
    handler = type("Handler", (FakeLRS,), {"received": [], "failures": 0})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/xAPI", handler
    server.shutdown()


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("push")
    make_logs(root / "logs", ("t01", "t02", "t03"), range(2), bot="random")
    grade(root / "logs", db=root / "g.db")
    return root / "g.db"


def _statements(book: Path) -> list[dict[str, Any]]:
    return all_statements(Gradebook(book).attempts())


def test_statements_url_forms() -> None:
    assert statements_url("http://h:1") == "http://h:1/xAPI/statements"
    assert statements_url("http://h:1/data/xAPI/") == "http://h:1/data/xAPI/statements"
    assert statements_url("http://h/xAPI/statements") == "http://h/xAPI/statements"


def test_batches_with_version_and_basic_auth(book: Path, fake: tuple[str, type[FakeLRS]]) -> None:
    url, handler = fake
    statements = _statements(book)
    report = push(statements, url, "grader", "pw", batch_size=10)
    assert report.ok and report.stored == len(statements)
    assert len(handler.received) == -(-len(statements) // 10)
    headers = handler.received[0]["headers"]
    assert headers["x-experience-api-version"] == "1.0.3"
    assert headers["authorization"] == "Basic " + base64.b64encode(b"grader:pw").decode()


def test_server_error_is_retried(book: Path, fake: tuple[str, type[FakeLRS]]) -> None:
    url, handler = fake
    handler.failures = 2
    report = push(_statements(book), url, "u", "p", batch_size=1000, sleep=lambda s: None)
    assert report.ok and report.retries == 2 and len(handler.received) == 3


def test_persistent_failure_reported_exit_1(
    book: Path, fake: tuple[str, type[FakeLRS]], capsys: pytest.CaptureFixture[str]
) -> None:
    url, handler = fake
    handler.failures = 100
    argv = ["push", "--db", str(book), "--lrs", url, "--user", "u", "--password", "p"]
    assert main([*argv, "--retries", "0"]) == 1
    assert "error: batch 1 (statements 1-" in capsys.readouterr().err


def test_unreachable_lrs_reported(book: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    report = push(_statements(book), f"http://127.0.0.1:{port}", "u", "p", retries=1,
                  sleep=lambda s: None)  # fmt: skip
    assert not report.ok and "cannot reach the LRS" in report.failures[0]


def test_missing_password_is_usage_error(
    book: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("HUIKUAN_LRS_PASSWORD", raising=False)
    assert main(["push", "--db", str(book), "--lrs", "http://h", "--user", "u"]) == 2
    assert "no password" in capsys.readouterr().err


# --- a real LRS: Ralph with its filesystem backend -----------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def ralph(tmp_path: Path) -> Iterator[str]:
    """Ralph on 127.0.0.1 (uvicorn + ralph.api:app, filesystem backend) with user grader/secret."""
    why = "ralph is not installed (pip install -e '.[lrs]')"
    pytest.importorskip("ralph.backends.lrs.fs", reason=why)  # ralph.api needs its settings
    pytest.importorskip("uvicorn", reason=why)
    bcrypt = pytest.importorskip("bcrypt", reason="bcrypt (a ralph[lrs] dependency) is missing")
    auth = tmp_path / "auth.json"
    hashed = bcrypt.hashpw(b"secret", bcrypt.gensalt()).decode()
    user = {"agent": {"mbox": "mailto:grader@example.com"}, "scopes": ["all"]}
    auth.write_text(json.dumps([{**user, "username": "grader", "hash": hashed}]))
    (tmp_path / "lrs").mkdir()
    env = {
        **os.environ,
        "RALPH_APP_DIR": str(tmp_path),
        "RALPH_AUTH_FILE": str(auth),
        "RALPH_RUNSERVER_BACKEND": "fs",
        "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(tmp_path / "lrs"),
        "RALPH_RUNSERVER_MAX_SEARCH_HITS_COUNT": "1000",
    }
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "ralph.api:app", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"],
        env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/__lbheartbeat__", timeout=1).close()
                break
            except OSError:
                if server.poll() is not None:
                    output = server.stdout.read().decode() if server.stdout else ""
                    pytest.skip(f"Ralph did not start: {output[-300:]}")
                time.sleep(0.2)
        else:
            pytest.skip("Ralph did not answer within 30 s")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def _stored(base: str) -> list[dict[str, Any]]:
    request = urllib.request.Request(f"{base}/xAPI/statements?limit=1000")
    request.add_header("X-Experience-API-Version", "1.0.3")
    request.add_header("Authorization", "Basic " + base64.b64encode(b"grader:secret").decode())
    with urllib.request.urlopen(request, timeout=30) as response:
        found: list[dict[str, Any]] = json.loads(response.read())["statements"]
    return found


def test_ralph_accepts_and_returns_pushed_statements(
    book: Path, ralph: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["push", "--db", str(book), "--lrs", f"{ralph}/xAPI", "--user", "grader"]
    # One batch: Ralph's filesystem backend takes only the first write to its directory.
    assert main([*argv, "--password", "secret", "--batch-size", "1000"]) == 0
    assert main([*argv, "--password", "secret", "--batch-size", "1000", "--json"]) == 0
    again = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    expected = _statements(book)
    assert again["stored"] == 0 and again["already_stored"] == len(expected)
    stored = _stored(ralph)
    assert sorted(s["id"] for s in stored) == sorted(s["id"] for s in expected)
    by_id = {s["id"]: s for s in stored}
    assert all(by_id[s["id"]]["verb"] == s["verb"] for s in expected)
