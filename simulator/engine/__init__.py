"""The engine: a playthrough of a loaded scenario, its score, the session and its log."""
