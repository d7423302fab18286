"""What the screens may read of the app that hosts them, as a protocol (not the app itself)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, cast

from textual.dom import DOMNode

from simulator.errors import ScenarioError
from simulator.format.catalog import Entry


class Host(Protocol):
    """The app's state a screen shows; screens change it only by posting messages."""

    lang: str
    trainee: str | None
    log_dir: Path | None

    def entries(self) -> tuple[list[Entry], list[ScenarioError]]: ...


def host(node: DOMNode) -> Host:
    """The app `node` runs in, seen through the Host protocol."""
    return cast(Host, node.app)
