"""Finds scenarios: the bundled ones by id, or any file by path."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import scenarios
from simulator.errors import HuikuanError, Problem, ScenarioError
from simulator.format.loader import LoadedScenario, load_scenario


def bundled_dir() -> Path:
    return Path(scenarios.__file__).parent


SUFFIXES = (".yaml", ".yml")


def scenario_files(folder: Path) -> list[Path]:
    """The scenario files (*.yaml, *.yml) under `folder` and its subfolders, sorted by path."""
    if not folder.is_dir():
        raise HuikuanError(Problem(str(folder), "not a directory of scenarios"))
    return sorted(p for p in folder.rglob("*") if p.suffix in SUFFIXES and p.is_file())


def bundled_paths(extra: Path | None = None, *, bundled: bool = True) -> list[Path]:
    """The one rule for finding scenarios: the bundled files, then those under `extra`.

    `list`, the home screen, `check DIR` and the grader all find scenarios through here.
    """
    found = scenario_files(bundled_dir()) if bundled else []
    if extra is not None:
        found += scenario_files(extra)
    return found


@dataclass(frozen=True)
class Entry:
    """One scenario as a list shows it."""

    path: Path
    loaded: LoadedScenario

    @property
    def id(self) -> str:
        return self.loaded.scenario.meta.id


def catalog(
    extra: Path | None = None, *, bundled: bool = True
) -> tuple[list[Entry], list[ScenarioError]]:
    """Every scenario `bundled_paths` finds, loaded, and the errors of those that do not load."""
    entries, errors = [], []
    for path in bundled_paths(extra, bundled=bundled):
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
