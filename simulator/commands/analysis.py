"""`huikuan solve` and `huikuan analyze`: what best play is worth, and how bots fare."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from simulator.commands import positive

EXIT_OK = 0


def register(sub: Any) -> None:
    from simulator.analysis.situations import DEFAULT_BUDGET

    solve = sub.add_parser("solve", help="the par and the ceiling of a scenario (exact expectimax)")
    solve.add_argument("scenario", metavar="SCENARIO", help="a scenario file or a bundled id")
    solve.add_argument("--json", action="store_true", help="print the result as one JSON object")
    solve.add_argument(
        "--budget",
        type=positive,
        default=DEFAULT_BUDGET,
        help=f"most situations to explore before refusing (default {DEFAULT_BUDGET:,})",
    )
    solve.add_argument("--scenarios", type=Path, help="a directory of extra scenarios")
    solve.set_defaults(func=_solve)

    analyze = sub.add_parser(
        "analyze", help="Monte Carlo with bots: distributions, coverage and warning flags"
    )
    analyze.add_argument("scenario", metavar="SCENARIO", help="a scenario file or a bundled id")
    analyze.add_argument("--runs", type=positive, default=1000, help="plays per bot (default 1000)")
    analyze.add_argument(
        "--spam-runs",
        type=positive,
        help="plays per one-tactic spammer (default the smaller of --runs and 500)",
    )
    analyze.add_argument(
        "--jobs",
        type=positive,
        default=os.cpu_count() or 1,
        help="worker processes (default: one per CPU; 1 plays everything in this process)",
    )
    analyze.add_argument("--seed", type=int, default=0, help="first seed (default 0)")
    analyze.add_argument("--json", action="store_true", help="print the result as one JSON object")
    analyze.add_argument(
        "--budget",
        type=positive,
        default=DEFAULT_BUDGET,
        help="the solver's budget for the optimal bot and the par",
    )
    analyze.add_argument("--scenarios", type=Path, help="a directory of extra scenarios")
    analyze.set_defaults(func=_analyze)


def _engine(args: argparse.Namespace) -> Any:
    from simulator.engine.engine import Engine
    from simulator.format.catalog import resolve
    from simulator.format.loader import load_scenario

    return Engine(load_scenario(resolve(args.scenario, args.scenarios)))


def _solve(args: argparse.Namespace) -> int:
    from simulator.analysis.solver import CEILING_ASSUMES, PAR_ASSUMES, Solver

    engine = _engine(args)
    solution = Solver(engine, args.budget).solve()
    if args.json:
        print(json.dumps(solution.to_dict(), ensure_ascii=False, indent=2))
        return EXIT_OK
    sc = engine.scenario
    tactics = sc.tactics
    seconds = solution.ceiling_seconds + solution.par_seconds
    print(
        f"{sc.meta.id} v{sc.meta.version}: solved in {seconds:.2f} s "
        f"({solution.states_explored:,} situations, {solution.beliefs_explored:,} beliefs, "
        f"{solution.draws} starting draws)"
    )
    if solution.par is not None:
        print(f"  par      {solution.par:6.2f}  {PAR_ASSUMES}")
    else:
        print("  par         —    the trainee's belief tree is over budget; not computed")
    print(f"  ceiling  {solution.ceiling:6.2f}  {CEILING_ASSUMES}")
    line = " → ".join(
        f"{t} ({tactics[t].name.zh} / {tactics[t].name.en})" for t in solution.best_line
    )
    print(f"  best line (likeliest reply at each step): {line or '—'}")
    if solution.openings:
        ranked = sorted(solution.openings.items(), key=lambda kv: -kv[1])
        print("  first moves: " + ", ".join(f"{t} {v:.1f}" for t, v in ranked))
    for cause, entry in solution.per_cause.items():
        print(f"  cause {cause} ({entry['probability']:.0%}): ceiling {entry['ceiling']:.2f}")
    for note in solution.notes:
        print(f"  note: {note}")
    return EXIT_OK


def _analyze(args: argparse.Namespace) -> int:
    from simulator.analysis.analyze import analyze, render

    engine = _engine(args)
    progress = _progress if sys.stderr.isatty() else None
    result = analyze(engine, args.runs, args.seed, args.budget, progress, args.spam_runs, args.jobs)
    if progress is not None:
        print(file=sys.stderr)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(render(result, engine.scenario))
    return EXIT_OK


def _progress(done: int, total: int, label: str) -> None:
    width = 30
    filled = width * done // max(1, total)
    bar = "█" * filled + "·" * (width - filled)
    sys.stderr.write(f"\ranalyze {bar} {done:>6}/{total} plays  {label:<24}")
    sys.stderr.flush()
