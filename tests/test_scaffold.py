"""`huikuan new`: every template is written, checks clean, plays to the end and passes its tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from simulator.analysis.bots import autoplay, random_policy
from simulator.authoring.lint import lint
from simulator.authoring.scaffold import SCHEMA_FILE, TEMPLATES, TYPES, check_name, render
from simulator.authoring.schema import schema_text
from simulator.engine.engine import Engine
from simulator.format.loader import load_scenario
from simulator.format.yamlsafe import read_yaml

ROOT = Path(__file__).resolve().parent.parent


def huikuan(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_DATA_HOME": str(cwd / "xdg"), "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "simulator.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


@pytest.fixture(scope="module", params=TYPES)
def written(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`huikuan new acme-TYPE --type TYPE` run in a fresh directory; the file it wrote."""
    debtor_type: str = request.param
    cwd = tmp_path_factory.mktemp(debtor_type)
    name = f"acme-{debtor_type.replace('_', '-')}"
    done = huikuan("new", name, "--type", debtor_type, cwd=cwd)
    assert done.returncode == 0, done.stderr
    path = cwd / f"{name}.yaml"
    assert path.is_file() and f"wrote {name}.yaml" in done.stdout
    return path


def test_new_then_check_is_clean(written: Path) -> None:
    done = huikuan("check", written, cwd=written.parent)
    assert done.returncode == 0, done.stdout
    assert done.stdout.strip().endswith("0 errors, 0 warnings)")


def test_new_then_random_plays_finish(written: Path) -> None:
    engine = Engine(load_scenario(written))
    for seed in range(20):
        play = engine.start(seed)
        autoplay(engine, play, random_policy(seed), max_steps=200)
        assert play.over, f"seed {seed} did not finish"
        assert play.outcome is not None


def test_new_then_play_random_on_the_command_line(written: Path) -> None:
    done = huikuan(
        "play", written, "--bot", "random", "--seed", "7", "--json", "--no-log", cwd=written.parent
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["outcome"] is not None and result["scenario"] == written.stem


def test_new_then_its_own_tests_pass(written: Path) -> None:
    done = huikuan("test", written, cwd=written.parent)
    assert done.returncode == 0, done.stdout
    passed = int(done.stdout.splitlines()[-1].split()[0])
    assert passed >= 4 and done.stdout.splitlines()[-1].endswith(" 0 failed")


def test_name_becomes_id_and_title(written: Path) -> None:
    sc = load_scenario(written).scenario
    assert sc.meta.id == written.stem
    assert sc.meta.title.zh == sc.meta.title.en == written.stem


def test_template_tests_cover_course_trap_and_violation(written: Path) -> None:
    tests = load_scenario(written).scenario.tests
    assert any(t.expect.violations == 1 and t.expect.grade == "F" for t in tests)
    assert sum(t.name.startswith("course line") for t in tests) >= 2
    assert any(t.name.startswith("trap") for t in tests)


# --- the schema the first line points at --------------------------------------------------------


@pytest.mark.parametrize("debtor_type", TYPES)
def test_first_line_points_at_the_shipped_schema(debtor_type: str) -> None:
    first = render("acme", debtor_type).splitlines()[0]
    assert first == f"# yaml-language-server: $schema={SCHEMA_FILE.as_uri()}"
    assert SCHEMA_FILE.is_file()


def test_shipped_schema_matches_the_models() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "the shipped schema is stale: run `python -m simulator.authoring.schema`"
    )


@pytest.mark.parametrize("debtor_type", TYPES)
def test_rendered_template_validates_against_the_schema(debtor_type: str) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    data, _ = read_yaml(render("acme", debtor_type), "acme.yaml")
    jsonschema.validate(data, json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def test_templates_are_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["simulator.authoring"]
    shipped = {p.name for pattern in patterns for p in TEMPLATES.parent.glob(pattern)}
    assert {f"{t}.yaml" for t in TYPES} | {"scenario.schema.json"} <= shipped


@pytest.mark.parametrize("debtor_type", TYPES)
def test_template_has_no_lint_findings_in_process(debtor_type: str, tmp_path: Path) -> None:
    path = tmp_path / "acme.yaml"
    path.write_text(render("acme", debtor_type), encoding="utf-8")
    assert [str(f) for f in lint(load_scenario(path))] == []


# --- names, files, refusal ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["acme", "acme-dealer", "a1_b2", "x" * 64])
def test_good_names(name: str) -> None:
    assert check_name(name) == name


@pytest.mark.parametrize(
    "name", ["Acme", "1acme", "acme-", "a--b", "acme.yaml", "has space", "x" * 65, "中文", ""]
)
def test_bad_names_are_exit_2(name: str, tmp_path: Path) -> None:
    done = huikuan("new", name, "--type", "dealer", cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1
    assert [p for p in tmp_path.iterdir() if p.suffix == ".yaml"] == []


def test_existing_file_is_not_overwritten_without_force(tmp_path: Path) -> None:
    target = tmp_path / "mine.yaml"
    target.write_text("keep me\n", encoding="utf-8")
    done = huikuan("new", "mine", "--type", "dealer", "-o", target, cwd=tmp_path)
    assert done.returncode == 2 and "already exists" in done.stderr
    assert target.read_text(encoding="utf-8") == "keep me\n"
    done = huikuan("new", "mine", "--type", "dealer", "-o", target, "--force", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert load_scenario(target).scenario.meta.id == "mine"


def test_output_directory_gets_name_yaml(tmp_path: Path) -> None:
    done = huikuan("new", "shop", "--type", "supermarket", "-o", tmp_path, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "shop.yaml").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop.yaml"]  # no temp file left


def test_type_is_required(tmp_path: Path) -> None:
    done = huikuan("new", "shop", cwd=tmp_path)
    assert done.returncode == 2 and "--type" in done.stderr


def test_new_help_explains_the_schema_line(tmp_path: Path) -> None:
    done = huikuan("new", "--help", cwd=tmp_path)
    assert done.returncode == 0 and "yaml-language-server" in done.stdout
