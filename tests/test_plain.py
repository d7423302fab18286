"""The plain game (a pipe, or --plain) and trainee names: the same game as the TUI, line by line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from scoring.exports import to_canvas, to_moodle
from simulator.engine.session_log import read_log
from simulator.format.loader import load_scenario
from simulator.format.palette import Risk, move_risks, tactic_keys
from simulator.trainee import MAX_NAME, check_name, name_problem, username

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "data" / "good" / "minimal.yaml"


def huikuan(tmp_path: Path, *args: str | Path, stdin: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI through a pipe; the per-user config and data live under `tmp_path`."""
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    return subprocess.run(
        [sys.executable, "-m", "simulator.cli", *map(str, args)],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )


def play(tmp_path: Path, stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`huikuan play minimal.yaml --seed 1 --log-dir TMP/logs ARGS` with `stdin` typed."""
    logs = tmp_path / "logs"
    return huikuan(tmp_path, "play", MINIMAL, "--seed", "1", "--log-dir", logs, *args, stdin=stdin)


def logs(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "logs").glob("*.jsonl"))


# --- who is playing ---------------------------------------------------------------------------


def test_plain_home_writes_into_the_log_dir_under_the_trainee(tmp_path: Path) -> None:
    out = tmp_path / "DIR"
    done = huikuan(
        tmp_path, "--plain", "--trainee", "alice", "--log-dir", out, "--lang", "en", stdin="1\nq\n"
    )
    assert done.returncode == 0, done.stderr
    [log] = sorted(out.glob("*.jsonl"))
    assert read_log(log).header["trainee"] == "alice"
    assert not (tmp_path / "data").exists()  # nothing in the default folder


def test_a_pipe_asks_who_is_playing(tmp_path: Path) -> None:
    done = play(tmp_path, "bob\nq\n")
    assert "谁在练习" in done.stdout and "只问一次" not in done.stdout
    assert read_log(logs(tmp_path)[0]).header["trainee"] == "bob"


def test_enter_confirms_the_last_trainee(tmp_path: Path) -> None:
    play(tmp_path, "bob\nq\n")
    done = play(tmp_path, "\nn\nq\n", "--no-log")
    assert "回车确认「bob」" in done.stdout and "学员：bob" in done.stdout


def test_the_next_trainee_types_their_own_name(tmp_path: Path) -> None:
    play(tmp_path, "bob\nq\n")
    play(tmp_path, "  carol   li \nq\n")
    assert [read_log(p).header["trainee"] for p in logs(tmp_path)] == ["bob", "carol li"]


def test_a_bad_name_is_asked_again_with_the_reason(tmp_path: Path) -> None:
    done = play(tmp_path, "x" * (MAX_NAME + 1) + "\ndora\nq\n")
    assert f"at most {MAX_NAME}" in done.stdout
    assert read_log(logs(tmp_path)[0]).header["trainee"] == "dora"


def test_trainee_flag_is_checked(tmp_path: Path) -> None:
    done = play(tmp_path, "", "--trainee", "a\x1bb")
    assert done.returncode == 2 and "control character" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_names_are_checked_and_normalised_for_the_lms() -> None:
    assert check_name("  张   伟 ") == "张 伟"
    assert name_problem("   ") and name_problem("x" * (MAX_NAME + 1)) and name_problem("a\u202eb")
    assert username("１００８６") == "10086"
    assert username(" ＺＨＡＮＧ\u3000Wei ") == "ZHANG Wei"


def _row(trainee: str, score: float) -> dict[str, object]:
    return {
        "trainee": trainee,
        "scenario": "minimal",
        "score": score,
        "grade": "B",
        "passed": True,
        "recovered": 1.0,
        "debt": 2.0,
        "recovery_rate": 0.5,
        "relationship": 60.0,
        "relationship_damage": 0.0,
        "days": 3,
        "violations": [],
        "cohort": "",
    }


def test_lms_exports_match_on_the_normalised_username() -> None:
    rows = [_row("ＺＨＡＮＧ", 70.0), _row("ZHANG ", 80.0)]
    moodle = to_moodle(rows).decode("utf-8-sig").splitlines()
    assert len(moodle) == 2 and moodle[1].startswith("ZHANG,80.0")
    canvas = to_canvas(rows).decode("utf-8-sig").splitlines()
    assert canvas[2].startswith("ＺＨＡＮＧ,,ZHANG,ZHANG,")  # the display name kept


# --- one numbering, facts, hints, reasons -------------------------------------------------------


def test_plain_uses_the_tuis_keys(tmp_path: Path) -> None:
    sc = load_scenario(ROOT / "scenarios" / "dealer-offseason.yaml").scenario
    done = huikuan(
        tmp_path, "play", "dealer-offseason", "--trainee", "t", "--no-log", "--seed", "1", stdin=""
    )
    for key, tid in tactic_keys(sc).items():
        name = sc.tactics[tid].name.zh
        assert any(
            line.strip().startswith(f"{key}  {name}") or line.strip().startswith(f"{key}  ({name}")
            for line in done.stdout.splitlines()
        ), (key, name)


def test_plain_shows_hints_reasons_and_facts(tmp_path: Path) -> None:
    done = play(tmp_path, "2\nq\n", "--trainee", "t")
    assert "(起诉 ⚠  ⨯ 要先「了解原因」)" in done.stdout
    assert "2  了解原因 — 最近是遇到什么困难了吗？" in done.stdout
    assert "已了解的情况：客户说明了原因" in done.stdout


def test_bad_input_says_what_is_expected(tmp_path: Path) -> None:
    done = play(tmp_path, "9\nq\n", "--trainee", "t")
    assert "没有“9”这个选项" in done.stdout and "（1–4）" in done.stdout


def test_an_unavailable_tactic_says_why(tmp_path: Path) -> None:
    done = play(tmp_path, "4\nq\n", "--trainee", "t")
    assert "暂不可用：要先「了解原因」" in done.stdout
    assert read_log(logs(tmp_path)[0]).steps == []


# --- confirmations ------------------------------------------------------------------------------


def test_risks_come_from_the_scenario() -> None:
    risks = move_risks(load_scenario(MINIMAL).scenario)
    assert risks[("opening", "threaten")] == Risk(ends=True, violation=True)
    assert risks[("explained", "sue")] == Risk(irreversible=True, ends=True)
    assert risks[("explained", "ask")] == Risk(ends=True)  # partial payment ends the play
    assert ("opening", "ask") not in risks and ("opening", "probe") not in risks


def test_a_move_that_can_end_the_play_is_confirmed(tmp_path: Path) -> None:
    done = play(tmp_path, "3\nn\nq\n", "--trainee", "t")
    assert "「威胁」可能让本局就此结束" in done.stdout and "没有出招" in done.stdout
    assert read_log(logs(tmp_path)[0]).steps == []


def test_an_irreversible_move_is_played_after_yes(tmp_path: Path) -> None:
    done = play(tmp_path, "2\n4\ny\n", "--trainee", "t")
    assert "一旦做出就无法撤回" in done.stdout
    assert read_log(logs(tmp_path)[0]).moves == ["probe", "sue"]


# --- leaving and coming back --------------------------------------------------------------------


def test_quitting_says_the_play_is_saved_and_how_to_resume(tmp_path: Path) -> None:
    done = play(tmp_path, "2\nq\n", "--trainee", "t")
    assert done.returncode == 0
    assert "已保存" in done.stdout and "下次运行同一命令即可继续" in done.stdout


def test_end_of_input_also_saves(tmp_path: Path) -> None:
    done = play(tmp_path, "2\n", "--trainee", "t", "--lang", "en")
    assert done.returncode == 0 and "Run the same command again to resume" in done.stdout


def test_the_same_command_offers_to_resume(tmp_path: Path) -> None:
    play(tmp_path, "2\nq\n", "--trainee", "t")
    done = play(tmp_path, "r\n1\ny\n", "--trainee", "t")
    assert "上次的练习没有完成" in done.stdout and "已从上次中断处继续" in done.stdout
    [log] = logs(tmp_path)
    contents = read_log(log)
    assert contents.complete and contents.moves == ["probe", "ask"]


def test_starting_over_leaves_the_old_play(tmp_path: Path) -> None:
    play(tmp_path, "2\nq\n", "--trainee", "t")
    play(tmp_path, "n\nq\n", "--trainee", "t")
    assert len(logs(tmp_path)) == 2


# --- trainer view and debrief -------------------------------------------------------------------


def test_reveal_shows_the_hidden_numbers(tmp_path: Path) -> None:
    assert "教练视图：" in play(tmp_path, "q\n", "--trainee", "t", "--reveal").stdout
    assert "教练视图" not in play(tmp_path, "n\nq\n", "--trainee", "t").stdout


def test_the_debrief_has_notes_regret_and_the_course_line(tmp_path: Path) -> None:
    done = play(tmp_path, "2\n1\ny\n", "--trainee", "t")
    assert "== 复盘 · 最小案例 · t ==" in done.stdout
    assert "↳ 先了解原因再行动。" in done.stdout
    assert "✓ 最佳选择" in done.stdout or "遗憾值" in done.stdout
    assert "课程推荐路线" in done.stdout and "按此路线" in done.stdout
