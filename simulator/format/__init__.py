"""The scenario format: texts, models, the safe YAML reader, expressions, the loader and scenario discovery."""
