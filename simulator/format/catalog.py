"""Finds scenarios: the bundled ones by id, or any file by path."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import scenarios
from simulator.errors import HuikuanError, Problem, ScenarioError
from simulator.format.loader import LoadedScenario, load_scenario


def bundled_dir() -> Path:
    return Path(scenarios.__file__).parent


def bundled_paths(extra: Path | None = None) -> list[Path]:
    """Bundled scenario files, then those in `extra`, sorted by name within each."""
    found = sorted(bundled_dir().glob("*.yaml"))
    if extra is not None:
        if not extra.is_dir():
            raise HuikuanError(Problem(str(extra), "not a directory of scenarios"))
        found += sorted([*extra.glob("*.yaml"), *extra.glob("*.yml")])
    return found


@dataclass(frozen=True)
class Entry:
    """One scenario as a list shows it."""

    path: Path
    loaded: LoadedScenario

    @property
    def id(self) -> str:
        return self.loaded.scenario.meta.id


def catalog(extra: Path | None = None) -> tuple[list[Entry], list[ScenarioError]]:
    entries, errors = [], []
    for path in bundled_paths(extra):
        try:
            entries.append(Entry(path, load_scenario(path)))
        except ScenarioError as exc:
            errors.append(exc)
    return entries, errors


def resolve(name: str, extra: Path | None = None) -> Path:
    """A path as given, or the file of the bundled (or `extra`) scenario with that id."""
    path = Path(name)
    if path.suffix in (".yaml", ".yml") or path.exists() or "/" in name:
        return path
    for candidate in bundled_paths(extra):
        if candidate.stem == name:
            return candidate
    entries, _ = catalog(extra)
    for entry in entries:
        if entry.id == name:
            return entry.path
    known = ", ".join(e.id for e in entries) or "none"
    raise HuikuanError(Problem(name, f"no such scenario file or bundled id (bundled: {known})"))
