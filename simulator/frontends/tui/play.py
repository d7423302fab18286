"""The play screen: dossier, transcript, tactic palette and status; the Session owns the game."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.css.scalar import Scalar
from textual.events import Key
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from simulator.engine.playthrough import Step, TacticOption
from simulator.engine.session import Session
from simulator.format.labels import outcome_label
from simulator.format.palette import tactic_keys
from simulator.frontends.tui import view
from simulator.frontends.tui.host import Host, host
from simulator.frontends.tui.i18n import tr
from simulator.frontends.tui.messages import GoHome, ShowDebrief
from simulator.frontends.tui.widgets import KeyBar, Palette, Prose, StatusBar

PLAY_KEYS = [
    ("1–9", "k_tactic"),
    ("d", "k_dossier"),
    ("Esc", "k_back"),
    ("l", "k_lang"),
    ("?", "k_help"),
    ("q", "k_quit"),
]
OVER_KEYS = [("Enter", "k_debrief"), ("Esc", "k_home"), ("l", "k_lang"), ("q", "k_quit")]


class PlayScreen(Screen[None]):
    """One game: shows the session after every move, sends the trainee's choices to it."""

    CSS_PATH = "play.tcss"
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012
        (0, "-narrow"),
        (100, "-medium"),
        (140, "-wide"),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", show=False),
        Binding("enter", "debrief", show=False),
        Binding("d", "toggle_dossier", show=False),
    ]

    class Moved(Message):
        """A move was made; everything on screen follows from the session again."""

        def __init__(self, step: Step) -> None:
            super().__init__()
            self.step = step

    def __init__(self, session: Session, *, reveal: bool = False, resumed: bool = False) -> None:
        super().__init__()
        self.session = session
        self.reveal = reveal
        self.resumed = resumed
        self.keys = tactic_keys(session.engine.scenario)

    @property
    def huikuan(self) -> Host:
        return host(self)

    @property
    def live(self) -> bool:
        """The game is still going (leaving now needs a confirmation)."""
        return not self.session.play.over

    def compose(self) -> ComposeResult:
        # The size class now, so the first resize finds nothing to restyle.
        width = self.app.size.width
        self.add_class(next(c for w, c in reversed(self.HORIZONTAL_BREAKPOINTS) if width >= w))
        self.narrow = self.has_class("-narrow")
        # One line, ellipsised by Textual between characters: a long title or name never wraps.
        yield Static(id="title")
        yield StatusBar(id="status")
        if self.reveal:
            yield Prose(id="reveal")
        with Horizontal(id="body"):
            with Vertical(id="left"):
                with VerticalScroll(id="dossier-box"):
                    yield Prose(id="dossier")
                yield VerticalScroll(id="transcript-box")
            with Vertical(id="right"):
                yield Palette(id="palette")
                yield Prose(id="detail")
                yield Prose(id="over")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self.watch(self.app, "lang", self._relabel, init=False)
        self.show_all()
        self.query_one(Palette).focus()
        if self.resumed:
            self.notify(tr(self.huikuan.lang, "resumed"))

    def _relabel(self, _lang: str) -> None:
        self.show_all()

    # --- showing --------------------------------------------------------------------------------

    def show_all(self) -> None:
        """Render everything from the session (after a move, or a language switch)."""
        lang = self.huikuan.lang
        session, play = self.session, self.session.play
        sc = session.engine.scenario
        # Content, not a str: a name like "[/]" is the trainee's, never markup.
        self.query_one("#title", Static).update(
            Content(f"{sc.meta.title.get(lang)}  ·  {tr(lang, 'trainee')}: {session.trainee}")
        )
        self.query_one(StatusBar).show(view.status_line(session, lang))
        if self.reveal:
            self.query_one("#reveal", Static).update(view.reveal_line(play, lang))
        self._title("#dossier-box", tr(lang, "dossier"))
        self.query_one("#dossier", Static).update(view.dossier(session, lang))
        self._title("#transcript-box", tr(lang, "transcript"))
        self._show_transcript(lang)
        palette = self.query_one(Palette)
        self._title("#palette", tr(lang, "palette"))
        over = self.query_one("#over", Static)
        if play.over != self.has_class("-over"):
            self.set_class(play.over, "-over")
        if play.over:
            kind = str(play.outcome) if play.outcome else None
            over.update(tr(lang, "over", outcome=outcome_label(kind, lang)))
            self.query_one("#keys", KeyBar).show(OVER_KEYS, lang)
            return
        rows = view.palette(session.engine.options(play), self.keys)
        palette.show(rows, lang)
        self._show_detail(palette.highlighted_tactic)
        self.call_after_refresh(self._steady_detail)
        self.query_one("#keys", KeyBar).show(PLAY_KEYS, lang)

    def _show_transcript(self, lang: str) -> None:
        """One Prose per turn: a move adds one; earlier turns keep their rendered lines."""
        box = self.query_one("#transcript-box", VerticalScroll)
        entries = view.transcript(self.session, lang)
        shown = list(box.query_children(Prose))
        for widget, entry in zip(shown, entries, strict=False):
            widget.update(entry)
        new = [Prose(entry, classes="turn") for entry in entries[len(shown) :]]
        if new:
            box.mount_all(new)
            if self.session.play.steps:
                self.call_after_refresh(box.scroll_end, animate=False)

    def _title(self, selector: str, title: str) -> None:
        widget = self.query_one(selector)
        if widget.border_title != title:
            widget.border_title = title

    def _show_detail(self, tactic: str | None) -> None:
        detail = self.query_one("#detail", Static)
        option = self._option(tactic) if tactic else None
        brief = self.has_class("-narrow")
        detail.update(view.tactic_detail(option, self.huikuan.lang, brief=brief) if option else "")

    def _steady_detail(self) -> None:
        """Hold the detail pane at the height of the longest detail of this turn: moving the
        highlight then never moves the palette's edge (nor scrolls its row out of view)."""
        detail = self.query_one("#detail", Prose)
        width = detail.size.width
        if width <= 0 or not self.live:
            return
        lang, brief = self.huikuan.lang, self.has_class("-narrow")
        details = [
            view.tactic_detail(o, lang, brief=brief)
            for o in self.session.engine.options(self.session.play)
        ]
        tallest = max((len(view.wrap(d, width).plain.split("\n")) for d in details), default=0)
        if detail.styles.min_height != Scalar.from_number(tallest):
            detail.styles.min_height = tallest
        self.call_after_refresh(self.query_one(Palette).scroll_to_highlight)

    def on_resize(self) -> None:
        # Textual has set the new size class; once it is styled, the detail's length and what
        # can hold focus follow it.
        self.call_after_refresh(self._after_resize)

    def _after_resize(self) -> None:
        self._steady_detail()
        narrow = self.has_class("-narrow")
        if narrow == self.narrow:
            return
        self.narrow = narrow
        if self.live:
            self._show_detail(self.query_one(Palette).highlighted_tactic)
        self._refocus()

    def _refocus(self) -> None:
        """Focus where the keys are wanted: the palette, else the dossier it gave way to."""
        if self._dossier_alone():
            self.query_one("#dossier-box").focus()
        elif not self.live:
            self.query_one("#transcript-box").focus()
        else:
            self.query_one(Palette).focus()

    def _dossier_alone(self) -> bool:
        """A narrow terminal shows the dossier instead of everything else."""
        return self.has_class("-narrow") and self.has_class("-show-dossier")

    def _option(self, tactic: str) -> TacticOption | None:
        options = self.session.engine.options(self.session.play)
        return next((o for o in options if o.id == tactic), None)

    # --- choosing -------------------------------------------------------------------------------

    def on_key(self, event: Key) -> None:
        if event.character and event.character in self.keys and self.live:
            event.stop()
            tactic = self.keys[event.character]
            option = self._option(tactic)
            if option is not None and not option.available:
                # The detail pane then gives the whole reason, which a row may cut.
                self.query_one(Palette).point_at(tactic)
            self.choose(tactic)

    @on(Palette.Chosen)
    def _chosen(self, event: Palette.Chosen) -> None:
        self.choose(event.tactic)

    @on(Palette.Pointed)
    def _pointed(self, event: Palette.Pointed) -> None:
        self._show_detail(event.tactic)

    def choose(self, tactic: str) -> None:
        """Play `tactic` if it can be played now; ask first when it cannot be undone, may end
        the play or may break the code of conduct (the engine's `risk`, from the scenario)."""
        from simulator.frontends.tui.dialogs import ConfirmDialog

        option = self._option(tactic)
        if option is None or not self.live:
            return
        lang = self.huikuan.lang
        if not option.available:
            reason = option.reason.get(lang) if option.reason else ""
            self.app.bell()
            refused = tr(lang, "refused", reason=reason)
            self.notify(refused, severity="warning", timeout=3, markup=False)
            return
        risk = self.session.engine.risk(self.session.play, tactic)
        if risk:
            name = option.tactic.name

            def answer(yes: bool | None) -> None:
                if yes:
                    self._move(tactic)

            def words(lang: str) -> str:
                reasons = "".join(tr(lang, f"why_{k}") for k in risk.reasons)
                return tr(lang, "confirm_move", name=name.get(lang), why=reasons)

            self.app.push_screen(ConfirmDialog(words), answer)
            return
        self._move(tactic)

    def _move(self, tactic: str) -> None:
        self.post_message(self.Moved(self.session.move(tactic)))

    @on(Moved)
    def _moved(self, _event: Moved) -> None:
        self.show_all()
        if self._dossier_alone():  # a key played from the dossier: show what came of it
            self.remove_class("-show-dossier")
            self.call_after_refresh(self._refocus)
        elif not self.live:
            self.query_one("#transcript-box").focus()

    # --- leaving --------------------------------------------------------------------------------

    def action_debrief(self) -> None:
        if not self.live:
            self.post_message(ShowDebrief(self.session))

    def action_toggle_dossier(self) -> None:
        self.toggle_class("-show-dossier")
        # What had focus may have just been hidden; the new styles apply before the next frame.
        self.call_after_refresh(self._refocus)

    def action_back(self) -> None:
        from simulator.frontends.tui.dialogs import ConfirmDialog

        if self._dossier_alone():  # Esc first closes the dossier, as `d` does
            self.action_toggle_dossier()
            return
        if not self.live:
            self.post_message(GoHome())
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.session.close()
                self.post_message(GoHome())

        self.app.push_screen(ConfirmDialog(lambda lang: tr(lang, "confirm_leave")), answer)

    def on_unmount(self) -> None:
        # Leaving by any road keeps the log resumable and lets the engine drop the play.
        if self.live:
            self.session.close()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "debrief":
            return not self.live
        return True
