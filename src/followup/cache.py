"""What a build learned, kept between runs in <journal>/.followup-cache/ (never committed).

Parsing 10,000 contact files takes seconds and reading 50,000 commits takes longer: a later run
re-parses only the files whose size, mtime or inode changed, and reads only the commits that are
new since the cached HEAD. A cache that cannot be read, or was written by another followup (or an
edited one) or Python, is ignored and rebuilt; results never differ from a run without it.
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

from . import __version__

FOLDER = ".followup-cache"


def _code_version() -> tuple:
    """followup's own modules as they are on disk: an edited module, like a new release, may parse
    or draw differently, so it starts the caches afresh."""
    return tuple(sorted((path.name, status.st_size, status.st_mtime_ns)
                        for path in Path(__file__).parent.glob("*.py") for status in (path.stat(),)))


_STAMP = (3, __version__, sys.version_info[:2], _code_version())


class Compact:
    """A slotted dataclass that pickles as its constructor's arguments.

    The dataclass default pickles each object through two Python functions that look up its fields
    again; loading the 50,000 git events and 10,000 contacts of a big journal took longer than
    parsing them. A constructor call per object is a third of that.
    """

    __slots__ = ()

    def __reduce__(self):
        return type(self), tuple(map(self.__getattribute__, self.__slots__))


def cache_path(root: Path, name: str) -> Path:
    return root / FOLDER / f"{name}.pickle"


def load(path: Path):
    try:
        with path.open("rb") as stream:
            stamp, data = pickle.load(stream)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
        return None
    return data if stamp == _STAMP else None


def save(path: Path, data) -> None:
    from .edit import atomic_write  # edit imports the contact parser, which imports nothing of the cache

    try:
        payload = pickle.dumps((_STAMP, data), protocol=pickle.HIGHEST_PROTOCOL)
        path.parent.mkdir(exist_ok=True)
        atomic_write(path, payload)
    except (OSError, RecursionError, pickle.PicklingError):
        pass  # a read-only journal, or data pickle cannot hold: it still builds, only more slowly
