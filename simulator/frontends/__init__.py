"""The front ends: the Textual TUI and the plain console game."""
