"""Lint a loaded scenario beyond what loading checks: reachability, dead ends, impossible guards."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any

import msgspec

from simulator.authoring.lockout import Lockout, lockouts
from simulator.authoring.ranges import scenario_ranges
from simulator.errors import printable
from simulator.format.expressions import Expression
from simulator.format.loader import CompiledOutcome, LoadedScenario
from simulator.format.model import Draw
from simulator.format.yamlsafe import KeyPath, format_path
from simulator.text import Reply, Text

ERROR, WARNING = "error", "warning"
# code: (severity, what it means) — the table `huikuan check --help` and docs refer to.
CODES: dict[str, tuple[str, str]] = {
    "HK100": (ERROR, "the file does not load (YAML, schema or reference error)"),
    "HK101": (ERROR, "state unreachable from the start state"),
    "HK102": (ERROR, "dead end: reactions exist, but no tactic can ever be available there"),
    "HK103": (ERROR, "an ending without a kind: no `on:`, no `anywhere:` and no `outcome:`"),
    "HK104": (WARNING, "tactic never usable"),
    "HK105": (WARNING, "variable never read"),
    "HK106": (WARNING, "variable never changes (a constant in disguise)"),
    "HK107": (ERROR, "condition that can never hold within the declared ranges"),
    "HK108": (WARNING, "loop that costs no days"),
    "HK109": (WARNING, "text missing in zh or en"),
    "HK110": (WARNING, "rubric weights do not add up to 1"),
    "HK111": (WARNING, "outcome whose weight is never positive"),
    "HK112": (WARNING, "move that takes a course test's closing move away for good, unconfirmed"),
}


@dataclass(frozen=True)
class Finding:
    """One lint finding, printable as one line: file:line:col: severity CODE: message."""

    code: str
    severity: str
    path: str
    line: int | None
    column: int | None
    message: str
    hint: str = ""
    key_path: str = ""

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}" + (f":{self.column}" if self.column is not None else "")
        text = f"{where}: {self.severity} {self.code}: {self.message}"
        if self.hint:
            text += f" (hint: {self.hint})"
        return printable(" ".join(text.split("\n")))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- the checks ------------------------------------------------------------------------------


def _reach(start: str, step: Callable[[str], Iterable[str]]) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for nxt in step(todo.pop()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


class _Linter:
    def __init__(self, loaded: LoadedScenario) -> None:
        self.loaded, self.sc = loaded, loaded.scenario
        self.findings: list[Finding] = []
        self.ranges = scenario_ranges(loaded)
        self.outcomes = {c.key: c for ls in loaded.reactions.values() for os in ls for c in os}

    def add(self, code: str, path: KeyPath, message: str, hint: str = "") -> None:
        line, column = self.loaded.marks.at(path)
        where = format_path(path)
        finding = Finding(
            code, CODES[code][0], self.loaded.path, line, column, message, hint, where
        )
        self.findings.append(finding)

    def can_hold(self, when: Expression | None) -> bool:
        return when is None or self.ranges.truth(when)[0]

    def possible(self, compiled: CompiledOutcome) -> bool:
        """Whether this outcome can ever be drawn (its guard may hold, its weight may be > 0)."""
        weight = self.ranges.value(compiled.weight)
        positive = not (isinstance(weight, tuple) and weight[1] <= 0)
        return positive and self.can_hold(compiled.when)

    def run(self) -> list[Finding]:
        self.conditions()
        reachable = self.reachability()
        allowed = {t for t in self.sc.tactics if self.can_hold(self.loaded.tactic_when.get(t))}
        # For each reachable non-terminal state, the tactics that may ever be available there.
        usable = {
            sid: {
                tid
                for tid in allowed
                for outcomes in self.loaded.reactions.get((sid, tid), ())
                if any(self.possible(c) for c in outcomes)
            }
            for sid in reachable
            if not self.sc.states[sid].terminal
        }
        self.states(usable)
        self.tactics(reachable, allowed, set().union(*usable.values()))
        self.variables()
        self.zero_day_loops(reachable)
        self.texts(self.sc, ())
        self.rubric()
        for found in lockouts(self.loaded):
            self.add("HK112", found.outcome.key, *lockout_words(found))
        return sorted(self.findings, key=lambda f: (f.line or 0, f.column or 0, f.code))

    def conditions(self) -> None:
        never = "can never hold within the declared variable ranges"
        hint = "check the variable's min/max, the comparison and the constant"
        for tid, when in self.loaded.tactic_when.items():
            if not self.can_hold(when):
                path = ("tactics", tid, "when")
                self.add("HK107", path, f"tactic '{tid}': when '{when.source}' {never}", hint)
        moods = scenario_ranges(self.loaded, in_play=False)
        for i, when in enumerate(self.loaded.mood_when):
            if not moods.truth(when)[0]:
                self.add("HK107", ("moods", i, "when"), f"mood when '{when.source}' {never}", hint)
        for key, c in self.outcomes.items():
            where = format_path(key)
            if c.when is not None and not self.can_hold(c.when):
                text = f"{where}: when '{c.when.source}' {never}; the outcome is never drawn"
                self.add("HK107", (*key, "when"), text, hint)
            elif not self.possible(c):
                text = f"{where}: weight '{c.weight.source}' is never positive; never drawn"
                self.add("HK111", (*key, "weight"), text, "fix the weight or remove the outcome")

    def reachability(self) -> set[str]:
        states, general = self.sc.states, self.sc.anywhere

        def step(sid: str) -> set[str]:
            if states[sid].terminal:
                return set()
            lists = [*states[sid].on.values(), *general.values()]
            return {o.to for outcomes in lists for o in outcomes if o.to}

        reachable = _reach(self.sc.start, step)
        for sid in states.keys() - reachable:
            message = f"state '{sid}' cannot be reached from the start state '{self.sc.start}'"
            self.add("HK101", ("states", sid), message, f"add an outcome with `to: {sid}`")
        return reachable

    def states(self, usable: dict[str, set[str]]) -> None:
        for sid in (s for s, tactics in usable.items() if not tactics):
            if not self.sc.states[sid].on and not self.sc.anywhere:
                message = f"state '{sid}' has no reactions and no `outcome`: the play ends there"
                hint = "add `outcome: <kind>` (e.g. written_off) if it is an ending, else `on:`"
                self.add("HK103", ("states", sid), message + ", scored as deadline_passed", hint)
            else:
                message = f"dead end: no tactic can ever be available in state '{sid}'"
                hint = (
                    "guards, weights or `when` rule out every reaction; fix one, or add `outcome:`"
                )
                self.add("HK102", ("states", sid), message, hint)

    def tactics(self, reachable: set[str], allowed: set[str], somewhere: set[str]) -> None:
        # A tactic whose own `when` never holds is reported once, as HK107.
        for tid in allowed - somewhere:
            reacts = {sid for (sid, t) in self.loaded.reactions if t == tid}
            if not reacts:
                why = "no state reacts to it (no `on:` entry and no `anywhere:` entry)"
            elif not reacts & reachable:
                why = "it has reactions only in unreachable states"
            else:
                why = "every outcome of its reactions is ruled out by guards or weights"
            hint = f"add a reaction under `states.<id>.on.{tid}` or `anywhere.{tid}`"
            self.add("HK104", ("tactics", tid), f"tactic '{tid}' can never be used: {why}", hint)

    def variables(self) -> None:
        expressions: list[Expression] = [*self.loaded.tactic_when.values(), *self.loaded.mood_when]
        changed: set[str] = set()
        for c in self.outcomes.values():
            expressions += [x for x in (c.when, c.weight, c.pay, c.secure, c.relationship) if x]
            expressions += [e for _, e in (*c.change, *c.set)]
            changed |= {v for v, _ in (*c.change, *c.set)}
        read = set().union(*(e.names for e in expressions))
        by_cause = {v for cause in self.sc.causes.values() for v in cause.set}
        for name, spec in self.sc.variables.items():
            path = ("variables", name)
            if name not in read:
                message = f"variable '{name}' is never read by any condition, weight or amount"
                self.add("HK105", path, message, "use it in a `when`/`weight`/`pay`, or remove it")
            fixed = not isinstance(spec.initial, Draw) and name not in by_cause
            if name not in changed and fixed:
                message = f"variable '{name}' never changes and starts at {spec.initial} every play"
                hint = "add the `change:` that should move it, or write the number where it is used"
                self.add("HK106", path, message, hint)

    def zero_day_loops(self, reachable: set[str]) -> None:
        """Tactics costing 0 days (and no max_uses) whose outcomes can come back to a state."""
        edges: dict[str, set[tuple[str, str]]] = {}
        for (sid, tid), lists in self.loaded.reactions.items():
            tactic = self.sc.tactics[tid]
            if sid in reachable and not tactic.days and tactic.max_uses is None:
                for c in (c for outcomes in lists for c in outcomes if self.possible(c)):
                    edges.setdefault(sid, set()).add((tid, c.outcome.to or sid))

        def step(sid: str) -> set[str]:
            return {target for _, target in edges.get(sid, ())}

        reported: set[str] = set()
        for sid, out in sorted(edges.items()):
            for tid, target in sorted(out):
                if tid not in reported and sid in _reach(target, step):
                    reported.add(tid)
                    loop = f"{sid} → {target}" + ("" if target == sid else f" → … → {sid}")
                    message = f"tactic '{tid}' costs no days and can loop ({loop}): no time passes"
                    hint = "give it `days: 1`, a `max_uses`, or outcomes that leave the loop"
                    self.add("HK108", ("tactics", tid, "days"), message, hint)

    def texts(self, value: Any, path: KeyPath) -> None:
        keys = self.loaded.marks.keys
        if isinstance(value, Text) and path in self.loaded.marks.values:
            where = format_path(path)
            if (*path, "zh") not in keys and (*path, "en") not in keys:
                message = f"{where}: plain text '{value.zh[:30]}' is the same in zh and en"
                self.add("HK109", path, message, "write it as {zh: ..., en: ...}")
            elif not (value.zh and value.en):
                missing = "en" if value.zh else "zh"
                message = f"{where}: no {missing} text; the other language shows instead"
                self.add("HK109", path, message, f"add `{missing}:`")
        elif isinstance(value, Reply):
            if value.drawn:
                for i, text in enumerate(value.texts):
                    self.texts(text, (*path, i))
            else:
                self.texts(value.texts[0], path)
        elif isinstance(value, msgspec.Struct):
            for name in value.__struct_fields__:
                self.texts(getattr(value, name), (*path, name))
        elif isinstance(value, dict | tuple):
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                self.texts(item, (*path, key))

    def rubric(self) -> None:
        w = self.sc.rubric.weights
        total = w.recovery + w.present_value + w.relationship + w.speed if w else 1.0
        if w and abs(total - 1) > 1e-6:
            message = f"rubric weights add up to {total:g}, not 1 (the score divides by the sum)"
            hint = "make recovery + present_value + relationship + speed = 1"
            self.add("HK110", ("rubric", "weights"), message, hint)


def lockout_words(found: Lockout) -> tuple[str, str]:
    """The message and hint for one lockout (`check` and `analyze` say it alike)."""
    move = f"'{found.tactic}' in state '{found.state}'"
    where = f"to '{found.target}'" if found.target != found.state else "staying there"
    message = (
        f"{format_path(found.outcome.key)}: {move} may lead {where}, after which "
        f"'{found.key}' can never be played, though it closes the course test '{found.course}'"
    )
    hint = (
        f"if it is a trap on purpose, mark '{found.tactic}' `irreversible: true` so the trainee "
        f"confirms it; else give '{found.target}' a way back to '{found.key}'"
    )
    return message, hint


def lint(loaded: LoadedScenario) -> list[Finding]:
    """Every finding for one loaded scenario, in file order."""
    return _Linter(loaded).run()
