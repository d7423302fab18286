"""Hostile scenario files, made here: each ends in one clean line, quickly, with finite numbers."""

from __future__ import annotations

from pathlib import Path

import pytest
from bounded import assert_clean, run_bounded

MINIMAL = Path(__file__).parent / "data" / "good" / "minimal.yaml"
TEXT = MINIMAL.read_text(encoding="utf-8")
ASK_PAID = '          pay: "remaining"\n'


def _variant(tmp_path: Path, old: str, new: str, name: str = "hostile.yaml") -> Path:
    assert old in TEXT
    path = tmp_path / name
    path.write_text(TEXT.replace(old, new, 1), encoding="utf-8")
    return path


# (what is changed, into what, words the one error line must hold)
REFUSED_AT_LOAD = {
    "percent-format guard": (
        '        - when: "cash >= 40000"\n',
        "        - when: \"'%999999999d' % 1 == ''\"\n",
        ["numbers only"],
    ),
    "400-digit constant in an expression": (ASK_PAID, f'          pay: "{"9" * 400}"\n', ["range"]),
    "400-digit plain YAML integer": (
        "deadline_days: 10\n",
        f"deadline_days: {'9' * 400}\n",
        ["range"],
    ),
    "weights of 1e308": (
        "tests:\n",
        "rubric:\n  weights: {recovery: 1.0e+308, present_value: 1.0e+308, relationship: 0,"
        " speed: 0}\ntests:\n",
        ["rubric.weights"],
    ),
    "weight written as the string 1e999": (
        "          weight: 3\n",
        '          weight: "1e999"\n',
        ["finite"],
    ),
    "cause weight 1e308": (
        "weight: 1, set: {cash: 40000}",
        "weight: 1.0e+308, set: {cash: 40000}",
        ["causes.slow_sales.weight"],
    ),
    "control characters in a key": (
        "  reason: {zh: 客户说明了原因",
        '  "rea\\e[31mson\\r": {zh: 客户说明了原因',
        ["\\x1b", "\\r"],
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED_AT_LOAD))
def test_check_refuses_in_one_clean_line(case: str, tmp_path: Path) -> None:
    old, new, words = REFUSED_AT_LOAD[case]
    path = _variant(tmp_path, old, new)
    run = run_bounded("check", path, home=tmp_path)
    assert_clean(run, codes=(1,))
    errors = [line for line in run.out.splitlines() + run.err.splitlines() if "error" in line]
    assert len(errors) == 1, run.out + run.err
    assert all(word in errors[0] for word in words), errors[0]
    assert str(path) in errors[0]


def test_a_runaway_product_at_play_time_is_one_line_exit_2(tmp_path: Path) -> None:
    product = "*".join(["debt"] * 99)
    path = _variant(tmp_path, ASK_PAID, f'          pay: "{product}"\n')
    run = run_bounded(
        # Seed 1 draws slow sales: the paying branch runs.
        "play",
        path,
        "--moves",
        "probe,ask",
        "--seed",
        "1",
        "--json",
        "--no-log",
        home=tmp_path,
    )
    assert_clean(run, codes=(2,))
    assert "beyond" in run.err and str(path) in run.err


def test_a_huge_machine_is_refused_before_it_is_built(tmp_path: Path) -> None:
    tactics = "".join(f"  t{i}: {{name: T, says: S, category: ask}}\n" for i in range(1000))
    states = "".join(f"  s{i}: {{lines: [x]}}\n" for i in range(3000))
    anywhere = "".join(f"  t{i}: [{{note: n}}]\n" for i in range(1000))
    path = tmp_path / "huge.yaml"
    path.write_text(
        "meta: {id: huge, version: '1', title: Huge, debtor_type: dealer, difficulty: 1}\n"
        "dossier: {company: X, amount_owed: 1000, aging_days: 1, terms: t, credit_rating: B,"
        " history: h}\ndeadline_days: 10\ntactics:\n"
        f"{tactics}start: s0\nstates:\n{states}anywhere:\n{anywhere}",
        encoding="utf-8",
    )
    assert path.stat().st_size < 1_000_000
    run = run_bounded("check", path, home=tmp_path)
    assert_clean(run, codes=(1,))
    assert "too large" in run.out + run.err


def test_one_bad_file_in_a_shared_folder_does_not_stop_list(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    _variant(folder, "deadline_days: 10\n", f"deadline_days: {'9' * 400}\n", "broken.yaml")
    good = TEXT.replace("id: minimal", "id: still-good")
    (folder / "good.yaml").write_text(good, encoding="utf-8")
    run = run_bounded("list", "--json", "--scenarios", folder, home=tmp_path)
    assert_clean(run, codes=(1,))
    assert '"still-good"' in run.out and "broken.yaml" in run.err


@pytest.mark.parametrize("typed", ["²", "①", "9" * 5000, "-1", "0", "1.5", "", "٣"])
def test_the_plain_game_takes_odd_input_without_a_traceback(typed: str, tmp_path: Path) -> None:
    run = run_bounded(
        "play", MINIMAL, "--plain", "--seed", "1", "--log-dir", tmp_path / "logs",
        home=tmp_path, stdin=f"{typed}\nq\n",
    )  # fmt: skip
    assert_clean(run, codes=(0,))
    assert "1" in run.out
