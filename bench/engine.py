"""Engine speed per bundled scenario: load time, bot playthroughs/s, and a bare-Python baseline."""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.analysis.bots import autoplay
from simulator.analysis.policies import make_policy
from simulator.engine.engine import Engine
from simulator.format.catalog import bundled_paths
from simulator.format.loader import LoadedScenario, load_scenario


def load_ms(path: Path, repeats: int = 20) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        load_scenario(path)
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2] * 1000


def bot_rate(engine: Engine, bot: str, seconds: float) -> tuple[float, float]:
    """Playthroughs and steps per second for `bot`, for about `seconds`."""
    plays = steps = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        play = engine.start(plays)
        autoplay(engine, play, make_policy(bot, plays))
        engine.report(play)
        plays += 1
        steps += len(play.steps)
    elapsed = time.perf_counter() - start
    return plays / elapsed, steps / elapsed


def baseline_steps_per_s(loaded: LoadedScenario, seconds: float) -> float:
    """The same graph as plain dict lookups: a random walk with constant weights, no guards."""
    sc = loaded.scenario
    graph = {
        state: [
            [(c.outcome.to or state, 1.0) for c in lists[0]]
            for (s, _), lists in loaded.reactions.items()
            if s == state
        ]
        for state in sc.states
    }
    days = {tid: t.days for tid, t in sc.tactics.items()}
    tactic_days = list(days.values())
    rng = random.Random(0)
    steps = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        state, day = sc.start, 0
        while graph[state] and day < sc.deadline_days:
            options = graph[state]
            outcomes = options[int(rng.random() * len(options))]
            state = outcomes[int(rng.random() * len(outcomes))][0]
            day += tactic_days[steps % len(tactic_days)] or 1
            steps += 1
    return steps / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--seconds", type=float, default=2.0, help="time per measurement")
    args = parser.parse_args()
    figures: dict[str, dict[str, float]] = {}
    for path in bundled_paths():
        loaded = load_scenario(path)
        engine = Engine(loaded)
        random_rate, random_steps = bot_rate(engine, "random", args.seconds)
        greedy_rate, _ = bot_rate(engine, "greedy", args.seconds)
        figures[loaded.scenario.meta.id] = {
            "load_ms": round(load_ms(path), 2),
            "playthroughs_per_s": round(random_rate, 1),
            "greedy_playthroughs_per_s": round(greedy_rate, 1),
            "steps_per_s": round(random_steps, 1),
            "baseline_steps_per_s": round(baseline_steps_per_s(loaded, args.seconds), 1),
        }
    if args.json:
        print(json.dumps({"scenarios": figures}, indent=2))
        return
    columns = ("load ms", "random/s", "greedy/s", "steps/s", "bare steps/s")
    print(f"{'scenario':<22}" + "".join(f"{c:>14}" for c in columns))
    for sid, f in figures.items():
        print(
            f"{sid:<22}{f['load_ms']:>14.1f}{f['playthroughs_per_s']:>14.0f}"
            f"{f['greedy_playthroughs_per_s']:>14.0f}{f['steps_per_s']:>14.0f}"
            f"{f['baseline_steps_per_s']:>14.0f}"
        )
    print("playthroughs/s on one core, random bot unless named; target ≥ 1000/s, load < 50 ms")


if __name__ == "__main__":
    main()
