"""What both front ends write about money and about what one decision caused."""

from __future__ import annotations

from simulator.engine.score import Decision
from simulator.format.model import Scenario
from simulator.text import Text

REL_CHANGE = Text(zh="关系 {delta:+.0f}", en="relationship {delta:+.0f}")
LEARNED = Text(zh="了解到：{fact}", en="Learned: {fact}")


def money(value: float) -> str:
    return f"¥{value:,.0f}"


def learned(sc: Scenario, fact: str, lang: str) -> str:
    return LEARNED.get(lang).format(fact=sc.facts[fact].get(lang))


def effects(d: Decision, sc: Scenario, lang: str) -> list[str]:
    """Money paid or promised, the relationship's change and the facts learned, in order."""
    found: list[str] = []
    if d.paid:
        found.append(f"+{money(d.paid)}")
    if d.secured:
        found.append("✎ " + money(d.secured))
    if d.relationship_change:
        found.append(REL_CHANGE.get(lang).format(delta=d.relationship_change))
    return found + [learned(sc, f, lang) for f in d.revealed]
