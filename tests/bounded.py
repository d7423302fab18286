"""Run the CLI as a hostile-input test must: a time limit, its own peak memory, clean output."""

from __future__ import annotations

import json
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


# Runs in a fresh interpreter between the test and the command: a child forked straight from
# pytest would count pytest's own memory (solved scenarios, 1 GB and more) as its peak, since
# the kernel keeps the pre-exec high-water mark. Forked from this small process it does not.
_MEASURE = """
import json, os, subprocess, sys
out, err, limit = sys.argv[1], sys.argv[2], float(sys.argv[3])
with open(out, "wb") as o, open(err, "wb") as e:
    child = subprocess.Popen(sys.argv[4:], stdout=o, stderr=e)
    try:
        _, status, usage = os.wait4(child.pid, 0)
    except KeyboardInterrupt:
        child.kill()
        raise
print(json.dumps([os.waitstatus_to_exitcode(status), usage.ru_maxrss]))
"""


def run_bounded(*args: str | Path, home: Path, stdin: str = "") -> Run:
    """`huikuan ARGS` with HOME-like dirs under `home`; its own exit code, time and peak RSS."""
    env = {**os.environ, "XDG_DATA_HOME": str(home / "xdg"), "XDG_CONFIG_HOME": str(home / "cfg")}
    out, err = home / "stdout.txt", home / "stderr.txt"
    command = [sys.executable, "-m", "simulator.cli", *map(str, args)]
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(out), str(err), str(SECONDS), *command],
        cwd=ROOT,
        env=env,
        input=stdin.encode("utf-8"),
        capture_output=True,
        timeout=SECONDS * 3,
        check=True,
    )
    seconds = time.monotonic() - start
    code, peak_kb = json.loads(done.stdout)
    return Run(
        code,
        out.read_text(encoding="utf-8", errors="replace"),
        err.read_text(encoding="utf-8", errors="replace"),
        seconds,
        peak_kb / 1024,  # kilobytes on Linux
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
