"""What the plain game prints: the dossier, a turn, the transcript and the debrief."""

from __future__ import annotations

import unicodedata

from simulator.analysis.review import Line, course_line, regret, solver_line
from simulator.engine.engine import Engine
from simulator.engine.playthrough import Playthrough, Step, shown_day
from simulator.engine.score import Decision
from simulator.engine.session import Session
from simulator.format.labels import outcome_label
from simulator.frontends.console import words as w
from simulator.frontends.decisions import effects, learned, money
from simulator.grades import shown_score
from simulator.text import LIST_SEP


def width(text: str) -> int:
    """Terminal cells `text` takes: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, cells: int) -> str:
    return text + " " * max(0, cells - width(text))


def print_dossier(engine: Engine, play: Playthrough, lang: str) -> None:
    """The customer file, with the facts learned so far."""
    d = engine.scenario.dossier
    aging = w.AGING.get(lang).format(n=d.aging_days)
    print(f"{d.company.get(lang)} · {money(d.amount_owed)} · {aging}")
    print(w.RATING.get(lang) + d.credit_rating.get(lang))
    print(w.TERMS.get(lang) + d.terms.get(lang))
    print(w.HISTORY.get(lang) + d.history.get(lang))
    if d.contacts:
        print(w.CONTACTS.get(lang))
        for c in d.contacts:
            note = f" — {c.note.get(lang)}" if c.note else ""
            print(f"  • {c.name.get(lang)} · {c.role.get(lang)}{note}")
    if d.notes:
        print(w.NOTES.get(lang))
        for n in d.notes:
            print(f"  • {n.get(lang)}")
    print_facts(engine, play, lang)


def print_facts(engine: Engine, play: Playthrough, lang: str) -> None:
    facts = engine.facts(play)
    shown = LIST_SEP.get(lang).join(f.get(lang) for f in facts) if facts else w.NO_FACTS.get(lang)
    print(w.FACTS.get(lang) + shown)


def print_step(engine: Engine, step: Step, lang: str) -> None:
    """What one move brought: money, a promise, facts, a violation."""
    sc = engine.scenario
    print(f"{w.YOU.get(lang)}: {sc.tactics[step.tactic].says.get(lang)}")
    if step.paid > 0:
        print("  + " + w.RECEIVED.get(lang).format(amount=money(step.paid)))
    if step.secured > 0:
        print("  ✎ " + w.PROMISED.get(lang).format(amount=money(step.secured)))
    for fact in step.revealed:
        print("  ✓ " + learned(sc, fact, lang))
    if step.violation is not None:
        print("  ✗ " + w.VIOLATION.get(lang).format(text=step.violation.get(lang)))


def print_transcript(session: Session, lang: str) -> None:
    engine, play = session.engine, session.play
    sc = engine.scenario
    print(f"{sc.meta.title.get(lang)}  ({sc.meta.id} v{sc.meta.version}, seed {play.seed})")
    print(f"  {w.DEBTOR.get(lang)}: {play.opening.get(lang)}")
    for step in play.steps:
        tactic = sc.tactics[step.tactic]
        day = w.DAY.get(lang).format(n=shown_day(step.day, sc.deadline_days))
        print(f"[{day}] {tactic.name.get(lang)}")
        print(f"  {w.YOU.get(lang)}: {tactic.says.get(lang)}")
        print(f"  {w.DEBTOR.get(lang)}: {step.reply.get(lang)}")
        if step.paid:
            print(f"  + {money(step.paid)}")
        print(f"  ↳ {step.note.get(lang)}")
    print()
    print(result_line(session, lang))
    if session.log is not None:
        print(w.LOG.get(lang) + str(session.log.path))


def result_line(session: Session, lang: str) -> str:
    play = session.play
    report = session.report or session.engine.report(play)
    bands = session.engine.scenario.rubric.grade_bands
    return (
        f"{outcome_label(str(play.outcome) if play.outcome else None, lang)} · "
        + w.RECOVERY.get(lang).format(rate=report.recovery_rate)
        + f" ({money(report.recovered)} / {money(report.debt)}) · "
        + w.SCORE.get(lang).format(
            score=shown_score(report.score, report.grade, bands), grade=report.grade
        )
    )


def print_debrief(session: Session, lang: str, solver_budget: int) -> None:
    """The TUI's debrief in lines: the result, each decision with its note and regret, and
    the course's line (or the solver's best) to compare with."""
    engine, play = session.engine, session.play
    sc = engine.scenario
    report = session.report or engine.report(play)
    print(f"== {w.DEBRIEF.get(lang)} · {sc.meta.title.get(lang)} · {session.trainee} ==")
    print(result_line(session, lang))
    if play.violations:
        print("✗ " + LIST_SEP.get(lang).join(v.get(lang) for v in play.violations))
        print(w.FAILED_CONDUCT.get(lang))
    if play.cause and play.cause in sc.causes:
        print(w.CAUSE.get(lang).format(cause=sc.causes[play.cause].label.get(lang)))
    decisions: tuple[Decision, ...] = report.decisions
    best: list[str] = []
    if solver_budget > 0 and play.steps:
        found = regret(engine, play, solver_budget)
        if found is not None:
            decisions, best = found
    print()
    for number, (d, step) in enumerate(zip(decisions, play.steps, strict=True), start=1):
        print_decision(engine, number, d, step, lang)
    line = course_line(engine, play)
    if line is None and best:
        line = solver_line(engine, play, best)
    if line is not None:
        print_line(engine, line, [s.tactic for s in play.steps], lang)
    if session.log is not None:
        print(w.LOG.get(lang) + str(session.log.path))


def print_decision(engine: Engine, number: int, d: Decision, step: Step, lang: str) -> None:
    sc = engine.scenario
    name = sc.tactics[d.tactic].name.get(lang)
    print(f"{number}. {w.DAY.get(lang).format(n=shown_day(d.day, sc.deadline_days))} {name}")
    caused = effects(d, sc, lang)
    if caused:
        print("   " + " · ".join(caused))
    print(f"   {w.DEBTOR.get(lang)}: {step.reply.get(lang)}")
    if d.violation:
        print("   ✗ " + w.VIOLATION.get(lang).format(text=d.violation.get(lang, "")))
    print(f"   ↳ {d.note.get(lang, '')}")
    if d.regret is not None and d.best_tactic is not None:
        if d.regret > 0.05:
            best = sc.tactics[d.best_tactic].name.get(lang)
            print("   △ " + w.REGRET.get(lang).format(r=d.regret, best=best))
        else:
            print("   ✓ " + w.BEST_MOVE.get(lang))


def print_line(engine: Engine, line: Line, mine: list[str], lang: str) -> None:
    """The line to compare with; a move the trainee did not make at that turn is starred."""
    sc = engine.scenario
    head = (w.SOLVER_LINE if line.from_solver else w.COURSE).get(lang)
    if line.same_cause and not line.from_solver:
        head += w.COURSE_SAME_CAUSE.get(lang)
    print()
    print(head)
    for number, move in enumerate(line.moves, start=1):
        same = number <= len(mine) and mine[number - 1] == move
        print(f"{number:>2}. {sc.tactics[move].name.get(lang)}{'' if same else ' *'}")
    score = shown_score(line.score, line.grade, sc.rubric.grade_bands)
    print(w.COURSE_SCORE.get(lang).format(score=score, grade=line.grade))
