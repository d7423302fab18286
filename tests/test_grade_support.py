"""Helpers for the grader tests: bot-played logs of the small scenario, and the CLI in-process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from simulator.analysis.policies import make_policy
from simulator.cli import main
from simulator.engine.engine import Engine
from simulator.engine.session import Session
from simulator.format.loader import load_scenario

DATA = Path(__file__).parent / "data"
MINIMAL = DATA / "good" / "minimal.yaml"
SCENARIOS = DATA / "good"
TEN = tuple(f"t{n:02d}" for n in range(1, 11))


def make_logs(
    directory: Path,
    trainees: tuple[str, ...] = ("t01",),
    seeds: range = range(3),
    bot: str = "greedy",
    moves: int | None = None,
) -> list[Path]:
    """Play each trainee x seed with a bot and return the logs (cut after `moves` if given)."""
    engine = Engine(load_scenario(MINIMAL))
    paths = []
    for trainee in trainees:
        for seed in seeds:
            session = Session.start(engine, seed, trainee, directory)
            policy = make_policy(bot, seed)
            while not session.play.over and (moves is None or len(session.play.steps) < moves):
                session.move(policy(engine, session.play))
            if not session.play.over:
                session.close()
            assert session.log is not None
            paths.append(session.log.path)
    return paths


def grade(*args: str | Path, db: Path) -> int:
    """`huikuan grade ARGS --db DB --scenarios tests/data/good --jobs 1`."""
    argv = ["grade", *map(str, args), "--db", str(db), "--scenarios", str(SCENARIOS)]
    return main([*argv, "--jobs", "1"])


def summary(capsys: pytest.CaptureFixture[str], *args: str | Path, db: Path) -> dict[str, Any]:
    """Grade with --json and return the summary it prints."""
    grade(*args, "--json", db=db)
    result: dict[str, Any] = json.loads(capsys.readouterr().out)
    return result


def rewrite(path: Path, change: Any) -> None:
    """Edit a log's records with `change(list_of_records)`, as a trainee with an editor might."""
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    change(records)
    lines = [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in records]
    path.write_text("".join(x + "\n" for x in lines), encoding="utf-8")
