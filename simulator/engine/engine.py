"""The engine: one transitions Machine per scenario drives many seeded playthroughs."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from transitions import Machine

from simulator.engine.draws import initial_value, pick, weighted
from simulator.engine.playthrough import (
    GAME_OVER,
    Effects,
    MachineToken,
    Playthrough,
    Situation,
    Step,
    TacticOption,
)
from simulator.engine.reasons import NOTHING_HERE, Reasons, used_up
from simulator.engine.risks import MoveRisks
from simulator.engine.score import Decision, Payment, PlayRecord, ScoreReport, ScoreWeights, score
from simulator.errors import Problem, ScenarioError
from simulator.format.expressions import Expression
from simulator.format.loader import CompiledOutcome, LoadedScenario
from simulator.format.model import (
    DEFAULT_WEIGHTS,
    OutcomeKind,
    Tactic,
)
from simulator.format.palette import Risk
from simulator.text import Text

ENGINE_VERSION = "1.0"


class UnplayableMove(ValueError):
    """A replayed move that cannot be played: the play had ended, or the tactic is unavailable."""

    def __init__(self, index: int, move: str, why: str, play: Playthrough) -> None:
        super().__init__(f"move {index + 1} '{move}': {why}")
        self.index, self.move, self.why, self.play = index, move, why, play


class Engine:
    """Runs playthroughs of one loaded scenario; build once, play many times."""

    def __init__(self, loaded: LoadedScenario) -> None:
        self.loaded = loaded
        self.scenario = sc = loaded.scenario
        # The 出处 of each outcome's note, by the key a step records (not logged per step, so
        # logs stay as they were; the report carries it).
        self._sources = {
            _key_text(c.key): c.outcome.source.as_dict()
            for lists in loaded.reactions.values()
            for outcomes in lists
            for c in outcomes
            if c.outcome.source is not None
        }
        self.variables = sc.variables
        self.machine = Machine(
            model=None,
            states=list(sc.states),
            initial=sc.start,
            auto_transitions=False,
            send_event=True,
            prepare_event=self._draw,
        )
        for (state_id, tactic_id), lists in loaded.reactions.items():
            for outcomes in lists:
                for compiled in outcomes:
                    self.machine.add_transition(
                        trigger=tactic_id,
                        source=state_id,
                        # No `to` keeps the state: an internal transition.
                        dest=compiled.outcome.to,
                        conditions=[_drawn(compiled)],
                        before=[self._apply],
                    )
        weights = sc.rubric.weights or DEFAULT_WEIGHTS[sc.meta.debtor_type]
        self.weights = ScoreWeights(
            weights.recovery, weights.present_value, weights.relationship, weights.speed
        )
        self.bands = sc.rubric.grade_bands
        self.reasons = Reasons(loaded)
        self.risks = MoveRisks(loaded, self._truth)
        # Tokens of finished plays, reused: binding a model's triggers costs more than a step.
        self._idle: list[MachineToken] = []

    # --- starting -----------------------------------------------------------------------------

    def start(self, seed: int) -> Playthrough:
        """A new playthrough; every draw after this comes from `seed`."""
        sc = self.scenario
        rng = random.Random(seed)
        cause = self._draw_cause(rng)
        drawn = {name: initial_value(spec.initial, rng) for name, spec in self.variables.items()}
        env = self.initial_env(cause, drawn)
        text_rng = random.Random(f"huikuan-text:{seed}")
        line = pick(sc.states[sc.start].lines, text_rng)
        play = Playthrough(seed, cause, env, rng, text_rng, float(sc.relationship), line)
        if self._idle:
            play.token = self._idle.pop()
            play.token.playthrough = play
            self.machine.set_state(sc.start, model=play.token)
        else:
            play.token = MachineToken(play)
            self.machine.add_model(play.token, initial=sc.start)
        self._check_end(play)
        return play

    @contextmanager
    def playing(self, seed: int) -> Iterator[Playthrough]:
        """A playthrough from `seed`, let go of when the block ends, however it ends."""
        play = self.start(seed)
        try:
            yield play
        finally:
            self.close(play)

    def advance(self, play: Playthrough, moves: Iterable[str], *, lenient: bool = False) -> None:
        """Play `moves` in order. Strict: an unplayable move raises UnplayableMove; lenient:
        the first unplayable move (or the end of the play) stops quietly."""
        for index, move in enumerate(moves):
            why = ""
            if play.over:
                why = "the play had already ended"
            elif move not in self.available(play):
                option = next((o for o in self.options(play) if o.id == move), None)
                reason = f": {option.reason.en}" if option and option.reason else ""
                why = f"not available on day {play.day} in state '{play.state}'{reason}"
            if why:
                if lenient:
                    return
                raise UnplayableMove(index, move, why, play)
            self.play(play, move)

    def replay(self, seed: int, moves: Iterable[str], *, lenient: bool = False) -> Playthrough:
        """The playthrough `moves` make from `seed`, already let go of: read it, score it.

        Every "play these moves again" (logs, resume checks, scripted tests, the debrief's
        course line, the report) comes through here or `advance`, so no play is left open.
        """
        with self.playing(seed) as play:
            self.advance(play, moves, lenient=lenient)
        return play

    def initial_env(self, cause: str | None, drawn: dict[str, float]) -> dict[str, Any]:
        """The names a play starts with, given the drawn cause and initial variable values."""
        sc = self.scenario
        env: dict[str, Any] = dict(drawn)
        if cause is not None:
            env.update(sc.causes[cause].set)
        env.update(
            cause=cause or "",
            day=0,
            days_left=sc.deadline_days,
            deadline=sc.deadline_days,
            debt=sc.debt,
            recovered=0.0,
            remaining=float(sc.debt),
            secured=0.0,
            relationship=float(sc.relationship),
        )
        return env

    def _draw_cause(self, rng: random.Random) -> str | None:
        causes = self.scenario.causes
        if not causes:
            return None
        drawn: str = weighted(list(causes), [c.weight for c in causes.values()], rng.random())
        return drawn

    # --- what the trainee sees -----------------------------------------------------------------

    def options(self, play: Situation) -> list[TacticOption]:
        """Every tactic in palette order, with whether it can be used now and why not."""
        if play.palette is None:
            play.palette = [self._option(play, tid, t) for tid, t in self.scenario.tactics.items()]
        return play.palette

    def available(self, play: Situation) -> list[str]:
        return [o.id for o in self.options(play) if o.available]

    def _option(self, play: Situation, tid: str, tactic: Tactic) -> TacticOption:
        if play.over:
            return TacticOption(tid, tactic, False, GAME_OVER)
        if tactic.max_uses is not None and play.uses[tid] >= tactic.max_uses:
            return TacticOption(tid, tactic, False, used_up(tactic.max_uses))
        # The guard's conditions in order; the first that fails names the reason.
        reason = self.reasons.why(play, tid, self._truth)
        if reason is not None:
            return TacticOption(tid, tactic, False, reason)
        if not self.candidates(play, tid):
            # No reaction in this state: a trainer's text without a `when` is about this.
            here = tactic.unavailable if tactic.when is None else None
            return TacticOption(tid, tactic, False, here or NOTHING_HERE)
        return TacticOption(tid, tactic, True)

    def risk(self, play: Situation, tid: str) -> Risk:
        """Why playing `tid` now needs a confirmation (falsy when it does not)."""
        return self.risks.now(play, tid)

    def cues(self, play: Situation) -> list[Text]:
        """Visible mood words: the state's cues and the first mood whose condition holds."""
        found = list(self.scenario.states[play.state].cues)
        for mood, condition in zip(self.scenario.moods, self.loaded.mood_when, strict=True):
            if self._truth(play, condition):
                found.append(mood.text)
                break
        return found

    def facts(self, play: Playthrough) -> list[Text]:
        return [self.scenario.facts[f] for f in play.revealed]

    # --- playing -------------------------------------------------------------------------------

    def candidates(self, play: Situation, tid: str) -> list[tuple[CompiledOutcome, float]]:
        """The outcomes that may follow `tid` now, with their weights (most specific list first)."""
        if play.offers is None:
            play.offers = {}
        found = play.offers.get(tid)
        if found is None:
            found = play.offers[tid] = self._candidates(play, tid)
        return found

    def _candidates(self, play: Situation, tid: str) -> list[tuple[CompiledOutcome, float]]:
        for outcomes in self.loaded.reactions.get((play.state, tid), ()):
            found = []
            for compiled in outcomes:
                if compiled.when is not None and not self._truth(play, compiled.when):
                    continue
                weight = self._number(play, compiled.weight)
                if weight > 0:
                    found.append((compiled, weight))
            if found:
                return found
        return []

    def play(self, play: Playthrough, tid: str) -> Step:
        """Make one move; raise ValueError if it is not available now."""
        option = next((o for o in self.options(play) if o.id == tid), None)
        if option is None or not option.available:
            reason = option.reason.en if option and option.reason else "unknown tactic"
            raise ValueError(f"tactic '{tid}' is not available: {reason}")
        assert play.token is not None
        before = _Snapshot.of(play)
        play.token.trigger(tid)
        play.uses[tid] += 1
        play.offers = play.palette = None
        step = self._record(play, tid, before)
        self._check_end(play)
        return step

    def _draw(self, event: Any) -> None:
        play: Playthrough = event.model.playthrough
        found = self.candidates(play, event.event.name)
        # One draw per step whatever the number of candidates, so the stream stays aligned.
        pick = play.rng.random()
        play.pending = drawn = weighted([c for c, _ in found], [w for _, w in found], pick)
        # The note judges the move from where the trainee stood: read before anything changes.
        play.pending_note = next(
            (n for when, n in drawn.note_if if self._truth(play, when)), drawn.outcome.note
        )

    def _apply(self, event: Any) -> None:
        play: Playthrough = event.model.playthrough
        assert play.pending is not None
        self.settle(play, event.event.name, play.pending)

    def settle(self, play: Situation, tid: str, compiled: CompiledOutcome) -> None:
        """Everything one drawn outcome does except moving the state and counting the use.

        The engine calls it from inside the Machine's transition; the solver calls it on its
        own nodes, so both step the rules through this one function.
        """
        tactic = self.scenario.tactics[tid]
        effects = self.effects(play, compiled)
        commit(play.env, effects, tactic.days, self.scenario.deadline_days)
        outcome = compiled.outcome
        if effects.pay > 0:
            play.payments.append(Payment(play.day, effects.pay))
        for fact in outcome.reveal:
            if fact not in play.revealed:
                play.revealed.append(fact)
        violation = outcome.violation or tactic.violation
        if violation is not None:
            play.violations.append(violation)

    def effects(self, play: Situation, compiled: CompiledOutcome) -> Effects:
        """What `compiled` would do now; expressions see the values before the step."""
        env = play.env
        values: dict[str, float] = {}
        for name, expression in compiled.change:
            values[name] = env[name] + self._number(play, expression)
        for name, expression in compiled.set:
            values[name] = self._number(play, expression)
        for name, value in values.items():
            spec = self.variables[name]
            values[name] = min(spec.max, max(spec.min, value))
        remaining = env["remaining"]
        pay = round(min(remaining, max(0.0, self._number(play, compiled.pay))), 2)
        # Negative: a promise withdrawn (the schedule is cancelled, the rest is lost).
        secure = self._number(play, compiled.secure)
        return Effects(values, pay, secure, self._number(play, compiled.relationship))

    def _record(self, play: Playthrough, tid: str, before: _Snapshot) -> Step:
        compiled = play.pending
        assert compiled is not None
        outcome = compiled.outcome
        if outcome.reply is None:
            reply = pick(self.scenario.states[play.state].lines, play.text_rng)
        elif outcome.reply.drawn:
            reply = pick(outcome.reply.texts, play.text_rng)
        else:
            reply = outcome.reply.texts[0]
        play.line = reply
        step = Step(
            index=len(play.steps),
            tactic=tid,
            outcome=_key_text(compiled.key),
            state_from=before.state,
            state_to=play.state,
            day=play.day,
            paid=round(play.recovered - before.recovered, 2),
            secured=round(play.secured - before.secured, 2),
            relationship=play.relationship,
            relationship_change=play.relationship - before.relationship,
            revealed=tuple(f for f in outcome.reveal if f not in before.revealed),
            violation=outcome.violation or self.scenario.tactics[tid].violation,
            reply=reply,
            note=play.pending_note or outcome.note,
        )
        play.steps.append(step)
        play.pending, play.pending_note = None, None
        return step

    def ending(self, play: Situation) -> OutcomeKind | None:
        """How the play ends in its present situation, or None while it goes on."""
        state = self.scenario.states[play.state]
        if state.outcome is not None:
            return state.outcome
        if play.env["remaining"] <= 0:
            return OutcomeKind.FULL_RECOVERY
        if play.day >= self.scenario.deadline_days or not self.available(play):
            return OutcomeKind.DEADLINE_PASSED
        return None

    def _check_end(self, play: Playthrough) -> None:
        play.outcome = self.ending(play)
        if play.outcome is not None:
            self._release(play)

    def close(self, play: Playthrough) -> None:
        """Let go of an unfinished playthrough (the machine keeps no reference to it)."""
        self._release(play)

    def _release(self, play: Playthrough) -> None:
        token = play.token
        if token is not None:
            play.final_state = token.state
            token.playthrough = None
            play.token = None
            self._idle.append(token)

    # --- results -------------------------------------------------------------------------------

    def record(self, play: Situation) -> PlayRecord:
        """What the scorer needs; for an unfinished play, as if it ended now."""
        sc = self.scenario
        decisions = tuple(
            Decision(
                index=s.index,
                tactic=s.tactic,
                tactic_name=sc.tactics[s.tactic].name.as_dict(),
                state_from=s.state_from,
                state_to=s.state_to,
                day=s.day,
                paid=s.paid,
                secured=s.secured,
                relationship_change=s.relationship_change,
                revealed=s.revealed,
                violation=s.violation.as_dict() if s.violation else None,
                note=s.note.as_dict(),
                source=self._sources.get(s.outcome),
            )
            for s in play.steps
        )
        return PlayRecord(
            debt=float(sc.debt),
            deadline_days=sc.deadline_days,
            capital_cost_rate=sc.capital_cost_rate,
            relationship_start=play.relationship_start,
            relationship_end=play.relationship,
            days=play.day,
            payments=tuple(play.payments),
            secured=play.secured,
            violations=tuple(v.en or v.zh for v in play.violations),
            weights=self.weights,
            bands=self.bands,
            secured_credit=sc.rubric.secured_credit,
            outcome=str(play.outcome or ""),
            final_state=play.state,
            decisions=decisions,
        )

    def report(self, play: Playthrough) -> ScoreReport:
        return score(self.record(play))

    # --- safe evaluation -----------------------------------------------------------------------

    def _truth(self, play: Situation, expression: Expression) -> bool:
        return bool(self._run(play, expression))

    def _number(self, play: Situation, expression: Expression) -> float:
        if expression.run is None:
            return float(expression.constant)  # checked finite at load
        value = self._run(play, expression)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _runtime_error(expression, f"gave {value!r}, not a number")
        if not math.isfinite(value):
            raise _runtime_error(expression, f"gave {value!r}, not a finite number")
        return value

    def _run(self, play: Situation, expression: Expression) -> Any:
        run = expression.run
        if run is None:
            return expression.constant
        try:
            return run(play.evaluate)
        except Exception as exc:  # a trainer's expression failing at run time is input error
            raise _runtime_error(expression, f"failed: {exc}") from None


def commit(env: dict[str, Any], effects: Effects, days: int, deadline: int) -> None:
    """Apply computed effects and the day's cost to a playthrough's names."""
    env.update(effects.values)
    recovered = env["recovered"] + effects.pay
    remaining = max(0.0, env["debt"] - recovered)
    env["recovered"] = recovered
    env["remaining"] = remaining
    env["secured"] = promised_after(env["secured"], effects, remaining)
    env["relationship"] = min(100.0, max(0.0, env["relationship"] + effects.relationship))
    env["day"] = env["day"] + days
    env["days_left"] = max(0, deadline - env["day"])


def promised_after(secured: float, effects: Effects, remaining: float) -> float:
    """What stays promised after a step, within [0, what remains owed].

    A payment is first counted against what was promised, so an instalment paid under a signed
    schedule is not counted twice (once as money in, once as a promise); a negative `secure`
    withdraws a promise.
    """
    return min(remaining, max(0.0, max(0.0, secured - effects.pay) + effects.secure))


@dataclass(frozen=True)
class _Snapshot:
    state: str
    recovered: float
    secured: float
    relationship: float
    revealed: tuple[str, ...]

    @classmethod
    def of(cls, play: Playthrough) -> _Snapshot:
        return cls(
            play.state, play.recovered, play.secured, play.relationship, tuple(play.revealed)
        )


def _drawn(compiled: CompiledOutcome) -> Any:
    def condition(event: Any) -> bool:
        return event.model.playthrough.pending is compiled

    return condition


def _key_text(key: tuple[str | int, ...]) -> str:
    from simulator.format.yamlsafe import format_path

    return format_path(key)


def _runtime_error(expression: Expression, message: str) -> ScenarioError:
    where = expression.where.rsplit(":", 2)
    line = int(where[1]) if len(where) == 3 and where[1].isdigit() else None
    column = int(where[2]) if len(where) == 3 and where[2].isdigit() else None
    path = where[0] if where[0] else "<scenario>"
    return ScenarioError(Problem(path, f"expression '{expression.source}' {message}", line, column))
