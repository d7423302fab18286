"""Session logs: written per step, read back after a crash, replayed, resumed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.analysis.policies import make_policy
from simulator.engine.engine import Engine
from simulator.engine.session import Session, replay, resume
from simulator.engine.session_log import read_log
from simulator.errors import LogError
from simulator.format.loader import LoadedScenario, load_scenario


def _played(engine: Engine, tmp_path: Path, seed: int = 3, moves: int | None = None) -> Session:
    session = Session.start(engine, seed, "t-01", tmp_path)
    policy = make_policy("random", seed)
    while not session.play.over and (moves is None or len(session.play.steps) < moves):
        session.move(policy(engine, session.play))
    return session


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_log_has_header_steps_and_final(engine: Engine, tmp_path: Path) -> None:
    session = _played(engine, tmp_path)
    assert session.log is not None
    lines = _lines(session.log.path)
    assert lines[0]["type"] == "header" and lines[-1]["type"] == "final"
    assert [x["type"] for x in lines[1:-1]] == ["step"] * len(session.play.steps)


def test_header_names_scenario_seed_and_hash(
    minimal: LoadedScenario, engine: Engine, tmp_path: Path
) -> None:
    session = _played(engine, tmp_path)
    assert session.log is not None
    header = _lines(session.log.path)[0]
    assert header["scenario"] == "minimal" and header["seed"] == 3
    assert header["scenario_sha256"] == minimal.sha256 and header["trainee"] == "t-01"
    assert {"log_format", "started", "engine_version", "scenario_version"} <= set(header)


def test_each_step_is_on_disk_before_the_next(engine: Engine, tmp_path: Path) -> None:
    session = Session.start(engine, 1, "t", tmp_path)
    session.move("probe")
    assert session.log is not None
    assert len(_lines(session.log.path)) == 2
    session.close()


def test_replay_reproduces_log(minimal: LoadedScenario, engine: Engine, tmp_path: Path) -> None:
    for seed in range(10):
        session = _played(engine, tmp_path, seed)
        assert session.log is not None
        check = replay(read_log(session.log.path), minimal)
        assert check.matches and check.same_scenario, check.mismatch


def test_edited_log_does_not_replay(
    minimal: LoadedScenario, engine: Engine, tmp_path: Path
) -> None:
    session = _played(engine, tmp_path, 1)
    assert session.log is not None
    lines = _lines(session.log.path)
    lines[-1]["report"]["score"] = 100.0  # type: ignore[index]
    session.log.path.write_text(
        "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8"
    )
    assert not replay(read_log(session.log.path), minimal).matches


def test_cut_log_readable_to_last_whole_line(engine: Engine, tmp_path: Path) -> None:
    session = Session.start(engine, 1, "t", tmp_path)
    session.move("probe")
    session.close()
    assert session.log is not None
    path = session.log.path
    path.write_bytes(path.read_bytes() + b'{"type": "step", "tac')
    contents = read_log(path)
    assert contents.truncated and not contents.complete and len(contents.steps) == 1


def test_corrupt_middle_line_reported_and_skipped(engine: Engine, tmp_path: Path) -> None:
    session = _played(engine, tmp_path, 1)
    assert session.log is not None
    lines = session.log.path.read_text(encoding="utf-8").splitlines()
    lines.insert(1, "{not json")
    session.log.path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    contents = read_log(session.log.path)
    assert contents.complete and len(contents.problems) == 1
    assert contents.problems[0].line == 2


def test_not_a_log_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"type": "step"}\n', encoding="utf-8")
    with pytest.raises(LogError, match="not a huikuan session log"):
        read_log(path)


def test_resume_continues_same_playthrough(engine: Engine, tmp_path: Path) -> None:
    whole = _played(engine, tmp_path / "a", 5)
    cut = _played(engine, tmp_path / "b", 5, moves=1)
    cut.close()
    assert cut.log is not None
    cut.log.path.write_bytes(cut.log.path.read_bytes() + b'{"type": "st')
    again = resume(cut.log.path, engine)
    policy = make_policy("random", 5)
    policy(engine, again.play)  # the bot's stream: its first pick was already taken
    while not again.play.over:
        again.move(policy(engine, again.play))
    assert [s.to_dict() for s in again.play.steps] == [s.to_dict() for s in whole.play.steps]
    assert read_log(cut.log.path).complete


def test_resume_refuses_finished_log(engine: Engine, tmp_path: Path) -> None:
    session = _played(engine, tmp_path, 2)
    assert session.log is not None
    with pytest.raises(LogError, match="already finished"):
        resume(session.log.path, engine)


def test_resume_refuses_changed_scenario(tmp_path: Path) -> None:
    source = Path(__file__).parent / "data" / "good" / "minimal.yaml"
    copy = tmp_path / "copy.yaml"
    copy.write_bytes(source.read_bytes())
    engine = Engine(load_scenario(copy))
    session = _played(engine, tmp_path, 2, moves=1)
    session.close()
    copy.write_bytes(source.read_bytes() + b"\n# edited\n")
    assert session.log is not None
    with pytest.raises(LogError, match="changed"):
        resume(session.log.path)


@pytest.mark.parametrize(
    ("trainee", "part"), [("张伟", "张伟"), ("../../etc/x", "_etc_x"), ("", "anon")]
)
def test_log_name_keeps_letters_and_stays_in_the_log_dir(
    engine: Engine, tmp_path: Path, trainee: str, part: str
) -> None:
    session = Session.start(engine, 1, trainee, tmp_path)
    assert session.log is not None
    assert session.log.path.parent == tmp_path and part in session.log.path.name
    session.log.close()
