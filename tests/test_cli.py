"""The `huikuan` command line, run as a user runs it (a subprocess), on the small test scenario."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
MINIMAL = DATA / "good" / "minimal.yaml"
BAD_FILE = DATA / "bad" / "undefined_state.yaml"

RESULT_KEYS = {
    "scenario",
    "scenario_version",
    "seed",
    "trainee",
    "moves",
    "final_state",
    "outcome",
    "debt",
    "recovered",
    "recovery_rate",
    "present_value",
    "relationship",
    "relationship_damage",
    "days",
    "violations",
    "score",
    "grade",
    "log_path",
}


def huikuan(*args: str | Path, home: Path) -> subprocess.CompletedProcess[str]:
    """Run the CLI; the per-user data directory is moved under `home` so nothing leaks out."""
    env = {**os.environ, "XDG_DATA_HOME": str(home / "xdg")}
    return subprocess.run(
        [sys.executable, "-m", "simulator.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )


def play(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`huikuan play minimal.yaml ARGS --log-dir TMP/logs`."""
    return huikuan("play", MINIMAL, *args, "--log-dir", tmp_path / "logs", home=tmp_path)


def play_json(tmp_path: Path, *args: str) -> dict[str, Any]:
    done = play(tmp_path, *args, "--seed", "1", "--json")
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def log_files(tmp_path: Path) -> list[Path]:
    found = [*(tmp_path / "logs").glob("*"), *(tmp_path / "xdg").rglob("*.jsonl")]
    return sorted(found)


@pytest.fixture(scope="module")
def course_line(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    """`play minimal.yaml --moves probe,ask --seed 1 --json`, run once for the checks below."""
    tmp_path = tmp_path_factory.mktemp("play")
    return play_json(tmp_path, "--moves", "probe,ask"), tmp_path


# --- play --moves ----------------------------------------------------------------------------


def test_play_json_has_every_result_key(course_line: tuple[dict[str, Any], Path]) -> None:
    result, _ = course_line
    assert not RESULT_KEYS - set(result)


def test_play_json_reports_the_moves_and_seed(course_line: tuple[dict[str, Any], Path]) -> None:
    result, _ = course_line
    assert result["scenario"] == "minimal" and result["scenario_version"] == "1.0"
    assert result["seed"] == 1 and result["moves"] == ["probe", "ask"]


def test_play_json_log_path_is_in_log_dir(course_line: tuple[dict[str, Any], Path]) -> None:
    result, tmp_path = course_line
    log = Path(result["log_path"])
    assert log.is_file() and log.parent == tmp_path / "logs"


def test_play_log_has_header_two_steps_and_final(course_line: tuple[dict[str, Any], Path]) -> None:
    result, _ = course_line
    lines = Path(result["log_path"]).read_text(encoding="utf-8").splitlines()
    kinds = [json.loads(line)["type"] for line in lines]
    assert kinds == ["header", "step", "step", "final"]


def test_play_log_steps_are_the_moves(course_line: tuple[dict[str, Any], Path]) -> None:
    result, _ = course_line
    lines = Path(result["log_path"]).read_text(encoding="utf-8").splitlines()
    header, *steps, _ = [json.loads(line) for line in lines]
    assert header["scenario"] == "minimal" and header["seed"] == 1
    assert [s["tactic"] for s in steps] == ["probe", "ask"]


def test_play_writes_only_to_the_log_dir(course_line: tuple[dict[str, Any], Path]) -> None:
    _, tmp_path = course_line
    assert len(list((tmp_path / "logs").iterdir())) == 1
    assert not (tmp_path / "xdg").exists()


def test_same_seed_gives_the_same_result(
    course_line: tuple[dict[str, Any], Path], tmp_path: Path
) -> None:
    first, _ = course_line
    second = play_json(tmp_path, "--moves", "probe,ask")
    assert first["log_path"] != second["log_path"]
    assert {**first, "log_path": None} == {**second, "log_path": None}


def test_no_log_writes_nothing(tmp_path: Path) -> None:
    done = huikuan(
        "play", MINIMAL, "--moves", "probe", "--seed", "1", "--json", "--no-log", home=tmp_path
    )
    assert done.returncode == 0 and json.loads(done.stdout)["log_path"] is None
    assert log_files(tmp_path) == []


def test_moves_that_stop_early_are_unfinished(tmp_path: Path) -> None:
    result = play_json(tmp_path, "--moves", "probe")
    assert result["finished"] is False and result["moves"] == ["probe"]


def test_unknown_move_is_usage_error_with_suggestion(tmp_path: Path) -> None:
    done = play(tmp_path, "--moves", "probee")
    assert done.returncode == 2
    assert "unknown tactic 'probee'" in done.stderr and "did you mean 'probe'" in done.stderr


def test_unknown_move_lists_the_tactics(tmp_path: Path) -> None:
    done = play(tmp_path, "--moves", "nosuch")
    assert done.returncode == 2
    assert "unknown tactic 'nosuch'" in done.stderr and "probe" in done.stderr


def test_unknown_move_writes_no_log(tmp_path: Path) -> None:
    play(tmp_path, "--moves", "nosuch")
    assert log_files(tmp_path) == []


def test_unavailable_move_names_the_reason(tmp_path: Path) -> None:
    done = play(tmp_path, "--moves", "sue", "--seed", "1")
    assert done.returncode == 2
    assert "'sue'" in done.stderr and "not available" in done.stderr
    assert "Needs “Ask why” first" in done.stderr


def test_unavailable_move_writes_no_log(tmp_path: Path) -> None:
    done = play(tmp_path, "--moves", "sue", "--seed", "1")
    assert done.returncode == 2
    assert log_files(tmp_path) == []


def test_moves_after_the_end_are_usage_error(tmp_path: Path) -> None:
    # probe, then sue ends the play in court; the last move cannot be made.
    done = play(tmp_path, "--moves", "probe,sue,ask", "--seed", "1")
    assert done.returncode == 2
    assert "move 3 'ask'" in done.stderr and "already ended" in done.stderr


def test_moves_after_the_end_write_no_log(tmp_path: Path) -> None:
    play(tmp_path, "--moves", "probe,sue,ask", "--seed", "1")
    assert log_files(tmp_path) == []


def test_usage_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    done = play(tmp_path, "--moves", "sue")
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr


# --- play --bot --------------------------------------------------------------------------------


@pytest.mark.parametrize("bot", ["random", "greedy"])
def test_bot_plays_to_the_end(bot: str, tmp_path: Path) -> None:
    result = play_json(tmp_path, "--bot", bot)
    assert result["finished"] is True and result["outcome"] is not None


@pytest.mark.parametrize("seed", range(6))
def test_transcript_opens_with_the_line_the_seed_picked(seed: int, tmp_path: Path) -> None:
    from simulator.engine.engine import Engine
    from simulator.format.loader import load_scenario

    path = ROOT / "scenarios" / "malicious-delay.yaml"  # four opening lines
    opening = Engine(load_scenario(path)).start(seed).line.get("zh")
    done = huikuan("play", path, "--bot", "greedy", "--seed", str(seed), "--no-log", home=tmp_path)
    assert done.stdout.splitlines()[1] == f"  对方: {opening}"


def test_bot_writes_a_complete_log(tmp_path: Path) -> None:
    result = play_json(tmp_path, "--bot", "random")
    lines = Path(result["log_path"]).read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0])["type"] == "header" and json.loads(lines[-1])["type"] == "final"
    assert len(lines) == len(result["moves"]) + 2


def test_bot_and_moves_are_exclusive(tmp_path: Path) -> None:
    done = huikuan(
        "play", MINIMAL, "--bot", "random", "--moves", "probe", "--no-log", home=tmp_path
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr


# --- check -------------------------------------------------------------------------------------


def test_check_good_file(tmp_path: Path) -> None:
    done = huikuan("check", MINIMAL, home=tmp_path)
    assert done.returncode == 0 and "ok" in done.stdout


def test_check_bad_file_is_a_finding(tmp_path: Path) -> None:
    done = huikuan("check", BAD_FILE, home=tmp_path)
    assert done.returncode == 1
    assert f"{BAD_FILE}:65:" in done.stdout and "undefined state 'nowhere'" in done.stdout


def test_check_json_bad_file(tmp_path: Path) -> None:
    done = huikuan("check", BAD_FILE, "--format", "json", home=tmp_path)
    assert done.returncode == 1
    [entry] = json.loads(done.stdout)
    assert entry["ok"] is False and entry["path"] == str(BAD_FILE)
    assert entry["problems"][0]["line"] == 65
    assert "nowhere" in entry["problems"][0]["message"]


def test_check_json_good_and_bad(tmp_path: Path) -> None:
    done = huikuan("check", MINIMAL, BAD_FILE, "--format", "json", home=tmp_path)
    assert done.returncode == 1
    assert [e["ok"] for e in json.loads(done.stdout)] == [True, False]


def test_check_directory(tmp_path: Path) -> None:
    done = huikuan("check", DATA / "good", "--format", "json", home=tmp_path)
    assert done.returncode == 0
    assert all(e["ok"] for e in json.loads(done.stdout))


def test_check_missing_path_is_usage_error(tmp_path: Path) -> None:
    done = huikuan("check", tmp_path / "missing.yaml", home=tmp_path)
    assert done.returncode == 2 and "no such file" in done.stderr
    assert "Traceback" not in done.stderr


# --- test --------------------------------------------------------------------------------------


def test_test_prints_a_summary_line(tmp_path: Path) -> None:
    done = huikuan("test", MINIMAL, home=tmp_path)
    assert re.fullmatch(r"\d+ passed, \d+ failed", done.stdout.splitlines()[-1])


def test_test_passes_on_minimal(tmp_path: Path) -> None:
    done = huikuan("test", MINIMAL, home=tmp_path)
    assert done.returncode == 0 and done.stdout.splitlines()[-1] == "1 passed, 0 failed"


def test_test_on_bad_file_fails(tmp_path: Path) -> None:
    done = huikuan("test", BAD_FILE, home=tmp_path)
    assert done.returncode == 1
    assert re.fullmatch(r"\d+ passed, [1-9]\d* failed", done.stdout.splitlines()[-1])


def test_test_reports_a_failing_expectation(tmp_path: Path) -> None:
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "expect: {revealed: [reason]}", "expect: {revealed: [reason], grade: F}"
    )
    path = tmp_path / "wrong_expectation.yaml"
    path.write_text(text, encoding="utf-8")
    done = huikuan("test", path, home=tmp_path)
    assert done.returncode == 1
    assert "FAILED" in done.stdout and done.stdout.splitlines()[-1] == "0 passed, 1 failed"


# --- list --------------------------------------------------------------------------------------


def test_list_json_is_a_list_of_entries(tmp_path: Path) -> None:
    done = huikuan("list", "--json", home=tmp_path)
    rows = json.loads(done.stdout)
    assert isinstance(rows, list)
    for row in rows:
        assert {"id", "debtor_type", "difficulty", "title"} <= set(row)


def test_list_json_with_extra_scenarios(tmp_path: Path) -> None:
    done = huikuan("list", "--json", "--scenarios", DATA / "good", home=tmp_path)
    [row] = [r for r in json.loads(done.stdout) if r["id"] == "minimal"]
    assert row["debtor_type"] == "dealer" and row["difficulty"] == 1
    assert row["title"] == {"zh": "最小案例", "en": "Minimal case"}


# --- usage -------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [[], ["play"], ["list"], ["check"], ["test"]])
def test_help_exits_0(command: list[str], tmp_path: Path) -> None:
    done = huikuan(*command, "--help", home=tmp_path)
    assert done.returncode == 0 and "usage:" in done.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["--bogus"],
        ["play", str(MINIMAL), "--bogus"],
        ["check", "--bogus", str(MINIMAL)],
        ["play", str(MINIMAL), "--seed", "abc"],
        ["play", str(MINIMAL), "--bot", "clever"],
        ["nosuchcommand"],
    ],
    ids=["top", "play", "check", "bad-seed", "bad-bot", "command"],
)
def test_bad_usage_exits_2_without_traceback(args: list[str], tmp_path: Path) -> None:
    done = huikuan(*args, home=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1


def test_list_json_reports_stage_and_topics_from_tags(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    text = (DATA / "good" / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace("    category: ask\n", "    category: ask\n    topics: [S-M6, S-M1]\n", 1)
    (folder / "tagged.yaml").write_text(text.replace("stage: overdue", "stage: drill"), "utf-8")
    result = huikuan("list", "--json", "--scenarios", folder, home=tmp_path)
    assert result.returncode == 0, result.stderr
    row = next(r for r in json.loads(result.stdout) if r["path"].endswith("tagged.yaml"))
    # Computed from the tags, in the syllabus's order; the stage as written.
    assert (row["topics"], row["stage"], row["debtor_type"]) == (
        ["S-M1", "S-M6"],
        "drill",
        "dealer",
    )
