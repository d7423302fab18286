"""Why a tactic is greyed out: the first unmet condition of its guard, said in words.

A tactic's `when` is split once at load into the conditions of its top-level `and`
(`LoadedScenario.guards`). When one fails, the reason shown is, in this order: the trainer's
reason for that very condition (`reasons:`), a reason read off the condition itself (a fact not
yet learned, a fact already learned, a move not yet made or already made, a day), the
trainer's `unavailable:` text, and only then a generic line.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import TYPE_CHECKING

from simulator.format.expressions import Expression, same_condition
from simulator.format.loader import LoadedScenario
from simulator.format.model import Category
from simulator.text import Text

if TYPE_CHECKING:
    from simulator.engine.playthrough import Situation

USED_ONCE = Text(zh="已经用过了", en="Already used")
USED_UP = Text(zh="已经用了 {n} 次，不能再用了", en="Already used {n} times; no more")
NOT_YET = Text(zh="条件尚未满足", en="Conditions not met yet")
NOTHING_HERE = Text(zh="眼下的局面用不上这一招", en="Nothing for this to work on right now")
NEEDS = Text(zh="要先「{what}」", en="Needs “{what}” first")
NEEDS_TIMES = Text(zh="要先「{what}」{n} 次", en="Needs “{what}” {n} times first")
EITHER = Text(zh="」或「", en="” or “")
KNOWN = Text(zh="已经知道：{what}", en="Already known: {what}")
DONE = Text(zh="「{what}」已经做过了", en="“{what}” has been done already")
FROM_DAY = Text(zh="第 {n} 天起才能用", en="Not before day {n}")
UNTIL_DAY = Text(zh="只能在第 {n} 天以前用，已经过了", en="Only up to day {n}, which has passed")
DAYS_LEFT = Text(zh="剩下不到 {n} 天，来不及了", en="Fewer than {n} days left; too late")
# "Needs X first" never points at pressure, the law or misconduct: a reason must not coach
# the trainee into a threat (the trainer's `unavailable` text says it instead).
NEVER_SUGGESTED = frozenset({Category.MISCONDUCT, Category.LEVERAGE, Category.LEGAL})

Describe = Callable[["Situation"], Text | None]


def fill(template: Text, **pieces: Text | int) -> Text:
    """`template` with each piece in the same language (numbers as they are)."""

    def part(piece: Text | int, lang: str) -> str:
        return piece.get(lang) if isinstance(piece, Text) else str(piece)

    return Text(
        zh=template.zh.format(**{k: part(v, "zh") for k, v in pieces.items()}),
        en=template.en.format(**{k: part(v, "en") for k, v in pieces.items()}),
    )


def used_up(times: int) -> Text:
    return USED_ONCE if times == 1 else fill(USED_UP, n=times)


class Reasons:
    """The reasons of one scenario's guards, worked out once per condition at load."""

    def __init__(self, loaded: LoadedScenario) -> None:
        self.loaded = loaded
        sc = loaded.scenario
        self.names = {tid: t.name for tid, t in sc.tactics.items()}
        self.revealers: dict[str, list[str]] = {}
        for (_, tid), lists in loaded.reactions.items():
            if sc.tactics[tid].category in NEVER_SUGGESTED:
                continue
            for outcomes in lists:
                for compiled in outcomes:
                    for fact in compiled.outcome.reveal:
                        found = self.revealers.setdefault(fact, [])
                        if tid not in found:
                            found.append(tid)
        order = list(sc.tactics)
        for found in self.revealers.values():
            found.sort(key=order.index)
        # tid -> one (condition, reason finder) per condition of its guard
        self.guards: dict[str, list[tuple[Expression, Describe]]] = {}
        for tid, parts in loaded.guards.items():
            tactic = sc.tactics[tid]
            fallback = tactic.unavailable or NOT_YET
            self.guards[tid] = [
                (part, self._finder(part, tactic.reasons, fallback)) for part in parts
            ]

    def _finder(self, part: Expression, given: dict[str, Text], fallback: Text) -> Describe:
        own = next((text for key, text in given.items() if same_condition(key, part)), None)
        if own is not None:
            return lambda play: own
        assert isinstance(part.tree, ast.Expr)
        read = self._unmet(part.tree.value)
        return lambda play: read(play) or fallback

    # --- reading a condition ------------------------------------------------------------------

    def _unmet(self, node: ast.expr) -> Describe:
        """Why `node` is false (it is known to be false when this runs), or None if unsure."""
        if isinstance(node, ast.Call):
            needs = self._needs(node)
            return lambda play: needs
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return self._held(node.operand)
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            return self._none_held(node.values)
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And):
            return self._first_unmet(node.values)
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            return self._compare(node.left, node.ops[0], node.comparators[0])
        return lambda play: None

    def _held(self, node: ast.expr) -> Describe:
        """Why `not node` fails: what in `node` holds (a fact learned, a move made)."""
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            parts = [(self._truth(v), self._held(v)) for v in node.values]

            def first_held(play: Situation) -> Text | None:
                for truth, why in parts:
                    if truth(play):
                        return why(play)
                return None

            return first_held
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And):
            # Every part holds: the first that can be said (a fact known, a move made).
            held = [self._held(v) for v in node.values]

            def said(play: Situation) -> Text | None:
                return next((t for t in (h(play) for h in held) if t is not None), None)

            return said
        atom = _atom(node)
        if atom is None:
            return lambda play: None
        kind, name = atom
        if kind == "known":
            text = fill(KNOWN, what=self.loaded.scenario.facts[name])
        else:
            text = fill(DONE, what=self.names[name])
        return lambda play: text

    def _none_held(self, values: list[ast.expr]) -> Describe:
        """Why an `or` fails: something that closed it, else what would open it."""
        closed = [
            self._held(v.operand) for v in values if isinstance(v, ast.UnaryOp) and _is_not(v)
        ]
        opening = [t for v in values for t in self._openers(v)]
        needs = self._needs_any(opening) if opening else None

        def why(play: Situation) -> Text | None:
            for reason in closed:
                found = reason(play)
                if found is not None:
                    return found
            return needs

        return why

    def _first_unmet(self, values: list[ast.expr]) -> Describe:
        parts = [(self._truth(v), self._unmet(v)) for v in values]

        def why(play: Situation) -> Text | None:
            for truth, reason in parts:
                if truth(play) is False:
                    return reason(play)
            return None

        return why

    def _compare(self, left: ast.expr, op: ast.cmpop, right: ast.expr) -> Describe:
        atom = _atom(left)
        n = right.value if isinstance(right, ast.Constant) else None
        if not isinstance(n, int | float) or isinstance(n, bool):
            return lambda play: None
        text: Text | None = None
        if atom is not None and atom[0] == "used":
            name = self.names[atom[1]]
            if isinstance(op, ast.GtE | ast.Gt):
                times = int(n) + (1 if isinstance(op, ast.Gt) else 0)
                text = (
                    fill(NEEDS, what=name) if times <= 1 else fill(NEEDS_TIMES, what=name, n=times)
                )
            elif (isinstance(op, ast.Eq | ast.LtE) and n == 0) or (
                isinstance(op, ast.Lt) and n == 1
            ):
                text = fill(DONE, what=name)
        elif isinstance(left, ast.Name) and left.id == "day":
            if isinstance(op, ast.GtE | ast.Gt):
                text = fill(FROM_DAY, n=int(n) + (1 if isinstance(op, ast.Gt) else 0))
            elif isinstance(op, ast.LtE | ast.Lt):
                text = fill(UNTIL_DAY, n=int(n) - (1 if isinstance(op, ast.Lt) else 0))
        elif (
            isinstance(left, ast.Name)
            and left.id == "days_left"
            and isinstance(op, ast.GtE | ast.Gt)
        ):
            text = fill(DAYS_LEFT, n=int(n) + (1 if isinstance(op, ast.Gt) else 0))
        return lambda play: text

    # --- what would open a condition ----------------------------------------------------------

    def _openers(self, node: ast.expr) -> list[str]:
        """Tactics that would make `node` hold: those revealing its fact, or the move it asks."""
        atom = _atom(node)
        if atom is None and isinstance(node, ast.Compare) and len(node.ops) == 1:
            atom = _atom(node.left) if isinstance(node.ops[0], ast.GtE | ast.Gt) else None
        if atom is None:
            return []
        kind, name = atom
        return list(self.revealers.get(name, [])) if kind == "known" else [name]

    def _needs(self, node: ast.expr) -> Text | None:
        openers = self._openers(node)
        return self._needs_any(openers) if openers else None

    def _needs_any(self, tactics: list[str]) -> Text:
        unique = list(dict.fromkeys(tactics))[:2]
        names = [self.names[t] for t in unique]
        joined = Text(
            zh=EITHER.zh.join(n.zh for n in names), en=EITHER.en.join(n.get("en") for n in names)
        )
        return fill(NEEDS, what=joined)

    def _truth(self, node: ast.expr) -> Callable[[Situation], bool | None]:
        """Whether `node` holds, for the shapes read here (None: not one of them)."""
        atom = _atom(node)
        if atom is not None:
            kind, name = atom
            if kind == "known":
                return lambda play: name in play.revealed
            return lambda play: play.uses[name] > 0
        if isinstance(node, ast.UnaryOp) and _is_not(node):
            inner = self._truth(node.operand)

            def negated(play: Situation) -> bool | None:
                value = inner(play)
                return None if value is None else not value

            return negated
        if isinstance(node, ast.BoolOp):
            parts = [self._truth(v) for v in node.values]
            wanted = isinstance(node.op, ast.Or)

            def joined(play: Situation) -> bool | None:
                values = [p(play) for p in parts]
                if wanted in values:
                    return wanted
                return None if None in values else not wanted

            return joined
        return lambda play: None

    # --- the tactic -----------------------------------------------------------------------------

    def why(
        self, play: Situation, tid: str, holds: Callable[[Situation, Expression], bool]
    ) -> Text | None:
        """The reason `tid` cannot be played, or None if its guard holds."""
        for part, finder in self.guards.get(tid, ()):
            if not holds(play, part):
                return finder(play)
        return None


def _is_not(node: ast.expr) -> bool:
    return isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)


def _atom(node: ast.expr) -> tuple[str, str] | None:
    """("known", fact) or ("used", tactic) for a call of known() or used(), else None."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("known", "used")
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ):
        return node.func.id, node.args[0].value
    return None
