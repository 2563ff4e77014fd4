"""What a build learned, kept between runs in <journal>/.followup-cache/ (never committed).

Parsing 10,000 contact files takes seconds and reading 50,000 commits takes longer: a later run
re-parses only the files whose size, mtime or inode changed, and reads only the commits that are
new since the cached HEAD. Rendering 10,000 person pages takes seconds too: a page is kept with a
fingerprint of everything it was drawn from, and drawn again only when that changes. A cache that
cannot be read, or was written by another followup (or an edited one) or Python, is ignored and
rebuilt; results never differ from a run without it.
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
import sys
from pathlib import Path

from followup import __version__
from followup.store.files import atomic_write

FOLDER = ".followup-cache"


PACKAGE = Path(__file__).parents[1]


def _code_version() -> tuple:
    """Every module of followup as it is on disk: an edited module (the core's parser as much as the
    store's), like a new release, may parse or draw differently, so it starts the caches afresh."""
    return tuple(sorted((path.relative_to(PACKAGE).as_posix(), status.st_size, status.st_mtime_ns)
                        for path in PACKAGE.rglob("*.py") for status in (path.stat(),)))


_STAMP = (3, __version__, sys.version_info[:2], _code_version())
_STAMPED = hashlib.blake2b(repr(_STAMP).encode(), digest_size=16)  # hashed once; fingerprint() copies it


def cache_path(root: Path, name: str, suffix: str = ".pickle") -> Path:
    return root / FOLDER / f"{name}{suffix}"


# What this process last read or wrote in each cache file, with the file's identity then: `followup serve`
# builds again and again in one process, and unpickling 10,000 contacts each time was a second of each.
# Callers treat what load() gives as read-only.
_held: dict[Path, tuple[tuple, object]] = {}
# Under `followup serve`, what is saved is held in memory and written when the server stops (flush): writing
# the parse cache of 10,000 contacts after each save was most of a rebuild. A cache on disk that is older
# than the files only costs the next run their parsing again.
_deferred: set[Path] | None = None


def defer_saves() -> None:
    global _deferred
    if _deferred is None:
        _deferred = set()


def flush() -> None:
    """Write what defer_saves() held back."""
    global _deferred
    waiting, _deferred = _deferred or set(), None
    for path in waiting:
        if path in _held:
            save(path, _held[path][1])


def _identity(path: Path) -> tuple:
    status = path.stat()
    return status.st_size, status.st_mtime_ns, status.st_ino


def _held_identity(path: Path) -> tuple:
    """The identity of the file as it is now (a later change on disk, by another process, is then noticed)."""
    try:
        return _identity(path)
    except OSError:
        return ()


def load(path: Path):
    try:
        identity = _identity(path)
        held = _held.get(path)
        if held is not None and held[0] == identity:
            return held[1]
        with path.open("rb") as stream:
            stamp, data = pickle.load(stream)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
        return None
    if stamp != _STAMP:
        return None
    _held[path] = (identity, data)
    return data


def save(path: Path, data) -> None:
    if _deferred is not None:
        _deferred.add(path)
        _held[path] = (_held_identity(path), data)
        return
    try:
        payload = pickle.dumps((_STAMP, data), protocol=pickle.HIGHEST_PROTOCOL)
        path.parent.mkdir(exist_ok=True)
        atomic_write(path, payload)
        _held[path] = (_identity(path), data)
    except (OSError, RecursionError, pickle.PicklingError):
        pass  # a read-only journal, or data pickle cannot hold: it still builds, only more slowly


def fingerprint(*parts) -> str:
    """A digest of values whose repr says all they hold (strings, numbers, dates, tuples of them)."""
    digest = _STAMPED.copy()
    digest.update(repr(parts).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


class PageStore:
    """Rendered pages in SQLite, each with the fingerprint of what it was drawn from.

    SQLite rather than a pickle: a page is read when it is built and written when it is drawn, so
    the 10,000 pages of a big journal are never all in memory at once. The writes of a build are one
    transaction, kept by close(). Another build holding the file, or a damaged file, only means the
    pages are drawn again.
    """

    def __init__(self, path: Path):
        self._seen: set[str] = set()
        self._db: sqlite3.Connection | None
        try:
            path.parent.mkdir(exist_ok=True)
            self._db = sqlite3.connect(path, timeout=1, isolation_level=None)
            self._db.execute("CREATE TABLE IF NOT EXISTS pages (page TEXT PRIMARY KEY, fingerprint TEXT, html TEXT)")
        except (OSError, sqlite3.Error):
            self._db = None

    def get(self, page: str, fingerprint: str) -> str | None:
        self._seen.add(page)
        if self._db is None:
            return None
        try:
            row = self._db.execute("SELECT fingerprint, html FROM pages WHERE page = ?", (page,)).fetchone()
        except sqlite3.Error:
            return None
        return row[1] if row is not None and row[0] == fingerprint else None

    def put(self, page: str, fingerprint: str, html: str) -> None:
        if self._db is None:
            return
        try:
            if not self._db.in_transaction:
                self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("INSERT OR REPLACE INTO pages VALUES (?, ?, ?)", (page, fingerprint, html))
        except sqlite3.Error:
            pass

    def close(self) -> None:
        """Keep what was drawn; forget the pages this build did not ask for (deleted contacts)."""
        if self._db is None:
            return
        try:
            if not self._db.in_transaction:
                self._db.execute("BEGIN IMMEDIATE")
            gone = [(page,) for (page,) in self._db.execute("SELECT page FROM pages") if page not in self._seen]
            self._db.executemany("DELETE FROM pages WHERE page = ?", gone)
            self._db.execute("COMMIT")
        except sqlite3.Error:
            pass
        finally:
            self._db.close()
            self._db = None

    def abandon(self) -> None:
        """A build that failed keeps nothing it drew."""
        if self._db is not None:
            self._db.close()  # an open transaction is rolled back
            self._db = None
