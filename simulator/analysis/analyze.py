"""Monte Carlo over bots: score distributions, coverage, per-tactic effects and warning flags."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from statistics import fmean
from typing import Any

from simulator.analysis.bots import SPAM
from simulator.analysis.montecarlo import Run, play_many
from simulator.analysis.situations import DEFAULT_BUDGET, TooLarge
from simulator.analysis.solver import Solver, solver_for
from simulator.engine.engine import Engine
from simulator.format.model import Scenario

MAIN_BOTS = ("random", "greedy", "optimal")
TOO_EASY = 70.0  # a random bot's mean at or above this teaches nothing
TOO_HARD = 60.0  # a par below this means even perfect play grades poorly
# A spammer's mean needs fewer plays than a bot's distribution; spammers are many.
SPAM_RUNS = 500
DOMINANT_MARGIN = 10.0  # a one-tactic spammer this close to par needs no judgement
BINS = 10
SPARKS = " ▁▂▃▄▅▆▇█"

Progress = Callable[[int, int, str], None]


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between the closest ranks (as numpy's default does)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(values: list[float]) -> dict[str, float]:
    return {
        "mean": round(fmean(values), 2),
        "p10": round(percentile(values, 0.1), 2),
        "p50": round(percentile(values, 0.5), 2),
        "p90": round(percentile(values, 0.9), 2),
    }


def histogram(values: list[float], low: float, high: float) -> list[int]:
    counts = [0] * BINS
    span = (high - low) or 1.0
    for value in values:
        counts[min(BINS - 1, max(0, int((value - low) / span * BINS)))] += 1
    return counts


def describe(runs: list[Run], deadline: int) -> dict[str, Any]:
    """A bot's distributions (with histograms), outcome shares and violation rate."""
    metrics: dict[str, tuple[list[float], float, float]] = {
        "score": ([r.score for r in runs], 0.0, 100.0),
        "recovery": ([r.recovery for r in runs], 0.0, 1.0),
        "relationship": ([r.relationship for r in runs], 0.0, 100.0),
        "days": ([float(r.days) for r in runs], 0.0, float(deadline)),
    }
    found: dict[str, Any] = {
        name: {**summary(values), "histogram": histogram(values, low, high)}
        for name, (values, low, high) in metrics.items()
    }
    outcomes = Counter(r.outcome for r in runs)
    found["outcomes"] = {k: round(v / len(runs), 4) for k, v in outcomes.most_common()}
    found["violations"] = round(sum(r.violated for r in runs) / len(runs), 4)
    return found


def tactic_effects(sc: Scenario, runs: list[Run], spammers: dict[str, float]) -> dict[str, Any]:
    """Per tactic, over the random bot's plays: how often used and the score with and without."""
    found: dict[str, Any] = {}
    for tid in sc.tactics:
        used = [r.score for r in runs if tid in r.tactics]
        unused = [r.score for r in runs if tid not in r.tactics]
        found[tid] = {
            "uses_per_play": round(sum(r.tactics.count(tid) for r in runs) / len(runs), 3),
            "share_of_plays": round(len(used) / len(runs), 4),
            "score_when_used": round(fmean(used), 2) if used else None,
            "score_when_not": round(fmean(unused), 2) if unused else None,
            "effect": round(fmean(used) - fmean(unused), 2) if used and unused else None,
            "spammer_mean": spammers.get(tid),
        }
    return found


def reachable(solver: Solver) -> dict[str, set[str]]:
    """What the solver's exhaustive search reached (play is not followed past a violation)."""
    graph = solver.graph
    found: dict[str, set[str]] = {"states": set(), "facts": set(), "tactics": set()}
    for nid, node in enumerate(graph.nodes):
        found["states"].add(node.state)
        found["facts"].update(node.revealed)
        found["tactics"].update(graph.available(nid))
    return found


def analyze(
    engine: Engine,
    runs: int,
    seed: int = 0,
    budget: int = DEFAULT_BUDGET,
    progress: Progress | None = None,
    spam_runs: int | None = None,
    jobs: int = 1,
) -> dict[str, Any]:
    """Play every bot over the same `runs` seeds (spammers over the first `spam_runs`)."""
    sc = engine.scenario
    started = time.perf_counter()
    solver: Solver | None
    refused = ""
    try:
        solver = solver_for(engine, budget)
    except TooLarge as exc:
        solver, refused = None, str(exc)
    solution = solver.solve() if solver else None
    bots = [b for b in MAIN_BOTS if b != "optimal" or solver is not None]
    bots += [f"{SPAM}{t}" for t in sc.tactics]
    spam_runs = min(runs, spam_runs if spam_runs is not None else SPAM_RUNS)
    plan = {bot: range(seed, seed + (spam_runs if bot.startswith(SPAM) else runs)) for bot in bots}
    total, done = sum(len(seeds) for seeds in plan.values()), 0

    def tick(count: int, bot: str) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(done, total, bot)

    played = play_many(engine, plan, solver, jobs, tick)
    elapsed = time.perf_counter() - started
    every = [r for rs in played.values() for r in rs]
    spam_means = {
        b.removeprefix(SPAM): fmean(r.score for r in played[b])
        for b in played
        if b.startswith(SPAM)
    }
    described = {b: describe(played[b], sc.deadline_days) for b in played}
    par = solution.expected_score if solution else None
    result: dict[str, Any] = {
        "scenario": sc.meta.id,
        "scenario_version": sc.meta.version,
        "runs": runs,
        "spam_runs": spam_runs,
        "first_seed": seed,
        "plays": len(every),
        "seconds": round(elapsed, 2),
        "plays_per_s": round(len(every) / elapsed, 1),
        "par": None if par is None else round(par, 2),
        "ceiling": round(solution.ceiling, 2) if solution else None,
        "solver": "solved" if solution else refused,
        "bots": {b: described[b] for b in bots if not b.startswith(SPAM)},
        "spammers": {b.removeprefix(SPAM): described[b] for b in bots if b.startswith(SPAM)},
        "tactics": tactic_effects(
            sc, played["random"], {t: round(m, 2) for t, m in spam_means.items()}
        ),
        "coverage": _coverage(sc, every, solver),
    }
    result["flags"] = _flags(result, spam_means, par)
    return result


def _coverage(sc: Scenario, runs: list[Run], solver: Solver | None) -> dict[str, Any]:
    visited = set().union(*(r.states for r in runs))
    revealed = set().union(*(r.facts for r in runs))
    used = {t for r in runs for t in r.tactics}
    exact = reachable(solver) if solver else None
    return {
        "states": round(len(visited) / len(sc.states), 4),
        "states_visited": len(visited),
        "states_total": len(sc.states),
        "never_visited": [s for s in sc.states if s not in visited],
        "facts_never_revealed": [f for f in sc.facts if f not in revealed],
        "tactics_never_used": [t for t in sc.tactics if t not in used],
        "outcomes_reached": sorted({r.outcome for r in runs}),
        "exact": exact is not None,
        "unreachable": None
        if exact is None
        else {
            "states": [s for s in sc.states if s not in exact["states"]],
            "facts": [f for f in sc.facts if f not in exact["facts"]],
            "tactics": [t for t in sc.tactics if t not in exact["tactics"]],
        },
    }


def _flags(result: dict[str, Any], spam_means: dict[str, float], par: float | None) -> list[Any]:
    flags: list[dict[str, str]] = []
    if par is not None:
        for tid, mean in spam_means.items():
            if mean >= par - DOMINANT_MARGIN:
                flags.append(
                    {
                        "code": "dominant_tactic",
                        "message": f"spamming '{tid}' averages {mean:.1f}, within "
                        f"{DOMINANT_MARGIN:.0f} points of the par {par:.1f}",
                    }
                )
    coverage = result["coverage"]
    missing = coverage["unreachable"]
    how = "can never be reached"
    if missing is None:
        how = f"never came up in {result['plays']:,} plays"
        missing = {
            "states": coverage["never_visited"],
            "facts": coverage["facts_never_revealed"],
            "tactics": coverage["tactics_never_used"],
        }
    for kind, items in missing.items():
        if items:
            flags.append(
                {"code": "unreachable_content", "message": f"{kind} {', '.join(items)} {how}"}
            )
    random_mean = result["bots"]["random"]["score"]["mean"]
    if random_mean >= TOO_EASY:
        flags.append(
            {
                "code": "too_easy",
                "message": f"the random bot averages {random_mean:.1f} (≥ {TOO_EASY:.0f})",
            }
        )
    if par is not None and par < TOO_HARD:
        flags.append({"code": "too_hard", "message": f"the par is {par:.1f} (< {TOO_HARD:.0f})"})
    return flags


def sparkline(counts: list[int]) -> str:
    top = max(counts) or 1
    return "".join(SPARKS[0 if c == 0 else max(1, round(c / top * 8))] for c in counts)


def render(result: dict[str, Any], sc: Scenario) -> str:
    """The analysis as a terminal report with one-line histograms."""
    lines = [
        f"{result['scenario']} v{result['scenario_version']}: {result['plays']:,} plays "
        f"({result['runs']:,} per bot, {result['spam_runs']:,} per spammer) "
        f"in {result['seconds']:.1f} s",
    ]
    if result["par"] is not None:
        lines.append(f"par {result['par']:.1f} · ceiling {result['ceiling']:.1f}  (huikuan solve)")
    else:
        lines.append(f"solver: {result['solver']}")
    scales = {
        "score": "0–100",
        "recovery": "0–100%",
        "relationship": "0–100",
        "days": f"0–{sc.deadline_days}",
    }
    for metric, scale in scales.items():
        lines.append("")
        lines.append(f"{metric:<14}{scale:<12}{'mean':>7}{'p10':>7}{'p50':>7}{'p90':>7}")
        for bot, data in result["bots"].items():
            d = data[metric]
            lines.append(
                f"  {bot:<12}{sparkline(d['histogram']):<12}"
                f"{d['mean']:>7.2f}{d['p10']:>7.2f}{d['p50']:>7.2f}{d['p90']:>7.2f}"
            )
    lines.append("")
    lines.append("outcomes")
    for bot, data in result["bots"].items():
        shares = ", ".join(f"{k} {v:.0%}" for k, v in data["outcomes"].items())
        lines.append(f"  {bot:<12}{shares}; violations {data['violations']:.0%}")
    lines.append("")
    lines.append(f"{'tactic':<24}{'spam mean':>10}{'random uses':>13}{'effect':>9}")
    for tid, t in result["tactics"].items():
        effect = "—" if t["effect"] is None else f"{t['effect']:+.1f}"
        spam = "—" if t["spammer_mean"] is None else f"{t['spammer_mean']:.1f}"
        lines.append(f"  {tid:<22}{spam:>10}{t['uses_per_play']:>13.2f}{effect:>9}")
    coverage = result["coverage"]
    lines.append("")
    lines.append(
        f"coverage: {coverage['states_visited']}/{coverage['states_total']} states visited "
        f"({coverage['states']:.0%}); outcomes reached: {', '.join(coverage['outcomes_reached'])}"
    )
    lines.append("")
    if result["flags"]:
        lines += [f"FLAG {f['code']}: {f['message']}" for f in result["flags"]]
    else:
        lines.append("no flags")
    return "\n".join(lines)
