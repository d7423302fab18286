"""Outcomes after which the course's closing move can never be played: abstract play on ranges.

The key tactic of a "course…" scripted test is its last move, the one that ends the play the
way the course teaches. From that test's own start (its seed's cause and starting values) the
play is run abstractly without the key: per state, the ranges its variables and facts may
hold (ranges.py), joined over every way there. An outcome locks the trainee out when, from
the state and ranges it leaves, no sequence of moves can make the key usable again, though it
still could be before. Ranges over-approximate, so "never again" is only said when proven.
Not counted: endings, moves that are confirmed first (`irreversible`) or break the rules, and
outcomes that bring money or a promise themselves (another way to close).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from simulator.authoring.ranges import Env, Ranges, Value, scenario_ranges
from simulator.engine.engine import Engine
from simulator.format.loader import CompiledOutcome, LoadedScenario

Known = dict[str, Value]
Abstract = tuple[Env, Known]
WIDEN_AFTER = 3  # joins into one state before its growing ranges jump to the declared bounds
# Built-in names that move on every step (time, money, the relationship): a guard that narrowed
# them says nothing about the next step, unlike the trainer's variables and the hidden cause.
MOVING = ("day", "days_left", "recovered", "remaining", "secured", "relationship")
# Outcomes looked at before giving up (the bundled cases need under 10,000; the limit costs a
# few seconds at most). What was proven by then still stands; nothing is said about the rest.
BUDGET = 200_000


class _OverBudget(Exception):
    pass


@dataclass(frozen=True)
class Lockout:
    """Playing `tactic` in `state` may draw `outcome`, after which `key` is never usable."""

    state: str
    tactic: str
    outcome: CompiledOutcome
    key: str
    course: str  # the name of the course test that closes with `key`

    @property
    def target(self) -> str:
        return self.outcome.outcome.to or self.state


class _Play:
    """One scenario played over ranges instead of values."""

    def __init__(self, loaded: LoadedScenario) -> None:
        self.loaded, self.sc = loaded, loaded.scenario
        base = scenario_ranges(loaded)
        self.base, self.uses = base.names, base.uses
        self.bounds = {n: (float(v.min), float(v.max)) for n, v in self.sc.variables.items()}
        self.spent = 0
        self.tactics_at: dict[str, list[str]] = {}
        for sid, tid in loaded.reactions:
            self.tactics_at.setdefault(sid, []).append(tid)

    def start(self, values: dict[str, Any]) -> Abstract:
        """A play's start as exact ranges: its drawn cause and variables, no fact known."""
        env = dict(self.base)
        for name in (*self.sc.variables, "cause"):
            value = values[name]
            env[name] = frozenset({value}) if isinstance(value, str) else (value, value)
        return env, {fact: (0.0, 0.0) for fact in self.sc.facts}

    def usable(self, sid: str, tid: str, at: Abstract) -> bool:
        return any(True for _ in self._draws(sid, tid, at))

    def outcomes(
        self, sid: str, at: Abstract, without: str
    ) -> Iterator[tuple[str, CompiledOutcome, Abstract, Abstract]]:
        """(tactic, outcome, ranges where it may be drawn, ranges after) for every outcome that
        may follow a move here."""
        for tid in self.tactics_at.get(sid, ()):
            if tid != without:
                for compiled, when, after in self._draws(sid, tid, at):
                    yield tid, compiled, when, after

    def _draws(
        self, sid: str, tid: str, at: Abstract
    ) -> Iterator[tuple[CompiledOutcome, Abstract, Abstract]]:
        """The outcomes of `tid` in `sid` that may be drawn from `at`: each with the ranges
        where it may be, and the ranges after."""
        if self.sc.states[sid].terminal:
            return
        env, known = at
        allowed = Ranges(env, self.uses, known).narrow(self.loaded.tactic_when.get(tid))
        if allowed is None:
            return
        for outcomes in self.loaded.reactions.get((sid, tid), ()):
            self.spent += len(outcomes)
            if self.spent > BUDGET:
                raise _OverBudget
            for compiled in outcomes:
                ranges = Ranges(allowed, self.uses, known)
                narrowed = ranges.narrow(compiled.when)
                if narrowed is None:
                    continue
                ranges = Ranges(narrowed, self.uses, known)
                weight = ranges.value(compiled.weight)
                if isinstance(weight, tuple) and weight[1] <= 0:
                    continue
                yield compiled, (narrowed, known), self._after(ranges, compiled, known)

    def _after(self, ranges: Ranges, compiled: CompiledOutcome, known: Known) -> Abstract:
        env = dict(ranges.names)
        env.update({name: self.base[name] for name in MOVING})
        for name, expression in compiled.change:
            delta, now = ranges.value(expression), ranges.names.get(name)
            both = isinstance(delta, tuple) and isinstance(now, tuple)
            env[name] = (now[0] + delta[0], now[1] + delta[1]) if both else None  # type: ignore[index]
        for name, expression in compiled.set:
            env[name] = ranges.value(expression)
        for name in {n for n, _ in (*compiled.change, *compiled.set)}:
            low, high = self.bounds[name]
            value = env[name]
            env[name] = (
                (min(high, max(low, value[0])), min(high, max(low, value[1])))
                if isinstance(value, tuple)
                else (low, high)
            )
        revealed = dict(known)
        revealed.update({fact: (1.0, 1.0) for fact in compiled.outcome.reveal})
        return env, revealed

    def explore(self, sid: str, at: Abstract, without: str, seek: str = "") -> dict[str, Abstract]:
        """Per state, the ranges it may be reached with from `sid` at `at` (never playing
        `without`); stops early (returning {}) once `seek` may be used."""
        seen: dict[str, Abstract] = {sid: at}
        joins: dict[str, int] = {}
        todo = [sid]
        while todo:
            here = todo.pop()
            if seek and self.usable(here, seek, seen[here]):
                return {}
            for _, compiled, _, after in self.outcomes(here, seen[here], without):
                there = compiled.outcome.to or here
                old = seen.get(there)
                new = after if old is None else self._join(old, after, joins, there)
                if new != old:
                    seen[there] = new
                    todo.append(there)
        return seen

    def _join(self, old: Abstract, new: Abstract, joins: dict[str, int], sid: str) -> Abstract:
        env = {n: _hull(v, new[0].get(n)) for n, v in old[0].items()}
        known = {f: _hull(v, new[1].get(f)) for f, v in old[1].items()}
        joins[sid] = joins.get(sid, 0) + 1
        if joins[sid] > WIDEN_AFTER:  # stop creeping: what grows may be anything declared
            env = {n: self.bounds.get(n, v) if v != old[0][n] else v for n, v in env.items()}
            known = {f: (0.0, 1.0) if v != old[1][f] else v for f, v in known.items()}
        return env, known


def _brings_money(ranges: Ranges, compiled: CompiledOutcome) -> bool:
    for expression in (compiled.pay, compiled.secure):
        value = ranges.value(expression)
        if not isinstance(value, tuple) or value[1] > 0:
            return True
    return False


def _hull(a: Value, b: Value) -> Value:
    if isinstance(a, tuple) and isinstance(b, tuple):
        return min(a[0], b[0]), max(a[1], b[1])
    if isinstance(a, frozenset) and isinstance(b, frozenset):
        return a | b
    return None


def _course_starts(play: _Play) -> Iterator[tuple[str, str, Abstract]]:
    """(closing move, test name, the test's exact start) for every course test."""
    engine = Engine(play.loaded)
    for test in play.sc.tests:
        if not (test.name.strip().lower().startswith("course") and test.moves):
            continue
        yield test.moves[-1], test.name, play.start(engine.replay(test.seed, []).env)


def lockouts(loaded: LoadedScenario) -> list[Lockout]:
    """Each move (by state and where it leads) that takes a course's closing move away for good."""
    play = _Play(loaded)
    found: dict[tuple[str, str, str, str], Lockout] = {}
    try:
        for key, course, start in _course_starts(play):
            _find(play, key, course, start, found)
    except _OverBudget:
        pass  # too large to finish: report what is proven so far
    return list(found.values())


def _find(play: _Play, key: str, course: str, start: Abstract, found: dict[Any, Lockout]) -> None:
    sc = play.sc
    before = play.explore(sc.start, start, without=key)
    # (state, ranges) -> whether `key` can never be used from there, whatever is played
    never: dict[tuple[str, str], bool] = {}

    def lost(sid: str, at: Abstract) -> bool:
        memo = (sid, repr(at))
        if memo not in never:
            never[memo] = bool(play.explore(sid, at, without=key, seek=key))
        return never[memo]

    for sid, at in before.items():
        if lost(sid, at):
            continue
        for tid, compiled, when, after in play.outcomes(sid, at, without=key):
            tactic = sc.tactics[tid]
            if tactic.irreversible or tactic.violation or compiled.outcome.violation:
                continue  # confirmed before it is played, or a failed attempt anyway
            if _brings_money(Ranges(when[0], play.uses, when[1]), compiled):
                continue  # it closes in its own way (a payment, a plan): not a lockout
            target = compiled.outcome.to or sid
            if sc.states[target].terminal:
                continue  # an ending is not a lockout: the play is over
            # Where this outcome may be drawn the key must still be possible: else an
            # earlier move took it away, and that one is reported.
            if not lost(sid, when) and lost(target, after):
                found.setdefault((sid, tid, target, key), Lockout(sid, tid, compiled, key, course))
