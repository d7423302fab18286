"""The plain-terminal front end: the full game line by line, for a pipe or a plain terminal."""

from simulator.frontends.console.game import ask_trainee, home, play_interactive
from simulator.frontends.console.lines import pad, print_transcript

__all__ = ["ask_trainee", "home", "pad", "play_interactive", "print_transcript"]
