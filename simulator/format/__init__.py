"""The scenario format: texts, models, safe YAML, expressions, the loader, discovery."""
