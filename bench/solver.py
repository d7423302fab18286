"""Solver and analysis speed per bundled scenario: solve time and size, analyze plays per second."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.analysis.analyze import analyze
from simulator.analysis.situations import TooLarge
from simulator.analysis.solver import Solver
from simulator.engine.engine import Engine
from simulator.format.catalog import bundled_paths
from simulator.format.loader import load_scenario


def solve_figures(engine: Engine) -> dict[str, object]:
    start = time.perf_counter()
    try:
        solution = Solver(engine).solve()
    except TooLarge as exc:
        return {"solve_s": round(time.perf_counter() - start, 2), "refused": str(exc)}
    return {
        "solve_s": round(time.perf_counter() - start, 3),
        "situations": solution.states_explored,
        "beliefs": solution.beliefs_explored,
        "par": round(solution.expected_score, 2),
        "ceiling": round(solution.ceiling, 2),
    }


def analyze_figures(engine: Engine, runs: int, jobs: int) -> dict[str, object]:
    start = time.perf_counter()
    result = analyze(engine, runs, jobs=jobs)
    elapsed = time.perf_counter() - start
    return {
        "analyze_runs": runs,
        "analyze_s": round(elapsed, 2),
        "analyze_plays": result["plays"],
        "analyze_plays_per_s": round(result["plays"] / elapsed, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--runs", type=int, default=2000, help="analyze runs per bot")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="analyze workers")
    args = parser.parse_args()
    figures: dict[str, dict[str, object]] = {}
    for path in bundled_paths():
        engine = Engine(load_scenario(path))
        found = solve_figures(engine)
        found.update(analyze_figures(engine, args.runs, args.jobs))
        figures[engine.scenario.meta.id] = found
    if args.json:
        print(json.dumps({"scenarios": figures}, indent=2))
        return
    print(
        f"{'scenario':<22}{'solve s':>9}{'situations':>12}{'par':>7}{'ceiling':>9}"
        f"{'analyze s':>11}{'plays/s':>9}"
    )
    for sid, f in figures.items():
        solve = f"{f['solve_s']:>9}" + (
            f"{f['situations']:>12,}{f['par']:>7}{f['ceiling']:>9}"
            if "refused" not in f
            else f"{'refused':>12}{'':>7}{'':>9}"
        )
        print(f"{sid:<22}{solve}{f['analyze_s']:>11}{f['analyze_plays_per_s']:>9.0f}")
    print(
        f"analyze: {args.runs} runs per bot on {args.jobs} workers; targets: solve < 5 s, "
        "analyze of 2,000 runs < 30 s"
    )


if __name__ == "__main__":
    main()
