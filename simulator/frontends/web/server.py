"""`huikuan serve`'s web server: textual-serve's, behind the workshop code, with a session limit
and the trainer's board."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shlex
import signal
import sys
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp_jinja2
from aiohttp import WSCloseCode, web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from simulator.frontends.board import Board, Figures
from simulator.frontends.web.forker import Forker
from simulator.frontends.web.gate import gate, remember
from simulator.frontends.web.pages import board_fragment, board_page, full_page
from simulator.text import Text

log = logging.getLogger("huikuan.serve")

TEMPLATES = Path(__file__).parent / "templates"
# The board re-reads the logs at most this often, however many trainers watch it.
BOARD_CACHE_S = 1.0
# How long one app may take to draw before the next one starts anyway.
START_WAIT_S = 5.0
# How long an app may take to quit when its tab closes before it is killed.
STOP_WAIT_S = 10.0
ENDED = Text(zh="本次会话已结束（进度已保存）。", en="Session ended (your progress is saved).")
RESTART = Text(zh="重新打开", en="Open again")


@dataclass(frozen=True)
class Workshop:
    """What `huikuan serve` was asked for."""

    code: str
    log_dir: Path
    scenarios: Path | None = None
    max_sessions: int = 40
    lang: str = "zh"
    host: str = "127.0.0.1"
    port: int = 8000


def session_command(workshop: Workshop, forker: Path | None = None) -> str:
    """The shell command textual-serve runs per browser: our own CLI, one app per session, built
    by `make_app` (through `huikuan --workshop`), its logs in the workshop's directory. With a
    forker's socket, the app is forked warm from it (and started cold if it is not there)."""
    args = ["--workshop", "--lang", workshop.lang, "--log-dir", str(workshop.log_dir.resolve())]
    if workshop.scenarios is not None:
        args += ["--scenarios", str(workshop.scenarios.resolve())]
    if forker is None:
        argv = [sys.executable, "-m", "simulator.cli", *args]
    else:
        argv = [sys.executable, "-m", "simulator.commands.prefork", "launch", str(forker), "--"]
        argv += args
    # `exec`: the shell gives its place to the app, one process per session, not two.
    return "exec " + shlex.join(argv)


class WorkshopServer(Server):
    """textual-serve's server; every request passes the code check first (aiohttp middleware)."""

    def __init__(self, workshop: Workshop, command: str | None = None) -> None:
        # Our own apps start warm from a forker; a command given instead (tests) runs as it is.
        self._forker = Forker() if command is None and Forker.supported() else None
        forker = self._forker.socket_path if self._forker is not None else None
        super().__init__(
            command or session_command(workshop, forker),
            host=workshop.host,
            port=workshop.port,
            title="回款 huikuan",
        )
        self.workshop = workshop
        # Our copy of textual-serve's page (no web font fetched from the internet).
        self.templates_path = TEMPLATES
        self.sessions = 0
        self._starting = asyncio.Semaphore(max(1, os.cpu_count() or 1))
        self.started = 0
        self._sockets: weakref.WeakSet[web.WebSocketResponse] = weakref.WeakSet()
        self._board = Board(workshop.log_dir, workshop.scenarios)
        self._figures: tuple[float, Figures] | None = None

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(gate(self.workshop.code, self.workshop.lang))
        app.router.add_get("/board", self.handle_board, name="board")
        return app

    @property
    def full(self) -> bool:
        return self.sessions >= self.workshop.max_sessions

    def _lang(self, request: web.Request) -> str:
        lang = request.query.get("lang", self.workshop.lang)
        return lang if lang in ("zh", "en") else self.workshop.lang

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        """The game's page: its websocket address is the one the browser came by (a LAN
        address, not the address the server is bound to), or "full" when no place is left."""
        if self.full:
            page = full_page(self.workshop.max_sessions, self._lang(request))
            return web.Response(status=503, text=page, content_type="text/html", charset="utf-8")
        scheme = "wss" if request.secure else "ws"
        lang = self._lang(request)
        context = {
            "font_size": _int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": f"{scheme}://{request.host}/ws",
            "config": {"static": {"url": "/static/"}},
            "application": {"name": self.title},
            "ended": ENDED.get(lang),
            "restart": RESTART.get(lang),
        }
        response = aiohttp_jinja2.render_template("app_index.html", request, context)
        remember(response, request)
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One browser session = one app process, while places are left; the place is given
        back when the tab closes (the log is already on disk, the play stays resumable)."""
        if self.full:
            raise web.HTTPServiceUnavailable(text="the workshop is full\n")
        self.sessions += 1
        self.started += 1
        websocket = web.WebSocketResponse(heartbeat=15)
        self._sockets.add(websocket)
        service: AppService | None = None
        try:
            # As textual-serve's own handler does, with the socket kept for a clean shutdown.
            await websocket.prepare(request)
            drawn = asyncio.Event()

            async def write_bytes(data: bytes) -> None:
                drawn.set()
                await websocket.send_bytes(data)

            service = AppService(
                self.command,
                write_bytes=write_bytes,
                write_str=websocket.send_str,
                close=lambda: _close(websocket),
                download_manager=self.download_manager,
                debug=self.debug,
            )
            width = _int(request.query.get("width", "80"), 80)
            height = _int(request.query.get("height", "24"), 24)
            # A room opening the page at once starts its apps a few at a time: each then draws
            # its first screen in a fraction of a second, instead of all of them sharing the
            # cores and all drawing late.
            async with self._starting:
                await service.start(width, height)
                messages = asyncio.ensure_future(self._process_messages(websocket, service))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(drawn.wait(), START_WAIT_S)
            await messages
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # a broken browser must not take the workshop down
            log.warning("session ended: %r", error)
        finally:
            if service is not None:
                await _stop(service)
            self.sessions -= 1
        return websocket

    async def handle_board(self, request: web.Request) -> web.StreamResponse:
        figures = await self.figures()
        lang = self._lang(request)
        if request.query.get("fragment"):
            text = board_fragment(figures, lang)
        else:
            text = board_page(figures, lang, f"{request.scheme}://{request.host}/")
        response = web.Response(text=text, content_type="text/html", charset="utf-8")
        response.headers["Cache-Control"] = "no-store"
        remember(response, request)
        return response

    async def figures(self) -> Figures:
        """The board's figures, read again from the logs at most once a second."""
        now = time.monotonic()
        if self._figures is None or now - self._figures[0] > BOARD_CACHE_S:
            self._figures = (now, await asyncio.to_thread(self._board.figures))
        return self._figures[1]

    async def on_startup(self, app: web.Application) -> None:
        """Start the forker (`huikuan serve` says where to go once it is listening)."""
        if self._forker is not None:
            await self._forker.start()

    async def on_shutdown(self, app: web.Application) -> None:
        """Close every session's websocket: each app is told to quit and its log is whole."""
        for socket in list(self._sockets):
            await socket.close(code=WSCloseCode.GOING_AWAY)
        if self._forker is not None:
            await self._forker.stop()

    async def run_until_stopped(self, listening: Callable[[], None]) -> None:
        """Listen until Ctrl+C or SIGTERM (calling `listening` once the port is open), then close
        every session (their logs stay whole). A port that cannot be had raises OSError."""
        runner = web.AppRunner(await self.application(), access_log=None, handle_signals=False)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.workshop.host, self.workshop.port).start()
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            listening()
            await stop.wait()
            print("stopping: closing the sessions (their logs are kept)", flush=True)
        finally:
            await runner.cleanup()

    def application(self) -> Any:
        """The aiohttp application (a coroutine), for `web.run_app` or a test server."""
        return self._make_app()


async def _stop(service: AppService) -> None:
    """Ask the app to quit (its log is whole after every move); kill it if it does not."""
    try:
        await asyncio.wait_for(service.stop(), STOP_WAIT_S)
    except TimeoutError:
        process = service._process
        if process is not None and process.returncode is None:
            process.kill()


async def _close(websocket: web.WebSocketResponse) -> None:
    await websocket.close()


def _int(text: str, default: int) -> int:
    try:
        return int(text)
    except ValueError:
        return default
