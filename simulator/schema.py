"""The JSON Schema of the scenario format, generated from the models for editors."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from simulator.model import Scenario

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "docs" / "scenario.schema.json"


def scenario_schema() -> dict[str, Any]:
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "huikuan scenario (format 1)"
    return schema


def schema_text() -> str:
    return json.dumps(scenario_schema(), ensure_ascii=False, indent=2) + "\n"


def main() -> int:
    """Write docs/scenario.schema.json (run after changing simulator/model.py)."""
    SCHEMA_PATH.write_text(schema_text(), encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
