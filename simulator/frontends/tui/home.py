"""The home screen: the scenarios with type, difficulty, time and this trainee's best score."""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.events import Key
from textual.screen import Screen
from textual.widgets import DataTable, Static

from simulator.format.catalog import Entry
from simulator.format.labels import DEBTOR_LABELS
from simulator.format.syllabus import COVERAGE
from simulator.frontends.records import Best, best_scores
from simulator.frontends.tui.host import Host, host
from simulator.frontends.tui.i18n import label, tr
from simulator.frontends.tui.messages import ChangeTrainee, OpenScenario
from simulator.frontends.tui.view import ellipsis, money
from simulator.frontends.tui.widgets import KeyBar, Prose
from simulator.grades import shown_score

COLUMNS = ("n", "col_title", "col_type", "col_difficulty", "col_minutes", "col_best")
HOME_KEYS = [
    ("↑↓", "k_move"),
    ("Enter", "k_play"),
    ("t", "k_trainee"),
    ("l", "k_lang"),
    ("?", "k_help"),
    ("q", "k_quit"),
]


class HomeScreen(Screen[None]):
    """Pick a scenario; Enter (or its number) plays it."""

    CSS_PATH = "home.tcss"
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]  # noqa: RUF012
    BINDINGS: ClassVar[list[BindingType]] = [Binding("t", "trainee", show=False)]

    def __init__(self) -> None:
        super().__init__()
        self.best: dict[str, Best] = {}

    @property
    def huikuan(self) -> Host:
        return host(self)

    def compose(self) -> ComposeResult:
        yield Static(id="home-title")
        yield Static(id="who")
        yield DataTable(id="scenarios", cursor_type="row", zebra_stripes=True)
        # The summary scrolls (a wheel, or Tab then arrows) rather than push the screen off.
        with VerticalScroll(id="summary-box"):
            yield Prose(id="summary")
        yield Prose(id="errors")
        yield Prose(id="how")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self.watch(self.app, "lang", self._relabel, init=False)
        self.query_one(DataTable).focus()

    def on_screen_resume(self) -> None:
        # Shown first, or back from a game: a new best score may be in the logs.
        self.best = best_scores(self.huikuan.log_dir, self.huikuan.trainee or "")
        self.show_all()

    def _relabel(self, _lang: str) -> None:
        self.show_all()

    @property
    def listed(self) -> list[Entry]:
        return self.huikuan.entries()[0]

    def show_all(self) -> None:
        lang = self.huikuan.lang
        entries, errors = self.huikuan.entries()
        self.query_one("#home-title", Static).update(Content.styled(tr(lang, "app_title"), "bold"))
        trainee = self.huikuan.trainee or "—"
        self.query_one("#who", Static).update(
            Content.assemble(
                (label(lang, "trainee"), "$text-muted"),
                (trainee, "bold"),
                "   ",
                (label(lang, "language"), "$text-muted"),
                (tr(lang, "lang_name"), "bold"),
            )
        )
        rows = []
        for number, entry in enumerate(entries, start=1):
            meta = entry.loaded.scenario.meta
            best = self.best.get(meta.id)
            bands = entry.loaded.scenario.rubric.grade_bands
            rows.append(
                (
                    str(number) if number < 10 else "",
                    meta.title.get(lang),
                    DEBTOR_LABELS[meta.debtor_type].get(lang),
                    "★" * meta.difficulty + "☆" * (5 - meta.difficulty),
                    tr(lang, "minutes", n=meta.minutes),
                    f"{shown_score(best.score, best.grade, bands)} ({best.grade})" if best else "—",
                )
            )
        table = self.query_one(DataTable)
        row = table.cursor_row
        # Widths measured here (CJK counts double), so a relabelled table never keeps stale ones.
        table.clear(columns=True)
        headings = ["#" if key == "n" else tr(lang, key) for key in COLUMNS]
        widths = [
            max([cell_len(h), *(cell_len(r[i]) for r in rows)]) for i, h in enumerate(headings)
        ]
        # The title gives way on a narrow terminal so that the best score stays in view.
        room = self.app.size.width - 4 - 2 * table.cell_padding * len(COLUMNS) - sum(widths)
        widths[1] = min(widths[1], max(16, widths[1] + room))
        for key, heading, width in zip(COLUMNS, headings, widths, strict=True):
            table.add_column(heading, key=key, width=width)
        for number, cells in enumerate(rows):
            # A title that does not fit ends in "…" between characters; the summary has it whole.
            title = ellipsis(cells[1], widths[1])
            table.add_row(cells[0], title, *cells[2:], key=str(number))
        if entries:
            table.move_cursor(row=min(row, len(entries) - 1))
        self._show_summary(table.cursor_row)
        message = tr(lang, "load_errors", n=len(errors)) if errors else ""
        if not entries:
            message = tr(lang, "no_scenarios") + (" " + message if message else "")
        errors_line = self.query_one("#errors", Static)
        errors_line.update(Content.styled(message, "$text-error"))
        errors_line.display = bool(message)
        self.query_one("#how", Static).update(Content.styled(tr(lang, "how"), "$text-muted"))
        self.query_one("#keys", KeyBar).show(HOME_KEYS, lang)

    def _show_summary(self, row: int) -> None:
        lang = self.huikuan.lang
        summary = self.query_one("#summary", Static)
        if not 0 <= row < len(self.listed):
            summary.update("")
            return
        loaded = self.listed[row].loaded
        sc = loaded.scenario
        meta, dossier = sc.meta, sc.dossier
        facts = " · ".join(
            [
                dossier.company.get(lang),
                money(dossier.amount_owed),
                tr(lang, "deadline", n=sc.deadline_days),
            ]
        )
        parts: list[str | tuple[str, str]] = [(meta.title.get(lang), "bold"), "\n"]
        parts += [(facts, "$text-primary"), "\n"]
        if meta.summary:
            parts += [meta.summary.get(lang), "\n"]
        if loaded.topics:
            # The course's words for what the case trains, never the syllabus codes.
            names = " · ".join(COVERAGE[code].get(lang) for code in loaded.topics)
            parts += [(label(lang, "topics"), "$text-muted"), (names, "dim")]
        summary.update(Content.assemble(*parts))

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_summary(event.cursor_row)

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.play(event.cursor_row)

    def on_key(self, event: Key) -> None:
        if event.character and event.character.isdigit() and event.character != "0":
            event.stop()
            self.play(int(event.character) - 1)

    def play(self, row: int) -> None:
        if 0 <= row < len(self.listed):
            self.post_message(OpenScenario(self.listed[row].loaded))

    def action_trainee(self) -> None:
        # The dialog's dismissal resumes this screen, which re-reads the best scores.
        self.post_message(ChangeTrainee())
