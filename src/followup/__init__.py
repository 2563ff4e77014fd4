"""followup: a personal relationship journal kept as plain text."""

__version__ = "0.1.0"
