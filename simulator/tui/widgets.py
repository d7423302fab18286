"""Display-only widgets: a localised key bar and the tactic palette (they hold no game state)."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.visual import VisualType
from textual.widgets import Static

from simulator.tui.i18n import tr
from simulator.tui.view import PaletteEntry, palette_prompt, wrap

KeyList = list[tuple[str, str]]


def same(old: object, new: object) -> bool:
    """Whether `new` would show exactly what `old` shows (text and styles)."""
    if isinstance(old, Content) and isinstance(new, Content):
        return old.is_same(new)
    return isinstance(old, str) and isinstance(new, str) and old == new


class Prose(Static):
    """A Static that wraps Chinese text between characters, not only at spaces.

    It redraws only when its content really changes: a move updates every panel, and an
    unchanged panel should cost nothing.
    """

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        if same(self.content, content):
            return
        width = self.size.width
        if not layout or width <= 0:
            super().update(content, layout=layout)
            return
        # A new layout only when the height changes; a repaint of this widget is enough else.
        before = self.lines(width)
        super().update(content, layout=False)
        if self.lines(width) != before:
            self.refresh(layout=True)

    def lines(self, width: int) -> int:
        """How many lines the content takes at `width` cells."""
        return len(self.wrapped(width).split("\n", allow_blank=True))

    _wrap_source: object = None
    _wrapped: dict[int, Content]

    def wrapped(self, width: int) -> Content:
        """The content broken into lines of at most `width` cells (kept per width)."""
        source = self.content
        if source is not self._wrap_source:
            self._wrap_source, self._wrapped = source, {}
        found = self._wrapped.get(width)
        if found is None:
            content = source if isinstance(source, Content) else Content(str(source))
            found = self._wrapped[width] = wrap(content, width)
        return found

    def render(self) -> Content:
        return self.wrapped(self.size.width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self.lines(width)


class KeyBar(Prose):
    """The bottom line: each key and what it does, in the current language."""

    def show(self, keys: KeyList, lang: str) -> None:
        parts: list[str | tuple[str, str]] = []
        for key, label in keys:
            parts += [(f" {key} ", "bold reverse $accent"), f" {tr(lang, label)}  "]
        self.update(Content.assemble(*parts), layout=False)


class PaletteRow(Static):
    """One line of the palette: a category heading or a tactic."""

    def __init__(self, content: Content, tactic: str | None, disabled: bool) -> None:
        super().__init__(content, id=f"t-{tactic}" if tactic else None)
        self.tactic = tactic
        self.set_class(tactic is None, "-heading")
        self.set_class(disabled, "-disabled")

    def on_click(self) -> None:
        if self.tactic is not None and not self.has_class("-disabled"):
            self.post_message(Palette.Chosen(self.tactic))


class Palette(VerticalScroll):
    """The tactics, grouped by category; unavailable ones are dimmed and say why.

    One widget per row, so a move redraws only the rows whose text changed. Up/Down move the
    highlight over the available tactics, Enter plays the highlighted one.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
        Binding("home", "move(-999)", show=False),
        Binding("end", "move(999)", show=False),
        Binding("enter", "choose", show=False),
    ]

    class Chosen(Message):
        """The trainee picked a tactic from the list (Enter or a click)."""

        def __init__(self, tactic: str) -> None:
            super().__init__()
            self.tactic = tactic

    class Pointed(Message):
        """The highlight moved to a tactic (for its full description)."""

        def __init__(self, tactic: str | None) -> None:
            super().__init__()
            self.tactic = tactic

    highlighted_tactic: str | None = None

    @property
    def rows(self) -> list[PaletteRow]:
        return list(self.query_children(PaletteRow))

    def show(self, entries: list[PaletteEntry], lang: str) -> None:
        """Show `entries`: changed rows are redrawn in place; the highlight stays if it can."""
        wanted = [
            (palette_prompt(e, lang), e.option.id if e.option else None, e.option) for e in entries
        ]
        rows = self.rows
        if [r.tactic for r in rows] != [tactic for _, tactic, _ in wanted]:
            self.remove_children()
            rows = [PaletteRow(c, t, o is None or not o.available) for c, t, o in wanted]
            self.mount_all(rows)
        else:
            for row, (content, _, option) in zip(rows, wanted, strict=True):
                if not same(row.content, content):
                    row.update(content, layout=False)
                row.set_class(option is None or not option.available, "-disabled")
        usable = self._usable(rows)
        if self.highlighted_tactic not in usable:
            self._highlight(rows, usable[0] if usable else None)

    @staticmethod
    def _usable(rows: list[PaletteRow]) -> list[str]:
        return [r.tactic for r in rows if r.tactic and not r.has_class("-disabled")]

    def _highlight(self, rows: list[PaletteRow], tactic: str | None) -> None:
        self.highlighted_tactic = tactic
        for row in rows:
            row.set_class(row.tactic == tactic and tactic is not None, "-highlighted")
            if row.tactic == tactic and tactic is not None:
                self.call_after_refresh(self.scroll_to_widget, row, animate=False)
        self.post_message(self.Pointed(tactic))

    def action_move(self, delta: int) -> None:
        rows = self.rows
        usable = self._usable(rows)
        if not usable:
            return
        at = usable.index(self.highlighted_tactic) if self.highlighted_tactic in usable else 0
        self._highlight(rows, usable[max(0, min(len(usable) - 1, at + delta))])

    def action_choose(self) -> None:
        if self.highlighted_tactic is not None:
            self.post_message(self.Chosen(self.highlighted_tactic))
