"""Trainer expressions: checked once at load, then run as closures on simpleeval's operators."""

from __future__ import annotations

import ast
import math
import operator as op
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from simpleeval import DEFAULT_OPERATORS, MAX_STRING_LENGTH, SimpleEval

# Every number an expression reads, writes or makes stays within this (money is at most 10^12
# yuan): a trainer's typo like debt*debt*debt fails with a clear error instead of building a
# thousand-digit integer, and nothing overflows a float, SQLite or JSON later.
from simulator.format.suggest import (
    Declared,
    cause_problem,
    closest,
    text_context,
    unknown_name_hint,
)
from simulator.format.yamlsafe import NUMBER_LIMIT


class ExpressionLimit(ArithmeticError):
    """An expression made a value out of bounds (too large, not finite, arithmetic on text)."""


def bounded(value: Any) -> Any:
    """`value` if it is a number within NUMBER_LIMIT (or not a number at all)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if -NUMBER_LIMIT <= value <= NUMBER_LIMIT:
            return value
        raise ExpressionLimit(f"a number beyond ±{NUMBER_LIMIT:.0e}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ExpressionLimit(f"{value!r}, not a finite number")
        if -NUMBER_LIMIT <= value <= NUMBER_LIMIT:
            return value
        raise ExpressionLimit(f"a number beyond ±{NUMBER_LIMIT:.0e}")
    return value


def _arithmetic(operator: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    # Numbers only: '%999999999d' % 1 or 'x' * 10**9 would build a huge string.
    def run(left: Any, right: Any) -> Any:
        if not isinstance(left, int | float) or not isinstance(right, int | float):
            raise ExpressionLimit("arithmetic works on numbers only, not on text")
        return bounded(operator(left, right))

    return run


def _negate(operand: Any) -> Any:
    if not isinstance(operand, int | float):
        raise ExpressionLimit("arithmetic works on numbers only, not on text")
    return bounded(-operand)


def _plus(operand: Any) -> Any:
    if not isinstance(operand, int | float):
        raise ExpressionLimit("arithmetic works on numbers only, not on text")
    return operand


# simpleeval's operators, with arithmetic guarded; the closures and simpleeval's own tree walk
# (the reference the tests hold them to) share this one table.
OPERATORS: dict[type, Callable[..., Any]] = {
    **DEFAULT_OPERATORS,
    ast.Add: _arithmetic(op.add),
    ast.Sub: _arithmetic(op.sub),
    ast.Mult: _arithmetic(op.mul),
    ast.Div: _arithmetic(op.truediv),
    ast.FloorDiv: _arithmetic(op.floordiv),
    ast.Mod: _arithmetic(op.mod),
    ast.USub: _negate,
    ast.UAdd: _plus,
}

# Names every expression may use besides the scenario's own variables.
BUILTIN_NAMES = (
    "cause",
    "day",
    "days_left",
    "deadline",
    "debt",
    "recovered",
    "remaining",
    "secured",
    "relationship",
)
PLAIN_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "min": min,
    "max": max,
    "abs": abs,
    "round": round,
}
# Functions whose single argument must name a declared fact or tactic.
REFERENCE_FUNCTIONS = {"known": "fact", "used": "tactic"}

_ALLOWED_NODES = (
    ast.Expr,
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.UnaryOp,
    ast.Not,
    ast.USub,
    ast.UAdd,
    ast.BinOp,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.FloorDiv,
    ast.Mod,
    ast.Compare,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.IfExp,
    ast.Call,
    ast.Name,
    ast.Load,
    ast.Constant,
)


class ExpressionError(ValueError):
    """An expression that cannot be compiled; `column` is 1-based within the expression."""

    def __init__(self, message: str, column: int | None = None, hint: str = "") -> None:
        super().__init__(message)
        self.column = column
        self.hint = hint


@dataclass(frozen=True)
class Expression:
    """A compiled expression: its source, its parsed tree, and the names it reads."""

    source: str
    tree: ast.AST | None
    constant: Any
    names: frozenset[str]
    where: str = ""
    # The checked tree turned into nested closures once at load (see _closure).
    run: Callable[[Scope], Any] | None = field(default=None, compare=False, repr=False)

    @property
    def is_constant(self) -> bool:
        return self.tree is None


def constant(value: Any) -> Expression:
    return Expression(str(value), None, value, frozenset())


def compile_expression(
    source: str | int | float,
    variables: frozenset[str],
    facts: frozenset[str],
    tactics: frozenset[str],
    where: str = "",
    causes: frozenset[str] | None = None,
) -> Expression:
    """Parse and check `source` once; raise ExpressionError naming what is wrong.

    With `causes`, a quoted id compared with `cause` must be one of them.
    """
    if isinstance(source, bool):
        raise ExpressionError("expected a number or an expression, not true/false")
    if isinstance(source, int | float):
        _check_number(source)
        return Expression(str(source), None, source, frozenset(), where)
    text = source.strip()
    try:
        module = ast.parse(text, mode="exec")
    except SyntaxError as exc:
        raise ExpressionError(
            f"syntax error in expression '{text}': {exc.msg}", exc.offset
        ) from None
    if len(module.body) != 1 or not isinstance(module.body[0], ast.Expr):
        raise ExpressionError(f"'{text}' is not a single expression")
    body = module.body[0]
    known_names = variables | frozenset(BUILTIN_NAMES)
    read: set[str] = set()
    nodes = list(ast.walk(body))
    called = {id(n.func) for n in nodes if isinstance(n, ast.Call)}
    parents = {id(child): n for n in nodes for child in ast.iter_child_nodes(n)}
    declared = Declared(known_names - {"cause"}, causes, facts, tactics)
    for node in nodes:
        column = getattr(node, "col_offset", None)
        column = column + 1 if column is not None else None
        if not isinstance(node, _ALLOWED_NODES):
            raise ExpressionError(
                f"'{type(node).__name__}' is not allowed in expressions",
                column,
                "use numbers, names, arithmetic, comparisons, and/or/not, a if c else b",
            )
        if isinstance(node, ast.Constant) and not isinstance(node.value, int | float | str):
            raise ExpressionError(f"constant {node.value!r} is not allowed", column)
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if len(node.value) > MAX_STRING_LENGTH:
                raise ExpressionError("string constant is too long", column)
        elif isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            _check_number(node.value, column)
        if isinstance(node, ast.BinOp | ast.UnaryOp) and any(
            isinstance(part, ast.Constant) and isinstance(part.value, str)
            for part in ast.iter_child_nodes(node)
        ):
            raise ExpressionError(
                "arithmetic works on numbers only, not on text",
                column,
                "compare text with == or !=, e.g. cause == 'cash'",
            )
        if isinstance(node, ast.Call):
            _check_call(node, facts, tactics)
        elif isinstance(node, ast.Name) and id(node) not in called:
            if node.id not in known_names:
                as_text = text_context(node, parents.get(id(node)))
                hint = unknown_name_hint(node.id, declared, as_text)
                raise ExpressionError(f"unknown name '{node.id}'", column, hint)
            read.add(node.id)
        elif isinstance(node, ast.Compare) and causes is not None:
            wrong = cause_problem(node, causes)
            if wrong is not None:
                raise ExpressionError(wrong[1], wrong[0].col_offset + 1, wrong[2])
    value = body.value
    if isinstance(value, ast.Constant) and isinstance(value.value, int | float):
        return Expression(text, None, value.value, frozenset(), where)
    return Expression(text, body, None, frozenset(read), where, _closure(body.value))


def conditions(expression: Expression) -> tuple[Expression, ...]:
    """A guard's conditions: the parts of its top-level `and`, each its own compiled
    Expression, in the order written (a guard without a top-level `and` is one condition).

    The engine names the first of these that does not hold when it greys a tactic out.
    """
    body = expression.tree
    value = body.value if isinstance(body, ast.Expr) else None
    if not (isinstance(value, ast.BoolOp) and isinstance(value.op, ast.And)):
        return (expression,)
    parts = []
    for node in value.values:
        source = ast.get_source_segment(expression.source, node) or ast.unparse(node)
        called = {id(n.func) for n in ast.walk(node) if isinstance(n, ast.Call)}
        read = frozenset(
            n.id for n in ast.walk(node) if isinstance(n, ast.Name) and id(n) not in called
        )
        wrapped = ast.Expr(value=node)
        parts.append(Expression(source, wrapped, None, read, expression.where, _closure(node)))
    return tuple(parts)


def same_condition(source: str, condition: Expression) -> bool:
    """Whether `source` is written as `condition` (spacing and outer brackets aside)."""
    try:
        tree = ast.parse(source.strip(), mode="eval").body
    except SyntaxError:
        return False
    if not isinstance(condition.tree, ast.Expr):
        return False
    return ast.dump(tree) == ast.dump(condition.tree.value)


def _check_number(value: int | float, column: int | None = None) -> None:
    # Compare before any conversion: float() of a 400-digit integer raises OverflowError.
    if isinstance(value, float) and not math.isfinite(value):
        raise ExpressionError("expected a finite number", column)
    if not -NUMBER_LIMIT <= value <= NUMBER_LIMIT:
        raise ExpressionError(
            f"number out of range: the limit is ±{NUMBER_LIMIT:.0e}", column, "use a smaller number"
        )


def _check_call(node: ast.Call, facts: frozenset[str], tactics: frozenset[str]) -> None:
    column = node.col_offset + 1
    if not isinstance(node.func, ast.Name):
        raise ExpressionError("only plain function calls are allowed", column)
    name = node.func.id
    if node.keywords:
        raise ExpressionError(f"{name}() takes no keyword arguments", column)
    if name in REFERENCE_FUNCTIONS:
        kind = REFERENCE_FUNCTIONS[name]
        declared = facts if kind == "fact" else tactics
        arg = node.args[0] if len(node.args) == 1 else None
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            raise ExpressionError(f"{name}() takes one quoted {kind} id, e.g. {name}('x')", column)
        if arg.value not in declared:
            raise ExpressionError(
                f"{name}('{arg.value}') names an undeclared {kind}",
                column,
                _suggest(arg.value, declared),
            )
    elif name not in PLAIN_FUNCTIONS:
        allowed = sorted([*PLAIN_FUNCTIONS, *REFERENCE_FUNCTIONS])
        raise ExpressionError(
            f"unknown function '{name}'", column, f"functions: {', '.join(allowed)}"
        )


def _suggest(word: str, choices: frozenset[str] | set[str]) -> str:
    close = closest(word, choices)
    return f"did you mean '{close}'?" if close else ""


class Scope(Protocol):
    """What a running expression reads: the live names and the bound functions."""

    names: dict[str, Any]
    functions: dict[str, Callable[..., Any]]


Closure = Callable[[Scope], Any]


def _closure(node: ast.expr) -> Closure:
    """Turn a checked tree into nested closures.

    Walking the tree with simpleeval on every call cost ~10 µs an expression and was most of
    a step; closures run the same operators (simpleeval's own, so string-size guards and
    semantics are shared) without the walk. A Hypothesis test holds them equal to simpleeval.
    """
    if isinstance(node, ast.Constant):
        value = node.value
        return lambda scope: value
    if isinstance(node, ast.Name):
        key = node.id
        return lambda scope: scope.names[key]
    if isinstance(node, ast.BinOp):
        return _binary(OPERATORS[type(node.op)], _closure(node.left), _closure(node.right))
    if isinstance(node, ast.UnaryOp):
        unary, operand = OPERATORS[type(node.op)], _closure(node.operand)
        return lambda scope: unary(operand(scope))
    if isinstance(node, ast.BoolOp):
        return _boolean(isinstance(node.op, ast.And), [_closure(v) for v in node.values])
    if isinstance(node, ast.Compare):
        return _compare(node)
    if isinstance(node, ast.IfExp):
        test, body, orelse = _closure(node.test), _closure(node.body), _closure(node.orelse)
        return lambda scope: body(scope) if test(scope) else orelse(scope)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return _call(node.func.id, [_closure(a) for a in node.args])
    raise ExpressionError(f"'{type(node).__name__}' is not allowed in expressions")


def _binary(operator: Callable[[Any, Any], Any], left: Closure, right: Closure) -> Closure:
    return lambda scope: operator(left(scope), right(scope))


def _boolean(conjunction: bool, parts: list[Closure]) -> Closure:
    def run(scope: Scope) -> Any:
        value: Any = False
        for part in parts:
            value = part(scope)
            if bool(value) is not conjunction:
                break
        return value

    return run


def _compare(node: ast.Compare) -> Closure:
    first = _closure(node.left)
    pairs = [
        (OPERATORS[type(op)], _closure(c)) for op, c in zip(node.ops, node.comparators, strict=True)
    ]
    if len(pairs) == 1:
        ((operator, right),) = pairs
        return _binary(operator, first, right)

    def chain(scope: Scope) -> Any:
        left = first(scope)
        result: Any = True
        for operator, part in pairs:
            right = part(scope)
            result = operator(left, right)
            if not result:
                break
            left = right
        return result

    return chain


def _call(name: str, args: list[Closure]) -> Closure:
    if name in REFERENCE_FUNCTIONS:
        # The argument was checked at load to be a quoted id; a constant closure.
        arg = args[0]
        return lambda scope: scope.functions[name](arg(scope))
    function = PLAIN_FUNCTIONS[name]
    return lambda scope: bounded(function(*[a(scope) for a in args]))


class Evaluator:
    """Evaluates compiled expressions against one playthrough's live names."""

    def __init__(
        self,
        names: dict[str, Any],
        known: Callable[[str], bool],
        used: Callable[[str], int],
    ) -> None:
        self.names = names
        self.functions: dict[str, Callable[..., Any]] = dict(PLAIN_FUNCTIONS)
        self.functions["known"] = known
        self.functions["used"] = used

    def bind(
        self,
        names: dict[str, Any],
        known: Callable[[str], bool],
        used: Callable[[str], int],
    ) -> None:
        """Point this evaluator at another situation's names.

        Building a SimpleEval costs about 15 µs; the solver steps hundreds of thousands of
        situations, so it keeps one evaluator and rebinds it instead.
        """
        self.names = names
        self.functions["known"] = known
        self.functions["used"] = used

    def __call__(self, expression: Expression) -> Any:
        if expression.run is None:
            return expression.constant
        return expression.run(self)

    def reference(self, expression: Expression) -> Any:
        """The same value by simpleeval's tree walk: the semantics the closures must keep."""
        if expression.tree is None:
            return expression.constant
        walker = SimpleEval(operators=OPERATORS, names=self.names, functions=self.functions)
        return walker.eval(expression.source, previously_parsed=expression.tree)

    def number(self, expression: Expression) -> float:
        value = self(expression)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"'{expression.source}' gave {value!r}, not a number")
        return value

    def truth(self, expression: Expression) -> bool:
        return bool(self(expression))
