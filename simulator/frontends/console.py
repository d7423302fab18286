"""Plain-terminal front end: transcripts, and a line-by-line game until the TUI replaces it."""

from __future__ import annotations

import secrets
import unicodedata
from pathlib import Path

from simulator.engine.engine import Engine
from simulator.engine.playthrough import relationship_word
from simulator.engine.session import Session
from simulator.format.labels import CATEGORY_LABELS, DEBTOR_LABELS, outcome_label
from simulator.frontends.board import LABELS as BOARD
from simulator.frontends.board import Figures
from simulator.text import LIST_SEP, Text

DEBTOR = Text(zh="对方", en="Debtor")
YOU = Text(zh="你", en="You")
DAY = Text(zh="第{n}天", en="day {n}")
DAY_OF = Text(zh="第 {n}/{of} 天", en="day {n}/{of}")
RECOVERY = Text(zh="回款率 {rate:.1%}", en="recovery {rate:.1%}")
SCORE = Text(zh="得分 {score:.1f} ({grade})", en="score {score:.1f} ({grade})")
LOG = Text(zh="日志：", en="log: ")
PICK_A_NUMBER = Text(
    zh="请输入 1–{n} 之间的数字（q 退出）。", en="Type a number from 1 to {n} (q quits)."
)


def width(text: str) -> int:
    """Terminal cells `text` takes: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, cells: int) -> str:
    return text + " " * max(0, cells - width(text))


def _money(value: float) -> str:
    return f"¥{value:,.0f}"


def print_transcript(session: Session, lang: str) -> None:
    engine, play = session.engine, session.play
    sc = engine.scenario
    print(f"{sc.meta.title.get(lang)}  ({sc.meta.id} v{sc.meta.version}, seed {play.seed})")
    print(f"  {DEBTOR.get(lang)}: {play.opening.get(lang)}")
    for step in play.steps:
        tactic = sc.tactics[step.tactic]
        day = DAY.get(lang).format(n=step.day)
        print(f"[{day}] {tactic.name.get(lang)}")
        print(f"  {YOU.get(lang)}: {tactic.says.get(lang)}")
        print(f"  {DEBTOR.get(lang)}: {step.reply.get(lang)}")
        if step.paid:
            print(f"  + {_money(step.paid)}")
        print(f"  ↳ {step.note.get(lang)}")
    report = session.report or engine.report(play)
    print()
    print(
        f"{outcome_label(str(play.outcome) if play.outcome else None, lang)} · "
        + RECOVERY.get(lang).format(rate=report.recovery_rate)
        + f" ({_money(report.recovered)} / {_money(report.debt)}) · "
        + SCORE.get(lang).format(score=report.score, grade=report.grade)
    )
    if session.log is not None:
        print(LOG.get(lang) + str(session.log.path))


def play_interactive(
    engine: Engine, seed: int, trainee: str, log_dir: Path | None, lang: str
) -> int:
    session = Session.start(engine, seed, trainee, log_dir, lang)
    sc, play = engine.scenario, session.play
    d = sc.dossier
    print(f"== {sc.meta.title.get(lang)} ==")
    print(f"{d.company.get(lang)} · {_money(d.amount_owed)} · {d.terms.get(lang)}")
    print(d.history.get(lang))
    try:
        while not play.over:
            cues = LIST_SEP.get(lang).join(c.get(lang) for c in engine.cues(play))
            rel = relationship_word(play.relationship).get(lang)
            print()
            print(f"{DEBTOR.get(lang)}: {play.line.get(lang)}")
            day = DAY_OF.get(lang).format(n=play.day, of=sc.deadline_days)
            print(f"[{day} · {_money(play.recovered)} · {rel} · {cues}]")
            options = engine.options(play)
            for number, option in enumerate(options, start=1):
                category = CATEGORY_LABELS[option.tactic.category].get(lang)
                mark = (
                    ""
                    if option.available
                    else f"  ({option.reason.get(lang) if option.reason else ''})"
                )
                print(f"  {number:>2}. {pad(category, 6)} {option.tactic.name.get(lang)}{mark}")
            answer = input("> ").strip()
            if answer in ("q", "quit"):
                session.close()
                return 0
            picked = choice(answer, len(options))
            if picked is None:
                print(PICK_A_NUMBER.get(lang).format(n=len(options)))
                continue
            option = options[picked - 1]
            if not option.available:
                continue
            step = session.move(option.id)
            print(f"{YOU.get(lang)}: {option.tactic.says.get(lang)}")
            if step.paid:
                print(f"  + {_money(step.paid)}")
    except EOFError:
        session.close()
        return 0
    print()
    print_transcript(session, lang)
    return 0


def choice(answer: str, count: int) -> int | None:
    """The number typed, if it is 1..count in ASCII digits ('²', '①' and 5,000 digits are not)."""
    if not answer.isascii() or not answer.isdigit() or len(answer) > len(str(count)):
        return None
    number = int(answer)
    return number if 1 <= number <= count else None


def home(lang: str) -> int:
    from simulator.engine.session_log import default_log_dir
    from simulator.format.catalog import catalog

    entries, _ = catalog()
    for number, entry in enumerate(entries, start=1):
        meta = entry.loaded.scenario.meta
        print(
            f"{number}. {pad(DEBTOR_LABELS[meta.debtor_type].get(lang), 12)} {meta.title.get(lang)}"
        )
    try:
        answer = input("> ").strip()
    except EOFError:
        return 0
    picked = choice(answer, len(entries))
    if picked is None:
        return 0
    engine = Engine(entries[picked - 1].loaded)
    return play_interactive(engine, secrets.randbelow(2**31), "trainee", default_log_dir(), lang)


def _table(rows: list[list[str]]) -> None:
    widths = [max(width(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip())


def print_board(figures: Figures, lang: str) -> None:
    """The trainer's board as plain text (`huikuan board --once`, or without a terminal)."""
    print(f"{BOARD['title'].get(lang)}")
    if not figures.trainees:
        print(BOARD["none"].get(lang))
        return
    head = ["trainee", "scenario", "day", "recovered", "relationship", "status", "score", "grade"]
    rows = [[BOARD[h].get(lang) for h in head]]
    for r in figures.trainees:
        rows.append([
            r.trainee, r.title.get(lang), str(r.day), f"{r.recovered:,.0f}",
            "—" if r.relationship is None else f"{r.relationship:.0f}",
            BOARD["finished" if r.finished else "playing"].get(lang),
            "" if r.score is None else f"{r.score:.1f}", r.grade or "",
        ])  # fmt: skip
    _table(rows)
    print()
    head = ["scenario", "people", "finished", "mean", "first", "mistake"]
    rows = [[BOARD[h].get(lang) for h in head]]
    for s in figures.scenarios:
        most = [
            "—" if m is None else f"{m[0].get(lang)} ×{m[1]}" for m in (s.first_move, s.mistake)
        ]
        mean = "—" if s.mean_score is None else f"{s.mean_score:.1f}"
        rows.append([s.title.get(lang), str(s.trainees), f"{s.finished} / {s.plays}", mean, *most])
    _table(rows)
