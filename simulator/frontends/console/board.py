"""The trainer's board as plain text: `huikuan board --once`, or without a terminal."""

from __future__ import annotations

from simulator.frontends.board import LABELS as BOARD
from simulator.frontends.board import Figures
from simulator.frontends.console.lines import pad, width
from simulator.grades import shown_score


def _table(rows: list[list[str]]) -> None:
    widths = [max(width(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip())


def print_board(figures: Figures, lang: str) -> None:
    """The trainer's board as plain text (`huikuan board --once`, or without a terminal)."""
    print(f"{BOARD['title'].get(lang)}")
    if not figures.trainees:
        print(BOARD["none"].get(lang))
        return
    head = ["trainee", "scenario", "day", "recovered", "relationship", "status", "score", "grade"]
    rows = [[BOARD[h].get(lang) for h in head]]
    for r in figures.trainees:
        rows.append([
            r.trainee, r.title.get(lang), str(r.day), f"{r.recovered:,.0f}",
            "—" if r.relationship is None else f"{r.relationship:.0f}",
            BOARD["finished" if r.finished else "playing"].get(lang),
            "" if r.score is None else shown_score(r.score, r.grade), r.grade or "",
        ])  # fmt: skip
    _table(rows)
    print()
    head = ["scenario", "people", "finished", "mean", "first", "mistake"]
    rows = [[BOARD[h].get(lang) for h in head]]
    for s in figures.scenarios:
        most = [
            "—" if m is None else f"{m[0].get(lang)} ×{m[1]}" for m in (s.first_move, s.mistake)
        ]
        mean = "—" if s.mean_score is None else f"{s.mean_score:.1f}"
        rows.append([s.title.get(lang), str(s.trainees), f"{s.finished} / {s.plays}", mean, *most])
    _table(rows)
