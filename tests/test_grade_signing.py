"""Signed logs: an HMAC chain per line when a key is configured, checked when grading with it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_grade_support import grade, make_logs, rewrite

from scoring.gradebook import Gradebook
from simulator.analysis.policies import make_policy
from simulator.engine.session import resume
from simulator.engine.session_log import KEY_ENV, KEY_FILE_ENV, check_signatures, read_log


@pytest.fixture
def key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A key file configured as on a trainee's machine (HUIKUAN_SIGNING_KEY_FILE)."""
    path = tmp_path / "signing.key"
    path.write_text("workshop-secret-2026\n", encoding="utf-8")
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.setenv(KEY_FILE_ENV, str(path))
    return path


def _status(db: Path) -> str:
    [row] = Gradebook(db).attempts()
    return str(row["status"])


def test_every_line_carries_a_signature(tmp_path: Path, key: Path) -> None:
    [log] = make_logs(tmp_path / "logs", seeds=range(1))
    records = [json.loads(x) for x in log.read_text(encoding="utf-8").splitlines()]
    assert "signature" in records[0] and all(len(r["sig"]) == 64 for r in records)


def test_signed_log_verifies_with_key(tmp_path: Path, key: Path) -> None:
    [log] = make_logs(tmp_path / "logs", seeds=range(1))
    assert grade(log, "--key-file", key, db=tmp_path / "g.db") == 0
    assert _status(tmp_path / "g.db") == "verified"


def test_signed_log_still_reads_and_replays_without_key(
    tmp_path: Path, key: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    [log] = make_logs(tmp_path / "logs", seeds=range(1))
    monkeypatch.delenv(KEY_FILE_ENV)
    assert read_log(log).complete
    assert grade(log, db=tmp_path / "g.db") == 0


def test_unsigned_log_flagged_when_grading_with_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    [log] = make_logs(tmp_path / "logs", seeds=range(1))
    monkeypatch.setenv(KEY_ENV, "workshop-secret-2026")
    assert grade(log, db=tmp_path / "g.db") == 1
    assert _status(tmp_path / "g.db") == "unsigned"


def test_edited_header_breaks_the_chain(tmp_path: Path, key: Path) -> None:
    [log] = make_logs(tmp_path / "logs", seeds=range(1))
    rewrite(log, lambda r: r[0].update(trainee="somebody-else"))  # replay alone cannot see this
    assert grade(log, "--key-file", key, db=tmp_path / "g.db") == 1
    assert _status(tmp_path / "g.db") == "bad_signature"


def test_removed_line_breaks_the_chain(tmp_path: Path, key: Path) -> None:
    [log] = make_logs(tmp_path / "logs", seeds=range(1), bot="random")
    lines = log.read_text(encoding="utf-8").splitlines()
    log.write_text("\n".join([lines[0], *lines[2:]]) + "\n", encoding="utf-8")
    assert check_signatures(log, key.read_bytes().strip()) is not None


def test_other_key_is_named(tmp_path: Path, key: Path) -> None:
    [log] = make_logs(tmp_path / "logs", seeds=range(1))
    assert check_signatures(log, b"another key") == "signed with a different key"


def test_resumed_log_keeps_the_chain(tmp_path: Path, key: Path) -> None:
    [log] = make_logs(tmp_path / "logs", seeds=range(1), moves=1)
    log.write_bytes(log.read_bytes() + b'{"type": "st')
    session = resume(log)
    policy = make_policy("greedy", 0)
    while not session.play.over:
        session.move(policy(session.engine, session.play))
    assert check_signatures(log, key.read_bytes().strip()) is None


def test_env_key_text_is_a_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    monkeypatch.setenv(KEY_ENV, "text-key")
    [log] = make_logs(tmp_path / "logs", seeds=range(1))
    assert check_signatures(log, b"text-key") is None


def test_unreadable_key_file_is_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_logs(tmp_path / "logs", seeds=range(1))
    missing = tmp_path / "nokey"
    assert grade(tmp_path / "logs", "--key-file", missing, db=tmp_path / "g.db") == 2
    assert f"{missing}: error: cannot read signing key" in capsys.readouterr().err
