"""Analysis: the exact solver, the bots and the Monte Carlo runs over the engine."""
