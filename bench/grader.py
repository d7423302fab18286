"""Grader speed: bot-played logs, then `huikuan grade` (ingest + replay) and every export, timed."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.analysis.policies import make_policy
from simulator.cli import main as huikuan
from simulator.engine.engine import Engine
from simulator.engine.session import Session
from simulator.format.loader import load_scenario

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "data" / "good" / "minimal.yaml"
FORMATS = ("csv", "moodle", "canvas", "xlsx", "json", "xapi")


def _play_range(job: tuple[str, str, int, int]) -> int:
    """Play seeds [first, last) into `directory`: trainee and bot vary with the seed."""
    scenario, directory, first, last = job
    # Setting up 10,000 logs is not what is measured: skip the per-line fsync while writing them.
    os.fsync = lambda fd: None
    engine = Engine(load_scenario(scenario))
    for seed in range(first, last):
        session = Session.start(engine, seed, f"trainee-{seed % 100:03d}", Path(directory))
        policy = make_policy("greedy" if seed % 4 == 0 else "random", seed)
        while not session.play.over:
            session.move(policy(engine, session.play))
    return last - first


def generate(scenario: Path, directory: Path, logs: int, jobs: int) -> None:
    size = -(-logs // (jobs * 4))
    parts = [(str(scenario), str(directory), s, min(logs, s + size)) for s in range(0, logs, size)]
    with ProcessPoolExecutor(jobs) as pool:
        assert sum(pool.map(_play_range, parts)) == logs


def _quiet(argv: list[str]) -> int:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return huikuan(argv)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--logs", type=int, default=10_000, help="logs to generate (10,000)")
    parser.add_argument("--scenario", type=Path, default=MINIMAL, help="the scenario played")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="huikuan-bench-") as temp:
        root = Path(temp)
        start = time.perf_counter()
        generate(args.scenario, root / "logs", args.logs, args.jobs)
        generate_s = time.perf_counter() - start
        db = root / "grades.db"
        start = time.perf_counter()
        code = _quiet(["grade", str(root / "logs"), "--db", str(db), "--jobs", str(args.jobs),
                       "--scenarios", str(args.scenario.parent)])  # fmt: skip
        ingest_s = time.perf_counter() - start
        assert code == 0, f"grade exited {code}"
        start = time.perf_counter()
        _quiet(["grade", str(root / "logs"), "--db", str(db), "--jobs", str(args.jobs),
                "--scenarios", str(args.scenario.parent)])  # fmt: skip
        again_s = time.perf_counter() - start
        each = {}
        for name in FORMATS:
            start = time.perf_counter()
            assert _quiet(["export", "--db", str(db), "--format", name,
                           "--out", str(root / f"out.{name}")]) == 0  # fmt: skip
            each[name] = round(time.perf_counter() - start, 2)
        export_s = sum(each.values())
    result = {
        "logs": args.logs,
        "ingest_s": round(ingest_s, 2),
        "export_s": round(export_s, 2),
        "regrade_s": round(again_s, 2),
        "export_by_format_s": each,
        "generate_s": round(generate_s, 2),
        "jobs": args.jobs,
    }
    if args.json:
        print(json.dumps(result))
        return
    print(f"generated {args.logs} logs with bots in {generate_s:.1f} s (not counted)")
    print(f"grade (ingest + replay verify, {args.jobs} processes): {ingest_s:.2f} s "
          f"({args.logs / ingest_s:,.0f} logs/s); grading them again: {again_s:.2f} s")  # fmt: skip
    print(f"export, all {len(FORMATS)} formats: {export_s:.2f} s  {each}")
    verdict = "meets" if ingest_s + export_s < 30 else "MISSES"
    print(f"ingest + export {ingest_s + export_s:.1f} s: {verdict} the < 30 s target")


if __name__ == "__main__":
    main()
