"""The seeded draws a play makes: a weighted choice, a starting value, a line of text."""

from __future__ import annotations

import random
from typing import Any

from simulator.format.model import Draw, Number
from simulator.text import Text


def weighted(items: list[Any], weights: list[float], pick: float) -> Any:
    if not items:
        return None
    target = pick * sum(weights)
    running = 0.0
    for item, weight in zip(items, weights, strict=True):
        running += weight
        if target < running:
            return item
    return items[-1]


def initial_value(initial: Number | Draw, rng: random.Random) -> float:
    if not isinstance(initial, Draw):
        return initial
    if initial.choices is not None:
        weights = list(initial.weights or [1.0] * len(initial.choices))
        return float(weighted(list(initial.choices), weights, rng.random()))
    assert initial.range is not None  # a Draw has choices or a range (checked at load)
    low, high = initial.range
    if isinstance(low, int) and isinstance(high, int):
        return low + int(rng.random() * (high - low + 1))
    return low + rng.random() * (high - low)


def pick(texts: tuple[Text, ...], rng: random.Random) -> Text:
    return texts[int(rng.random() * len(texts))]
