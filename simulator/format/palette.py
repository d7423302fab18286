"""The tactic palette every front end shows: one order, one key per tactic, and which moves
must be confirmed because they can end the play or break the rules."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from simulator.format.model import Category, Outcome, OutcomeKind, Scenario

# Keys for tactics beyond the ninth: zero, then letters the screens do not use for themselves
# (d dossier, h home/hints, l language, q quit).
TACTIC_KEYS = "1234567890abcefgijkmnoprstuvwxyz"
RESERVED_KEYS = frozenset("dhlq")
Item = TypeVar("Item")


def palette_order(scenario: Scenario) -> list[str]:
    """Tactic ids grouped by category, categories in the order the scenario first uses them."""
    groups: dict[Category, list[str]] = {}
    for tid, tactic in scenario.tactics.items():
        groups.setdefault(tactic.category, []).append(tid)
    return [tid for ids in groups.values() for tid in ids]


def tactic_keys(scenario: Scenario) -> dict[str, str]:
    """The key that plays each tactic: 1–9, 0, then letters, in palette order."""
    order = palette_order(scenario)
    return {key: tid for key, tid in zip(TACTIC_KEYS, order, strict=False)}


@dataclass(frozen=True)
class Risk:
    """Why a move asks for confirmation before it is played; falsy when it need not."""

    irreversible: bool = False
    ends: bool = False  # an outcome may end the play short of full recovery
    violation: bool = False  # an outcome (or the tactic itself) breaks the code of conduct

    def __bool__(self) -> bool:
        return self.irreversible or self.ends or self.violation

    @property
    def reasons(self) -> tuple[str, ...]:
        """The names of the reasons that hold, in the order a confirmation lists them."""
        return tuple(k for k in ("irreversible", "ends", "violation") if getattr(self, k))


def move_risks(scenario: Scenario) -> dict[tuple[str, str], Risk]:
    """The risk of each (state, tactic) that has one, from the scenario alone.

    Read from the model, not from the play: a confirmation that came and went with the hidden
    numbers would tell the trainee which answer is right. An outcome list counts if the engine
    can reach it: the `anywhere:` list only when the state's own list may match nothing. Being
    paid in full ends the play too, but that is the goal and asks nothing.
    """
    bad_end = bad_endings(scenario)
    risks: dict[tuple[str, str], Risk] = {}
    for sid, state in scenario.states.items():
        if state.terminal:
            continue
        for tid, tactic in scenario.tactics.items():
            outcomes = reachable(scenario.reactions(sid, tid), lambda o: o)
            if not outcomes and not tactic.irreversible:
                continue
            risk = Risk(
                irreversible=tactic.irreversible,
                ends=any(o.to in bad_end for o in outcomes),
                violation=tactic.violation is not None or any(o.violation for o in outcomes),
            )
            if risk:
                risks[(sid, tid)] = risk
    return risks


def bad_endings(scenario: Scenario) -> frozenset[str]:
    """The end states short of full recovery."""
    return frozenset(
        sid
        for sid, state in scenario.states.items()
        if state.outcome is not None and state.outcome != OutcomeKind.FULL_RECOVERY
    )


def reachable(lists: Iterable[Sequence[Item]], outcome: Callable[[Item], Outcome]) -> list[Item]:
    """The outcomes of one (state, tactic) the engine can reach, most specific list first."""
    found: list[Item] = []
    for items in lists:
        found.extend(items)
        # An outcome with no condition and a fixed positive weight always matches: the engine
        # never falls through to the next list.
        if any(outcome(i).when is None and _positive(outcome(i).weight) for i in items):
            break
    return found


def _positive(weight: object) -> bool:
    return isinstance(weight, int | float) and not isinstance(weight, bool) and weight > 0
