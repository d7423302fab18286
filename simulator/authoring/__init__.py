"""Trainer tools: lint, ranges, the graph, templates, the JSON Schema and scripted tests."""
