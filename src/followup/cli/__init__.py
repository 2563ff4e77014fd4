"""The `followup` command line."""

from followup.cli import exchange, owners, routine, site, start  # noqa: F401 (each adds its commands to main)
from followup.cli.app import main

__all__ = ["main"]
