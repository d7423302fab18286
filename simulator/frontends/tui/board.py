"""The trainer's board in a terminal (`huikuan board --log-dir DIR`): the web board's figures."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from rich.cells import cell_len
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static

from simulator.frontends.board import LABELS, Board, Figures
from simulator.frontends.tui.i18n import other
from simulator.frontends.tui.widgets import KeyBar
from simulator.grades import shown_score

# The logs are read again this often (seconds); an unchanged file is not re-read.
REFRESH_S = 2.0
# What the trainer looks for first comes first; the long scenario title last (80 columns).
TRAINEE_COLUMNS = ("trainee", "status", "score", "grade", "day", "recovered", "relationship",
                   "plays", "scenario")  # fmt: skip
SCENARIO_COLUMNS = ("scenario", "people", "finished", "mean", "first", "mistake")


def _crop(text: str, cells: int) -> str:
    """`text` in at most `cells` terminal cells (CJK takes two), with … when cut."""
    if cell_len(text) <= cells:
        return text
    while cell_len(text) > cells - 1:
        text = text[:-1]
    return text + "…"


def _most(found: object, lang: str) -> str:
    if not isinstance(found, tuple):
        return "—"
    text, n = found
    return f"{_crop(text.get(lang), 22)} ×{n}"


class BoardScreen(Screen[None]):
    """Per-trainee rows and per-scenario figures, re-read from the logs every few seconds."""

    CSS_PATH = "board.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "toggle_lang", show=False),
        Binding("r", "refresh_now", show=False),
        Binding("q", "quit", show=False),
    ]

    def __init__(
        self,
        board: Board,
        lang: str = "zh",
        refresh_s: float = REFRESH_S,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        super().__init__()
        self.board = board
        self.clock = clock
        self.lang = lang
        self.refresh_s = refresh_s
        self.shown: Figures | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="board-title")
        with VerticalScroll():
            yield Static(id="trainees-title", classes="section")
            yield DataTable(id="trainees", cursor_type="none", zebra_stripes=True)
            yield Static(id="scenarios-title", classes="section")
            yield DataTable(id="scenarios", cursor_type="none", zebra_stripes=True)
            yield Static(id="board-note")
        yield KeyBar(id="board-keys")

    def on_mount(self) -> None:
        self.refresh_figures()
        self.set_interval(self.refresh_s, self.refresh_figures)

    @work(thread=True, exclusive=True, group="board")
    def refresh_figures(self) -> None:
        figures = self.board.figures()
        self.app.call_from_thread(self.show, figures)

    def show(self, figures: Figures) -> None:
        self.shown = figures
        lang = self.lang
        self.query_one("#board-title", Static).update(
            f"{LABELS['title'].get(lang)} · {self.board.log_dir}"
        )
        rows = self.query_one("#trainees", DataTable)
        rows.clear(columns=True)
        rows.add_columns(*(LABELS[c].get(lang) for c in TRAINEE_COLUMNS))
        for r in figures.trainees:
            status = LABELS["finished" if r.finished else "playing"].get(lang)
            money = f"{r.recovered:,.0f}" + (f" / {r.debt:,.0f}" if r.debt else "")
            relation = "—" if r.relationship is None else f"{r.relationship:.0f}"
            score = "" if r.score is None else shown_score(r.score, r.grade)
            rows.add_row(r.trainee, status, score, r.grade or "", str(r.day), money, relation,
                         str(r.plays), r.title.get(lang))  # fmt: skip
        sums = self.query_one("#scenarios", DataTable)
        sums.clear(columns=True)
        sums.add_columns(*(LABELS[c].get(lang) for c in SCENARIO_COLUMNS))
        for s in figures.scenarios:
            mean = "—" if s.mean_score is None else f"{s.mean_score:.1f}"
            title, done = _crop(s.title.get(lang), 20), f"{s.finished} / {s.plays}"
            sums.add_row(title, str(s.trainees), done, mean, _most(s.first_move, lang),
                         _most(s.mistake, lang))  # fmt: skip
        count = f" ({len(figures.trainees)})" if figures.trainees else ""
        self.query_one("#trainees-title", Static).update(LABELS["trainees"].get(lang) + count)
        self.query_one("#scenarios-title", Static).update(LABELS["scenarios"].get(lang))
        note = LABELS["mistake_is"].get(lang) if figures.trainees else LABELS["none"].get(lang)
        note += f"\n{LABELS['updated'].get(lang)} {self.clock():%H:%M:%S}"
        if figures.unreadable:
            note += f" · {figures.unreadable} {LABELS['unreadable'].get(lang)}"
        self.query_one("#board-note", Static).update(note)
        keys = [("r", "k_refresh"), ("l", "k_lang"), ("q", "k_quit")]
        self.query_one("#board-keys", KeyBar).show(keys, lang)

    def action_toggle_lang(self) -> None:
        self.lang = other(self.lang)
        if self.shown is not None:
            self.show(self.shown)

    def action_refresh_now(self) -> None:
        self.refresh_figures()

    async def action_quit(self) -> None:
        self.app.exit(0)


class BoardApp(App[int]):
    """Only the board: the trainer's terminal beside `huikuan serve`."""

    TITLE = "huikuan board"
    ENABLE_COMMAND_PALETTE = False

    def __init__(
        self,
        board: Board,
        lang: str = "zh",
        refresh_s: float = REFRESH_S,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        super().__init__()
        self.board_screen = BoardScreen(board, lang, refresh_s, clock)

    def on_mount(self) -> None:
        self.push_screen(self.board_screen)
