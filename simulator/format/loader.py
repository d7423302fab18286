"""Reads a scenario file once into typed models and compiled expressions, or fails in one line."""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from simulator.errors import HuikuanError, Problem, ScenarioError
from simulator.files import read_limited
from simulator.format.expressions import (
    BUILTIN_NAMES,
    PLAIN_FUNCTIONS,
    Expression,
    ExpressionError,
    compile_expression,
    conditions,
    same_condition,
)
from simulator.format.model import Outcome, Scenario, build_scenario
from simulator.format.suggest import closest
from simulator.format.syllabus import COVERAGE, ordered
from simulator.format.yamlsafe import KeyPath, Marks, format_path, read_yaml
from simulator.text import Text

MAX_BYTES = 2 * 1024 * 1024
# A scenario's size budget: the engine builds one machine transition per (state, tactic,
# outcome), so 3,000 states x 1,000 tactics under `anywhere:` would take minutes and gigabytes
# in a 137 KB file. The bundled cases use under 1,000 cells and 600 outcomes.
MAX_CELLS = 20_000  # states x tactics
MAX_OUTCOMES = 20_000  # outcomes as the engine expands them (anywhere: once per state)


@dataclass(frozen=True)
class CompiledOutcome:
    """An outcome with every expression compiled."""

    outcome: Outcome
    key: KeyPath
    when: Expression | None
    weight: Expression
    change: tuple[tuple[str, Expression], ...]
    set: tuple[tuple[str, Expression], ...]
    pay: Expression
    secure: Expression
    relationship: Expression
    # `note_if`: (condition, note) pairs; the first that holds before the move gives the note.
    note_if: tuple[tuple[Expression, Text], ...] = ()


@dataclass(frozen=True)
class LoadedScenario:
    """A scenario as loaded: the model, its compiled expressions, and where it came from."""

    scenario: Scenario
    path: str
    sha256: str
    tactic_when: dict[str, Expression]
    mood_when: tuple[Expression, ...]
    reactions: dict[tuple[str, str], tuple[tuple[CompiledOutcome, ...], ...]]
    marks: Marks
    # Each tactic's `when` split into its conditions (expressions.conditions), once.
    guards: dict[str, tuple[Expression, ...]] = field(default_factory=dict)

    @property
    def topics(self) -> tuple[str, ...]:
        """The coverage codes the scenario trains: every tag on a tactic, cause or outcome."""
        sc = self.scenario
        tags = {t for tactic in sc.tactics.values() for t in tactic.topics}
        tags.update(t for cause in sc.causes.values() for t in cause.topics)
        outcomes = [*sc.anywhere.values(), *(o for s in sc.states.values() for o in s.on.values())]
        tags.update(t for os in outcomes for out in os for t in out.topics)
        return ordered(tags)


def read_source(path: Path) -> bytes:
    """The bytes of a scenario file, refusing what is not a readable, modest file."""
    source = str(path)
    if not path.exists():
        raise ScenarioError(Problem(source, "no such file"))
    try:
        return read_limited(path, MAX_BYTES, "scenario file")
    except HuikuanError as exc:
        raise ScenarioError(exc.problems) from None


def decode(data: bytes, source: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise ScenarioError(
            Problem(source, "file is not valid UTF-8", line, column, hint="save it as UTF-8")
        ) from None
    return text.removeprefix("\ufeff")


def load_scenario(path: str | Path) -> LoadedScenario:
    """Load, validate and compile one scenario file."""
    file = Path(path)
    data = read_source(file)
    return load_text(decode(data, str(file)), str(file), hashlib.sha256(data).hexdigest())


def load_text(text: str, source: str, sha256: str = "") -> LoadedScenario:
    raw, marks = read_yaml(text, source)
    if not isinstance(raw, dict):
        line, column = marks.at(())
        raise ScenarioError(Problem(source, "a scenario must be a mapping of keys", line, column))
    try:
        scenario = build_scenario(raw)
    except msgspec.ValidationError as exc:
        # Only a broken file needs the error mapping; most loads never import it.
        from simulator.format.validation import validation_problem

        raise ScenarioError(validation_problem(exc, raw, source, marks)) from None
    return _Compiler(scenario, source, marks, sha256 or _sha(text)).compile()


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- references and expressions ------------------------------------------------------------------


class _Compiler:
    """Checks every cross-reference and compiles every expression, with its location."""

    def __init__(self, scenario: Scenario, source: str, marks: Marks, sha256: str) -> None:
        self.scenario = scenario
        self.source = source
        self.marks = marks
        self.sha256 = sha256
        self.variables = frozenset(scenario.variables)
        self.facts = frozenset(scenario.facts)
        self.tactics = frozenset(scenario.tactics)
        self.states = frozenset(scenario.states)
        self.causes = frozenset(scenario.causes)

    def fail(self, path: KeyPath, message: str, hint: str = "", column: int = 0) -> ScenarioError:
        line, col = self.marks.at(path)
        if column and col is not None:
            col += column - 1
        return ScenarioError(Problem(self.source, message, line, col, format_path(path), hint))

    def need(self, name: str, declared: frozenset[str], kind: str, path: KeyPath) -> None:
        if name not in declared:
            close = closest(name, declared)
            hint = f"did you mean '{close}'?" if close else f"declare it under {kind}s"
            raise self.fail(path, f"undefined {kind} '{name}'", hint)

    def expr(self, value: str | int | float, path: KeyPath) -> Expression:
        line, col = self.marks.at(path)
        where = f"{self.source}:{line}:{col}"
        try:
            return compile_expression(
                value, self.variables, self.facts, self.tactics, where, self.causes
            )
        except ExpressionError as exc:
            raise self.fail(path, str(exc), exc.hint) from None

    def check_size(self) -> None:
        sc = self.scenario
        cells = len(sc.states) * len(sc.tactics)
        if cells > MAX_CELLS:
            raise self.fail(
                ("states",),
                f"too large: {len(sc.states)} states x {len(sc.tactics)} tactics = {cells:,}"
                f" cells; the limit is {MAX_CELLS:,}",
                "split the case into smaller scenarios",
            )
        playable = sum(1 for s in sc.states.values() if not s.terminal)
        own = sum(len(os) for s in sc.states.values() for os in s.on.values())
        general = sum(len(os) for os in sc.anywhere.values())
        expanded = own + general * playable
        if expanded > MAX_OUTCOMES:
            raise self.fail(
                ("anywhere",) if general else ("states",),
                f"too large: {expanded:,} outcomes once `anywhere:` applies to every state;"
                f" the limit is {MAX_OUTCOMES:,}",
                "split the case into smaller scenarios",
            )

    def compile(self) -> LoadedScenario:
        sc = self.scenario
        self.check_size()
        self.need(sc.start, self.states, "state", ("start",))
        if sc.states[sc.start].terminal:
            raise self.fail(("start",), "the start state must not be terminal")
        for var in sc.variables:
            if var in BUILTIN_NAMES or var in PLAIN_FUNCTIONS:
                raise self.fail(
                    ("variables", var),
                    f"`{var}` is a name the simulator already gives every expression",
                    hint="pick another name, e.g. `debtor_" + var + "`",
                )
        for tid, tactic in sc.tactics.items():
            self.check_topics(tactic.topics, ("tactics", tid, "topics"))
        for cid, cause in sc.causes.items():
            self.check_topics(cause.topics, ("causes", cid, "topics"))
            for var, value in cause.set.items():
                path: KeyPath = ("causes", cid, "set", var)
                self.need(var, self.variables, "variable", path)
                spec = sc.variables[var]
                if not spec.min <= value <= spec.max:
                    raise self.fail(path, f"{value} lies outside [{spec.min}, {spec.max}]")
        tactic_when = {
            tid: self.expr(t.when, ("tactics", tid, "when"))
            for tid, t in sc.tactics.items()
            if t.when is not None
        }
        guards = {tid: conditions(when) for tid, when in tactic_when.items()}
        self.check_reasons(guards)
        moods = tuple(self.expr(m.when, ("moods", i, "when")) for i, m in enumerate(sc.moods))
        own: dict[tuple[str, str], tuple[CompiledOutcome, ...]] = {}
        for sid, state in sc.states.items():
            if state.terminal and state.on:
                raise self.fail(("states", sid, "on"), "a terminal state takes no reactions")
            for tid, outcomes in state.on.items():
                base: KeyPath = ("states", sid, "on", tid)
                self.need(tid, self.tactics, "tactic", base)
                own[(sid, tid)] = self.outcomes(outcomes, base)
        general: dict[str, tuple[CompiledOutcome, ...]] = {}
        for tid, outcomes in sc.anywhere.items():
            base = ("anywhere", tid)
            self.need(tid, self.tactics, "tactic", base)
            general[tid] = self.outcomes(outcomes, base)
        reactions: dict[tuple[str, str], tuple[tuple[CompiledOutcome, ...], ...]] = {}
        for sid, state in sc.states.items():
            if state.terminal:
                continue
            for tid in sc.tactics:
                found = tuple(x for x in (own.get((sid, tid)), general.get(tid)) if x)
                if found:
                    reactions[(sid, tid)] = found
        self.check_tests()
        self.check_rubric()
        return LoadedScenario(
            sc, self.source, self.sha256, tactic_when, moods, reactions, self.marks, guards
        )

    def check_reasons(self, guards: dict[str, tuple[Expression, ...]]) -> None:
        """Each key of a tactic's `reasons` must be one of the conditions of its `when`."""
        for tid, tactic in self.scenario.tactics.items():
            parts = guards.get(tid, ())
            for key in tactic.reasons:
                if not any(same_condition(key, part) for part in parts):
                    listed = "; ".join(f"'{p.source}'" for p in parts)
                    raise self.fail(
                        ("tactics", tid, "reasons", key),
                        f"'{key}' is not one of the conditions of this tactic's `when`",
                        f"its conditions: {listed}" if parts else "give the tactic a `when` first",
                    )

    def outcomes(self, outcomes: tuple[Outcome, ...], base: KeyPath) -> tuple[CompiledOutcome, ...]:
        if not outcomes:
            raise self.fail(base, "a reaction needs at least one outcome")
        compiled = []
        for i, out in enumerate(outcomes):
            at: KeyPath = (*base, i)
            self.check_topics(out.topics, (*at, "topics"))
            if out.to is not None:
                self.need(out.to, self.states, "state", (*at, "to"))
            for fact in out.reveal:
                self.need(fact, self.facts, "fact", (*at, "reveal"))
            for key in ("change", "set"):
                for var in getattr(out, key):
                    self.need(var, self.variables, "variable", (*at, key, var))
            compiled.append(
                CompiledOutcome(
                    outcome=out,
                    key=at,
                    when=self.expr(out.when, (*at, "when")) if out.when is not None else None,
                    weight=self.expr(out.weight, (*at, "weight")),
                    change=tuple(
                        (v, self.expr(e, (*at, "change", v))) for v, e in out.change.items()
                    ),
                    set=tuple((v, self.expr(e, (*at, "set", v))) for v, e in out.set.items()),
                    pay=self.expr(out.pay, (*at, "pay")),
                    secure=self.expr(out.secure, (*at, "secure")),
                    relationship=self.expr(out.relationship, (*at, "relationship")),
                    note_if=tuple(
                        (self.expr(n.when, (*at, "note_if", j, "when")), n.note)
                        for j, n in enumerate(out.note_if)
                    ),
                )
            )
        return tuple(compiled)

    def check_topics(self, topics: tuple[str, ...], path: KeyPath) -> None:
        for i, code in enumerate(topics):
            if code not in COVERAGE:
                close = difflib.get_close_matches(code, list(COVERAGE), n=1)
                hint = f"did you mean '{close[0]}'?" if close else "see the codes in the guide"
                raise self.fail((*path, i), f"unknown syllabus code '{code}'", hint)

    def check_tests(self) -> None:
        for i, test in enumerate(self.scenario.tests):
            for j, move in enumerate(test.moves):
                self.need(move, self.tactics, "tactic", ("tests", i, "moves", j))
            for fact in test.expect.revealed:
                self.need(fact, self.facts, "fact", ("tests", i, "expect", "revealed"))
            if test.expect.final_state is not None:
                path: KeyPath = ("tests", i, "expect", "final_state")
                self.need(test.expect.final_state, self.states, "state", path)

    def check_rubric(self) -> None:
        bands = self.scenario.rubric.bands
        if bands:
            order = [bands[g] for g in ("A", "B", "C", "D") if g in bands]
            if order != sorted(order, reverse=True):
                raise self.fail(("rubric", "bands"), "grade bands must descend: A >= B >= C >= D")
