"""The JSON Schema of the scenario format, generated from the models for editors."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import msgspec

from simulator.format.model import Scenario
from simulator.text import schema_hook

_HERE = Path(__file__).resolve().parent
SCHEMA_PATH = _HERE.parents[1] / "docs" / "scenario.schema.json"
# The copy inside the package: `huikuan new` points editors at it wherever the file is written.
SHIPPED_SCHEMA = _HERE / "templates" / "scenario.schema.json"


def scenario_schema() -> dict[str, Any]:
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "huikuan scenario (format 1)",
        **msgspec.json.schema(Scenario, schema_hook=schema_hook),
    }
    # A draw takes `choices` or `range`, never both: the model checks it, editors should too.
    schema["$defs"]["Draw"]["oneOf"] = [{"required": ["choices"]}, {"required": ["range"]}]
    return schema


def schema_text() -> str:
    return json.dumps(scenario_schema(), ensure_ascii=False, indent=2) + "\n"


def main() -> int:
    """Write both copies of the schema (run after changing simulator/format/model.py)."""
    text = schema_text()
    for path in (SCHEMA_PATH, SHIPPED_SCHEMA):
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
