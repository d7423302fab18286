"""Expressions: the load-time closures agree with simpleeval's tree walk, and guards hold."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.format.expressions import (
    Evaluator,
    Expression,
    ExpressionError,
    ExpressionLimit,
    compile_expression,
)

VARIABLES = frozenset({"trust", "cash"})
FACTS = frozenset({"owner_late"})
TACTICS = frozenset({"visit"})


def _compile(source: str) -> Expression:
    return compile_expression(source, VARIABLES, FACTS, TACTICS)


def _names(trust: float, cash: float) -> dict[str, object]:
    return {
        "trust": trust,
        "cash": cash,
        "cause": "cash_crunch",
        "day": 3,
        "days_left": 27,
        "deadline": 30,
        "debt": 100000.0,
        "recovered": 20000.0,
        "remaining": 80000.0,
        "secured": 0.0,
        "relationship": 55.0,
    }


numbers = st.one_of(st.integers(-50, 150), st.sampled_from([0.5, 2.5, 1e4]))
leaves = st.one_of(
    st.sampled_from(["trust", "cash", "day", "remaining", "relationship", "debt"]),
    numbers.map(str),
    st.sampled_from(["known('owner_late')", "used('visit')", "cause == 'cash_crunch'"]),
)


def _grow(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "//", "%"]), inner)
    compare = st.tuples(inner, st.sampled_from(["<", "<=", "==", "!=", ">", ">="]), inner)
    return st.one_of(
        binary.map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        compare.map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} < {t[1]} <= {t[2]})"),
        st.tuples(inner, st.sampled_from(["and", "or"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        inner.map(lambda e: f"(not {e})"),
        inner.map(lambda e: f"(-{e})"),
        st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
        st.tuples(st.sampled_from(["min", "max"]), inner, inner).map(
            lambda t: f"{t[0]}({t[1]}, {t[2]})"
        ),
        inner.map(lambda e: f"abs({e})"),
        inner.map(lambda e: f"round({e})"),
    )


expressions = st.recursive(leaves, _grow, max_leaves=8)


def _outcome(run: Callable[[], object]) -> tuple[str, object]:
    try:
        return ("value", run())
    except Exception as exc:  # both paths must fail alike, whatever the error
        return ("error", type(exc).__name__ in {"ZeroDivisionError", "TypeError", "ValueError"})


@settings(max_examples=400, deadline=None)
@given(expressions, st.integers(0, 100), st.integers(0, 50000), st.booleans(), st.integers(0, 3))
def test_closures_agree_with_simpleeval(
    source: str, trust: int, cash: int, known: bool, used: int
) -> None:
    try:
        expression = _compile(source)
    except ExpressionError as exc:
        # Arithmetic on a quoted text is refused at load; nothing then runs either way.
        assert "numbers only" in str(exc)
        return
    facts = {"owner_late"} if known else set()
    evaluator = Evaluator(_names(trust, cash), facts.__contains__, lambda t: used)
    fast = _outcome(lambda: evaluator(expression))
    slow = _outcome(lambda: evaluator.reference(expression))
    assert fast == slow


def test_and_returns_first_falsy_operand() -> None:
    evaluator = Evaluator(_names(0, 5), set().__contains__, lambda t: 0)
    assert evaluator(_compile("trust and cash")) == 0


def test_chained_comparison_short_circuits() -> None:
    evaluator = Evaluator(_names(10, 5), set().__contains__, lambda t: 0)
    assert evaluator(_compile("0 < trust < cash")) is False


def test_known_reads_revealed_facts() -> None:
    evaluator = Evaluator(_names(10, 5), {"owner_late"}.__contains__, lambda t: 0)
    assert evaluator(_compile("known('owner_late') and trust > 5")) is True


def test_arithmetic_on_a_text_constant_is_refused_at_load() -> None:
    for source in ("'x' * 10000000", "'%999999999d' % 1 == ''", "-'x' == cause"):
        with pytest.raises(ExpressionError, match="numbers only"):
            _compile(source)


def test_arithmetic_on_text_at_run_time_fails_cleanly() -> None:
    evaluator = Evaluator(_names(10, 5), set().__contains__, lambda t: 0)
    # `cause` holds text while playing; multiplying it would build a huge string.
    with pytest.raises(ExpressionLimit, match="numbers only"):
        evaluator(_compile("cause * 1000000000 == ''"))


def test_a_growing_product_stops_at_the_number_limit() -> None:
    evaluator = Evaluator(_names(10**6, 5), set().__contains__, lambda t: 0)
    with pytest.raises(ExpressionLimit, match="beyond"):
        evaluator(_compile(" * ".join(["debt"] * 99) + " > 0"))


@pytest.mark.parametrize("source", ["1" + "0" * 400, "debt + 1" + "0" * 400, "1e300 * 2"])
def test_huge_constants_are_refused_at_load(source: str) -> None:
    with pytest.raises(ExpressionError, match="out of range"):
        _compile(source)


def test_overlong_constant_refused_at_load() -> None:
    with pytest.raises(ExpressionError, match="too long"):
        _compile("'" + "x" * 200000 + "' == cause")


# --- what a trainer meant: names of the right kind, and only when close enough ----------------

CAUSES = frozenset({"cash_crunch", "dispute"})


def _refusal(source: str, variables: frozenset[str] = VARIABLES) -> ExpressionError:
    with pytest.raises(ExpressionError) as info:
        compile_expression(source, variables, FACTS, TACTICS, causes=CAUSES)
    return info.value


def test_a_misspelt_cause_id_is_no_such_cause() -> None:
    error = _refusal("cause == 'cash_crunsh'")
    assert str(error) == "no such cause 'cash_crunsh'"
    assert error.hint == "did you mean 'cash_crunch'?"


def test_a_misspelt_cause_id_on_the_left_is_caught_too() -> None:
    assert str(_refusal("'dispte' != cause")) == "no such cause 'dispte'"


def test_a_cause_id_far_from_any_lists_the_declared_causes() -> None:
    assert _refusal("cause == 'weather'").hint == "declared causes: cash_crunch, dispute"


def test_declared_cause_ids_compile() -> None:
    assert compile_expression("cause == 'dispute'", VARIABLES, FACTS, TACTICS, causes=CAUSES)


def test_an_unknown_variable_never_suggests_a_name_of_another_kind() -> None:
    # `cash` is a letter or two from `cause`, but `cause` is text and `cash > 3` wants a number.
    error = _refusal("cash > 3", frozenset({"trust"}))
    assert "cause" not in error.hint


def test_an_unknown_variable_suggests_a_close_variable() -> None:
    assert _refusal("trsut > 50").hint == "did you mean 'trust'?"


def test_an_unknown_name_suggests_the_variable_it_begins() -> None:
    error = _refusal("cash > 3", frozenset({"trust", "cash_on_hand"}))
    assert error.hint == "did you mean 'cash_on_hand'?"


def test_a_fact_used_as_a_name_suggests_known() -> None:
    assert _refusal("owner_late").hint == "'owner_late' is a fact: write known('owner_late')"


def test_a_tactic_used_as_a_name_suggests_used() -> None:
    assert _refusal("visit > 0").hint == "'visit' is a tactic: write used('visit')"


def test_a_cause_id_written_bare_suggests_quoting_it() -> None:
    assert "cause == 'dispute'" in _refusal("cause == dispute").hint
