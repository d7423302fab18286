"""`huikuan serve` in a real browser: a trainee types into the game page in headless Chromium
(driven by Playwright), the board renders; screenshots of both are checked to be non-blank.

Skips, saying why, when Chromium is absent (Debian: apt-get install chromium; .ci/run installs it
when it can). Bounded: the server is a child process stopped at the end whatever happens.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from simulator.engine.session_log import read_log
from simulator.errors import LogError

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "data" / "good" / "minimal.yaml"
CODE = "SHOT22"


def browser() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    return None


def pixels(png: bytes) -> list[bytes]:
    """The pixels of an 8-bit RGB or RGBA PNG (what Chromium writes), one bytes object each."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    at, idat, header = 8, b"", b""
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind, body = png[at + 4 : at + 8], png[at + 8 : at + 8 + length]
        header = body if kind == b"IHDR" else header
        idat += body if kind == b"IDAT" else b""
        at += 12 + length
    width, height, depth, color = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and color in (2, 6), (depth, color)
    size = 3 if color == 2 else 4
    raw, stride = zlib.decompress(idat), width * size
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind, line = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for i in range(stride):
            left = line[i - size] if i >= size else 0
            up, corner = previous[i], previous[i - size] if i >= size else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                near = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + near) & 255
        rows.append(bytes(line))
        previous = line
    return [row[x : x + size] for row in rows for x in range(0, stride, size * 7)]


def assert_not_blank(shot: Path) -> None:
    sample = pixels(shot.read_bytes())
    colours = Counter(sample)
    assert len(colours) >= 8, f"{shot.name}: only {len(colours)} colours"
    assert colours.most_common(1)[0][1] < 0.97 * len(sample), f"{shot.name}: one colour"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    logs = tmp_path / "logs"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    for trainee, moves in (("张伟", "probe,ask"), ("李娜", "ask")):
        subprocess.run(
            [sys.executable, "-m", "simulator.cli", "play", str(MINIMAL), "--moves", moves,
             "--trainee", trainee, "--seed", "1", "--log-dir", str(logs), "--json"],
            cwd=ROOT, env=env, check=True, capture_output=True, timeout=60,
        )  # fmt: skip
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "simulator.cli", "serve", "--port", str(port), "--code", CODE,
         "--log-dir", str(logs), "--scenarios", str(MINIMAL.parent)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    try:
        for _ in range(300):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            time.sleep(0.1)
        yield port, logs
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)


def screenshot(chromium: str, url: str, shot: Path, profile: Path) -> None:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}"]
    done = subprocess.run(
        [chromium, *flags, f"--screenshot={shot}", "--window-size=1100,700",
         "--virtual-time-budget=5000", url],
        capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0 and shot.exists(), done.stderr[-500:]


def test_a_trainee_types_into_the_game_page_and_the_play_is_logged(
    served: tuple[int, Path], tmp_path: Path
) -> None:
    chromium = browser()
    if chromium is None:
        pytest.skip("no Chromium here (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    port, logs = served
    with sync_playwright() as playwright:
        engine = playwright.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = engine.new_page(viewport={"width": 1100, "height": 700})
            page.goto(f"http://127.0.0.1:{port}/?code={CODE}")
            # textual-serve marks the page when the app's first frame arrives.
            page.wait_for_selector("body.-first-byte", timeout=60_000)
            # No click first: the page hands the keyboard to the game as soon as it draws.
            typed = wait_for_log(logs, "王芳", lambda: type_name_and_start(page))
            page.keyboard.press("2")  # probe: asks no confirmation
            for _ in range(150):
                if read_log(typed).steps:
                    break
                time.sleep(0.1)
            page.screenshot(path=str(tmp_path / "game.png"))
        finally:
            engine.close()
    assert read_log(typed).moves == ["probe"]
    assert_not_blank(tmp_path / "game.png")


def type_name_and_start(page: Any) -> None:
    page.keyboard.type("王芳")
    page.keyboard.press("Enter")
    time.sleep(1.0)
    # The test scenario is listed after the bundled ones: down to the last row, then Enter.
    for _ in range(30):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")


def wait_for_log(logs: Path, trainee: str, act: Callable[[], None]) -> Path:
    """Do `act`, then wait for the log of `trainee`'s play to appear; its path."""
    act()
    for _ in range(300):
        for path in logs.glob("*.jsonl"):
            # A log just created may not hold its header line yet.
            with contextlib.suppress(LogError):
                if read_log(path).header.get("trainee") == trainee:
                    return path
        time.sleep(0.1)
    raise AssertionError(f"no log of {trainee} in {sorted(p.name for p in logs.iterdir())}")


def test_the_board_renders_in_chromium(served: tuple[int, Path], tmp_path: Path) -> None:
    chromium = browser()
    if chromium is None:
        pytest.skip("no Chromium here (apt-get install chromium)")
    port, _ = served
    base = f"http://127.0.0.1:{port}"
    screenshot(chromium, f"{base}/board?code={CODE}", tmp_path / "board.png", tmp_path / "p2")
    assert_not_blank(tmp_path / "board.png")
    dom = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu",
         f"--user-data-dir={tmp_path / 'p3'}", "--dump-dom", f"{base}/board?code={CODE}"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert "张伟" in dom.stdout and "李娜" in dom.stdout and "最小案例" in dom.stdout


def test_without_the_code_chromium_gets_the_code_form(
    served: tuple[int, Path], tmp_path: Path
) -> None:
    chromium = browser()
    if chromium is None:
        pytest.skip("no Chromium here (apt-get install chromium)")
    port, _ = served
    dom = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu",
         f"--user-data-dir={tmp_path / 'p'}", "--dump-dom", f"http://127.0.0.1:{port}/board"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert 'name="code"' in dom.stdout and "张伟" not in dom.stdout


def test_a_blank_picture_is_caught(tmp_path: Path) -> None:
    # The check itself can fail: a one-colour PNG is refused.
    width, height = 40, 30
    raw = b"".join(b"\x00" + b"\x10\x20\x30" * width for _ in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    (tmp_path / "blank.png").write_bytes(png)
    with pytest.raises(AssertionError):
        assert_not_blank(tmp_path / "blank.png")
