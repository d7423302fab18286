"""The graph of situations the solver searches, stepped by the engine's own rules."""

from __future__ import annotations

import ast
import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

from simulator.engine.engine import Engine
from simulator.engine.playthrough import Readings, Situation, Step, TacticOption, relationship_word
from simulator.engine.score import Payment, total
from simulator.errors import HuikuanError, Problem
from simulator.format.expressions import Evaluator, Expression
from simulator.format.loader import CompiledOutcome
from simulator.format.model import Draw, OutcomeKind
from simulator.format.yamlsafe import format_path
from simulator.text import Text

# An integer range wider than this is not enumerated value by value but in equal strata.
MAX_RANGE_VALUES = 201
STRATA = 21
# Continuous (float) ranges are always stratified; a trainer writes them rarely.
DEFAULT_BUDGET = 200_000

View = tuple[Any, ...]
Observation = tuple[Any, ...]


class TooLarge(HuikuanError):
    """The scenario has more situations than the budget allows; raised with a size estimate."""


@dataclass(frozen=True)
class Branch:
    """One outcome of a move from a situation: its probability, where it leads, what shows."""

    probability: float
    child: int
    seen: Observation


class Node(Readings):
    """A detached situation: what a playthrough would hold, without a Machine or RNGs."""

    __slots__ = (
        "env",
        "evaluate",
        "key",
        "offers",
        "outcome",
        "palette",
        "payments",
        "relationship_start",
        "revealed",
        "state",
        "steps",
        "uses",
        "view",
        "violations",
    )

    def __init__(
        self,
        state: str,
        env: dict[str, Any],
        relationship_start: float,
        revealed: list[str] | None = None,
        uses: Counter[str] | None = None,
    ) -> None:
        self.state = state
        self.env = env
        self.relationship_start = relationship_start
        self.revealed: list[str] = revealed if revealed is not None else []
        self.uses: Counter[str] = uses if uses is not None else Counter()
        self.evaluate = Evaluator(env, self.revealed.__contains__, self.uses.__getitem__)
        self.payments: list[Payment] = []
        self.violations: list[Text] = []
        self.steps: list[Step] = []
        self.outcome: OutcomeKind | None = None
        self.offers: dict[str, list[tuple[CompiledOutcome, float]]] | None = None
        self.palette: list[TacticOption] | None = None
        self.key: tuple[Any, ...] = ()
        self.view: View = ()

    def child(self, state: str) -> Node:
        node = Node(
            state, dict(self.env), self.relationship_start, list(self.revealed), Counter(self.uses)
        )
        node.payments = list(self.payments)
        node.violations = list(self.violations)
        return node


def view(engine: Engine, sit: Situation) -> View:
    """What the trainee sees of a situation (no variables): shared by nodes and real plays."""
    cues = tuple(f"{c.zh}|{c.en}" for c in engine.cues(sit))
    available = () if sit.over or sit.violations else tuple(engine.available(sit))
    return (
        sit.state,
        tuple(sorted(sit.revealed)),
        str(sit.outcome or ""),
        cues,
        available,
        relationship_word(sit.relationship).en,
        bool(sit.violations),
    )


def reply_id(compiled: CompiledOutcome) -> tuple[str, ...]:
    """The debtor's reply as the trainee reads it; () when a line of the new state is shown."""
    reply = compiled.outcome.reply
    if reply is None:
        return ()
    return tuple(f"{t.zh}|{t.en}" for t in reply.texts)


def observed(after: View, compiled: CompiledOutcome, paid: float, secured: float) -> Observation:
    return (after, reply_id(compiled), paid, secured)


@dataclass(frozen=True)
class References:
    """The names, facts and tactics some expression reads: only these can change a value."""

    names: frozenset[str]
    facts: frozenset[str]
    tactics: frozenset[str]


def _calls(expression: Expression) -> dict[str, set[str]]:
    """The facts known() and the tactics used() read in `expression`."""
    calls: dict[str, set[str]] = {"known": set(), "used": set()}
    if expression.tree is None:
        return calls
    for node in ast.walk(expression.tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in calls
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            calls[node.func.id].add(str(node.args[0].value))
    return calls


def references(engine: Engine) -> References:
    loaded = engine.loaded
    expressions: list[Expression] = [*loaded.tactic_when.values(), *loaded.mood_when]
    for lists in loaded.reactions.values():
        for outcomes in lists:
            for c in outcomes:
                expressions += [c.weight, c.pay, c.secure, c.relationship]
                expressions += [e for _, e in (*c.change, *c.set)]
                if c.when is not None:
                    expressions.append(c.when)
    names: set[str] = set()
    calls: dict[str, set[str]] = {"known": set(), "used": set()}
    for expression in expressions:
        names |= expression.names
        for kind, found in _calls(expression).items():
            calls[kind] |= found
    return References(frozenset(names), frozenset(calls["known"]), frozenset(calls["used"]))


def _options(spec: Any, name: str, notes: list[str]) -> list[tuple[float, float]]:
    """The values one variable may start with, and their probabilities, as Engine.start draws."""
    initial = spec.initial
    if isinstance(initial, Draw) and initial.choices is not None:
        weights = list(initial.weights or [1.0] * len(initial.choices))
        merged: dict[float, float] = {}
        for value, weight in zip(initial.choices, weights, strict=True):
            if weight > 0:
                merged[float(value)] = merged.get(float(value), 0.0) + weight
        whole = sum(merged.values())
        return [(v, w / whole) for v, w in merged.items()]
    if isinstance(initial, Draw) and initial.range is not None:
        low, high = initial.range
        if isinstance(low, int) and isinstance(high, int):
            width = high - low + 1
            if width <= MAX_RANGE_VALUES:
                return [(float(low + i), 1 / width) for i in range(width)]
            notes.append(f"{name}: {width} integers taken as {STRATA} equal strata (approximate)")
        elif low != high:
            notes.append(f"{name}: continuous range taken as {STRATA} equal strata (approximate)")
        else:
            return [(float(low), 1.0)]
        # Each stratum stands at its middle value (integers rounded), with equal probability.
        step = (high - low) / STRATA
        values = [low + step * (i + 0.5) for i in range(STRATA)]
        if isinstance(low, int) and isinstance(high, int):
            values = [float(round(v)) for v in values]
        return [(v, 1 / STRATA) for v in values]
    return [(float(initial), 1.0)]


class Graph:
    """Interned situations and their expansions, built lazily from the engine's rules."""

    def __init__(self, engine: Engine, budget: int = DEFAULT_BUDGET) -> None:
        self.engine = engine
        self.budget = budget
        self.refs = refs = references(engine)
        sc = engine.scenario
        self.key_vars = tuple(v for v in sc.variables if v in refs.names)
        self.key_cause = "cause" in refs.names
        # Uses matter only where a max_uses or a used() reads them.
        self.counted = tuple(
            (t, spec.max_uses)
            for t, spec in sc.tactics.items()
            if spec.max_uses is not None or t in refs.tactics
        )
        self.nodes: list[Node] = []
        self.ids: dict[tuple[Any, ...], int] = {}
        self.expansions: dict[tuple[int, str], tuple[Branch, ...]] = {}
        self.notes: list[str] = []
        self.outcomes = {
            format_path(c.key): c
            for lists in engine.loaded.reactions.values()
            for outcomes in lists
            for c in outcomes
        }

    def __len__(self) -> int:
        return len(self.nodes)

    # --- the root --------------------------------------------------------------------------------

    def roots(self) -> list[tuple[float, int]]:
        """Every (probability, node) a seed can start with: causes × choices × range values."""
        sc = self.engine.scenario
        causes: list[tuple[str | None, float]] = [(None, 1.0)]
        if sc.causes:
            whole = sum(c.weight for c in sc.causes.values())
            causes = [(cid, c.weight / whole) for cid, c in sc.causes.items()]
        found: dict[int, float] = {}
        notes: list[str] = []
        for cause, p_cause in causes:
            fixed = sc.causes[cause].set if cause is not None else {}
            draws: list[tuple[float, dict[str, float]]] = [(p_cause, {})]
            for name, spec in sc.variables.items():
                if name in fixed or name not in self.key_vars:
                    # Overridden by the cause, or read by nothing: its draw cannot matter.
                    options = [(fixed.get(name, _first(spec.initial)), 1.0)]
                else:
                    options = _options(spec, name, notes)
                draws = [(p * q, {**d, name: v}) for p, d in draws for v, q in options]
                if len(draws) > self.budget:
                    raise self._too_large(f"{len(draws):,}+ starting draws")
            for p, drawn in draws:
                node = Node(sc.start, self.engine.initial_env(cause, drawn), float(sc.relationship))
                nid = self._intern(node)
                found[nid] = found.get(nid, 0.0) + p
        self.notes = sorted(set(notes))
        return [(p, nid) for nid, p in found.items()]

    # --- stepping --------------------------------------------------------------------------------

    def expand(self, nid: int, tid: str) -> tuple[Branch, ...]:
        """The outcomes of playing `tid` in situation `nid`, by the engine's candidates/settle."""
        cached = self.expansions.get((nid, tid))
        if cached is not None:
            return cached
        engine, node = self.engine, self.nodes[nid]
        found = engine.candidates(node, tid)
        whole = sum(w for _, w in found)
        merged: dict[tuple[int, Observation], float] = {}
        for compiled, weight in found:
            # The Machine moves to `to`, or stays put when there is none (an internal move).
            child = node.child(compiled.outcome.to or node.state)
            engine.settle(child, tid, compiled)
            child.uses[tid] += 1
            cid = self._intern(child)
            after = self.nodes[cid]
            paid = round(after.recovered - node.recovered, 2)
            secured = round(after.secured - node.secured, 2)
            seen = observed(after.view, compiled, paid, secured)
            merged[(cid, seen)] = merged.get((cid, seen), 0.0) + weight / whole
        branches = tuple(Branch(p, cid, seen) for (cid, seen), p in merged.items())
        self.expansions[(nid, tid)] = branches
        return branches

    def available(self, nid: int) -> tuple[str, ...]:
        node = self.nodes[nid]
        return () if node.over or node.violations else tuple(self.engine.available(node))

    def terminal_value(self, nid: int) -> float:
        """simulator.engine.score.total of the record, as if the play ended in this situation."""
        return total(self.engine.record(self.nodes[nid]))

    def _intern(self, node: Node) -> int:
        key = self._key(node)
        nid = self.ids.get(key)
        if nid is not None:
            return nid
        if len(self.nodes) >= self.budget:
            raise self._too_large(f"more than {self.budget:,} situations")
        node.key = key
        node.outcome = self.engine.ending(node)
        node.view = view(self.engine, node)
        nid = self.ids[key] = len(self.nodes)
        self.nodes.append(node)
        return nid

    def _key(self, node: Node) -> tuple[Any, ...]:
        env = node.env
        return (
            node.state,
            env["cause"] if self.key_cause else "",
            tuple(env[v] for v in self.key_vars),
            env["day"],
            env["secured"],
            env["relationship"],
            tuple((p.day, p.amount) for p in node.payments),
            tuple(sorted(node.revealed)),
            tuple(min(node.uses[t], cap) if cap else node.uses[t] for t, cap in self.counted),
            bool(node.violations),
        )

    def estimate(self) -> float:
        """A rough size: draws × states × days × facts × uses (money and relationship left out)."""
        sc = self.engine.scenario
        draws = max(1, len(sc.causes))
        for name in self.key_vars:
            draws *= len(_options(sc.variables[name], name, []))
        uses = math.prod((cap or 3) + 1 for _, cap in self.counted)
        return float(draws * len(sc.states) * (sc.deadline_days + 1) * 2 ** len(sc.facts) * uses)

    def _too_large(self, what: str) -> TooLarge:
        sc = self.engine.scenario
        size = self.estimate()
        if size > self.budget:
            why = f"hidden draws × states × days × facts × uses alone give ~{size:.1e}"
        else:
            why = "money promised and paid, and the relationship, multiply the rest"
        return TooLarge(
            Problem(
                self.engine.loaded.path,
                f"'{sc.meta.id}' is too large to solve exactly: {what}; {why} "
                f"(budget {self.budget:,})",
                hint="raise --budget, or narrow the variable ranges",
            )
        )


def _first(initial: Any) -> float:
    if isinstance(initial, Draw):
        return float(initial.values[0])
    return float(initial)
