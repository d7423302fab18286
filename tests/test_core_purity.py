"""The core (simulator minus tui, and scoring) must work without importing Textual."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "simulator.format.model",
    "simulator.format.loader",
    "simulator.engine.engine",
    "simulator.engine.session",
    "simulator.analysis.bots",
    "simulator.cli",
    "simulator.format.catalog",
    "simulator.authoring.scripted",
    "simulator.engine.score",
]


def test_core_does_not_import_textual() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {name}\n" for name in CORE)
        + "from simulator.cli import main\n"
        + "main(['list', '--json'])\n"
        + "assert 'textual' not in sys.modules, 'textual imported by the core'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
