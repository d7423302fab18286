"""Trainer tools: lint, interval ranges, the graph, templates, the JSON Schema and scripted tests."""
