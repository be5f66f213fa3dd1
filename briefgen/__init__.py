"""briefgen: one recommendation set in YAML, finished briefs for every audience."""

__version__ = "0.1.0"
