"""The warm start of `huikuan serve`'s apps: a launcher hands its pipes to the forker, whose
child plays on them; a launcher without a forker plays cold; nothing outlives its session."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from simulator.frontends.web.forker import APP_ENVIRONMENT

ROOT = Path(__file__).resolve().parent.parent
Forker = tuple[subprocess.Popen[bytes], Path]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), **APP_ENVIRONMENT}


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def until(check: Callable[[], bool], timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def forker(tmp_path: Path) -> Iterator[Forker]:
    socket_path = tmp_path / "f.sock"
    process = subprocess.Popen(
        [sys.executable, "-m", "simulator.commands.prefork", "forker", str(socket_path)],
        stdin=subprocess.PIPE, env=ENV, cwd=ROOT,
    )  # fmt: skip
    try:
        assert until(socket_path.exists), "the forker never listened"
        yield process, socket_path
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def launch(socket_path: Path, tmp_path: Path, *args: str) -> subprocess.Popen[bytes]:
    argv = [sys.executable, "-m", "simulator.commands.prefork", "launch", str(socket_path), "--"]
    return subprocess.Popen(
        [*argv, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**ENV, "XDG_CONFIG_HOME": str(tmp_path / "cfg")}, cwd=tmp_path,
    )  # fmt: skip


def workshop(tmp_path: Path) -> list[str]:
    return ["--workshop", "--lang", "zh", "--log-dir", str(tmp_path / "logs")]


def test_the_game_runs_in_a_child_of_the_forker(forker: Forker, tmp_path: Path) -> None:
    process, socket_path = forker
    launcher = launch(socket_path, tmp_path, *workshop(tmp_path))
    try:
        assert launcher.stdout is not None
        # textual-serve's hello, written by the app on the launcher's own stdout.
        assert launcher.stdout.read(13) == b"__GANGLION__\n"
        assert len(children(process.pid)) == 1
    finally:
        launcher.kill()
        launcher.wait(timeout=10)


def test_a_killed_launcher_takes_its_game_with_it(forker: Forker, tmp_path: Path) -> None:
    # textual-serve kills a session's process when it will not quit: the child must not stay.
    process, socket_path = forker
    launcher = launch(socket_path, tmp_path, *workshop(tmp_path))
    assert launcher.stdout is not None and launcher.stdout.read(13) == b"__GANGLION__\n"
    [child] = children(process.pid)
    launcher.kill()
    launcher.wait(timeout=10)
    assert until(lambda: not Path(f"/proc/{child}").exists() or child not in children(process.pid))


def test_a_signal_to_the_launcher_reaches_the_game(forker: Forker, tmp_path: Path) -> None:
    process, socket_path = forker
    launcher = launch(socket_path, tmp_path, *workshop(tmp_path))
    assert launcher.stdout is not None and launcher.stdout.read(13) == b"__GANGLION__\n"
    launcher.send_signal(signal.SIGTERM)
    # The game quits on SIGTERM (as it does started cold), and the launcher with it.
    launcher.wait(timeout=20)
    assert until(lambda: not children(process.pid))


def test_the_exit_code_and_errors_come_back_through_the_launcher(
    forker: Forker, tmp_path: Path
) -> None:
    _, socket_path = forker
    launcher = launch(socket_path, tmp_path, "--lang", "xx")
    _, err = launcher.communicate(timeout=30)
    assert launcher.returncode == 2 and b"invalid choice: 'xx'" in err


def test_without_a_forker_the_launcher_plays_cold(tmp_path: Path) -> None:
    launcher = launch(tmp_path / "absent.sock", tmp_path, *workshop(tmp_path))
    try:
        assert launcher.stdout is not None
        assert launcher.stdout.read(13) == b"__GANGLION__\n"
    finally:
        launcher.kill()
        launcher.wait(timeout=10)


def test_the_forker_leaves_when_the_server_closes_its_stdin(forker: Forker) -> None:
    process, socket_path = forker
    assert process.stdin is not None
    process.stdin.close()
    assert process.wait(timeout=20) == 0 and not socket_path.exists()


def test_a_socket_that_cannot_be_made_is_one_line_and_the_tabs_still_play(tmp_path: Path) -> None:
    where = tmp_path / ("x" * 120) / "f.sock"  # longer than a Unix socket address may be
    done = subprocess.run(
        [sys.executable, "-m", "simulator.commands.prefork", "forker", str(where)],
        stdin=subprocess.DEVNULL, capture_output=True, env=ENV, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1 and done.stderr.count(b"\n") == 1
    assert b"apps start cold" in done.stderr
