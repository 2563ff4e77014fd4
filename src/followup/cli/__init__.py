"""The `followup` command line: commands are loaded when they run (app.SECTIONS)."""

from followup.cli.app import main

__all__ = ["main"]
