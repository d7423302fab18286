"""`huikuan serve`: the workshop code, the session limit, the board page, logs landing, resume."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from simulator.cli import main
from simulator.engine.session_log import read_log
from simulator.frontends.web import server as web_server
from simulator.frontends.web.gate import make_code
from simulator.frontends.web.server import Workshop, WorkshopServer, session_command

MINIMAL = Path(__file__).parent / "data" / "good" / "minimal.yaml"
CODE = "K7P2QX"
# Stands in for the app where only the process matters: says textual-serve's hello, sends one
# screen, leaves on "quit" (as the real app does), and marks that it ran.
FAKE_APP = """
import json, sys
from pathlib import Path
Path(sys.argv[1]).touch()
out, inp = sys.stdout.buffer, sys.stdin.buffer
out.write(b"__GANGLION__\\n")
out.write(b"D" + (5).to_bytes(4, "big") + b"hello")
out.flush()
while True:
    head = inp.read(5)
    if len(head) < 5:
        break
    body = inp.read(int.from_bytes(head[1:], "big"))
    if head[:1] == b"M" and json.loads(body).get("type") == "quit":
        break
"""


def fake_command(tmp_path: Path) -> tuple[str, Path]:
    script, ran = tmp_path / "fake_app.py", tmp_path / "app-started"
    script.write_text(FAKE_APP, encoding="utf-8")
    return f"exec {sys.executable} {script} {ran}", ran


@contextlib.asynccontextmanager
async def serving(workshop: Workshop, command: str | None = None) -> AsyncIterator[TestServer]:
    served = WorkshopServer(workshop, command)
    test_server = TestServer(await served.application(), host="127.0.0.1")
    await test_server.start_server()
    test_server.workshop_server = served  # type: ignore[attr-defined]
    try:
        yield test_server
    finally:
        # Bounded: a shutdown that hung on a session would fail here, not hang the suite.
        await asyncio.wait_for(test_server.close(), 60)


@pytest.fixture
async def fake(tmp_path: Path) -> AsyncIterator[tuple[TestServer, Path]]:
    command, ran = fake_command(tmp_path)
    workshop = Workshop(code=CODE, log_dir=tmp_path / "logs", max_sessions=1)
    async with serving(workshop, command) as served:
        yield served, ran


def browser_session() -> aiohttp.ClientSession:
    # A browser keeps cookies of a server reached by IP address; aiohttp only when told to.
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


PATHS = ["/", "/board", "/ws", "/static/js/textual.js", "/download/abc", "/nowhere"]


@pytest.mark.parametrize("path", PATHS)
async def test_without_a_code_every_path_is_401(fake: Any, path: str) -> None:
    served, ran = fake
    async with browser_session() as http, http.get(served.make_url(path)) as answer:
        assert answer.status == 401
    assert not ran.exists() and served.workshop_server.started == 0


@pytest.mark.parametrize("path", PATHS)
async def test_with_a_wrong_code_every_path_is_403(fake: Any, path: str) -> None:
    served, ran = fake
    async with browser_session() as http:
        async with http.get(served.make_url(path), params={"code": "WRONG1"}) as answer:
            assert answer.status == 403
        http.cookie_jar.update_cookies({"huikuan_code": "WRONG1"})
        async with http.get(served.make_url(path)) as answer:
            assert answer.status == 403
    assert not ran.exists()


async def test_a_websocket_without_the_code_starts_no_app(fake: Any) -> None:
    served, ran = fake
    async with browser_session() as http:
        for params in ({}, {"code": "NOPE"}):
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await http.ws_connect(served.make_url("/ws"), params=params)
            assert refused.value.status in (401, 403)
    await asyncio.sleep(0.2)
    assert not ran.exists() and served.workshop_server.started == 0


async def test_the_code_page_asks_for_the_code(fake: Any) -> None:
    served, _ = fake
    async with browser_session() as http, http.get(served.make_url("/")) as answer:
        page = await answer.text()
    assert answer.content_type == "text/html" and '<input name="code"' in page


async def test_the_right_code_opens_the_game_page_and_its_scripts(fake: Any) -> None:
    served, ran = fake
    async with browser_session() as http:
        # The code typed in lower case still opens (trainees type it by hand).
        async with http.get(served.make_url("/"), params={"code": CODE.lower()}) as answer:
            page = await answer.text()
            assert answer.status == 200 and answer.content_type == "text/html"
        assert "data-session-websocket-url" in page and "googleapis" not in page
        # The browser's cookie now carries the code for the page's script and websocket.
        async with http.get(served.make_url("/static/js/textual.js")) as answer:
            assert answer.status == 200
        async with http.get(served.make_url("/board")) as answer:
            assert answer.status == 200 and "<table" not in await answer.text()
    assert not ran.exists()


async def test_the_limit_gives_a_full_page_and_starts_nothing_more(fake: Any) -> None:
    served, ran = fake
    async with browser_session() as http:
        first = await http.ws_connect(served.make_url("/ws"), params={"code": CODE})
        message = await first.receive(timeout=30)
        assert message.data == b"hello" and ran.exists()
        assert served.workshop_server.sessions == 1
        async with http.get(served.make_url("/"), params={"code": CODE}) as answer:
            assert answer.status == 503 and "名额已满" in await answer.text()
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(served.make_url("/ws"), params={"code": CODE})
        assert refused.value.status == 503 and served.workshop_server.started == 1
        await first.close()
        for _ in range(100):
            if served.workshop_server.sessions == 0:
                break
            await asyncio.sleep(0.05)
        # The place is given back when the tab closes.
        async with http.get(served.make_url("/"), params={"code": CODE}) as answer:
            assert answer.status == 200


async def test_plays_in_the_log_dir_show_up_on_the_board(
    tmp_path: Path, capsys: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(web_server, "BOARD_CACHE_S", 0.0)
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    (scenarios / "minimal.yaml").write_bytes(MINIMAL.read_bytes())
    logs = tmp_path / "logs"
    workshop = Workshop(code=CODE, log_dir=logs, scenarios=scenarios)
    async with serving(workshop, "exec true") as served, browser_session() as http:
        url, params = served.make_url("/board"), {"code": CODE}
        async with http.get(url, params=params) as answer:
            assert answer.status == 200 and 'id="empty"' in await answer.text()
        argv = ["play", str(MINIMAL), "--moves", "probe,ask", "--seed", "1",
                "--trainee", "张伟", "--log-dir", str(logs), "--json"]  # fmt: skip
        assert main(argv) == 0
        score = json.loads(capsys.readouterr().out)["score"]
        async with http.get(url, params={**params, "fragment": "1"}) as answer:
            fragment = await answer.text()
    assert "张伟" in fragment and f"{score:.1f}" in fragment and "<html" not in fragment


def test_the_session_command_is_our_cli_asking_the_name_every_time(tmp_path: Path) -> None:
    command = session_command(Workshop(code=CODE, log_dir=tmp_path / "l o g", lang="en"))
    assert command.startswith("exec ") and "-m simulator.cli --workshop --lang en" in command
    assert f"'{(tmp_path / 'l o g').resolve()}'" in command


def test_with_a_forker_the_session_command_launches_warm_with_the_same_arguments(
    tmp_path: Path,
) -> None:
    workshop = Workshop(code=CODE, log_dir=tmp_path / "logs", lang="en")
    command = session_command(workshop, tmp_path / "f.sock")
    launcher = f"-m simulator.commands.prefork launch {tmp_path / 'f.sock'} -- --workshop --lang en"
    assert command.startswith("exec ") and launcher in command


def test_a_made_code_is_six_unambiguous_characters() -> None:
    codes = {make_code() for _ in range(50)}
    assert len(codes) > 45
    assert all(re.fullmatch(r"[A-HJKMNP-Z2-9]{6}", c) for c in codes)


# --- a real browser session: the app asks the name, logs land, a closed tab resumes ----------

ANSI = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]")


class Browser:
    """textual-serve's browser protocol, as textual.js speaks it, reduced to what a test needs."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.seen = b""

    async def wait_for(self, *words: str, timeout: float = 30) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not all(w in self.text() for w in words):
            if loop.time() > deadline:
                raise AssertionError(f"{words} did not appear: {self.text()[-800:]}")
            # asyncio's own deadline: aiohttp's receive(timeout=) was seen never to fire here.
            message = await asyncio.wait_for(self.ws.receive(), max(0.1, deadline - loop.time()))
            if message.type != aiohttp.WSMsgType.BINARY:
                raise AssertionError(f"closed before {words} appeared: {self.text()[-500:]}")
            self.seen += message.data
        self.seen = b""

    def text(self) -> str:
        return ANSI.sub(b"", self.seen).decode("utf-8", "replace")

    async def type(self, keys: str) -> None:
        await self.ws.send_json(["stdin", keys])


async def answer(browser: Browser, key: str, shown: str) -> None:
    """Press `key` until `shown` appears: a dialog just drawn may not have the focus yet."""
    for _ in range(5):
        await browser.type(key)
        with contextlib.suppress(AssertionError, TimeoutError):
            await browser.wait_for(shown, timeout=5)
            return
    raise AssertionError(f"{shown!r} never appeared after {key!r}: {browser.text()[-1500:]}")


async def open_browser(http: aiohttp.ClientSession, served: TestServer) -> Browser:
    ws = await http.ws_connect(served.make_url("/ws"), params={"code": CODE})
    await ws.send_json(["resize", {"width": 110, "height": 34}])
    return Browser(ws)


async def test_a_browser_session_logs_into_the_log_dir_and_resumes(tmp_path: Path) -> None:
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    (scenarios / "minimal.yaml").write_bytes(MINIMAL.read_bytes())
    logs = tmp_path / "logs"
    workshop = Workshop(code=CODE, log_dir=logs, scenarios=scenarios)
    async with serving(workshop) as served, browser_session() as http:
        browser = await open_browser(http, served)
        await browser.wait_for("请输入你的姓名或工号")
        await browser.type("张伟\r")
        await browser.wait_for("难度")  # the home list's header
        # The test scenario is listed after the bundled ones, below the fold: down to the last
        # row (its detail shows), then Enter.
        await browser.type("\x1b[B" * 30)
        await browser.wait_for("最小案例")
        await browser.type("\r")
        await browser.wait_for("了解原因")
        await browser.type("2")
        await browser.wait_for("资金周转")
        await browser.ws.close()
        [path] = logs.glob("*.jsonl")
        cut = read_log(path)
        assert cut.header["trainee"] == "张伟" and cut.moves == ["probe"] and not cut.complete
        # The same name in a new tab offers the unfinished play.
        browser = await open_browser(http, served)
        await browser.wait_for("请输入你的姓名或工号")
        await browser.type("张伟\r")
        await browser.wait_for("已走 1 步")
        await answer(browser, "r", "直接催款")
        await browser.type("1")  # ask: it may end the play, so the game asks first
        await browser.type("y")
        for _ in range(300):
            if len(read_log(path).steps) == 2:
                break
            await asyncio.sleep(0.1)
            # This tab stays open: stopping the server closes it and its app.
    assert list(logs.glob("*.jsonl")) == [path]
    # The seed is drawn fresh, so "ask" may or may not end the play; the move is logged either way.
    assert read_log(path).moves == ["probe", "ask"]
    assert main(["grade", str(logs), "--db", str(tmp_path / "g.db"), "--scenarios",
                 str(scenarios)]) == 0  # fmt: skip


def test_serve_refuses_bad_input_in_one_line(tmp_path: Path, capsys: Any) -> None:
    assert main(["serve", "--scenarios", str(tmp_path / "none"), "--log-dir", str(tmp_path)]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    with pytest.raises(SystemExit) as usage:
        main(["serve", "--port", "99999"])
    assert usage.value.code == 2 and "not a port" in capsys.readouterr().err


def test_serve_refuses_a_port_already_taken(tmp_path: Path, capsys: Any) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        code = main(["serve", "--port", port, "--code", CODE, "--log-dir", str(tmp_path)])
    assert code == 2 and "cannot listen" in capsys.readouterr().err
