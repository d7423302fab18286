"""Workshop load: N browsers at once against `huikuan serve`, to their first full screen.

Starts `huikuan serve` on loopback (a free port, a temporary log directory), opens N websocket
sessions at the same moment speaking textual-serve's browser protocol (["resize", …] in, the
app's terminal output out), and times each from connect to its first full screen: the name
dialog drawn to its last line. Then it reads the memory of the app processes the server started
(RSS; PSS shares the pages the processes have in common fairly) and stops the sessions and the
server. Bounded: every wait has a deadline, and the server is killed if it does not stop.
"""

from __future__ import annotations

import argparse
import asyncio
import codecs
import contextlib
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"first_screen_p95_s": 5.0, "rss_mb_per_session": 150.0, "errors": 0}
CODE = "BENCH1"
SIZE = {"width": 110, "height": 34}
# The name dialog's question and, drawn after it, its key bar: the whole first screen is there.
MARKERS = ("请输入你的姓名或工号", "确定")
SCREEN_TIMEOUT_S = 60.0
ANSI = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def memory_kb(pid: int, field: str) -> int:
    """VmRSS from status, or Pss from smaps_rollup (kB); 0 if the process is gone."""
    source = "status" if field == "VmRSS" else "smaps_rollup"
    try:
        for line in Path(f"/proc/{pid}/{source}").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_s(pid: int) -> float:
    """CPU seconds `pid` has used so far (user and system)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def session(http: aiohttp.ClientSession, url: str) -> float:
    """Connect, then wait for the first full screen; seconds from connect. Kept open after."""
    start = time.monotonic()
    ws = await http.ws_connect(url, timeout=aiohttp.ClientWSTimeout(ws_close=5))
    await ws.send_json(["resize", SIZE])
    # The screen's text so far, without escape sequences; decoded as it comes (the client
    # shares the cores with the server, so it must not re-read everything on every frame).
    decode = codecs.getincrementaldecoder("utf-8")("replace").decode
    text, first = "", -1
    deadline = start + SCREEN_TIMEOUT_S
    try:
        while True:
            # asyncio's own deadline: aiohttp's receive(timeout=) was seen never to fire.
            message = await asyncio.wait_for(ws.receive(), max(0.1, deadline - time.monotonic()))
            if message.type == aiohttp.WSMsgType.BINARY:
                text += decode(ANSI.sub(b"", message.data))
                if first < 0:
                    first = text.find(MARKERS[0])
                if first >= 0 and text.find(MARKERS[1], first) >= 0:
                    return time.monotonic() - start
            elif message.type != aiohttp.WSMsgType.TEXT:
                raise ConnectionError(f"session closed before its first screen ({message.type})")
    finally:
        # Hold the session (and its app process) open until memory has been read.
        await wait_closing(ws)


CLOSE = asyncio.Event()


async def wait_closing(ws: aiohttp.ClientWebSocketResponse) -> None:
    async def hold() -> None:
        await CLOSE.wait()
        await ws.close()

    asyncio.get_running_loop().create_task(hold())


async def load(port: int, sessions: int, server_pid: int) -> dict[str, object]:
    url = f"http://127.0.0.1:{port}/ws?code={CODE}&width={SIZE['width']}&height={SIZE['height']}"
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:
        results = await asyncio.gather(
            *(session(http, url) for _ in range(sessions)), return_exceptions=True
        )
        times = [r for r in results if isinstance(r, float)]
        errors = [repr(r)[:200] for r in results if not isinstance(r, float)]
        apps = descendants(server_pid)
        rss = sum(memory_kb(pid, "VmRSS") for pid in apps) / 1024
        pss = sum(memory_kb(pid, "Pss") for pid in apps) / 1024
        cpu = sum(cpu_s(pid) for pid in apps)
        CLOSE.set()
        await asyncio.sleep(0.5)
    return {
        "times": times,
        "errors": errors,
        "processes": len(apps),
        "rss_mb": rss,
        "pss_mb": pss,
        "cpu_s": cpu,
    }


def wait_ready(port: int, server: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            why = server.stderr.read().decode(errors="replace") if server.stderr else ""
            raise RuntimeError(f"huikuan serve exited with {server.returncode}: {why.strip()}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise RuntimeError("huikuan serve did not start listening within 30 s")


def stop(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM (the server closes its sessions), then SIGKILL the whole group if it lingers."""
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=15)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=5)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def run(sessions: int) -> dict[str, object]:
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="huikuan-serve-bench-") as tmp:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CONFIG_HOME": str(Path(tmp) / "cfg")}
        argv = [sys.executable, "-m", "simulator.cli", "serve", "--port", str(port),
                "--code", CODE, "--log-dir", str(Path(tmp) / "logs"),
                "--max-sessions", str(sessions)]  # fmt: skip
        server = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            start_new_session=True,
        )  # fmt: skip
        try:
            wait_ready(port, server)
            measured = asyncio.run(asyncio.wait_for(load(port, sessions, server.pid), 300))
        finally:
            stop(server)
    times: list[float] = measured["times"]  # type: ignore[assignment]
    errors: list[str] = measured["errors"]  # type: ignore[assignment]
    result: dict[str, object] = {
        "sessions": sessions,
        "first_screen_p50_s": round(statistics.median(times), 3) if times else None,
        "first_screen_p95_s": round(percentile(times, 0.95), 3) if times else None,
        "first_screen_max_s": round(max(times), 3) if times else None,
        "rss_mb_per_session": round(float(measured["rss_mb"]) / sessions, 1),  # type: ignore[arg-type]
        "pss_mb_per_session": round(float(measured["pss_mb"]) / sessions, 1),  # type: ignore[arg-type]
        "app_processes": measured["processes"],
        "app_cpu_s_per_session": round(float(measured["cpu_s"]) / sessions, 2),  # type: ignore[arg-type]
        "errors": len(errors),
    }
    if errors:
        result["error_samples"] = errors[:3]
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--sessions", type=int, default=20, help="browsers at once (default 20)")
    args = parser.parse_args()
    if not 1 <= args.sessions <= 200:
        parser.error("--sessions must be between 1 and 200")
    result = run(args.sessions)
    if args.json:
        print(json.dumps(result))
        return 0 if result["errors"] == 0 else 1
    print(f"{result['sessions']} sessions at once against huikuan serve (loopback)")
    print(
        f"connect to first full screen: p50 {result['first_screen_p50_s']} s, "
        f"p95 {result['first_screen_p95_s']} s (target < {TARGETS['first_screen_p95_s']} s)"
    )
    print(
        f"memory per session: RSS {result['rss_mb_per_session']} MB "
        f"(target < {TARGETS['rss_mb_per_session']:.0f} MB), PSS {result['pss_mb_per_session']} MB"
    )
    print(f"errors: {result['errors']}")
    return 0 if result["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
