"""Bots by name: the one place that knows every policy, the solver's included."""

from __future__ import annotations

from typing import Any

from simulator.analysis.bots import SPAM, Policy, greedy_policy, random_policy, spammer_policy
from simulator.analysis.solver import optimal_policy


def make_policy(name: str, seed: int, solver: Any = None) -> Policy:
    """A bot by name: random, greedy, optimal (sharing `solver` if given), or spam:TACTIC."""
    if name == "random":
        return random_policy(seed)
    if name == "greedy":
        return greedy_policy(seed)
    if name == "optimal":
        return optimal_policy(seed, solver)
    if name.startswith(SPAM):
        return spammer_policy(name.removeprefix(SPAM), seed)
    raise ValueError(f"unknown bot '{name}'")
