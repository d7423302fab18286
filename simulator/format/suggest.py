"""What a trainer most likely meant by a name an expression does not know: hints, never guesses."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass

# Names of text, not of numbers: compared with 'quoted' ids, never with numbers.
TEXT_NAMES = frozenset({"cause"})


@dataclass(frozen=True)
class Declared:
    """What a scenario declares, by kind: what a mistyped name may have been meant as."""

    numbers: frozenset[str]  # the scenario's variables and the numeric built-in names
    causes: frozenset[str] | None  # None: not known here, so `cause == 'x'` is not checked
    facts: frozenset[str]
    tactics: frozenset[str]


def distance(a: str, b: str) -> int:
    """Edits (insert, delete, replace, swap two neighbours) that turn `a` into `b`."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        row = [i]
        for j, y in enumerate(b, 1):
            cost = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (x != y))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                cost = min(cost, previous2[j - 2] + 1)
            row.append(cost)
        previous2, previous = previous, row
    return previous[-1]


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice within a typo or two of `word` (one for short words), or None.

    difflib's ratio found 'cause' for 'cash'; a misspelling changes a letter or two, not
    half of a short word, so the allowance grows with the length.
    """
    allowed = 1 if len(word) <= 4 else 2 if len(word) <= 9 else 3
    found = sorted((distance(word, c), c) for c in choices if c != word)
    return found[0][1] if found and found[0][0] <= allowed else None


def text_context(node: ast.Name, parent: ast.AST | None) -> bool:
    """Whether `node` is compared with text: a quoted string or `cause` itself."""
    if not isinstance(parent, ast.Compare):
        return False
    parts = [p for p in (parent.left, *parent.comparators) if p is not node]
    quoted = any(isinstance(p, ast.Constant) and isinstance(p.value, str) for p in parts)
    return quoted or any(isinstance(p, ast.Name) and p.id in TEXT_NAMES for p in parts)


def unknown_name_hint(name: str, declared: Declared, text: bool) -> str:
    """A hint for an unknown bare name: its right spelling or the right way to use it."""
    if declared.causes and name in declared.causes:
        return f"'{name}' is a cause: compare it as text, cause == '{name}'"
    if name in declared.facts:
        return f"'{name}' is a fact: write known('{name}')"
    if name in declared.tactics:
        return f"'{name}' is a tactic: write used('{name}')"
    if text and declared.causes:
        cause = closest(name, declared.causes)
        if cause is not None:
            return f"causes are text: did you mean '{cause}' (quoted)?"
    own = TEXT_NAMES if text else declared.numbers - TEXT_NAMES
    close = closest(name, own)
    longer = [n for n in own if n.startswith(name + "_")]  # `cash` for `cash_on_hand`
    if close is None and len(longer) == 1:
        close = longer[0]
    if close is not None:
        return f"did you mean '{close}'?"
    for kind, names, call in (
        ("fact", declared.facts, "known"),
        ("tactic", declared.tactics, "used"),
    ):
        close = closest(name, names)
        if close is not None:
            return f"did you mean the {kind} {call}('{close}')?"
    if text and declared.causes:
        return f"a cause is a quoted id: one of {', '.join(map(repr, sorted(declared.causes)))}"
    return "" if text else "declare it under `variables:`"


def cause_problem(
    node: ast.Compare, causes: frozenset[str]
) -> tuple[ast.Constant, str, str] | None:
    """A quoted id compared with `cause` that no cause declares: (constant, message, hint)."""
    parts = [node.left, *node.comparators]
    for left, op, right in zip(parts, node.ops, parts[1:], strict=False):
        if not isinstance(op, ast.Eq | ast.NotEq):
            continue
        for one, other in ((left, right), (right, left)):
            if not (isinstance(one, ast.Name) and one.id == "cause"):
                continue
            if isinstance(other, ast.Constant) and isinstance(other.value, str):
                word = other.value
                if word not in causes:
                    return other, f"no such cause '{word}'", _cause_hint(word, causes)
    return None


def _cause_hint(word: str, causes: frozenset[str]) -> str:
    if not causes:
        return "the scenario declares no `causes:`"
    close = closest(word, causes)
    if close is not None:
        return f"did you mean '{close}'?"
    return f"declared causes: {', '.join(sorted(causes))}"
