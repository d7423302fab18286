"""TUI speed: cold start to the first play screen vs a bare Textual app, key press latency, RSS.

Each start is a fresh process (interpreter and imports included), run headless at 100×32, timed
by this process from spawn until the child says its screen is up; the median of several runs.
Key press latency: the scenario's "course" lines played with their keys in one process, timed
from the key event to the first frame rendered after the move was made (layout included).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "data" / "good" / "minimal.yaml"
TARGETS = {"startup_ratio": 1.5, "keypress_ms": 50.0, "rss_mb": 150.0}

# What `huikuan play SCENARIO` does before its screen is up: the command line's imports, one
# load of the scenario, the app built by make_app and started by its own run() (headless here).
APP_START = """
import sys
from pathlib import Path
import simulator.cli
from simulator.format.loader import load_scenario
from simulator.frontends.tui.app import make_app
from simulator.frontends.tui.play import PlayScreen

async def ready(pilot):
    while not isinstance(pilot.app.screen, PlayScreen):
        await pilot.pause(0.001)
    await pilot.pause()
    print("READY", flush=True)
    pilot.app.exit()

tmp = Path(sys.argv[2])
app = make_app(load_scenario(sys.argv[1]), seed=1, trainee="bench", log_dir=tmp / "logs",
               config_path=tmp / "tui.json", solver_budget=0)
app.run(headless=True, size=(100, 32), auto_pilot=ready)
"""

BARE_START = """
from textual.app import App
from textual.widgets import Footer, Header, Label

class Bare(App):
    def compose(self):
        yield Header()
        yield Label("hello")
        yield Footer()

async def ready(pilot):
    await pilot.pause()
    print("READY", flush=True)
    pilot.app.exit()

Bare().run(headless=True, size=(100, 32), auto_pilot=ready)
"""

KEYPRESS = """
import asyncio, json, resource, statistics, sys, time
from pathlib import Path
from textual import events
from simulator.format.loader import load_scenario
from simulator.frontends.tui.app import make_app
from simulator.frontends.tui.dialogs import ConfirmDialog
from simulator.frontends.tui.play import PlayScreen
from simulator.format.palette import tactic_keys

async def press_and_time(app, key, done):
    # From the key event to the first frame the compositor hands to the terminal after done().
    shown = []
    display = app._display
    def timed(screen, renderable):
        display(screen, renderable)
        if renderable is not None and done():
            shown.append(time.perf_counter())
    app._display = timed
    start = time.perf_counter()
    event = events.Key(key, key)
    event.set_sender(app)
    app._driver.send_message(event)
    while not shown:
        await asyncio.sleep(0.0005)
    app._display = display
    return shown[0] - start

async def play(path, tmp, seed, moves, times):
    app = make_app(path, seed=seed, trainee="bench", log_dir=tmp / "logs",
                   config_path=tmp / "tui.json", solver_budget=0)
    keys = {tid: key for key, tid in tactic_keys(load_scenario(path).scenario).items()}
    async with app.run_test(size=(100, 32)) as pilot:
        while not isinstance(app.screen, PlayScreen):
            await pilot.pause(0.001)
        await pilot.pause()
        screen = app.screen
        for move in moves:
            if not screen.live:
                break
            steps = len(screen.session.play.steps)
            moved = lambda: len(screen.session.play.steps) > steps
            if screen.session.engine.risk(screen.session.play, move):  # asks first
                await pilot.press(keys[move])
                assert isinstance(app.screen, ConfirmDialog)
                times.append(await press_and_time(app, "y", moved))
            else:
                times.append(await press_and_time(app, keys[move], moved))
            await pilot.pause()

async def main():
    path, tmp = Path(sys.argv[1]), Path(sys.argv[2])
    tests = [t for t in load_scenario(path).scenario.tests if t.name.lower().startswith("course")]
    times = []
    for test in tests:
        await play(path, tmp, test.seed, test.moves, times)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"presses": len(times), "median_ms": statistics.median(times) * 1000,
                      "max_ms": max(times) * 1000, "rss_mb": rss}), flush=True)

asyncio.run(main())
"""


def cold_start(code: str, *args: str) -> float:
    """Seconds from spawning a fresh interpreter until it prints READY."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm-256color"}
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert child.stdout is not None
    for line in child.stdout:
        if line.strip() == "READY":
            elapsed = time.perf_counter() - start
            break
    else:
        raise SystemExit(f"child failed: {child.communicate()[1][-2000:]}")
    child.communicate(timeout=60)
    return elapsed


def keypresses(scenario: Path, tmp: str) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", KEYPRESS, str(scenario), tmp],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"key press run failed: {done.stderr[-2000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--runs", type=int, default=5, help="cold starts per app (default 5)")
    parser.add_argument(
        "--scenario",
        type=Path,
        help="scenario to start and play (default: the bundled supermarket-chain, else minimal)",
    )
    args = parser.parse_args()
    bundled = ROOT / "scenarios" / "supermarket-chain.yaml"
    scenario = args.scenario or (bundled if bundled.exists() else MINIMAL)
    # Byte-compile the project first, as an install would: with PYTHONDONTWRITEBYTECODE set (as
    # on CI machines) stale or missing .pyc files would make every start compile from source.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "simulator"), str(ROOT / "scoring")],
        check=True,
    )
    with tempfile.TemporaryDirectory(prefix="huikuan-bench-") as tmp:
        # One warm-up of each, so the first measured run is not paying for cold disk caches.
        cold_start(APP_START, str(scenario), tmp)
        cold_start(BARE_START)
        app_times, bare_times = [], []
        for _ in range(args.runs):
            app_times.append(cold_start(APP_START, str(scenario), tmp))
            bare_times.append(cold_start(BARE_START))
        keys = keypresses(scenario, tmp)
    startup, baseline = statistics.median(app_times), statistics.median(bare_times)
    result = {
        "startup_s": round(startup, 3),
        "keypress_ms_median": round(keys["median_ms"], 2),
        "rss_mb": round(keys["rss_mb"], 1),
        "baseline_startup_s": round(baseline, 3),
    }
    if args.json:
        print(json.dumps(result))
        return 0
    ratio = startup / baseline
    print(f"scenario: {scenario.relative_to(ROOT) if scenario.is_relative_to(ROOT) else scenario}")
    print(
        f"cold start to the play screen: {startup:.3f} s (median of {args.runs}); "
        f"bare Textual app: {baseline:.3f} s; ratio {ratio:.2f} "
        f"(target ≤ {TARGETS['startup_ratio']})"
    )
    print(
        f"key press to updated screen: median {keys['median_ms']:.1f} ms, "
        f"max {keys['max_ms']:.1f} ms over {int(keys['presses'])} presses "
        f"(target < {TARGETS['keypress_ms']:.0f} ms)"
    )
    print(f"peak RSS: {keys['rss_mb']:.1f} MB (target < {TARGETS['rss_mb']:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
