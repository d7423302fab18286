"""Trainer expressions: parsed and checked once at load, evaluated safely by simpleeval."""

from __future__ import annotations

import ast
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from simpleeval import SimpleEval

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
) -> Expression:
    """Parse and check `source` once; raise ExpressionError naming what is wrong."""
    if isinstance(source, bool):
        raise ExpressionError("expected a number or an expression, not true/false")
    if isinstance(source, int | float):
        if not math.isfinite(source):
            raise ExpressionError("expected a finite number")
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
        if isinstance(node, ast.Call):
            _check_call(node, facts, tactics)
        elif isinstance(node, ast.Name) and id(node) not in called:
            if node.id not in known_names:
                raise ExpressionError(
                    f"unknown name '{node.id}'", column, _suggest(node.id, known_names)
                )
            read.add(node.id)
    value = body.value
    if isinstance(value, ast.Constant) and isinstance(value.value, int | float):
        return Expression(text, None, value.value, frozenset(), where)
    return Expression(text, body, None, frozenset(read), where)


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
    import difflib

    close = difflib.get_close_matches(word, sorted(choices), n=1)
    return f"did you mean '{close[0]}'?" if close else ""


class Evaluator:
    """Evaluates compiled expressions against one playthrough's live names."""

    def __init__(
        self,
        names: dict[str, Any],
        known: Callable[[str], bool],
        used: Callable[[str], int],
    ) -> None:
        functions = dict(PLAIN_FUNCTIONS)
        functions["known"] = known
        functions["used"] = used
        self._simple = SimpleEval(names=names, functions=functions)

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
        self._simple.names = names
        self._simple.functions["known"] = known
        self._simple.functions["used"] = used

    def __call__(self, expression: Expression) -> Any:
        if expression.tree is None:
            return expression.constant
        return self._simple.eval(expression.source, previously_parsed=expression.tree)

    def number(self, expression: Expression) -> float:
        value = self(expression)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"'{expression.source}' gave {value!r}, not a number")
        return value

    def truth(self, expression: Expression) -> bool:
        return bool(self(expression))
