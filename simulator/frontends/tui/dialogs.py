"""Modal dialogs: confirm a move or leaving, choose resume or restart, enter the trainee's name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from simulator.frontends.tui.i18n import tr
from simulator.frontends.tui.widgets import KeyBar, Prose
from simulator.trainee import MAX_NAME, display_name, name_problem

Words = Callable[[str], str]


class _Dialog(ModalScreen[Any]):
    """A box in the middle of the screen whose words follow the app's language."""

    CSS_PATH = "dialogs.tcss"

    def __init__(self, words: Words, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.words = words
        self.keys = keys

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Prose(id="dialog-text")
            yield from self.body()
            yield KeyBar(id="dialog-keys")

    def body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.watch(self.app, "lang", self.relabel)

    def relabel(self, lang: str) -> None:
        # Content, not markup: the words may hold a trainer's tactic name or a file path.
        self.query_one("#dialog-text", Static).update(Content(self.words(lang)))
        self.query_one("#dialog-keys", KeyBar).show(self.keys, lang)


class ConfirmDialog(_Dialog):
    """Yes or no; Enter or y says yes, Esc or n says no."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", show=False),
        Binding("n,escape", "answer(False)", show=False),
    ]

    def __init__(self, words: Words) -> None:
        super().__init__(words, [("y", "k_yes"), ("n", "k_no")])

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ChoiceDialog(_Dialog):
    """One of a few answers, each on its own key; Esc chooses nothing."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "choose('')", show=False)]

    def __init__(self, words: Words, choices: list[tuple[str, str, str]]) -> None:
        """`choices`: (key, value returned, label key)."""
        super().__init__(words, [(key, label) for key, _, label in choices])
        self.choices = {key: value for key, value, _ in choices}

    def on_key(self, event: Any) -> None:
        if event.key in self.choices:
            event.stop()
            self.dismiss(self.choices[event.key])

    def action_choose(self, value: str) -> None:
        self.dismiss(value or None)


class TraineeDialog(_Dialog):
    """Asks who is playing, the last name filled in: Enter confirms it, Esc keeps it too."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", show=False)]

    def __init__(self, current: str | None, blink: bool = True, ask: str = "ask_trainee") -> None:
        super().__init__(lambda lang: tr(lang, ask), [("Enter", "k_yes")])
        self.current = current
        self.blink = blink

    def body(self) -> ComposeResult:
        field = Input(value=self.current or "", id="trainee-input", max_length=MAX_NAME)
        field.cursor_blink = self.blink
        yield field

    def relabel(self, lang: str) -> None:
        super().relabel(lang)
        self.query_one(Input).placeholder = tr(lang, "trainee_placeholder")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        problem = name_problem(event.value)
        if problem:
            self.notify(problem, severity="error", markup=False)
            return
        self.dismiss(display_name(event.value))

    def action_cancel(self) -> None:
        if self.current is not None:
            self.dismiss(None)
