"""The debrief: score and grade, each decision with its note, a chart, and the course's line."""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from simulator.analysis.review import course_line, regret, solver_line
from simulator.engine.playthrough import Playthrough, shown_day
from simulator.engine.score import Decision
from simulator.engine.session import Session
from simulator.format.labels import outcome_label
from simulator.format.model import Scenario
from simulator.frontends.decisions import effects
from simulator.frontends.tui.host import Host, host
from simulator.frontends.tui.i18n import label, tr
from simulator.frontends.tui.messages import GoHome, PlayAgain
from simulator.frontends.tui.view import columns, money
from simulator.frontends.tui.widgets import KeyBar, Prose
from simulator.grades import passes, shown_score

CHART_WIDTH = 30
DEBRIEF_KEYS = [
    ("r", "k_replay"),
    ("n", "k_new_seed"),
    ("h", "k_home"),
    ("l", "k_lang"),
    ("?", "k_help"),
    ("q", "k_quit"),
]


def by_day(
    play: Playthrough, relationship_start: float, deadline: int | None = None
) -> tuple[list[float], list[float]]:
    """Recovered money and relationship at the end of each day from day 0 to the last (a move
    that runs past `deadline` counts on the deadline, as the trainee was shown it)."""
    recovered, relationship = [0.0], [relationship_start]
    total = 0.0
    for step in play.steps:
        total += step.paid
        day = step.day if deadline is None else shown_day(step.day, deadline)
        while len(recovered) <= day:
            recovered.append(recovered[-1])
            relationship.append(relationship[-1])
        recovered[-1], relationship[-1] = total, step.relationship
    return recovered, relationship


def valued(d: Decision, scenario: Scenario, lang: str) -> list[str | tuple[str, str]]:
    """The solver's word on a decision, shown under its note and never against it.

    The note judges what happened; the regret compares, from what the trainee knew then, the
    expected score of this move with the best one. So a near tie (analysis.solver.NEAR_TIE) is
    "as good", never "worse"; a real gap is said as what it is — another move scores more on
    average — which a note praising how this move was made does not deny.
    """
    from simulator.analysis.solver import NEAR_TIE, worse

    if d.regret is None or d.best_tactic is None:
        return []
    if worse(d.regret):
        best = scenario.tactics[d.best_tactic].name.get(lang)
        text = tr(lang, "regret", r=f"{d.regret:.1f}", best=best)
        return [(f"   △ {text}", "$text-warning"), "\n"]
    if d.regret == 0 or d.best_tactic == d.tactic:
        return [(f"   ✓ {tr(lang, 'best_move')}", "$text-success"), "\n"]
    return [(f"   ✓ {tr(lang, 'near_best', t=f'{NEAR_TIE:g}')}", "$text-success"), "\n"]


class DebriefScreen(Screen[None]):
    """What the game came to, and how to do better; regret fills in if the solver is quick."""

    CSS_PATH = "debrief.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-medium")]  # noqa: RUF012
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "again(True)", show=False),
        Binding("n", "again(False)", show=False),
        Binding("h,escape", "home", show=False),
    ]

    class Annotated(Message):
        """The solver valued the decisions (and found its best line)."""

        def __init__(self, decisions: tuple[Decision, ...], best: list[str]) -> None:
            super().__init__()
            self.decisions = decisions
            self.best = best

    def __init__(self, session: Session, solver_budget: int) -> None:
        super().__init__()
        self.session = session
        self.report = session.report or session.engine.report(session.play)
        self.decisions = self.report.decisions
        self.solver_budget = solver_budget
        self.line = course_line(session.engine, session.play)

    @property
    def huikuan(self) -> Host:
        return host(self)

    def compose(self) -> ComposeResult:
        yield Static(id="title")
        yield Prose(id="summary")
        with Horizontal(id="body"):
            with VerticalScroll(id="decisions-box"):
                yield Prose(id="decisions")
            with VerticalScroll(id="side"):
                yield Prose(id="chart")
                yield Prose(id="course")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self.watch(self.app, "lang", self._relabel, init=False)
        self.show_all()
        self.query_one("#decisions-box").focus()
        if self.solver_budget > 0 and self.session.play.steps:
            self._annotate()

    def _relabel(self, _lang: str) -> None:
        self.show_all()

    @work(thread=True, exclusive=True, group="regret")
    def _annotate(self) -> None:
        found = regret(self.session.engine, self.session.play, self.solver_budget)
        if found is not None:  # too large to solve within the budget: the debrief goes without
            self.post_message(self.Annotated(*found))

    def on_debrief_screen_annotated(self, event: Annotated) -> None:
        self.decisions = event.decisions
        if self.line is None and event.best:
            self.line = solver_line(self.session.engine, self.session.play, event.best)
        self.show_all()

    # --- showing --------------------------------------------------------------------------------

    def show_all(self) -> None:
        lang = self.huikuan.lang
        session = self.session
        sc = session.engine.scenario
        title = f"{tr(lang, 'debrief')} · {sc.meta.title.get(lang)} · {session.trainee}"
        self.query_one("#title", Static).update(Content(title))  # a name is never markup
        self.query_one("#summary", Static).update(self._summary(lang))
        box = self.query_one("#decisions-box")
        box.border_title = tr(lang, "decisions")
        self.query_one("#decisions", Static).update(self._decisions(lang))
        self.query_one("#side").border_title = tr(lang, "chart")
        self.query_one("#chart", Static).update(self._chart(lang))
        self.query_one("#course", Static).update(self._course(lang))
        self.query_one("#keys", KeyBar).show(DEBRIEF_KEYS, lang)

    def _summary(self, lang: str) -> Content:
        report, play = self.report, self.session.play
        sc = self.session.engine.scenario
        grade_style = "bold $text-success" if passes(report.grade) else "bold $text-error"
        days = shown_day(report.days, sc.deadline_days)
        outcome = outcome_label(str(play.outcome) if play.outcome else None, lang)
        sep = "   "
        parts: list[str | tuple[str, str]] = [
            (f"{tr(lang, 'score')} ", "$text-muted"),
            (shown_score(report.score, report.grade, sc.rubric.grade_bands), "bold"),
            sep,
            (f"{tr(lang, 'grade')} ", "$text-muted"),
            (report.grade, grade_style),
            sep,
            (f"{tr(lang, 'outcome')} ", "$text-muted"),
            (outcome, "bold"),
            "\n",
            (f"{tr(lang, 'recovery_rate')} ", "$text-muted"),
            f"{report.recovery_rate:.1%} ({money(report.recovered)} / {money(report.debt)})",
            sep,
            (f"{tr(lang, 'present_value')} ", "$text-muted"),
            money(report.present_value),
            "\n",
            (f"{tr(lang, 'damage')} ", "$text-muted"),
            f"{report.relationship_damage:.0f}",
            sep,
            (f"{tr(lang, 'days_used')} ", "$text-muted"),
            f"{tr(lang, 'days_n', n=days)} / {sc.deadline_days}",
            sep,
            (f"{tr(lang, 'violations')} ", "$text-muted"),
        ]
        if play.violations:
            joined = "；".join(v.get(lang) for v in play.violations)
            parts += [
                (joined, "bold $text-error"),
                "\n",
                (tr(lang, "failed_conduct"), "$text-error"),
            ]
        else:
            parts.append(tr(lang, "none"))
        if play.cause and play.cause in sc.causes:
            named = sc.causes[play.cause].label
            cause = named.get(lang) if named else play.cause
            parts += ["\n", (label(lang, "cause"), "$text-muted"), (cause, "bold $text-accent")]
        return Content.assemble(*parts)

    def _chart(self, lang: str) -> Content:
        """Recovered money (0..debt) and relationship (0..100) by day, on fixed scales."""
        report, play = self.report, self.session.play
        deadline = self.session.engine.scenario.deadline_days
        recovered, relationship = by_day(play, play.relationship_start, deadline)
        last = tr(lang, "day", d=len(recovered) - 1)
        parts: list[str | tuple[str, str]] = [
            (tr(lang, "series_recovered"), "bold"),
            f"  {money(recovered[-1])} / {money(report.debt)}\n",
        ]
        for row in columns(recovered, report.debt, 3, CHART_WIDTH):
            parts += [("▕", "dim"), (row, "$text-success"), "\n"]
        parts += [
            (tr(lang, "series_relationship"), "bold"),
            f"  {relationship[0]:.0f} → {relationship[-1]:.0f} / 100\n",
        ]
        for row in columns(relationship, 100.0, 3, CHART_WIDTH):
            parts += [("▕", "dim"), (row, "$text-accent"), "\n"]
        n = len(recovered)
        width = CHART_WIDTH if n > CHART_WIDTH else n * (CHART_WIDTH // n)
        axis = tr(lang, "day", d=0)
        parts.append(
            (" " + axis + " " * max(1, width - cell_len(axis) - cell_len(last)) + last, "dim")
        )
        return Content.assemble(*parts)

    def _decisions(self, lang: str) -> Content:
        sc = self.session.engine.scenario
        steps = self.session.play.steps
        if not self.decisions:
            return Content.styled(tr(lang, "no_decisions"), "dim")
        parts: list[str | tuple[str, str]] = []
        for number, (d, step) in enumerate(zip(self.decisions, steps, strict=True), start=1):
            name = d.tactic_name.get(lang) or d.tactic_name.get("zh", d.tactic)
            day = shown_day(d.day, sc.deadline_days)
            parts += [(f"{number}. ", "bold"), (tr(lang, "day", d=day), "dim"), " "]
            parts += [(name, "bold"), "\n   "]
            caused = effects(d, sc, lang)
            parts.append((" · ".join(caused) + "\n   " if caused else "", "$text-success"))
            parts += [
                (label(lang, "debtor"), "dim"),
                (f"{step.reply.get(lang)}\n", "italic dim"),
            ]
            if d.violation:
                text = tr(lang, "violation", text=d.violation.get(lang, ""))
                parts += [(f"   ✗ {text}", "bold $text-error"), "\n"]
            parts += [("   ↳ ", "$text-accent"), d.note.get(lang, ""), "\n"]
            if d.source:
                parts += [(f"     {tr(lang, 'source', text=d.source.get(lang, ''))}\n", "dim")]
            parts += valued(d, sc, lang)
            parts.append("\n")
        return Content.assemble(*parts)

    def _course(self, lang: str) -> Content:
        line = self.line
        if line is None:
            return Content.styled(tr(lang, "no_course"), "dim")
        sc = self.session.engine.scenario
        head = tr(lang, "solver_line" if line.from_solver else "course")
        if line.same_cause and not line.from_solver:
            head += tr(lang, "course_same_cause")
        mine = [s.tactic for s in self.session.play.steps]
        parts: list[str | tuple[str, str]] = [(head, "bold $text-primary"), "\n"]
        for number, move in enumerate(line.moves, start=1):
            style = "" if number <= len(mine) and mine[number - 1] == move else "bold"
            parts += [f"{number:>2}. ", (sc.tactics[move].name.get(lang), style), "\n"]
        shown = shown_score(line.score, line.grade, sc.rubric.grade_bands)
        parts.append((tr(lang, "course_score", score=shown, grade=line.grade), "$text-accent"))
        return Content.assemble(*parts)

    # --- keys -----------------------------------------------------------------------------------

    def action_again(self, same_seed: bool) -> None:
        session = self.session
        seed = session.play.seed if same_seed else None
        self.post_message(PlayAgain(session.engine.loaded, seed))

    def action_home(self) -> None:
        self.post_message(GoHome())
