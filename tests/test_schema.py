"""The JSON Schema in docs/ matches the models, and an independent validator accepts scenarios."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.authoring.schema import SCHEMA_PATH, schema_text
from simulator.format.catalog import bundled_paths

GOOD = [Path(__file__).parent / "data" / "good" / "minimal.yaml", *bundled_paths()]


def test_schema_file_matches_models() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), (
        "run `python -m simulator.authoring.schema` after changing simulator/model.py"
    )


TOOL = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent)) or shutil.which(
    "check-jsonschema"
)


@pytest.mark.skipif(
    TOOL is None, reason="check-jsonschema is not installed (it comes with the dev extras)"
)
@pytest.mark.parametrize("path", GOOD, ids=[p.stem for p in GOOD])
def test_check_jsonschema_accepts(path: Path) -> None:
    assert TOOL is not None
    done = subprocess.run(
        [TOOL, "--schemafile", str(SCHEMA_PATH), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
