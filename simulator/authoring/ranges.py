"""What each name in a scenario's expressions can hold: interval analysis over declared ranges."""

from __future__ import annotations

import ast
import math
from typing import Any

from simulator.format.expressions import Expression
from simulator.format.loader import LoadedScenario

# What an expression may evaluate to: numbers in an interval, one of some strings, or unknown.
Value = tuple[float, float] | frozenset[str] | None
Env = dict[str, Value]
_NEGATED = {ast.Lt: ast.GtE, ast.LtE: ast.Gt, ast.Gt: ast.LtE, ast.GtE: ast.Lt, ast.Eq: ast.NotEq}
_NEGATED.update({v: k for k, v in _NEGATED.items()})
_MIRRORED = {ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.Eq: ast.Eq, ast.NotEq: ast.NotEq}
_MIRRORED.update({v: k for k, v in _MIRRORED.items()})


class Ranges:
    """Over-approximates what expressions can be, so 'never' is only said when it is proven.

    A condition narrows the names it compares (`trust > 50 and trust < 40` leaves trust no
    value); what it cannot analyse (%, //, strings in arithmetic…) may be anything.
    """

    def __init__(
        self, names: Env, uses: dict[str, float], known: dict[str, Value] | None = None
    ) -> None:
        # `known`: what each fact's known() can be, where it is tracked (else 0 or 1).
        self.names, self.uses, self.known = names, uses, known or {}

    def truth(self, expression: Expression) -> tuple[bool, bool]:
        """(may be true, may be false)."""
        if expression.tree is None:
            return bool(expression.constant), not expression.constant
        node = _body(expression)
        holds = self._holds(node, True, self.names), self._holds(node, False, self.names)
        return holds[0] is not None, holds[1] is not None

    def narrow(self, expression: Expression | None) -> Env | None:
        """The names narrowed to where `expression` may hold, or None when it never can."""
        if expression is None:
            return self.names
        if expression.tree is None:
            return self.names if expression.constant else None
        return self._holds(_body(expression), True, self.names)

    def value(self, expression: Expression) -> Value:
        if expression.tree is None:
            return _point(expression.constant)
        return self._value(_body(expression), self.names)

    def _holds(self, node: ast.expr, want: bool, env: Env) -> Env | None:
        """The names narrowed to where `node` can be `want`, or None when it never can."""
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return self._holds(node.operand, not want, env)
        if isinstance(node, ast.BoolOp):
            if isinstance(node.op, ast.And) == want:  # every part must be `want`
                return self._all([(part, want) for part in node.values], env)
            return _join([self._holds(part, want, env) for part in node.values])
        if isinstance(node, ast.IfExp):
            yes = self._all([(node.test, True), (node.body, want)], env)
            return _join([yes, self._all([(node.test, False), (node.orelse, want)], env)])
        if isinstance(node, ast.Compare):
            lefts = [node.left, *node.comparators[:-1]]
            pairs = list(zip(lefts, node.ops, node.comparators, strict=True))
            if not want:  # a chain is false when any link is
                return _join([self._compare(*pair, False, env) for pair in pairs])
            narrowed: Env | None = env
            for pair in pairs:
                narrowed = narrowed if narrowed is None else self._compare(*pair, True, narrowed)
            return narrowed
        value = self._value(node, env)
        if isinstance(value, tuple):
            can = (not value[0] == value[1] == 0) if want else value[0] <= 0 <= value[1]
        else:
            can = value is None or (any(value) if want else "" in value)
        return env if can else None

    def _all(self, parts: list[tuple[ast.expr, bool]], env: Env | None) -> Env | None:
        """Narrow through each (condition, wanted truth) in turn."""
        for node, want in parts:
            env = env if env is None else self._holds(node, want, env)
        return env

    def _compare(
        self, left: ast.expr, op: ast.cmpop, right: ast.expr, want: bool, env: Env
    ) -> Env | None:
        kind = type(op) if want else _NEGATED[type(op)]
        lv, rv = self._value(left, env), self._value(right, env)
        narrowed = _relate(lv, kind, rv), _relate(rv, _MIRRORED[kind], lv)
        if narrowed[0] is False or narrowed[1] is False:
            return None
        for side, new in zip((left, right), narrowed, strict=True):
            if isinstance(side, ast.Name) and side.id in env and not isinstance(new, bool):
                env = {**env, side.id: new}
        return env

    def _value(self, node: ast.expr, env: Env) -> Value:
        if isinstance(node, ast.Constant):
            return _point(node.value)
        if isinstance(node, ast.Name):
            return env.get(node.id)
        if isinstance(node, ast.BoolOp):  # and/or give one of their operands
            return _hull([self._value(v, env) for v in node.values])
        if isinstance(node, ast.Compare) or isinstance(getattr(node, "op", None), ast.Not):
            may_true = self._holds(node, True, env) is not None
            may_false = self._holds(node, False, env) is not None
            return (0.0 if may_false else 1.0, 1.0 if may_true else 0.0)
        if isinstance(node, ast.UnaryOp):
            x = self._value(node.operand, env)
            is_minus = isinstance(node.op, ast.USub)
            return None if not isinstance(x, tuple) else (-x[1], -x[0]) if is_minus else x
        if isinstance(node, ast.IfExp):
            yes, no = self._holds(node.test, True, env), self._holds(node.test, False, env)
            branches = [(yes, node.body), (no, node.orelse)]
            return _hull([self._value(n, e) for e, n in branches if e is not None])
        if isinstance(node, ast.BinOp):
            return _arithmetic(node.op, self._value(node.left, env), self._value(node.right, env))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return self._call(node.func.id, node.args, env)
        return None

    def _call(self, name: str, args: list[ast.expr], env: Env) -> Value:
        if name in ("known", "used"):
            tactic = getattr(args[0], "value", "")
            if name == "known":
                return self.known.get(tactic, (0.0, 1.0))
            return (0.0, self.uses.get(tactic, math.inf))
        values = [self._value(a, env) for a in args]
        spans = [v for v in values if isinstance(v, tuple)]
        if len(spans) != len(values) or not values:
            return None
        if name in ("min", "max") and len(spans) > 1:
            pick = min if name == "min" else max
            return pick(i[0] for i in spans), pick(i[1] for i in spans)
        if name == "abs" and len(spans) == 1:
            low, high = spans[0]
            return (max(low, -high, 0.0), max(-low, high))
        if name == "round" and len(spans) == 1:
            return spans[0][0] - 0.5, spans[0][1] + 0.5
        return None


def _body(expression: Expression) -> ast.expr:
    assert isinstance(expression.tree, ast.Expr)
    return expression.tree.value


def _relate(own: Value, kind: type, other: Value) -> Value | bool:
    """`own` narrowed to where `own KIND other` can hold; False if never, True if unknown."""
    if isinstance(own, frozenset) and isinstance(other, frozenset):
        if kind is ast.Eq:
            return own & other or False
        if kind is ast.NotEq and len(other) == 1:
            return own - other or False
    elif isinstance(own, tuple) and isinstance(other, tuple):
        (low, high), (c, d) = own, other
        if kind is ast.NotEq:
            return False if low == high == c == d else own
        if kind in (ast.Lt, ast.LtE, ast.Eq):
            high = min(high, math.nextafter(d, -math.inf) if kind is ast.Lt else d)
        if kind in (ast.Gt, ast.GtE, ast.Eq):
            low = max(low, math.nextafter(c, math.inf) if kind is ast.Gt else c)
        return (low, high) if low <= high else False
    elif own is not None and other is not None and kind in (ast.Eq, ast.NotEq):
        return kind is ast.NotEq  # a number never equals a string
    return True


def _join(envs: list[Env | None]) -> Env | None:
    """Names as any of `envs` may leave them (None when none is possible)."""
    found = [e for e in envs if e is not None]
    return {n: _hull([e[n] for e in found]) for n in found[0]} if found else None


def _point(value: Any) -> Value:
    if isinstance(value, str):
        return frozenset({value})
    return (float(value), float(value)) if isinstance(value, int | float) else None


def _hull(values: list[Value]) -> Value:
    if values and all(isinstance(v, tuple) for v in values):
        spans = [v for v in values if isinstance(v, tuple)]
        return min(i[0] for i in spans), max(i[1] for i in spans)
    if values and all(isinstance(v, frozenset) for v in values):
        return frozenset().union(*(v for v in values if isinstance(v, frozenset)))
    return None


def _arithmetic(op: ast.operator, left: Value, right: Value) -> Value:
    if not (isinstance(left, tuple) and isinstance(right, tuple)):
        return None
    (a, b), (c, d) = left, right
    if isinstance(op, ast.Add | ast.Sub):
        ends = [a + c, b + d] if isinstance(op, ast.Add) else [a - d, b - c]
    elif isinstance(op, ast.Mult):
        ends = [a * c, a * d, b * c, b * d]
    elif isinstance(op, ast.Div) and (c > 0 or d < 0):
        ends = [a / c, a / d, b / c, b / d]
    else:
        return None
    return None if any(math.isnan(e) for e in ends) else (min(ends), max(ends))


def scenario_ranges(loaded: LoadedScenario, in_play: bool = True) -> Ranges:
    """What each name can hold; `in_play`: while the play goes on (guards), else any time."""
    sc = loaded.scenario
    debt, deadline = float(sc.debt), float(sc.deadline_days)
    longest = max(t.days for t in sc.tactics.values())
    names: Env = {n: (float(v.min), float(v.max)) for n, v in sc.variables.items()}
    names.update(
        cause=frozenset(sc.causes) or frozenset({""}),
        day=(0.0, deadline - 1) if in_play else (0.0, deadline - 1 + longest),
        days_left=(1.0 if in_play else 0.0, deadline),
        deadline=(deadline, deadline),
        debt=(debt, debt),
        recovered=(0.0, debt),
        remaining=(0.0, debt),
        secured=(0.0, debt),
        relationship=(0.0, 100.0),
    )
    uses = {tid: float(t.max_uses) for tid, t in sc.tactics.items() if t.max_uses is not None}
    return Ranges(names, uses)
