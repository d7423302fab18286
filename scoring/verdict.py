"""What grading found in one log: its status and the attempt row it makes (no engine needed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Statuses, from worst to best; the FLAGGED ones make grade exit 1.
FLAGGED = (
    "unreadable",
    "scenario_not_found",
    "scenario_changed",
    "tampered",
    "corrupt",
    "bad_signature",
    "unsigned",
    "conflict",
    "bot",
)
COUNTED = ("verified",)
STATUSES = (*FLAGGED, "incomplete", "verified")


@dataclass
class Verdict:
    """What grading found in one log file, and the attempt row it makes."""

    path: str
    status: str
    detail: str = ""
    key: str = ""
    content_sha256: str = ""
    problems: list[str] = field(default_factory=list)
    scenario_path: str = ""
    row: dict[str, Any] = field(default_factory=dict)

    @property
    def flagged(self) -> bool:
        return self.status in FLAGGED
