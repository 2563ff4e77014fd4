"""followup: a personal relationship journal kept as plain text."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("followup")
except PackageNotFoundError:  # run from a checkout that was never installed
    __version__ = "0+unknown"
