"""What this machine remembers for both front ends: the last trainee and the language."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from simulator.trainee import display_name, name_problem


def default_config_path() -> Path:
    from platformdirs import user_config_path

    return user_config_path("huikuan", appauthor=False) / "tui.json"


@dataclass
class Settings:
    """The remembered choices; None where nothing was chosen yet."""

    trainee: str | None = None
    lang: str | None = None


def load_settings(path: Path) -> Settings:
    """The settings in `path`; an unreadable or odd file counts as empty."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()
    if not isinstance(data, dict):
        return Settings()
    trainee = data.get("trainee")
    lang = data.get("lang")
    return Settings(
        trainee=clean_trainee(trainee) if isinstance(trainee, str) else None,
        lang=lang if lang in ("zh", "en") else None,
    )


def save_settings(path: Path, settings: Settings) -> bool:
    """Write the settings atomically; False if the disk refused (the app goes on without)."""
    data = {"trainee": settings.trainee, "lang": settings.lang}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_suffix(".part")
        part.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        os.replace(part, path)
    except OSError:
        return False
    return True


def clean_trainee(text: str) -> str | None:
    """A trainee name or ID as typed, trimmed; None if it is not a valid name."""
    return None if name_problem(text) else display_name(text)
