"""The help screen (`?`): every key of every screen, in the current language."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from simulator.frontends.tui.i18n import tr
from simulator.frontends.tui.widgets import KeyBar

SECTIONS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "help_everywhere",
        (("?", "k_help"), ("l", "k_lang"), ("q", "k_quit"), ("Esc", "k_back"), ("Tab", "k_tab")),
    ),
    (
        "help_home",
        (("↑ ↓", "k_move"), ("Enter", "k_play"), ("1–9", "k_play"), ("t", "k_trainee")),
    ),
    (
        "help_play",
        (
            ("1–9", "k_tactic"),
            ("0 a b c…", "k_more_tactics"),
            ("↑ ↓", "k_palette_move"),
            ("Enter", "k_play_highlighted"),
            ("d", "k_dossier"),
            ("PgUp PgDn", "k_scroll"),
            ("Esc", "k_home"),
        ),
    ),
    (
        "help_debrief",
        (("r", "k_replay"), ("n", "k_new_seed"), ("h", "k_home"), ("Esc", "k_home")),
    ),
    ("help_dialogs", (("y / Enter", "k_yes"), ("n / Esc", "k_no"))),
)


def help_text(lang: str) -> Content:
    """All keys, section by section, in two aligned columns."""
    parts: list[str | tuple[str, str]] = []
    for section, keys in SECTIONS:
        parts += [(tr(lang, section), "bold $text-primary"), "\n"]
        for key, label in keys:
            parts += [(f"  {key:<12}", "bold $text-accent"), tr(lang, label), "\n"]
        parts.append("\n")
    return Content.assemble(*parts)


class HelpScreen(ModalScreen[None]):
    """Lists every key; Esc, ? or q closes it."""

    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,question_mark,q", "close", show=False)]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(id="help-text")
        yield KeyBar(id="help-keys")

    def on_mount(self) -> None:
        self.watch(self.app, "lang", self.relabel)

    def relabel(self, lang: str) -> None:
        box = self.query_one("#help-box", VerticalScroll)
        box.border_title = tr(lang, "help")
        self.query_one("#help-text", Static).update(help_text(lang))
        self.query_one("#help-keys", KeyBar).show([("Esc", "k_close")], lang)

    def action_close(self) -> None:
        self.dismiss(None)
