"""Exact expectimax over a scenario: the ceiling (sees the hidden draw) and the trainee's par."""

from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass, field, replace
from typing import Any

from simulator.analysis.bots import Policy, greedy_policy
from simulator.analysis.situations import (
    DEFAULT_BUDGET,
    Graph,
    Observation,
    TooLarge,
    observed,
    view,
)
from simulator.engine.engine import Engine
from simulator.engine.playthrough import Playthrough
from simulator.engine.score import Decision

NONE = -math.inf
# Values that differ by less than this are ties (float sums in a different order).
EPS = 1e-9
# A decision whose regret is under this many points (of 100) is as good as the best one and is
# never called worse. Why one point: it is under a tenth of a grade band (bands are 15 apart);
# and the scenario's numbers it comes from are a trainer's estimates — a day's cost, a few
# points of relationship — each of which moves an expected score by a fraction of a point to
# about one. A smaller gap ranks the estimates, not the lesson: opening the supermarket case
# by asking the buyer why (the course's "find the cause first") trails the best opening by 0.8.
NEAR_TIE = 1.0
CEILING_ASSUMES = (
    "knows the hidden cause and every hidden starting number from the first move, then plays "
    "each draw perfectly; no trainee can see these, so this is an upper bound, not a target"
)
PAR_ASSUMES = (
    "sees only what the trainee sees (the debtor's replies and state, cues and mood words, the "
    "relationship word, facts revealed, payments, which tactics are available) and keeps an "
    "exact belief over the hidden draws; the best any trainee can expect on average"
)


class BeliefTooLarge(Exception):
    """The trainee's belief tree outgrew its budget; the ceiling still stands."""


@dataclass
class Solution:
    """What `huikuan solve` reports."""

    scenario: str
    version: str
    ceiling: float
    par: float | None
    best_line: list[str]
    openings: dict[str, float]
    per_cause: dict[str, dict[str, float]]
    states_explored: int
    beliefs_explored: int
    draws: int
    notes: list[str] = field(default_factory=list)
    ceiling_seconds: float = 0.0
    par_seconds: float = 0.0

    @property
    def expected_score(self) -> float:
        return self.par if self.par is not None else self.ceiling

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "scenario_version": self.version,
            "expected_score": round(self.expected_score, 2),
            "basis": "belief" if self.par is not None else "ceiling",
            "par": None if self.par is None else round(self.par, 2),
            "ceiling": round(self.ceiling, 2),
            "assumes": {"par": PAR_ASSUMES, "ceiling": CEILING_ASSUMES},
            "best_line": self.best_line,
            "openings": {t: round(v, 2) for t, v in self.openings.items()},
            "per_cause": self.per_cause,
            "states_explored": self.states_explored,
            "beliefs_explored": self.beliefs_explored,
            "draws": self.draws,
            "exact": not self.notes,
            "notes": self.notes,
            "seconds": round(self.ceiling_seconds + self.par_seconds, 3),
            "timing": {
                "ceiling_s": round(self.ceiling_seconds, 3),
                "par_s": round(self.par_seconds, 3),
            },
        }


def best_of(values: dict[str, float], order: tuple[str, ...] | list[str]) -> str:
    """The best tactic; ties go to palette order, as they do for the greedy bot."""
    top = max(values.values())
    return next(t for t in order if t in values and values[t] >= top - EPS)


class Solver:
    """Memoised expectimax over situations (ceiling) and over the trainee's beliefs (par)."""

    def __init__(
        self, engine: Engine, budget: int = DEFAULT_BUDGET, belief_budget: int | None = None
    ) -> None:
        self.engine = engine
        self.graph = Graph(engine, budget)
        self.belief_budget = belief_budget or budget
        self.values: dict[int, float] = {}
        self._active: set[int] = set()
        self.beliefs: list[tuple[tuple[float, int], ...]] = []
        self._belief_ids: dict[tuple[tuple[int, float], ...], int] = {}
        self._belief_q: dict[int, dict[str, float]] = {}
        self._belief_values: dict[int, float] = {}
        self._belief_next: dict[tuple[int, str], dict[Observation, tuple[float, int]]] = {}
        self._belief_active: set[int] = set()
        self.roots: list[tuple[float, int]] = []
        self.root_beliefs: dict[Any, tuple[float, int]] = {}
        self.solution: Solution | None = None

    # --- the ceiling: each draw solved knowing it -------------------------------------------------

    def value(self, nid: int) -> float:
        cached = self.values.get(nid)
        if cached is not None:
            return cached
        graph = self.graph
        node = graph.nodes[nid]
        if node.violations:
            best = 0.0  # a conduct violation fails the play, whatever follows
        elif node.over:
            best = graph.terminal_value(nid)
        else:
            self._active.add(nid)
            best = NONE
            for tid in graph.available(nid):
                q = self.q(nid, tid)
                if q > best:
                    best = q
            self._active.discard(nid)
            if best == NONE:
                # Every move loops back here at no cost in days: as if the play stopped now.
                best = graph.terminal_value(nid)
        self.values[nid] = best
        return best

    def q(self, nid: int, tid: str) -> float:
        """Expected score of playing `tid` in situation `nid`, then playing perfectly."""
        expected = weight = 0.0
        for branch in self.graph.expand(nid, tid):
            # A zero-day loop back onto the current line is retried until something else
            # happens: dropping it and renormalising is exact for a loop onto itself.
            if branch.child in self._active:
                continue
            expected += branch.probability * self.value(branch.child)
            weight += branch.probability
        return expected / weight if weight > 0 else NONE

    def qs(self, nid: int) -> dict[str, float]:
        found = {t: self.q(nid, t) for t in self.graph.available(nid)}
        return {t: v for t, v in found.items() if v != NONE}

    # --- the par: the trainee's belief over the hidden draws --------------------------------------

    def belief(self, parts: dict[int, float]) -> int:
        whole = sum(parts.values())
        key = tuple(sorted((nid, round(w / whole, 12)) for nid, w in parts.items()))
        bid = self._belief_ids.get(key)
        if bid is None:
            if len(self.beliefs) >= self.belief_budget:
                raise BeliefTooLarge
            bid = self._belief_ids[key] = len(self.beliefs)
            self.beliefs.append(tuple((w / whole, nid) for nid, w in parts.items()))
        return bid

    def belief_value(self, bid: int) -> float:
        cached = self._belief_values.get(bid)
        if cached is not None:
            return cached
        parts = self.beliefs[bid]
        node = self.graph.nodes[parts[0][1]]
        if node.violations or node.over:
            # Every particle shares what shows, so all are over (or failed) together.
            best = sum(p * self.value(nid) for p, nid in parts)
        else:
            found = self.belief_qs(bid)
            if found:
                best = max(found.values())
            else:
                best = sum(p * self.graph.terminal_value(nid) for p, nid in parts)
        self._belief_values[bid] = best
        return best

    def belief_qs(self, bid: int) -> dict[str, float]:
        """Expected score of each available tactic given what the trainee has seen."""
        cached = self._belief_q.get(bid)
        if cached is not None:
            return cached
        self._belief_active.add(bid)
        found: dict[str, float] = {}
        for tid in self.graph.available(self.beliefs[bid][0][1]):
            expected = weight = 0.0
            for share, child in self.belief_next(bid, tid).values():
                if child in self._belief_active:
                    continue
                expected += share * self.belief_value(child)
                weight += share
            if weight > 0:
                found[tid] = expected / weight
        self._belief_active.discard(bid)
        self._belief_q[bid] = found
        return found

    def belief_next(self, bid: int, tid: str) -> dict[Observation, tuple[float, int]]:
        """What the trainee may see after `tid`, each with its chance and the belief it leaves."""
        cached = self._belief_next.get((bid, tid))
        if cached is not None:
            return cached
        groups: dict[Observation, dict[int, float]] = {}
        for p, nid in self.beliefs[bid]:
            for branch in self.graph.expand(nid, tid):
                group = groups.setdefault(branch.seen, {})
                group[branch.child] = group.get(branch.child, 0.0) + p * branch.probability
        found = {seen: (sum(g.values()), self.belief(g)) for seen, g in groups.items()}
        self._belief_next[(bid, tid)] = found
        return found

    # --- solving --------------------------------------------------------------------------------

    def solve(self) -> Solution:
        if self.solution is not None:
            return self.solution
        limit = sys.getrecursionlimit()
        # Two frames per move; scenarios with zero-day moves can run long lines.
        sys.setrecursionlimit(max(limit, 100_000))
        try:
            self.solution = self._solve()
        finally:
            sys.setrecursionlimit(limit)
        return self.solution

    def _solve(self) -> Solution:
        sc = self.engine.scenario
        graph = self.graph
        start = time.perf_counter()
        self.roots = graph.roots()
        ceiling = sum(p * self.value(nid) for p, nid in self.roots)
        middle = time.perf_counter()
        groups: dict[Any, dict[int, float]] = {}
        for p, nid in self.roots:
            group = groups.setdefault(graph.nodes[nid].view, {})
            group[nid] = group.get(nid, 0.0) + p
        par: float | None
        try:
            self.root_beliefs = {v: (sum(g.values()), self.belief(g)) for v, g in groups.items()}
            par = sum(w * self.belief_value(bid) for w, bid in self.root_beliefs.values())
        except BeliefTooLarge:
            self.root_beliefs, par = {}, None
        end = time.perf_counter()
        by_cause: dict[str, dict[str, float]] = {}
        for p, nid in self.roots:
            cause = graph.nodes[nid].env["cause"] or "-"
            entry = by_cause.setdefault(cause, {"probability": 0.0, "ceiling": 0.0})
            entry["probability"] += p
            entry["ceiling"] += p * self.value(nid)
        per_cause = {
            c: {
                "probability": round(e["probability"], 4),
                "ceiling": round(e["ceiling"] / e["probability"], 2),
            }
            for c, e in by_cause.items()
        }
        return Solution(
            scenario=sc.meta.id,
            version=sc.meta.version,
            ceiling=ceiling,
            par=par,
            best_line=self._best_line(par is not None),
            openings=self._openings(par is not None),
            per_cause=per_cause,
            states_explored=len(graph),
            beliefs_explored=len(self.beliefs),
            draws=len(self.roots),
            notes=list(graph.notes)
            + ([] if par is not None else ["belief solve over budget: par not computed"]),
            ceiling_seconds=middle - start,
            par_seconds=end - middle,
        )

    def _best_line(self, with_belief: bool) -> list[str]:
        """The best tactics along the most likely path (the likeliest reply at each step)."""
        line: list[str] = []
        if with_belief:
            _, bid = max(self.root_beliefs.values())
            while len(line) < 500:
                found = self.belief_qs(bid)
                if not found or self.graph.nodes[self.beliefs[bid][0][1]].over:
                    break
                tid = best_of(found, self.graph.available(self.beliefs[bid][0][1]))
                line.append(tid)
                _, bid = max(self.belief_next(bid, tid).values())
            return line
        _, nid = max(self.roots)
        while len(line) < 500:
            found = self.qs(nid)
            if not found:
                break
            tid = best_of(found, self.graph.available(nid))
            line.append(tid)
            nid = max(self.graph.expand(nid, tid), key=lambda b: b.probability).child
        return line

    def _openings(self, with_belief: bool) -> dict[str, float]:
        """The value of each first move, from the most likely opening the trainee sees."""
        if with_belief:
            _, bid = max(self.root_beliefs.values())
            return dict(self.belief_qs(bid))
        tactics = {t for _, nid in self.roots for t in self.qs(nid)}
        return {
            t: sum(p * self.qs(nid).get(t, 0.0) for p, nid in self.roots)
            for t in self.engine.scenario.tactics
            if t in tactics
        }


# --- following a real play ----------------------------------------------------------------------


def solver_for(engine: Engine, budget: int = DEFAULT_BUDGET) -> Solver:
    """A solved solver for `engine`; callers keep it for as long as they play that engine."""
    solver = Solver(engine, budget)
    solver.solve()
    return solver


class Tracker:
    """Follows one real play with what its trainee has seen, to value each decision."""

    def __init__(self, solver: Solver, play: Playthrough) -> None:
        self.solver = solver
        self.play = play
        self.steps = 0
        engine = solver.engine
        # The hidden draw is not looked at: the start is located by what shows.
        root = solver.root_beliefs.get(view(engine, play))
        self.bid: int | None = root[1] if root else None
        parts: dict[int, float] = {}
        for p, nid in solver.roots:
            if solver.graph.nodes[nid].view == view(engine, play):
                parts[nid] = parts.get(nid, 0.0) + p
        self.parts = parts

    def follow(self) -> bool:
        """Take in the steps played since last time; False once the play cannot be located."""
        solver, play = self.solver, self.play
        graph = solver.graph
        while self.steps < len(play.steps):
            step = play.steps[self.steps]
            self.steps += 1
            if self.steps < len(play.steps):
                # What showed after an earlier step is gone; only the last can be matched.
                self.bid, self.parts = None, {}
                return False
            compiled = graph.outcomes[step.outcome]
            seen = observed(view(solver.engine, play), compiled, step.paid, step.secured)
            if self.bid is not None:
                found = solver.belief_next(self.bid, step.tactic).get(seen)
                self.bid = found[1] if found else None
            parts: dict[int, float] = {}
            for nid, p in self.parts.items():
                for branch in graph.expand(nid, step.tactic):
                    if branch.seen == seen:
                        parts[branch.child] = parts.get(branch.child, 0.0) + p * branch.probability
            self.parts = parts
        return bool(self.parts)

    def values(self) -> dict[str, float]:
        """Each available tactic's expected score from here, over what the trainee has seen.

        With the par solved, exact; otherwise each particle's ceiling value averaged over the
        belief (QMDP: as if everything hidden came to light after this move).
        """
        if not self.follow():
            return {}
        solver = self.solver
        if self.bid is not None:
            return dict(solver.belief_qs(self.bid))
        whole = sum(self.parts.values())
        found: dict[str, float] = {}
        for nid, p in self.parts.items():
            for tid, q in solver.qs(nid).items():
                found[tid] = found.get(tid, 0.0) + p / whole * q
        return found


def optimal_policy(seed: int, solver: Solver | None = None) -> Policy:
    """The solver's policy over what the trainee sees (never the hidden draw).

    Pass a solved `solver` to share it between many plays; else one is solved on first use.
    """
    fallback = greedy_policy(seed)
    tracked: dict[str, Tracker] = {}
    solvers: dict[str, Solver] = {} if solver is None else {"solver": solver}

    def choose(engine: Engine, play: Playthrough) -> str:
        tracker = tracked.get("play")
        if tracker is None or tracker.play is not play:
            if "solver" not in solvers or solvers["solver"].engine is not engine:
                solvers["solver"] = solver_for(engine)
            tracker = tracked["play"] = Tracker(solvers["solver"], play)
        found = tracker.values()
        if not found:
            # Lost only where ranges were stratified (an approximate solve): play greedy.
            return fallback(engine, play)
        return best_of(found, engine.available(play))

    return choose


def worse(regret: float | None) -> bool:
    """Whether a decision with this regret was worse than the best (a near tie is not)."""
    return regret is not None and regret >= NEAR_TIE


def annotate_regret(
    engine: Engine, play: Playthrough, solver: Solver | None = None
) -> tuple[Decision, ...]:
    """The play's decisions, each with its regret and the best tactic at that point."""
    solver = solver if solver is not None else solver_for(engine)
    decisions = engine.record(play).decisions
    annotated = []
    with engine.playing(play.seed) as again:
        tracker = Tracker(solver, again)
        for decision in decisions:
            found = tracker.values()
            if found and decision.tactic in found:
                best = best_of(found, engine.available(again))
                regret = max(0.0, found[best] - found[decision.tactic])
                decision = replace(decision, regret=round(regret, 2), best_tactic=best)
            annotated.append(decision)
            engine.play(again, decision.tactic)
    return tuple(annotated)


__all__ = [
    "NEAR_TIE",
    "Solver",
    "TooLarge",
    "annotate_regret",
    "optimal_policy",
    "solver_for",
    "worse",
]
