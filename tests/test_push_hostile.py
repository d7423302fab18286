"""`push` against LRSs that misbehave: it never follows credentials away, never hangs, never
counts a malformed answer as success, and a poisoned statement costs only itself."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from test_grade_support import grade, make_logs

from scoring.gradebook import Gradebook
from scoring.lrs import MAX_BACKOFF, push
from scoring.xapi import all_statements

Answer = Callable[[BaseHTTPRequestHandler, list[dict[str, Any]]], None]


@contextmanager
def _serve(answer: Answer) -> Iterator[tuple[str, list[list[dict[str, Any]]]]]:
    seen: list[list[dict[str, Any]]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            batch = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            seen.append(batch)
            answer(self, batch)

        def do_GET(self) -> None:
            seen.append([{"GET": self.path, "auth": self.headers.get("Authorization")}])
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/xAPI", seen
    finally:
        server.shutdown()
        server.server_close()


def _reply(handler: BaseHTTPRequestHandler, status: int, body: bytes, **headers: str) -> None:
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


@pytest.fixture(scope="module")
def statements(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    root = tmp_path_factory.mktemp("lrs")
    make_logs(root / "logs", ("t01", "t02"), range(2))
    grade(root / "logs", db=root / "g.db")
    return all_statements(Gradebook(root / "g.db").attempts())


def _push(url: str, found: list[dict[str, Any]], **options: Any) -> Any:
    options = {"retries": 0, "sleep": lambda s: None, **options}
    return push(found, url, "grader", "secret", **options)


def test_a_200_with_html_is_a_failure_not_a_crash(statements: list[dict[str, Any]]) -> None:
    with _serve(lambda h, b: _reply(h, 200, b"<html>maintenance</html>")) as (url, _):
        report = _push(url, statements)
    assert not report.ok and report.stored == 0 and "not a list" in report.failures[0]


def test_a_200_with_an_empty_list_is_not_already_there(statements: list[dict[str, Any]]) -> None:
    with _serve(lambda h, b: _reply(h, 200, b"[]")) as (url, _):
        report = _push(url, statements)
    assert not report.ok and report.already == 0


def test_a_redirect_is_not_followed_and_nothing_counts(statements: list[dict[str, Any]]) -> None:
    with _serve(lambda h, b: _reply(h, 200, b"[]")) as (elsewhere, stolen):
        moved = elsewhere.replace("/xAPI", "/steal")
        with _serve(lambda h, b, moved=moved: _reply(h, 302, b"", Location=moved)) as (url, _):
            report = _push(url, statements)
        assert stolen == []  # no request, and so no credentials, reached the other port
    assert not report.ok and report.stored == report.already == 0
    assert "redirect" in report.failures[0] and "not followed" in report.failures[0]


def test_a_trickling_answer_is_cut_at_the_timeout(statements: list[dict[str, Any]]) -> None:
    def trickle(handler: BaseHTTPRequestHandler, batch: list[dict[str, Any]]) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", "1000")
        handler.end_headers()
        try:
            for _ in range(20):
                handler.wfile.write(b" ")
                handler.wfile.flush()
                time.sleep(0.5)
        except OSError:
            pass

    with _serve(trickle) as (url, _):
        start = time.monotonic()
        report = _push(url, statements[:3], timeout=2.0)
        took = time.monotonic() - start
    assert not report.ok and took < 3.5 and "within 2 s" in report.failures[0]


def test_a_huge_error_answer_is_read_only_in_part(statements: list[dict[str, Any]]) -> None:
    def flood(handler: BaseHTTPRequestHandler, batch: list[dict[str, Any]]) -> None:
        handler.send_response(500)
        handler.send_header("Content-Length", str(300 * 1024 * 1024))
        handler.end_headers()
        try:
            for _ in range(300 * 16):
                handler.wfile.write(b"x" * 65536)
        except OSError:
            pass

    with _serve(flood) as (url, _):
        report = _push(url, statements[:3], timeout=10.0)
    assert not report.ok and len(report.failures[0]) < 400


def test_backoff_is_capped(statements: list[dict[str, Any]]) -> None:
    waits: list[float] = []
    with _serve(lambda h, b: _reply(h, 503, b"busy")) as (url, _):
        report = _push(url, statements[:1], retries=12, sleep=waits.append)
    assert not report.ok and len(waits) == 12 and max(waits) == MAX_BACKOFF


def test_a_poisoned_statement_costs_only_itself(statements: list[dict[str, Any]]) -> None:
    poisoned = [dict(s) for s in statements]
    poisoned[5] = {**poisoned[5], "actor": {"name": ""}}

    def lrs(handler: BaseHTTPRequestHandler, batch: list[dict[str, Any]]) -> None:
        if any(s["actor"].get("name") == "" for s in batch):
            _reply(handler, 422, b'{"detail": "empty name"}')
        else:
            _reply(handler, 200, json.dumps([s["id"] for s in batch]).encode())

    with _serve(lrs) as (url, _):
        report = _push(url, poisoned, batch_size=100)
    assert report.stored == len(poisoned) - 1 and len(report.failures) == 1
    assert poisoned[5]["id"] in report.failures[0]


def test_one_attempt_in_two_cohorts_gets_two_sets_of_ids(tmp_path: Path) -> None:
    make_logs(tmp_path / "logs", ("t01",), range(1))
    grade(tmp_path / "logs", "--cohort", "spring", db=tmp_path / "a.db")
    grade(tmp_path / "logs", "--cohort", "autumn", db=tmp_path / "b.db")
    first = all_statements(Gradebook(tmp_path / "a.db").attempts())
    second = all_statements(Gradebook(tmp_path / "b.db").attempts())
    again = all_statements(Gradebook(tmp_path / "a.db").attempts())
    assert [s["id"] for s in first] == [s["id"] for s in again]  # stable for the same content
    assert not {s["id"] for s in first} & {s["id"] for s in second}
