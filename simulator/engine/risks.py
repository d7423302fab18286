"""Which confirmation a move needs now: the scenario's risks, less the endings that what the
trainee can already see rules out."""

from __future__ import annotations

from collections.abc import Callable

from simulator.engine.playthrough import Situation
from simulator.format.expressions import Expression, conditions
from simulator.format.loader import LoadedScenario
from simulator.format.palette import Risk, bad_endings, move_risks, reachable

NO_RISK = Risk()
# Names whose value the play screen shows exactly. A condition on these alone (or on facts
# learned and moves made, which are shown too) can be decided without telling the trainee
# anything: "asking may end the play" at day 0 of a deal lost on day 8 is noise, and a
# confirmation on every move teaches the trainee to press y without reading.
SHOWN = frozenset({"day", "days_left", "deadline", "debt", "recovered", "remaining"})

# Per ending outcome, the conditions that must all hold for it to be drawn and that the trainee
# can see; () when nothing shown rules it out.
Gates = tuple[tuple[Expression, ...], ...]


class MoveRisks:
    """The confirmations of one scenario's moves, decided per situation."""

    def __init__(self, loaded: LoadedScenario, truth: Callable[[Situation, Expression], bool]):
        self._truth = truth
        self.static = move_risks(loaded.scenario)
        bad_end = bad_endings(loaded.scenario)
        self._gates: dict[tuple[str, str], Gates] = {}
        for key, risk in self.static.items():
            if not risk.ends:
                continue
            lists = loaded.reactions.get(key, ())
            endings = [c for c in reachable(lists, lambda c: c.outcome) if c.outcome.to in bad_end]
            self._gates[key] = tuple(
                ()
                if c.when is None
                else tuple(part for part in conditions(c.when) if part.names <= SHOWN)
                for c in endings
            )

    def now(self, play: Situation, tid: str) -> Risk:
        """Why playing `tid` in `play` needs a confirmation (falsy when it does not)."""
        risk = self.static.get((play.state, tid), NO_RISK)
        if not risk.ends:
            return risk
        gates = self._gates.get((play.state, tid), ())
        if any(all(self._truth(play, part) for part in parts) for parts in gates):
            return risk
        return Risk(irreversible=risk.irreversible, violation=risk.violation)
