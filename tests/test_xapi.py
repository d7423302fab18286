"""xAPI export: ADL verbs per attempt, deterministic ids, valid under Ralph's strict model."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from test_grade_support import TEN, grade, make_logs

from scoring.gradebook import Gradebook
from scoring.xapi import ADL_VERB, NAMESPACE, all_statements, iso_duration, uuid5
from simulator.cli import main


@pytest.fixture(scope="module")
def rows(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    root = tmp_path_factory.mktemp("xapi")
    make_logs(root / "logs", TEN[:3], range(2), bot="random")
    make_logs(root / "cut", ("t09",), range(1), moves=1)
    grade(root / "logs", root / "cut", "--cohort", "一期", db=root / "g.db")
    return Gradebook(root / "g.db").attempts()


def _verbs(statements: list[dict[str, Any]]) -> list[str]:
    return [s["verb"]["id"].removeprefix(ADL_VERB) for s in statements]


def test_finished_attempt_sequence(rows: list[dict[str, Any]]) -> None:
    row = next(r for r in rows if r["finished"])
    verbs = _verbs(all_statements([row]))
    assert verbs[0] == "attempted" and verbs[-2] == "completed"
    assert verbs[-1] in ("passed", "failed")
    assert verbs[1:-2] == ["responded"] * row["steps"]


def test_incomplete_attempt_has_no_completion(rows: list[dict[str, Any]]) -> None:
    row = next(r for r in rows if r["status"] == "incomplete")
    assert _verbs(all_statements([row])) == ["attempted", "responded"]


def test_one_registration_per_attempt(rows: list[dict[str, Any]]) -> None:
    statements = all_statements(rows)
    registrations = {s["context"]["registration"] for s in statements}
    assert len(registrations) == len(rows)


def test_ids_deterministic_and_unique(rows: list[dict[str, Any]]) -> None:
    first, second = all_statements(rows), all_statements(rows)
    ids = [s["id"] for s in first]
    assert ids == [s["id"] for s in second] and len(set(ids)) == len(ids)


def test_result_score_success_duration_and_extensions(rows: list[dict[str, Any]]) -> None:
    row = next(r for r in rows if r["finished"])
    result = all_statements([row])[-1]["result"]
    assert result["score"] == {
        "scaled": round(row["score"] / 100, 4), "raw": row["score"], "min": 0, "max": 100
    }  # fmt: skip
    assert result["success"] is bool(row["passed"]) and result["duration"].startswith("PT")
    names = {k.rsplit("/", 1)[1] for k in result["extensions"]}
    assert names == {"recovery-rate", "relationship-damage", "violations"}


def test_flagged_attempts_are_not_exported() -> None:
    row = {"status": "tampered"}
    assert all_statements([row]) == []


def test_ids_are_rfc4122_uuid5() -> None:
    assert uuid5("statement/k/attempted") == str(uuid.uuid5(NAMESPACE, "statement/k/attempted"))


def test_iso_durations() -> None:
    assert [iso_duration(s) for s in (0, 59.6, 61, 3725)] == ["PT0S", "PT1M", "PT1M1S", "PT1H2M5S"]


def test_export_writes_a_statement_array(tmp_path: Path) -> None:
    make_logs(tmp_path / "logs", seeds=range(1))
    grade(tmp_path / "logs", db=tmp_path / "g.db")
    out = tmp_path / "x.json"
    argv = ["export", "--db", str(tmp_path / "g.db"), "--format", "xapi", "--out", str(out)]
    assert main(argv) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert isinstance(data, list) and data[0]["verb"]["id"].endswith("/attempted")


def test_statements_valid_under_ralph_strict_model(rows: list[dict[str, Any]]) -> None:
    models = pytest.importorskip(
        "ralph.models.xapi.base.statements",
        reason="ralph is not installed (pip install -e '.[lrs]')",
    )
    for statement in all_statements(rows):
        models.BaseXapiStatement.model_validate(statement)


def test_the_account_is_the_normalised_username(rows: list[dict[str, Any]]) -> None:
    row = {**next(r for r in rows if r["finished"]), "trainee": "１００８６ "}
    actor = all_statements([row])[0]["actor"]
    assert actor["account"]["name"] == "10086" and actor["name"] == "１００８６ "
