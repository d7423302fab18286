"""The plain game: who is playing, resume or start, then one tactic per line until the end."""

from __future__ import annotations

import secrets
from pathlib import Path

from simulator.analysis.review import SOLVER_BUDGET
from simulator.engine.engine import Engine
from simulator.engine.playthrough import TacticOption, relationship_word, shown_day
from simulator.engine.session import Session, resume
from simulator.errors import HuikuanError
from simulator.format.catalog import catalog
from simulator.format.labels import CATEGORY_LABELS, DEBTOR_LABELS
from simulator.format.palette import Risk, tactic_keys
from simulator.frontends.console import words as w
from simulator.frontends.console.lines import (
    pad,
    print_debrief,
    print_dossier,
    print_facts,
    print_step,
)
from simulator.frontends.decisions import money
from simulator.frontends.records import unfinished
from simulator.frontends.settings import Settings, load_settings, save_settings
from simulator.text import LIST_SEP
from simulator.trainee import display_name, name_problem


class Quit(Exception):
    """The trainee typed q or the input ended: save and stop."""


def ask(prompt: str) -> str:
    """One line of the trainee's answer, trimmed; Quit at the end of the input."""
    try:
        return input(prompt).strip()
    except EOFError:
        print()
        raise Quit from None


def ask_trainee(config: Path, lang: str) -> str | None:
    """Who is playing, asked at every start: Enter confirms the last name used on this
    machine (a shared workshop PC changes hands). None if the input ends first."""
    settings = load_settings(config)
    last = settings.trainee
    while True:
        try:
            if last:
                answer = ask(w.ASK_TRAINEE_LAST.get(lang).format(last=last))
            else:
                answer = ask(w.ASK_TRAINEE.get(lang) + ": ")
        except Quit:
            return None
        if not answer and last:
            name = last
        elif name_problem(answer):
            print(name_problem(answer))
            continue
        else:
            name = display_name(answer)
        save_settings(config, Settings(trainee=name, lang=settings.lang))
        return name


def open_session(
    engine: Engine, seed: int | None, trainee: str, log_dir: Path | None, lang: str
) -> Session:
    """A new session, or the trainee's unfinished one of this scenario if they choose it
    (the same offer as the TUI's: running the same command again continues)."""
    meta = engine.scenario.meta
    cut = unfinished(log_dir, meta.id, engine.loaded.sha256, trainee, seed)
    if cut is not None:
        title = meta.title.get(lang)
        print(w.RESUME_FOUND.get(lang).format(title=title, n=cut.moves, d=cut.day, seed=cut.seed))
        if ask(w.RESUME_ASK.get(lang)).lower() in ("", "r"):
            try:
                session = resume(cut.path, engine)
            except HuikuanError as exc:
                why = "; ".join(p.message for p in exc.problems)
                print(w.RESUME_FAILED.get(lang).format(why=why))
            else:
                print(w.RESUMED.get(lang))
                return session
    fresh = seed if seed is not None else secrets.randbelow(2**31)
    return Session.start(engine, fresh, trainee, log_dir, lang)


def play_interactive(
    engine: Engine,
    seed: int | None,
    trainee: str,
    log_dir: Path | None,
    lang: str,
    *,
    reveal: bool = False,
    solver_budget: int = SOLVER_BUDGET,
) -> int:
    """Play one scenario line by line; q or the end of the input saves and stops (exit 0)."""
    session: Session | None = None
    try:
        session = open_session(engine, seed, trainee, log_dir, lang)
        _play(session, lang, reveal)
    except Quit:
        if session is not None and not session.play.over:
            session.close()
            n = len(session.play.steps)
            print((w.SAVED if session.log is not None else w.NOT_SAVED).get(lang).format(n=n))
            if session.log is not None:
                print(w.LOG.get(lang) + str(session.log.path))
        return 0
    print()
    print_debrief(session, lang, solver_budget)
    return 0


def _play(session: Session, lang: str, reveal: bool) -> None:
    engine, play = session.engine, session.play
    sc = engine.scenario
    keys = tactic_keys(sc)
    print(f"== {sc.meta.title.get(lang)} ==  {w.TRAINEE.get(lang)}{session.trainee}")
    print_dossier(engine, play, lang)
    print(w.KEYS_HELP.get(lang).format(first=next(iter(keys)), last=list(keys)[-1]))
    shown_facts = len(play.revealed)
    while not play.over:
        print()
        print(f"{w.DEBTOR.get(lang)}: {play.line.get(lang)}")
        print(status(session, lang))
        if reveal:
            print(reveal_line(session, lang))
        if len(play.revealed) != shown_facts:
            print_facts(engine, play, lang)
            shown_facts = len(play.revealed)
        options = {o.id: o for o in engine.options(play)}
        print_palette(keys, options, lang)
        tactic = choose(session, keys, options, lang)
        if tactic is None:
            continue
        print_step(engine, session.move(tactic), lang)
    # The last reply, which no next turn will show.
    print(f"{w.DEBTOR.get(lang)}: {play.line.get(lang)}")


def status(session: Session, lang: str) -> str:
    engine, play = session.engine, session.play
    sc = engine.scenario
    cues = LIST_SEP.get(lang).join(c.get(lang) for c in engine.cues(play))
    rel = relationship_word(play.relationship).get(lang)
    shown = shown_day(play.day, sc.deadline_days)
    day = w.DAY_OF.get(lang).format(n=shown, of=sc.deadline_days)
    got = f"{money(play.recovered)} / {money(sc.debt)}"
    return f"[{day} · {got} · {rel}{' · ' + cues if cues else ''}]"


def reveal_line(session: Session, lang: str) -> str:
    """The hidden numbers, for a trainer's --reveal only."""
    env = session.play.env
    hidden = {k: v for k, v in env.items() if k not in ("debt", "deadline", "days_left")}
    shown = "  ".join(
        f"{k}={v:g}" if isinstance(v, int | float) else f"{k}={v}" for k, v in hidden.items()
    )
    return w.REVEAL.get(lang) + shown


def print_palette(keys: dict[str, str], options: dict[str, TacticOption], lang: str) -> None:
    """The tactics under their category headings, each with its key (the TUI's numbering)."""
    category = None
    for key, tid in keys.items():
        option = options[tid]
        tactic = option.tactic
        if tactic.category != category:
            category = tactic.category
            print(f"  {CATEGORY_LABELS[category].get(lang)}")
        mark = " ⚠" if tactic.irreversible else ""
        if option.available:
            hint = tactic.hint.get(lang) if tactic.hint else tactic.says.get(lang)
            print(f"   {key}  {tactic.name.get(lang)}{mark} — {hint}")
        else:
            reason = option.reason.get(lang) if option.reason else ""
            print(f"   {key}  ({tactic.name.get(lang)}{mark}  ⨯ {reason})")


def choose(
    session: Session, keys: dict[str, str], options: dict[str, TacticOption], lang: str
) -> str | None:
    """The tactic the trainee picks and confirms, or None to show the turn again."""
    answer = ask("> ")
    if answer.lower() in ("q", "quit"):
        raise Quit
    if answer.lower() == "d":
        print_dossier(session.engine, session.play, lang)
        return None
    first, last = next(iter(keys)), list(keys)[-1]
    tid = keys.get(answer.lower())
    if tid is None:
        print(w.NOT_A_KEY.get(lang).format(answer=answer, first=first, last=last))
        return None
    option = options[tid]
    if not option.available:
        reason = option.reason.get(lang) if option.reason else ""
        print(w.REFUSED.get(lang).format(reason=reason))
        return None
    risk = session.engine.risk(session.play, tid)
    if risk and not confirm(option, risk, lang):
        print(w.NOT_PLAYED.get(lang))
        return None
    return tid


def confirm(option: TacticOption, risk: Risk, lang: str) -> bool:
    why = "".join(w.WHY[k].get(lang) for k in risk.reasons)
    question = w.CONFIRM.get(lang).format(name=option.tactic.name.get(lang), why=why)
    return ask(question).lower() in ("y", "yes", "是")


def home(
    lang: str,
    trainee: str | None,
    log_dir: Path | None,
    scenarios: Path | None,
    config: Path,
    reveal: bool = False,
) -> int:
    """`huikuan --plain` (or through a pipe): who is playing, the list, then the game."""
    entries, _ = catalog(scenarios)
    lang = lang or load_settings(config).lang or "zh"
    name = trainee or ask_trainee(config, lang)
    if name is None:
        return 0
    for number, entry in enumerate(entries, start=1):
        meta = entry.loaded.scenario.meta
        kind = pad(DEBTOR_LABELS[meta.debtor_type].get(lang), 12)
        print(f"{number:>2}. {kind} {meta.title.get(lang)}")
    while True:
        try:
            answer = ask(w.PICK_SCENARIO.get(lang))
        except Quit:
            return 0
        if answer.lower() in ("q", "quit"):
            return 0
        picked = number_in(answer, len(entries))
        if picked is not None:
            break
        print(w.NOT_A_SCENARIO.get(lang).format(n=len(entries)))
    engine = Engine(entries[picked - 1].loaded)
    return play_interactive(engine, None, name, log_dir, lang, reveal=reveal)


def number_in(answer: str, count: int) -> int | None:
    """The number typed, if it is 1..count in ASCII digits ('²', '①' and 5,000 digits are not)."""
    if not answer.isascii() or not answer.isdigit() or len(answer) > len(str(count)):
        return None
    number = int(answer)
    return number if 1 <= number <= count else None
