"""Pure rendering of engine state into Textual content; widgets only display what this returns."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from textual.content import Content

from simulator.engine.playthrough import (
    RELATIONSHIP_WORDS,
    Playthrough,
    Step,
    TacticOption,
    relationship_word,
    shown_day,
)
from simulator.engine.session import Session
from simulator.format.labels import CATEGORY_LABELS
from simulator.format.model import Category, Scenario
from simulator.frontends.decisions import learned
from simulator.frontends.decisions import money as money  # the one money format
from simulator.frontends.tui.i18n import label, tr
from simulator.text import COLON, LIST_SEP


@dataclass(frozen=True)
class PaletteEntry:
    """One row of the palette: a category heading, or a tactic with its key."""

    category: Category
    option: TacticOption | None = None
    key: str = ""


def palette(options: list[TacticOption], keys: dict[str, str]) -> list[PaletteEntry]:
    """The palette's rows: each category's heading followed by its tactics."""
    by_id = {o.id: o for o in options}
    rows: list[PaletteEntry] = []
    for key, tid in keys.items():
        option = by_id[tid]
        if not rows or rows[-1].category != option.tactic.category:
            rows.append(PaletteEntry(option.tactic.category))
        rows.append(PaletteEntry(option.tactic.category, option, key))
    return rows


def palette_prompt(entry: PaletteEntry, lang: str) -> Content:
    """A palette row as one line: key, name, then the hint (or why it cannot be used now)."""
    if entry.option is None:
        return Content.styled(CATEGORY_LABELS[entry.category].get(lang), "bold $text-primary")
    tactic = entry.option.tactic
    name = tactic.name.get(lang)
    mark = " ⚠" if tactic.irreversible else ""
    if entry.option.available:
        hint = tactic.hint.get(lang) if tactic.hint else tactic.says.get(lang)
        return Content.assemble(
            (f" {entry.key} ", "bold reverse $accent"),
            " ",
            (name, "bold"),
            (mark, "$text-warning"),
            "  ",
            (hint, "dim"),
        )
    reason = entry.option.reason.get(lang) if entry.option.reason else ""
    # Dimmed by hand: unavailable rows stay selectable, so that the detail pane can explain them.
    return Content.assemble(
        (f" {entry.key}  ", "dim"),
        (name, "dim"),
        (mark, "dim"),
        "  ",
        (f"⨯ {reason}", "dim italic"),
    )


def tactic_detail(option: TacticOption, lang: str, *, brief: bool = False) -> Content:
    """A highlighted tactic's hint in full, what it says, and why it is unavailable.

    `brief` (a narrow terminal) gives only what the highlighted row may have cut: the hint (or
    the words said) of a playable tactic, the reason of an unavailable one.
    """
    tactic = option.tactic
    refused = (
        Content.styled(tr(lang, "refused", reason=option.reason.get(lang)), "$text-error")
        if not option.available and option.reason
        else None
    )
    says = Content.styled(f"“{tactic.says.get(lang)}”", "italic")
    if brief:
        return refused or (Content(tactic.hint.get(lang)) if tactic.hint else says)
    parts: list[str | tuple[str, str] | Content] = [(tactic.name.get(lang), "bold")]
    if tactic.hint:
        parts += [COLON.get(lang), tactic.hint.get(lang)]
    parts += ["\n", says]
    if refused:
        parts += ["\n", refused]
    return Content.assemble(*parts)


def relationship_bar(value: float, lang: str) -> Content:
    """The relationship as its word and a five-step bar: the same coarse band, never the number."""
    word = relationship_word(value)
    level = len(RELATIONSHIP_WORDS) - [w for _, w in RELATIONSHIP_WORDS].index(word)
    style = "$text-success" if level >= 4 else "$text-warning" if level >= 3 else "$text-error"
    bar = "▰" * level + "▱" * (len(RELATIONSHIP_WORDS) - level)
    return Content.assemble((word.get(lang), "bold"), " ", (bar, style))


STATUS_SEP = "  │  "


def status_line(session: Session, lang: str) -> list[Content]:
    """Day of the deadline, money in, relationship and mood words: the segments of the status
    line, each kept whole (a narrow terminal moves a segment to the next line, never splits it)."""
    engine, play = session.engine, session.play
    sc = engine.scenario
    cues = LIST_SEP.get(lang)
    moods = cues.join(c.get(lang) for c in engine.cues(play)) if not play.over else ""
    day = shown_day(play.day, sc.deadline_days)
    first = Content.styled(tr(lang, "status_day", d=day, n=sc.deadline_days), "bold")
    if play.day >= sc.deadline_days:
        first = Content.assemble(first, " ", (tr(lang, "deadline_reached"), "bold $text-error"))
    segments = [
        first,
        Content(tr(lang, "status_money", got=money(play.recovered), owed=money(sc.debt))),
        Content.assemble(tr(lang, "status_rel"), " ", relationship_bar(play.relationship, lang)),
    ]
    if moods:
        segments.append(Content.assemble(tr(lang, "status_mood"), " ", (moods, "italic")))
    return segments


def pack(segments: list[Content], width: int, sep: str = STATUS_SEP) -> Content:
    """`segments` joined by `sep` on as few lines of `width` cells as they fit on whole; a
    segment longer than a line starts its own and is wrapped."""
    lines: list[Content] = []
    for segment in segments:
        if lines and cell_len(lines[-1].plain + sep + segment.plain) <= width:
            lines[-1] = lines[-1] + Content(sep) + segment
        else:
            lines.append(segment)
    return Content("\n").join(wrap(line, width) for line in lines)


def reveal_line(play: Playthrough, lang: str) -> Content:
    """The hidden numbers, for a trainer's --reveal only."""
    hidden = {k: v for k, v in play.env.items() if k not in ("debt", "deadline", "days_left")}
    shown = "  ".join(
        f"{k}={v:g}" if isinstance(v, int | float) else f"{k}={v}" for k, v in hidden.items()
    )
    return Content.assemble((label(lang, "reveal"), "bold $text-warning"), (shown, "$text-warning"))


def dossier(session: Session, lang: str) -> Content:
    """The customer dossier the trainee reads, with the facts learned so far."""
    engine, play = session.engine, session.play
    d = engine.scenario.dossier
    head = "bold $text-primary"
    parts: list[str | tuple[str, str]] = [(d.company.get(lang), "bold"), "\n"]

    def field(key: str, value: str) -> None:
        parts.extend([(label(lang, key), head), value, "\n"])

    field("amount", money(d.amount_owed) + (f" {d.currency}" if d.currency != "CNY" else ""))
    # The account keeps ageing while the trainee works on it; the dossier's texts were written
    # on day 0, so the starting figure stays beside today's.
    now = d.aging_days + shown_day(play.day, engine.scenario.deadline_days)
    aging = tr(lang, "aging_now", now=now, start=d.aging_days) if now != d.aging_days else None
    field("aging", aging or tr(lang, "days_n", n=d.aging_days))
    field("rating", d.credit_rating.get(lang))
    # What was learned comes before the long texts, so it stays in view as it grows.
    parts += [(tr(lang, "facts"), "bold $text-accent"), "\n"]
    facts = engine.facts(play)
    if not facts:
        parts += [(tr(lang, "none_yet"), "dim"), "\n"]
    parts += [
        x for f in facts for x in (("✓ ", "$text-success"), (f.get(lang), "$text-accent"), "\n")
    ]
    field("terms", d.terms.get(lang))
    field("history", d.history.get(lang))
    if d.contacts:
        parts += [(tr(lang, "contacts"), head), "\n"]
        for c in d.contacts:
            parts += ["• ", (c.name.get(lang), "bold"), " · ", c.role.get(lang)]
            if c.note:
                parts += [(f" — {c.note.get(lang)}", "dim")]
            parts.append("\n")
    if d.notes:
        parts += [(tr(lang, "notes"), head), "\n"]
        parts += [x for n in d.notes for x in ("• ", n.get(lang), "\n")]
    return Content.assemble(*parts)


def transcript(session: Session, lang: str) -> list[Content]:
    """What was said, one entry per turn: the debtor's opening, then each move and its answer."""
    sc = session.engine.scenario
    debtor = (label(lang, "debtor"), "bold $text-primary")
    first = Content.assemble(debtor, session.play.opening.get(lang))
    return [first] + [turn(sc, step, lang) for step in session.play.steps]


def turn(sc: Scenario, step: Step, lang: str) -> Content:
    """One move in the transcript: the day and tactic, what you said, what came back."""
    tactic = sc.tactics[step.tactic]
    parts: list[str | tuple[str, str]] = [
        (
            f"{tr(lang, 'day', d=shown_day(step.day, sc.deadline_days))} · {tactic.name.get(lang)}",
            "dim",
        ),
        "\n",
        (label(lang, "you"), "bold $text-accent"),
        tactic.says.get(lang),
        "\n",
        (label(lang, "debtor"), "bold $text-primary"),
        step.reply.get(lang),
    ]
    if step.paid > 0:
        parts += ["\n", ("  + " + tr(lang, "got_paid", amount=money(step.paid)), "$text-success")]
    if step.secured > 0:
        promised = tr(lang, "got_promise", amount=money(step.secured))
        parts += ["\n", (f"  ✎ {promised}", "$text-success")]
    for fact in step.revealed:
        parts += ["\n", (f"  ✓ {learned(sc, fact, lang)}", "$text-accent")]
    if step.violation is not None:
        text = tr(lang, "violation", text=step.violation.get(lang))
        parts += ["\n", (f"  ✗ {text}", "bold $text-error")]
    return Content.assemble(*parts)


def columns(values: list[float], top: float, height: int, width: int) -> list[str]:
    """A column chart on a fixed scale (0..top), `height` rows of eighth blocks, top row first.

    More values than `width` are sampled (the last value of each column's span is shown);
    fewer are widened, each value taking the same number of columns.
    """
    blocks = " ▁▂▃▄▅▆▇█"
    n = len(values)
    if n > width:
        values = [values[max(0, (i + 1) * n // width - 1)] for i in range(width)]
    elif n:
        values = [v for v in values for _ in range(width // n)]
    rows = []
    for row in range(height):
        floor = (height - 1 - row) * 8
        line = ""
        for value in values:
            eighths = 0 if top <= 0 else round(max(0.0, min(1.0, value / top)) * height * 8)
            line += blocks[max(0, min(8, eighths - floor))]
        rows.append(line)
    return rows


# No line starts with closing punctuation, and none ends with an opening one.
NO_START = frozenset("，。、；：！？）」』”’》】,.;:!?)]…%")
NO_END = frozenset("（「『“‘《【([")


def _breakable(before: str, after: str) -> bool:
    if after in NO_START or before in NO_END:
        return False
    if before == " ":
        return True
    return cell_len(before) == 2 or cell_len(after) == 2


def wrap_offsets(text: str, width: int) -> list[int]:
    """Where to break one line of `text` to fit `width` cells: between CJK characters as well
    as after spaces (Textual alone treats a run of CJK text as one unbreakable word)."""
    offsets: list[int] = []
    start, used, allowed = 0, 0, -1
    for index, char in enumerate(text):
        if index > start and _breakable(text[index - 1], char):
            allowed = index
        cells = cell_len(char)
        if char != " " and used + cells > width and index > start:
            cut = allowed if allowed > start else index
            offsets.append(cut)
            start, allowed = cut, -1
            used = cell_len(text[cut:index])
        used += cells
    return offsets


def wrap(content: Content, width: int) -> Content:
    """`content` with a line break wherever a line would not fit in `width` cells; a line's
    continuation keeps its indent (up to a third of the width)."""
    if width <= 0:
        return content
    lines: list[Content] = []
    for line in content.split("\n", allow_blank=True):
        plain = line.plain
        indent = min(len(plain) - len(plain.lstrip(" ")), width // 3)
        first = wrap_offsets(plain, width)
        if not first:
            lines.append(line)
            continue
        cut = first[0]
        while cut < len(plain) and plain[cut] == " ":
            cut += 1
        head, rest = line.divide([cut])
        lines.append(head.rstrip())
        pieces = rest.divide(wrap_offsets(rest.plain, width - indent))
        for n, piece in enumerate(pieces):
            piece = piece.rstrip() if n < len(pieces) - 1 else piece
            lines.append(Content(" " * indent) + piece if indent else piece)
    return Content("\n").join(lines)


def ellipsis(text: str, cells: int) -> str:
    """`text` cut to at most `cells` terminal cells, ending in "…" if it was cut; the cut falls
    between characters (CJK takes two cells)."""
    if cell_len(text) <= cells:
        return text
    while text and cell_len(text) + 1 > cells:
        text = text[:-1]
    return text.rstrip() + "…" if cells > 0 else ""


def fit(text: str, cells: int) -> str:
    """`text` padded or cut to exactly `cells` terminal cells (CJK takes two)."""
    while cell_len(text) > cells:
        text = text[:-1]
    return text + " " * (cells - cell_len(text))
