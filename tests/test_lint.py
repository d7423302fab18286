"""`huikuan check` lint: one test file per finding kind, the interval analysis, the CLI contract."""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.authoring.lint import CODES, Finding, lint
from simulator.authoring.ranges import scenario_ranges
from simulator.format.loader import LoadedScenario, load_scenario
from simulator.format.yamlsafe import format_path

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(__file__).parent / "data" / "lint"
MINIMAL = Path(__file__).parent / "data" / "good" / "minimal.yaml"
BUNDLED = sorted((ROOT / "scenarios").glob("*.yaml"))
LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (warning|error) HK\d{3}: .+$")


def findings(name: str) -> list[Finding]:
    return lint(load_scenario(LINT / name))


def huikuan(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "simulator.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


# --- one file per finding kind ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code", "words", "key_path"),
    [
        ("hk101_unreachable_state.yaml", "HK101", ["limbo", "cannot be reached"], "states.limbo"),
        ("hk102_dead_end.yaml", "HK102", ["dead end", "stalled"], "states.stalled"),
        ("hk103_terminal_without_outcome.yaml", "HK103", ["gave_up", "`outcome`"], None),
        ("hk104_tactic_never_usable.yaml", "HK104", ["visit", "never be used"], "tactics.visit"),
        ("hk105_variable_never_read.yaml", "HK105", ["mood", "never read"], "variables.mood"),
        ("hk106_variable_never_changed.yaml", "HK106", ["fee", "never changes"], None),
        ("hk107_condition_never_holds.yaml", "HK107", ["trust > 100", "never hold"], None),
        ("hk108_zero_day_loop.yaml", "HK108", ["chat", "no days"], "tactics.chat.days"),
        ("hk109_missing_text.yaml", "HK109", ["credit_rating", "plain text"], None),
        ("hk109_missing_text.yaml", "HK109", ["cues[0]", "no en"], "states.opening.cues[0]"),
        ("hk110_rubric_weights.yaml", "HK110", ["1.2", "not 1"], "rubric.weights"),
        ("hk111_weight_never_positive.yaml", "HK111", ["trust - 200", "never positive"], None),
        (
            "hk112_course_lockout.yaml",
            "HK112",
            ["'probe' in state 'opening'", "'ask' can never be played", "course line"],
            "states.opening.on.probe[1]",
        ),
    ],
)
def test_each_kind_is_found(name: str, code: str, words: list[str], key_path: str | None) -> None:
    found = [f for f in findings(name) if f.code == code]
    matching = [f for f in found if all(w in f.message for w in words)]
    assert matching, f"no {code} with {words} in {[str(f) for f in found]}"
    finding = matching[0]
    assert finding.severity == CODES[code][0]
    assert finding.line is not None and finding.column is not None and finding.hint
    if key_path is not None:
        assert finding.key_path == key_path


@pytest.mark.parametrize("name", sorted(p.name for p in LINT.glob("hk*.yaml")))
def test_each_file_shows_its_own_code(name: str) -> None:
    code = "HK" + name[2:5]
    assert code in {f.code for f in findings(name)}


def test_the_clean_base_has_no_findings() -> None:
    assert [str(f) for f in findings("clean.yaml")] == []


def test_finding_points_at_the_line_of_the_state() -> None:
    text = (LINT / "hk101_unreachable_state.yaml").read_text(encoding="utf-8")
    line = text.splitlines().index("  limbo:") + 1
    [finding] = findings("hk101_unreachable_state.yaml")
    assert (finding.line, finding.column) == (line, 3)
    assert str(finding).startswith(f"{LINT / 'hk101_unreachable_state.yaml'}:{line}:3: error")


def test_a_tactic_with_an_impossible_when_is_reported_once() -> None:
    text = (LINT / "clean.yaml").read_text(encoding="utf-8")
    text = text.replace("when: \"known('reason')\"", 'when: "relationship > 100"')
    from simulator.format.loader import load_text

    codes = [f.code for f in lint(load_text(text, "x.yaml"))]
    assert codes.count("HK107") == 1 and "HK104" not in codes


def test_minimal_has_warnings_only() -> None:
    found = lint(load_scenario(MINIMAL))
    assert found and {f.severity for f in found} == {"warning"}


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_bundled_scenarios_have_no_lint_errors(path: Path) -> None:
    errors = [str(f) for f in lint(load_scenario(path)) if f.severity == "error"]
    assert errors == []


# --- interval analysis -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "possible"),
    [
        ("trust > 100", False),
        ("trust >= 100", True),
        ("trust < 0 or cash > 100000", False),
        ("trust > 50 and trust < 40", False),
        ("trust > 50 and trust <= 50", False),
        ("trust >= 50 and trust <= 50", True),
        ("(trust > 50 or cash > 10) and trust < 40", True),
        ("(trust > 50 or trust < 10) and trust > 40 and trust < 45", True),  # one hull: [0, 100]
        ("not (trust >= 0 and trust <= 100)", False),
        ("50 < trust and trust < 40", False),
        ("cause == 'cash_crunch' and cause == 'slow_sales'", False),
        ("cause != 'cash_crunch' and cause != 'slow_sales'", False),
        ("(1 if trust > 50 else 0) and trust < 40", False),
        ("trust > 60 and cash < 0", False),
        ("not (trust <= 100)", False),
        ("not trust > 100", True),
        ("trust > 100 or known('reason')", True),
        ("cause == 'no_such_cause'", False),
        ("cause == 'cash_crunch'", True),
        ("cause != 'cash_crunch' and cause == 'slow_sales'", True),
        ("cause == 3", False),
        ("day >= deadline", False),
        ("days_left > deadline", False),
        ("used('probe') > 1", False),
        ("used('ask') > 1", True),
        ("trust * 2 > 200", False),
        ("trust / 0.5 > 200", False),
        ("abs(trust - 50) > 50", False),
        ("max(trust, relationship) > 100", False),
        ("min(trust, cash) >= 0", True),
        ("round(trust) > 101", False),
        ("(trust if cash > 0 else 200) > 150", True),
        ("(trust if cash > 100000 else 50) > 100", False),
        ("trust % 7 > 100", True),  # % is not analysed: unknown, so possible
        ("remaining > debt", False),
        ("recovered + secured > 2 * debt", False),
        ("0", False),
        ("1 < trust < 0", False),
        ("-trust > 0", False),
    ],
)
def test_what_can_hold(source: str, possible: bool) -> None:
    from simulator.format.expressions import compile_expression

    loaded = load_scenario(LINT / "clean.yaml")
    sc = loaded.scenario
    expression = compile_expression(
        source, frozenset(sc.variables), frozenset(sc.facts), frozenset(sc.tactics)
    )
    assert scenario_ranges(loaded).truth(expression)[0] is possible


# --- the command -----------------------------------------------------------------------------


def test_check_errors_exit_1_with_one_line_per_finding() -> None:
    path = LINT / "hk102_dead_end.yaml"
    done = huikuan("check", path)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert all(LINE.match(line) for line in lines[:-1])
    assert "error HK102" in done.stdout and lines[-1].startswith(f"{path}: FAILED")


def test_check_warnings_only_exit_0() -> None:
    done = huikuan("check", LINT / "hk105_variable_never_read.yaml")
    assert done.returncode == 0 and "warning HK105" in done.stdout


def test_an_unreachable_state_fails_check() -> None:
    path = LINT / "hk101_unreachable_state.yaml"
    done = huikuan("check", path)
    assert done.returncode == 1 and "error HK101" in done.stdout
    assert done.stdout.splitlines()[-1].startswith(f"{path}: FAILED")


def test_check_takes_a_bundled_id() -> None:
    done = huikuan("check", "malicious-delay")
    assert done.returncode == 0, done.stdout + done.stderr
    last = done.stdout.splitlines()[-1]
    assert last.startswith(str(ROOT / "scenarios" / "malicious-delay.yaml")) and ": ok (" in last


def test_test_takes_a_bundled_id() -> None:
    done = huikuan("test", "malicious-delay")
    assert done.returncode == 0 and "malicious-delay.yaml::course line" in done.stdout


def test_check_names_an_unknown_id_in_one_line() -> None:
    done = huikuan("check", "no-such-case")
    assert done.returncode == 2 and "no such scenario file or bundled id" in done.stderr
    assert len(done.stderr.splitlines()) == 1


def test_check_json_lists_findings_per_file() -> None:
    names = ["clean.yaml", "hk107_condition_never_holds.yaml"]
    done = huikuan("check", *(LINT / n for n in names), "--format", "json")
    assert done.returncode == 1
    clean, bad = json.loads(done.stdout)
    assert clean["ok"] is True and clean["problems"] == [] and clean["warnings"] == 0
    assert bad["ok"] is False and bad["errors"] == 1
    [finding] = bad["problems"]
    assert finding["code"] == "HK107" and finding["severity"] == "error"
    assert {"path", "line", "column", "message", "hint", "key_path"} <= set(finding)


def test_check_json_load_error_is_hk100() -> None:
    done = huikuan(
        "check", ROOT / "tests" / "data" / "bad" / "undefined_state.yaml", "--format", "json"
    )
    [entry] = json.loads(done.stdout)
    assert done.returncode == 1 and entry["problems"][0]["code"] == "HK100"


def test_key_paths_use_the_loader_format() -> None:
    assert format_path(("states", "a", "on", "b", 0)) == "states.a.on.b[0]"


# --- soundness: what is called impossible never happens ---------------------------------------

_ATOMS = st.sampled_from(["trust", "cash", "relationship", "day", "3", "50", "-7", "100", "0.5"])


def _expressions() -> st.SearchStrategy[str]:
    numbers = st.recursive(
        _ATOMS,
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*"]), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            st.tuples(st.sampled_from(["min", "max"]), inner, inner).map(
                lambda t: f"{t[0]}({t[1]}, {t[2]})"
            ),
            inner.map(lambda x: f"abs({x})"),
        ),
        max_leaves=4,
    )
    comparison = st.tuples(
        numbers, st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), numbers
    ).map(lambda t: f"{t[0]} {t[1]} {t[2]}")
    return st.recursive(
        st.one_of(comparison, st.just("cause == 'cash_crunch'"), st.just("known('reason')")),
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["and", "or"]), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            inner.map(lambda x: f"not ({x})"),
            st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
        ),
        max_leaves=5,
    )


@settings(max_examples=300, deadline=None)
@given(
    source=_expressions(),
    trust=st.integers(0, 100),
    cash=st.integers(0, 100000),
    relationship=st.floats(0, 100),
    day=st.integers(0, 9),
    cause=st.sampled_from(["slow_sales", "cash_crunch"]),
    known=st.booleans(),
)
def test_the_analysis_never_rules_out_what_happens(
    source: str, trust: int, cash: int, relationship: float, day: int, cause: str, known: bool
) -> None:
    from simulator.format.expressions import Evaluator, compile_expression

    loaded = _clean()
    sc = loaded.scenario
    expression = compile_expression(
        source, frozenset(sc.variables), frozenset(sc.facts), frozenset(sc.tactics)
    )
    names = {"trust": trust, "cash": cash, "relationship": relationship, "day": day, "cause": cause}
    value = Evaluator(names, lambda fact: known, lambda tactic: 0)(expression)
    may_true, may_false = scenario_ranges(loaded).truth(expression)
    assert may_true if value else may_false, f"{source} was {value!r}"


@functools.cache
def _clean() -> LoadedScenario:
    return load_scenario(LINT / "clean.yaml")


# --- HK112: a move that takes the course's closing move away for good --------------------------

LOCKOUT = LINT / "hk112_course_lockout.yaml"


def _lockout_codes(change: Callable[[str], str]) -> list[str]:
    from simulator.format.loader import load_text

    text = change(LOCKOUT.read_text(encoding="utf-8"))
    return [f.code for f in lint(load_text(text, "x.yaml"))]


def test_a_confirmed_move_is_no_lockout() -> None:
    def confirmed(text: str) -> str:
        return text.replace("    days: 1\n    max_uses: 1\n", "    days: 1\n    max_uses: 1\n"
                            "    irreversible: true\n")  # fmt: skip

    assert "HK112" not in _lockout_codes(confirmed)


def test_a_lockout_with_a_way_back_is_not_reported() -> None:
    # Offended, but enough trust brings the talk about money back: repeated probes give it.
    def way_back(text: str) -> str:
        text = text.replace("\"not known('offended')\"", "\"not known('offended') or trust >= 70\"")
        text = text.replace("    max_uses: 1\n", "")
        old = "        - to: explained\n          reveal: [reason, offended]"
        return text.replace(
            old, "        - change: {trust: 10}\n          reveal: [reason, offended]"
        )

    assert "HK112" not in _lockout_codes(way_back)


def test_an_ending_is_no_lockout() -> None:
    def ends(text: str) -> str:
        return text.replace("- to: explained\n          reveal: [reason, offended]",
                            "- to: court\n          reveal: [reason, offended]")  # fmt: skip

    assert "HK112" not in _lockout_codes(ends)


def test_only_course_tests_name_the_key_tactic() -> None:
    assert "HK112" not in _lockout_codes(lambda t: t.replace("- name: course line", "- name: x"))


def test_analyze_flags_the_lockout() -> None:
    done = huikuan("analyze", LOCKOUT, "--runs", "20", "--jobs", "1", "--json")
    flags = json.loads(done.stdout)["flags"]
    assert any(f["code"] == "course_lockout" and "'ask'" in f["message"] for f in flags)


def _lockout_cases() -> list[Path]:
    from simulator.authoring.lockout import lockouts

    return [LOCKOUT, *(p for p in BUNDLED if lockouts(load_scenario(p)))]


@pytest.mark.parametrize("path", _lockout_cases(), ids=lambda p: p.stem)
def test_a_reported_lockout_never_lets_the_closing_move_back(path: Path) -> None:
    """Soundness: random plays from the course test's seed that make a reported move never see
    the closing move available again (unless it was already played before)."""
    import random

    from simulator.authoring.lockout import lockouts
    from simulator.engine.engine import Engine

    loaded = load_scenario(path)
    engine = Engine(loaded)
    seeds = {t.name: t.seed for t in loaded.scenario.tests}
    hits = 0
    for found in lockouts(loaded):
        at = (found.state, found.tactic, format_path(found.outcome.key))
        for run in range(60):
            rng = random.Random(run)
            with engine.playing(seeds[found.course]) as play:
                locked = False
                while not play.over:
                    moves = engine.available(play)
                    if locked:
                        assert found.key not in moves, f"{found.key} came back on day {play.day}"
                    elif found.key in moves:
                        moves = [m for m in moves if m != found.key] or moves
                    here = play.state == found.state and found.tactic in moves
                    move = found.tactic if here and rng.random() < 0.7 else rng.choice(moves)
                    step = engine.play(play, move)
                    locked = locked or (step.state_from, step.tactic, step.outcome) == at
                hits += locked
    assert hits, "no random play drew a reported lockout; the test proved nothing"


def test_a_lockout_search_over_budget_stops_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    import simulator.authoring.lockout as lockout

    monkeypatch.setattr(lockout, "BUDGET", 3)
    assert lockout.lockouts(load_scenario(LOCKOUT)) == []
