"""The warm start of the workshop's apps: the one forker process `huikuan serve` keeps beside it
(the forking itself is `simulator.commands.prefork`; this side starts and stops it)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

log = logging.getLogger("huikuan.serve")

# What textual-serve sets for every app it starts. Textual reads these once, at import, which
# in a forked child happened in the forker: the forker is given them from the start.
APP_ENVIRONMENT = {
    "TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver",
    "TEXTUAL_FPS": "60",
    "TEXTUAL_COLOR_SYSTEM": "truecolor",
    "TERM_PROGRAM": "textual",
}
READY_WAIT_S = 20.0
STOP_WAIT_S = 5.0


class Forker:
    """Starts the forker, says where its socket is, stops it; the sessions work without it."""

    def __init__(self) -> None:
        self._folder = Path(tempfile.mkdtemp(prefix="huikuan-serve-"))
        self.socket_path = self._folder / "forker.sock"
        self._process: asyncio.subprocess.Process | None = None

    @staticmethod
    def supported() -> bool:
        """Forking a warm app needs fork and Unix sockets that keep messages whole: Linux."""
        return sys.platform.startswith("linux")

    @property
    def ready(self) -> bool:
        return self.socket_path.exists()

    async def start(self) -> None:
        """Start the forker and wait (bounded) until it listens."""
        env = {**os.environ, **APP_ENVIRONMENT}
        self._process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "simulator.commands.prefork", "forker", str(self.socket_path),
            stdin=asyncio.subprocess.PIPE, env=env, start_new_session=True,
        )  # fmt: skip
        loop = asyncio.get_running_loop()
        deadline = loop.time() + READY_WAIT_S
        while not self.ready and loop.time() < deadline:
            if self._process.returncode is not None:
                break
            await asyncio.sleep(0.05)
        if not self.ready and self._process.returncode is None:
            # (A forker that left has said why itself.)
            log.warning("the warm start is not ready; apps start cold")

    async def stop(self) -> None:
        """Close the forker's stdin (it leaves), kill it if it lingers; remove its folder."""
        process, self._process = self._process, None
        if process is not None and process.returncode is None:
            if process.stdin is not None:
                process.stdin.close()
            try:
                await asyncio.wait_for(process.wait(), STOP_WAIT_S)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        shutil.rmtree(self._folder, ignore_errors=True)
