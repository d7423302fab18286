"""Plain-terminal front end: transcripts, and a line-by-line game until the TUI replaces it."""

from __future__ import annotations

import secrets
import unicodedata
from pathlib import Path

from simulator.engine.engine import Engine
from simulator.engine.playthrough import relationship_word
from simulator.engine.session import Session
from simulator.format.labels import CATEGORY_LABELS, DEBTOR_LABELS, outcome_label


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
    zh = lang == "zh"
    print(f"{sc.meta.title.get(lang)}  ({sc.meta.id} v{sc.meta.version}, seed {play.seed})")
    print(f"  {'对方' if zh else 'Debtor'}: {play.opening.get(lang)}")
    for step in play.steps:
        tactic = sc.tactics[step.tactic]
        day = f"第{step.day}天" if zh else f"day {step.day}"
        print(f"[{day}] {tactic.name.get(lang)}")
        print(f"  {'你' if zh else 'You'}: {tactic.says.get(lang)}")
        print(f"  {'对方' if zh else 'Debtor'}: {step.reply.get(lang)}")
        if step.paid:
            print(f"  + {_money(step.paid)}")
        print(f"  ↳ {step.note.get(lang)}")
    report = session.report or engine.report(play)
    print()
    print(
        f"{outcome_label(str(play.outcome) if play.outcome else None, lang)} · "
        + (f"回款率 {report.recovery_rate:.1%}" if zh else f"recovery {report.recovery_rate:.1%}")
        + f" ({_money(report.recovered)} / {_money(report.debt)}) · "
        + (
            f"得分 {report.score:.1f} ({report.grade})"
            if zh
            else f"score {report.score:.1f} ({report.grade})"
        )
    )
    if session.log is not None:
        print(("日志：" if zh else "log: ") + str(session.log.path))


def play_interactive(
    engine: Engine, seed: int, trainee: str, log_dir: Path | None, lang: str
) -> int:
    session = Session.start(engine, seed, trainee, log_dir, lang)
    sc, play = engine.scenario, session.play
    zh = lang == "zh"
    d = sc.dossier
    print(f"== {sc.meta.title.get(lang)} ==")
    print(f"{d.company.get(lang)} · {_money(d.amount_owed)} · {d.terms.get(lang)}")
    print(d.history.get(lang))
    try:
        while not play.over:
            cues = "、".join(c.get(lang) for c in engine.cues(play))
            rel = relationship_word(play.relationship).get(lang)
            print()
            print(f"{'对方' if zh else 'Debtor'}: {play.line.get(lang)}")
            day = (
                f"第 {play.day}/{sc.deadline_days} 天"
                if zh
                else f"day {play.day}/{sc.deadline_days}"
            )
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
            if not answer.isdigit() or not 1 <= int(answer) <= len(options):
                continue
            option = options[int(answer) - 1]
            if not option.available:
                continue
            step = session.move(option.id)
            print(f"{'你' if zh else 'You'}: {option.tactic.says.get(lang)}")
            if step.paid:
                print(f"  + {_money(step.paid)}")
    except EOFError:
        session.close()
        return 0
    print()
    print_transcript(session, lang)
    return 0


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
    if not answer.isdigit() or not 1 <= int(answer) <= len(entries):
        return 0
    engine = Engine(entries[int(answer) - 1].loaded)
    return play_interactive(engine, secrets.randbelow(2**31), "trainee", default_log_dir(), lang)
