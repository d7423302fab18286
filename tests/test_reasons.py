"""Greyed-out tactics say why: the first unmet condition of the guard, never a wrong case."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.analysis.bots import random_policy
from simulator.engine.engine import Engine
from simulator.engine.playthrough import Playthrough, TacticOption
from simulator.engine.reasons import NOT_YET, NOTHING_HERE, USED_ONCE
from simulator.errors import ScenarioError
from simulator.format.catalog import bundled_paths
from simulator.format.loader import load_scenario, load_text

MINIMAL = Path(__file__).parent / "data" / "good" / "minimal.yaml"
SEEDS = range(40)
GENERIC = {NOT_YET.zh, NOTHING_HERE.zh}


def _engine(stem: str) -> Engine:
    return Engine(load_scenario(next(p for p in bundled_paths() if p.stem == stem)))


def _greyed(engine: Engine, seeds: range = SEEDS) -> Iterator[tuple[Playthrough, TacticOption]]:
    """Every greyed-out option met along random plays."""
    for seed in seeds:
        play, policy = engine.start(seed), random_policy(seed)
        while not play.over:
            for option in engine.options(play):
                if not option.available:
                    yield play, option
            engine.play(play, policy(engine, play))


ALL = [p.stem for p in bundled_paths()]


def _only_pressure_reveals(engine: Engine, source: str) -> bool:
    """A bare known('f') that only pressure or the law reveals: the trainer's text says why
    (a reason must not send the trainee to a threat)."""
    if not source.startswith("known('"):
        return False
    fact = source.removeprefix("known('").split("'")[0]
    return not engine.reasons.revealers.get(fact)


@pytest.mark.parametrize("stem", ALL)
def test_already_known_names_a_fact_the_trainee_has_learned(stem: str) -> None:
    engine = _engine(stem)
    facts = engine.scenario.facts
    wrong = [
        (o.id, o.reason.zh)
        for play, o in _greyed(engine)
        if o.reason
        and o.reason.zh.startswith("已经知道：")
        and o.reason.zh.removeprefix("已经知道：") not in {facts[f].zh for f in play.revealed}
    ]
    assert wrong == []


@pytest.mark.parametrize("stem", ALL)
def test_already_done_names_a_move_the_trainee_has_made(stem: str) -> None:
    engine = _engine(stem)
    names = {t.name.zh: tid for tid, t in engine.scenario.tactics.items()}
    wrong = []
    for play, o in _greyed(engine):
        text = o.reason.zh if o.reason else ""
        if text.endswith("」已经做过了"):
            done = names[text[1 : -len("」已经做过了")]]
            if play.uses[done] == 0:
                wrong.append((o.id, text))
        if text == USED_ONCE.zh and play.uses[o.id] == 0:
            wrong.append((o.id, text))
    assert wrong == []


@pytest.mark.parametrize("stem", ALL)
def test_a_fact_or_move_condition_never_falls_back_to_a_vague_or_wrong_text(stem: str) -> None:
    # When the first failing condition is about a fact or a move, the reason comes from it:
    # not the trainer's whole-guard text (which may cover another case) nor a generic line.
    engine = _engine(stem)
    sc = engine.scenario
    wrong = []
    for play, o in _greyed(engine):
        parts = engine.loaded.guards.get(o.id, ())
        failing = next((p for p in parts if not engine._truth(play, p)), None)
        if failing is None or not failing.source.lstrip("( ").startswith(("known(", "not known(")):
            continue
        if sc.tactics[o.id].reasons or _only_pressure_reveals(engine, failing.source):
            continue
        if o.reason is None or o.reason.zh in GENERIC or o.reason == sc.tactics[o.id].unavailable:
            wrong.append((o.id, failing.source, o.reason.zh if o.reason else None))
    assert wrong == []


def _minimal_with(extra_facts: str, extra_tactics: str, reactions: str) -> Engine:
    """The small test scenario with a fact, a tactic and its reaction in `explained` added."""
    text = MINIMAL.read_text(encoding="utf-8")
    text = text.replace("facts:\n", "facts:\n" + extra_facts, 1)
    text = text.replace("tactics:\n", "tactics:\n" + extra_tactics, 1)
    anchor = '    on:\n      ask:\n        - when: "cash >= 40000"'
    assert anchor in text
    text = text.replace(anchor, "    on:\n" + reactions + anchor.removeprefix("    on:\n"), 1)
    return Engine(load_text(text, "variant.yaml"))


def test_a_signed_plan_is_named_instead_of_a_reason_covering_other_cases() -> None:
    # "还没谈过对方为什么不付" was shown after the plan was signed: the trainer's one text
    # covered every way the guard can fail. The failing part is named instead.
    engine = _minimal_with(
        "  plan_signed: {zh: 分期协议已经签了, en: The plan is signed}\n",
        "  instalment:\n"
        "    name: {zh: 谈分期, en: Offer instalments}\n"
        "    says: {zh: 分期吧。, en: Instalments then.}\n"
        "    category: negotiate\n"
        "    when: \"known('reason') and not known('plan_signed')\"\n"
        "    unavailable: {zh: 还没谈过对方为什么不付, en: You have not asked why}\n",
        "      instalment:\n        - reveal: [plan_signed]\n"
        "          note: {zh: 签了分期。, en: Plan signed.}\n",
    )
    play = engine.start(1)
    engine.play(play, "probe")
    engine.play(play, "instalment")
    [option] = [o for o in engine.options(play) if o.id == "instalment"]
    assert not option.available and option.reason is not None
    assert option.reason.zh == "已经知道：分期协议已经签了"


def test_a_reason_names_the_step_still_missing_not_a_visit_that_never_happened() -> None:
    # "门店已经看过了" was shown when no store had been visited: the guard failed on the
    # first part (find out why first), not on the second.
    engine = _minimal_with(
        "  store_seen: {zh: 门店已经看过了, en: The store has been seen}\n",
        "  store_visit:\n"
        "    name: {zh: 去门店看看, en: Visit the store}\n"
        "    says: {zh: 我去门店看看。, en: I'll visit the store.}\n"
        "    category: probe\n"
        "    when: \"known('reason') and not known('store_seen')\"\n"
        "    unavailable: {zh: 门店已经看过了, en: The store has been seen}\n",
        "      store_visit:\n        - reveal: [store_seen]\n"
        "          note: {zh: 看了门店。, en: Saw the store.}\n",
    )
    play = engine.start(1)
    [option] = [o for o in engine.options(play) if o.id == "store_visit"]
    assert not option.available and option.reason is not None
    assert "门店已经看过了" not in option.reason.zh
    assert engine.scenario.tactics["probe"].name.zh in option.reason.zh


def test_a_reason_never_coaches_a_threat() -> None:
    engine = _engine("supermarket-chain")
    threat = engine.scenario.tactics["delist_threat"].name.zh
    assert not any(o.reason and threat in o.reason.zh for _, o in _greyed(engine))


def test_max_uses_reached_says_already_used() -> None:
    engine = Engine(load_scenario(MINIMAL))
    with engine.playing(1) as play:
        engine.play(play, "probe")
        probe = next(o for o in engine.options(play) if o.id == "probe")
    assert probe.reason == USED_ONCE


def test_an_unmet_known_names_the_move_that_would_reveal_it() -> None:
    engine = Engine(load_scenario(MINIMAL))
    with engine.playing(1) as play:
        sue = next(o for o in engine.options(play) if o.id == "sue")
    assert sue.reason is not None and sue.reason.zh == "要先「了解原因」"


TWO_CONDITIONS = """    when: "known('reason') and day >= 0 and trust < 0"
    unavailable: {zh: 先了解原因, en: Find out why first}
    reasons:
      "trust<0": {zh: 还不够信任, en: Not enough trust}
"""


def _with_reasons(block: str) -> str:
    text = MINIMAL.read_text(encoding="utf-8")
    old = """    when: "known('reason')"
    unavailable: {zh: 先了解原因, en: Find out why first}
"""
    assert old in text
    return text.replace(old, block)


def test_a_trainer_reason_for_one_condition_is_shown_when_that_condition_fails() -> None:
    engine = Engine(load_text(_with_reasons(TWO_CONDITIONS), "m.yaml"))
    with engine.playing(1) as play:
        engine.play(play, "probe")  # the fact is known now; the trust condition fails
        sue = next(o for o in engine.options(play) if o.id == "sue")
    assert sue.reason is not None and sue.reason.en == "Not enough trust"


def test_a_reason_for_a_condition_the_guard_does_not_have_fails_to_load() -> None:
    block = TWO_CONDITIONS.replace('"trust<0"', '"trust < 1"')
    with pytest.raises(ScenarioError) as caught:
        load_text(_with_reasons(block), "m.yaml")
    problem = caught.value.problems[0]
    assert "not one of the conditions" in problem.message and problem.line is not None
