"""followup: a personal relationship journal kept as plain text."""


def __getattr__(name: str) -> str:
    """__version__, read from the installed package's metadata only when asked for: importlib.metadata takes
    a third of a command line's start."""
    if name != "__version__":
        raise AttributeError(name)
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("followup")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "0+unknown"
