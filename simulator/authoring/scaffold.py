"""Starting scenarios for trainers: one commented, playable template per debtor type."""

from __future__ import annotations

import re
from pathlib import Path

from simulator.authoring.schema import SHIPPED_SCHEMA
from simulator.errors import HuikuanError, Problem
from simulator.format.model import DebtorType

TEMPLATES = Path(__file__).resolve().parent / "templates"
SCHEMA_FILE = SHIPPED_SCHEMA
TYPES = tuple(t.value for t in DebtorType)
# A lower-case slug: it becomes meta.id (whose pattern is ^[a-z][a-z0-9_-]*$) and the file name.
NAME = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$")
MAX_NAME = 64


def check_name(name: str) -> str:
    """`name` if it is a valid scenario id; otherwise a one-line error."""
    if len(name) <= MAX_NAME and NAME.fullmatch(name):
        return name
    hint = "e.g. acme-dealer"
    if name.endswith((".yaml", ".yml")):
        hint = "give the name without .yaml; choose the file with -o"
    raise HuikuanError(
        Problem(
            name,
            f"not a valid scenario name: use lower-case letters, digits and single '-' or '_', "
            f"starting with a letter, at most {MAX_NAME} characters",
            hint=hint,
        )
    )


def schema_reference() -> str:
    """What the first line's `$schema=` points at: the shipped schema, as a file URI."""
    return SCHEMA_FILE.as_uri()


def render(name: str, debtor_type: str) -> str:
    """The template for `debtor_type` with `name` as its id and title."""
    check_name(name)
    if debtor_type not in TYPES:
        raise HuikuanError(Problem(debtor_type, f"unknown type; choose from {', '.join(TYPES)}"))
    text = (TEMPLATES / f"{debtor_type}.yaml").read_text(encoding="utf-8")
    return text.replace("{{schema}}", schema_reference()).replace("{{name}}", name)
