"""Display-only widgets: a localised key bar and the tactic palette (they hold no game state)."""

from __future__ import annotations

from textual import on
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.visual import VisualType
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from simulator.frontends.tui.i18n import tr
from simulator.frontends.tui.view import STATUS_SEP, PaletteEntry, pack, palette_prompt, wrap

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
            found = self._wrapped[width] = self.text_lines(content, width)
        return found

    def text_lines(self, content: Content, width: int) -> Content:
        """`content` laid out in lines of `width` cells."""
        return wrap(content, width)

    def render(self) -> Content:
        return self.wrapped(self.size.width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self.lines(width)


class StatusBar(Prose):
    """A line of segments ("day 3/40 │ money │ …"): one that does not fit starts the next line,
    whole, so a long mood never breaks the day or the money in two."""

    segments: tuple[Content, ...] = ()

    def show(self, segments: list[Content]) -> None:
        line = Content(STATUS_SEP).join(segments)
        if same(self.content, line):
            return
        width = self.size.width
        before = self.lines(width) if width > 0 else 0
        self.segments = tuple(segments)
        Static.update(self, line, layout=False)
        if width <= 0 or self.lines(width) != before:
            self.refresh(layout=True)

    def text_lines(self, content: Content, width: int) -> Content:
        return pack(list(self.segments), width) if self.segments else wrap(content, width)


class KeyBar(Prose):
    """The bottom line: each key and what it does, in the current language."""

    def text_lines(self, content: Content, width: int) -> Content:
        # One line: what does not fit ends in "…" (the bar's text-overflow), never wraps away.
        return content

    def show(self, keys: KeyList, lang: str) -> None:
        parts: list[str | tuple[str, str]] = []
        for key, label in keys:
            parts += [(f" {key} ", "bold reverse $accent"), f" {tr(lang, label)}  "]
        self.update(Content.assemble(*parts), layout=False)


class Palette(OptionList):
    """The tactics, grouped by category; unavailable ones are dimmed and say why.

    One line-drawn widget for every row: a screen of separate row widgets costs a tenth of a
    second to build at start. Headings are disabled options, so the highlight (Up/Down,
    Home/End, PgUp/PgDn) skips them; it stops on unavailable tactics too, so that the detail
    pane can give their whole reason, which a row may have to cut. Enter or a click plays the
    highlighted tactic (an unavailable one is refused with its reason).
    """

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

    @property
    def highlighted_tactic(self) -> str | None:
        option = self.highlighted_option
        return option.id if option is not None and not option.disabled else None

    def point_at(self, tactic: str) -> None:
        """Move the highlight to `tactic` (scrolling it into view)."""
        if tactic != self.highlighted_tactic:
            self.highlighted = self.get_option_index(tactic)

    def show(self, entries: list[PaletteEntry], lang: str) -> None:
        """Show `entries`: changed rows are redrawn in place; the highlight stays if it can."""
        wanted = [
            (palette_prompt(e, lang), e.option.id if e.option else None, e.option is None)
            for e in entries
        ]
        available = [e.option.id for e in entries if e.option and e.option.available]
        kept = self.highlighted_tactic
        if [o.id for o in self.options] != [tactic for _, tactic, _ in wanted]:
            self.set_options(Option(c, id=t, disabled=off) for c, t, off in wanted)
        else:
            for option, (content, tactic, off) in zip(self.options, wanted, strict=True):
                if tactic is None:
                    continue
                if not same(option.prompt, content):
                    self.replace_option_prompt(tactic, content)
                if option.disabled != off:
                    (self.disable_option if off else self.enable_option)(tactic)
        # The highlight stays on its tactic (available or not); else the first one playable.
        shown = [t for _, t, _ in wanted if t is not None]
        target = kept if kept in shown else next(iter(available + shown), None)
        if target is None:
            self.highlighted = None
            self.post_message(self.Pointed(None))
        else:
            self.point_at(target)

    @on(OptionList.OptionHighlighted)
    def _pointed(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.post_message(self.Pointed(self.highlighted_tactic))

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None and not event.option.disabled:
            self.post_message(self.Chosen(event.option.id))
