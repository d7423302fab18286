"""Bad scenario files: each refused with one line per problem naming file:line and the mistake."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from simulator.errors import ScenarioError
from simulator.format.loader import MAX_BYTES, load_scenario
from simulator.format.yamlsafe import MAX_DEPTH

ROOT = Path(__file__).resolve().parent.parent
BAD = Path(__file__).parent / "data" / "bad"


def case(name: str, line: int | None, words: list[str]) -> Any:
    return pytest.param(name, line, words, id=name.removesuffix(".yaml"))


# Each file in tests/data/bad: the line the error must name (None: no line) and the words it holds.
CASES = [
    case("invalid_yaml_syntax.yaml", 19, ["invalid YAML", "mapping values"]),
    case("non_utf8.yaml", 12, ["not valid UTF-8"]),
    case("anchor_alias.yaml", 17, ["anchor", "&net30", "not allowed"]),
    case("alias_bomb.yaml", 2, ["anchor", "&a", "not allowed"]),
    case("duplicate_key.yaml", 22, ["duplicate key", "deadline_days"]),
    case("python_tag.yaml", 18, ["tag", "python/object/apply", "not allowed"]),
    case("wrong_type.yaml", 20, ["deadline_days", "integer"]),
    case("unknown_key_outcom.yaml", 90, ["unknown key 'outcom'", "did you mean 'outcome'"]),
    case(
        "unknown_key_deadline_day.yaml",
        20,
        ["unknown key 'deadline_day'", "did you mean 'deadline_days'"],
    ),
    case("undefined_state.yaml", 65, ["undefined state 'nowhere'", "on.probe[0].to"]),
    case("undefined_tactic_on.yaml", 64, ["undefined tactic 'beg'", "states.opening.on.beg"]),
    case("undefined_variable_change.yaml", 66, ["undefined variable 'trusst'", "'trust'"]),
    case("undefined_fact_reveal.yaml", 67, ["undefined fact 'reasons'", "did you mean 'reason'"]),
    case("expression_syntax_error.yaml", 74, ["syntax error", "cash >= (40000"]),
    case("expression_unknown_name.yaml", 74, ["unknown name 'cahs'", "did you mean 'cash'"]),
    case("cause_misspelt.yaml", 74, ["no such cause 'cash_crunsh'", "did you mean 'cash_crunch'"]),
    case("known_undeclared_fact.yaml", 56, ["known('nofact')", "undeclared fact"]),
    case("function_not_allowed.yaml", 56, ["unknown function '__import__'"]),
    case("attribute_access.yaml", 74, ["Attribute", "not allowed"]),
    case("empty.yaml", None, ["empty"]),
    case("top_level_list.yaml", 1, ["must be a mapping"]),
    case("start_terminal.yaml", 58, ["start", "must not be terminal"]),
    case("choice_weights_mismatch.yaml", 27, ["one entry per choice"]),
    case("initial_out_of_range.yaml", 27, ["variables.cash", "initial value", "[0, 100000]"]),
    case("missing_note.yaml", 65, ["missing required key 'note'", "states.opening.on.probe[0]"]),
    case("nan_number.yaml", 100, ["anywhere.ask[0].relationship", "finite"]),
    case("variable_builtin_name.yaml", 28, ["variables.day", "`day`", "already gives"]),
    case("unknown_topic.yaml", 40, ["unknown syllabus code 'S-M11'", "tactics.ask.topics[1]"]),
    case("topic_not_a_code.yaml", 39, ["tactics.ask.topics[1]", "expected text"]),
    case("unknown_category.yaml", 37, ["tactics.ask.category", "'asking'", "allowed: ask, probe"]),
    case("state_id_with_space.yaml", 60, ["states.Bad State", "lowercase letters"]),
    case("initial_choices_and_range.yaml", 26, ["variables.trust.initial", "not both"]),
    case("reply_list_bad_item.yaml", 101, ["anywhere.ask[0].reply", "[1]", "unknown key 'fr'"]),
    case(
        "band_key_unknown.yaml", 59, ["rubric.bands.E", "'E' is not an allowed key", "A, B, C, D"]
    ),
    case("difficulty_bool.yaml", 8, ["meta.difficulty", "expected an integer, got true or false"]),
]


def _refusal(path: Path) -> str:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return str(info.value)


def _assert_names(message: str, path: Path, line: int | None, words: list[str]) -> None:
    assert str(path) in message
    if line is not None:
        assert f"{path}:{line}:" in message
    for word in words:
        assert word in message


def test_every_bad_file_has_a_case() -> None:
    named = {c.values[0] for c in CASES}
    assert named == {p.name for p in BAD.iterdir()}


@pytest.mark.parametrize(("name", "line", "words"), CASES)
def test_bad_file_is_refused(name: str, line: int | None, words: list[str]) -> None:
    path = BAD / name
    _assert_names(_refusal(path), path, line, words)


def test_choice_mismatch_is_refused() -> None:
    path = BAD / "choice_weights_mismatch.yaml"
    _assert_names(_refusal(path), path, 27, ["weights"])


def test_choice_mismatch_is_not_called_an_unknown_key() -> None:
    assert "unknown key" not in _refusal(BAD / "choice_weights_mismatch.yaml")


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"# padding\n" + b"x" * MAX_BYTES)
    _assert_names(_refusal(path), path, None, ["limit", f"{MAX_BYTES:,}"])


def test_nesting_deeper_than_the_bound(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("[" * 100_000, encoding="utf-8")
    _assert_names(_refusal(path), path, 1, [f"nesting deeper than {MAX_DEPTH}"])


def test_block_nesting_deeper_than_the_bound(tmp_path: Path) -> None:
    path = tmp_path / "deep_block.yaml"
    path.write_text("".join("  " * i + "k:\n" for i in range(MAX_DEPTH + 5)), encoding="utf-8")
    _assert_names(_refusal(path), path, MAX_DEPTH + 1, ["nesting deeper than"])


def test_directory_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "folder.yaml"
    path.mkdir()
    _assert_names(_refusal(path), path, None, ["is a directory"])


def test_missing_path_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "missing.yaml"
    _assert_names(_refusal(path), path, None, ["no such file"])


def test_python_tag_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "tag.yaml"
    path.write_text(f'a: !!python/object/apply:os.system ["touch {marker}"]\n', encoding="utf-8")
    _refusal(path)
    assert not marker.exists()


def test_each_problem_is_one_line() -> None:
    for name in ("unknown_key_outcom.yaml", "python_tag.yaml", "non_utf8.yaml"):
        with pytest.raises(ScenarioError) as info:
            load_scenario(BAD / name)
        assert len(str(info.value).splitlines()) == len(info.value.problems)


# --- through the command line -----------------------------------------------------------------


def _play(path: Path, tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    """`huikuan play PATH --moves probe --log-dir DIR`, with the default log dir moved too."""
    log_dir = tmp_path / "logs"
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "xdg")}
    command = [sys.executable, "-m", "simulator.cli", "play", str(path), "--moves", "probe"]
    done = subprocess.run(
        [*command, "--log-dir", str(log_dir)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    return done, log_dir


CLI_FILES = [
    "invalid_yaml_syntax.yaml",
    "non_utf8.yaml",
    "alias_bomb.yaml",
    "duplicate_key.yaml",
    "python_tag.yaml",
    "unknown_key_deadline_day.yaml",
    "expression_unknown_name.yaml",
    "function_not_allowed.yaml",
    "empty.yaml",
]


@pytest.fixture(scope="module", params=CLI_FILES, ids=[n.removesuffix(".yaml") for n in CLI_FILES])
def refused(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, subprocess.CompletedProcess[str], Path]:
    """One CLI run per bad file, shared by the checks below."""
    path = BAD / request.param
    tmp_path = tmp_path_factory.mktemp("cli")
    done, _ = _play(path, tmp_path)
    return path, done, tmp_path


def test_cli_exits_2_on_bad_file(
    refused: tuple[Path, subprocess.CompletedProcess[str], Path],
) -> None:
    _, done, _ = refused
    assert done.returncode == 2


def test_cli_prints_one_line_per_problem(
    refused: tuple[Path, subprocess.CompletedProcess[str], Path],
) -> None:
    path, done, _ = refused
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    lines = done.stderr.splitlines()
    assert len(lines) == len(info.value.problems)
    assert all(line.startswith(f"{path}") for line in lines)


def test_cli_prints_no_traceback(
    refused: tuple[Path, subprocess.CompletedProcess[str], Path],
) -> None:
    _, done, _ = refused
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_cli_writes_no_log_for_bad_file(
    refused: tuple[Path, subprocess.CompletedProcess[str], Path],
) -> None:
    _, _, tmp_path = refused
    log_dir = tmp_path / "logs"
    assert not log_dir.exists() or not any(log_dir.iterdir())
    assert not (tmp_path / "xdg").exists()


def _generated(kind: str, tmp_path: Path) -> Path:
    path = tmp_path / f"{kind}.yaml"
    if kind == "deep":
        path.write_text("[" * 100_000, encoding="utf-8")
    elif kind == "huge":
        path.write_bytes(b"# padding\n" + b"x" * MAX_BYTES)
    elif kind == "folder":
        path.mkdir()
    return path


@pytest.mark.parametrize("kind", ["deep", "huge", "folder", "missing"])
def test_cli_refuses_generated_input(kind: str, tmp_path: Path) -> None:
    path = _generated(kind, tmp_path)
    done, log_dir = _play(path, tmp_path)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(str(path))
    assert "Traceback" not in done.stderr
    assert not log_dir.exists()


@pytest.mark.parametrize(("written", "read"), [("1.10", "1.10"), ("2", "2"), ('"1.0"', "1.0")])
def test_version_is_read_as_written(tmp_path: Path, written: str, read: str) -> None:
    text = (Path(__file__).parent / "data" / "good" / "minimal.yaml").read_text(encoding="utf-8")
    path = tmp_path / "versioned.yaml"
    path.write_text(text.replace('version: "1.0"', f"version: {written}", 1), encoding="utf-8")
    assert load_scenario(path).scenario.meta.version == read
