"""The workshop's web front end: the game in browsers (textual-serve), its code check, the board."""
