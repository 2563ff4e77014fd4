"""SQLite files in the user's cache folder, stamped with the code that wrote them, and the stamp itself: no
MessagePack here, so that what needs a small table alone (store.answers) loads nothing more."""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import sys
from pathlib import Path

PACKAGE = Path(__file__).parents[1]

# A file changed this recently may change again within the file system's timestamp granularity and keep its
# size, mtime and inode (git's "racily clean" files): what is read from one is used, never kept as matching it.
SETTLED_NS = 2_000_000_000


def code_version() -> tuple:
    """Every module of followup as it is on disk: an edited module (the core's parser as much as the
    store's), like a new release, may parse or draw differently, so it starts the caches afresh."""
    return tuple(sorted((path.relative_to(PACKAGE).as_posix(), status.st_size, status.st_mtime_ns)
                        for path in PACKAGE.rglob("*.py") for status in (path.stat(),)))


# A release is its files (a wheel installs them with their own times), so the files alone stand for the version:
# reading it (importlib.metadata) was a tenth of a warm command's start.
_CODE = (4, sys.version_info[:2], code_version())


def stamped(*more: str) -> hashlib.blake2b:
    """A digest started with this followup's code (and `more` of what decides a cache's contents)."""
    return hashlib.blake2b(repr((_CODE, *more)).encode(), digest_size=16)


def fingerprint(*parts) -> str:
    """A digest of this followup's code and of values whose repr says all they hold (strings, numbers, dates,
    tuples of them)."""
    return hashlib.blake2b(repr((_CODE, parts)).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class Database:
    """An SQLite cache file stamped with the code that wrote it: another followup's rows are dropped unread.
    Any error (another run holding the file, a damaged or read-only file) leaves the cache out of the run."""

    TABLES: tuple[str, ...] = ()
    STAMP = stamped().hexdigest()  # what its rows were written by; a subclass adds what else decides them

    def __init__(self, path: Path):
        self.path = path
        self._db: sqlite3.Connection | None
        try:
            path.parent.mkdir(exist_ok=True)
            self._db = sqlite3.connect(path, timeout=2, isolation_level=None)
            self._db.execute("CREATE TABLE IF NOT EXISTS stamp (stamp TEXT)")
            stamp = self.STAMP
            if self._db.execute("SELECT stamp FROM stamp").fetchall() != [(stamp,)]:
                with self.transaction() as db:  # tables laid out as this followup lays them, empty
                    for table in self.TABLES:
                        db.execute(f"DROP TABLE IF EXISTS {table.split()[0]}")
                        db.execute(f"CREATE TABLE {table}")
                    db.execute("DELETE FROM stamp")
                    db.execute("INSERT INTO stamp VALUES (?)", (stamp,))
        except (OSError, sqlite3.Error):
            self._db = None

    @contextlib.contextmanager
    def transaction(self):
        assert self._db is not None
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def rows(self, query: str, parameters: tuple = ()) -> list[tuple]:
        if self._db is None:
            return []
        try:
            return self._db.execute(query, parameters).fetchall()
        except sqlite3.Error:
            return []

    def rows_of(self, query: str, keys: list[str]) -> list[tuple]:
        """The rows of a query ending in `IN`, for many keys (SQLite limits the parameters of one query)."""
        found: list[tuple] = []
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            found += self.rows(f"{query} ({', '.join('?' * len(chunk))})", tuple(chunk))
        return found

    def write(self, statements: list[tuple[str, list[tuple]]]) -> None:
        if self._db is None:
            return
        try:
            with self.transaction() as db:
                for statement, rows in statements:
                    db.executemany(statement, rows)
        except sqlite3.Error:
            pass  # a read-only cache folder, or a value MessagePack cannot hold: it still builds, only more slowly

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
