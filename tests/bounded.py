"""Run the CLI as a hostile-input test must: a time limit, its own peak memory, clean output."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECONDS = 10
MEGABYTES = 600
# A number that is not finite, as JSON or Python would print it.
NOT_FINITE = re.compile(r"(?<![\w.])-?(inf|Infinity|nan|NaN)(?![\w])")


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str
    seconds: float
    peak_mb: float


def run_bounded(*args: str | Path, home: Path, stdin: str = "") -> Run:
    """`huikuan ARGS` with HOME-like dirs under `home`; its own exit code, time and peak RSS."""
    env = {**os.environ, "XDG_DATA_HOME": str(home / "xdg"), "XDG_CONFIG_HOME": str(home / "cfg")}
    out, err = home / "stdout.txt", home / "stderr.txt"
    start = time.monotonic()
    with out.open("wb") as o, err.open("wb") as e:
        child = subprocess.Popen(
            [sys.executable, "-m", "simulator.cli", *map(str, args)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=o,
            stderr=e,
        )
        assert child.stdin is not None
        child.stdin.write(stdin.encode("utf-8"))
        child.stdin.close()
        deadline = start + SECONDS * 3
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                child.kill()
                child.wait()
                raise AssertionError(f"huikuan {args} still running after {SECONDS * 3} s")
            time.sleep(0.02)
    seconds = time.monotonic() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    return Run(
        child.returncode,
        out.read_text(encoding="utf-8", errors="replace"),
        err.read_text(encoding="utf-8", errors="replace"),
        seconds,
        usage.ru_maxrss / 1024,  # kilobytes on Linux
    )


def assert_clean(run: Run, codes: tuple[int, ...] = (0, 1, 2)) -> None:
    """The contract for bad input: a known exit code, no traceback, bounded, finite numbers."""
    assert run.code in codes, (run.code, run.err[-2000:])
    assert "Traceback" not in run.err and "Traceback" not in run.out, run.err[-2000:]
    assert run.seconds < SECONDS, run.seconds
    assert run.peak_mb < MEGABYTES, run.peak_mb
    assert not NOT_FINITE.search(run.out), run.out[-2000:]
    assert not NOT_FINITE.search(run.err), run.err[-2000:]
    # Every error line is one line, and shows no raw control character.
    for line in run.err.splitlines():
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", line), repr(line)
