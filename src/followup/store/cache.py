"""What a build learned, kept between runs in the user's cache folder (places.state_folder), never in the journal.

Parsing 10,000 contact files takes seconds and reading 50,000 commits takes longer: a later run
re-parses only the files whose size, mtime or inode changed, and reads only the commits that are
new since the cached HEAD. Both are kept in SQLite, by file, so that a run for one owner of a firm's
100,000 contacts reads only that owner's rows (ParseStore, HistoryStore). Rendering 10,000 person
pages takes seconds too: a page is kept with a fingerprint of everything it was drawn from, and
drawn again only when that changes.

Caches hold data, never code: values are written as MessagePack and read back through msgspec into the
types they must have (a contact, a problem, a git event), so a damaged or foreign row is a decode error, not
a program. They live outside the working tree, keyed by the journal's real path, so no clone or pull can plant
or replace one; a cache written by another followup (or an edited one) or Python is dropped and rebuilt.
Results never differ from a run without them.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import msgspec

from followup.core.contact import Contact, Problem
from followup.store.database import Database, stamped
from followup.store.files import atomic_write
from followup.store.places import state_folder

_STAMPED = stamped(msgspec.__version__)  # hashed once; fingerprint() copies it
_HEADER = _STAMPED.hexdigest().encode() + b"\n"  # what a cache file starts with
_ENCODER = msgspec.msgpack.Encoder()
_DECODERS: dict[object, msgspec.msgpack.Decoder] = {}
ENCODE_ERRORS = (msgspec.EncodeError, OverflowError, TypeError, ValueError, RecursionError)


def encoded(value: object) -> bytes:
    return _ENCODER.encode(value)


def decoded(data: bytes, kind: Any) -> Any:
    """`data` read back as `kind`; None when it is not one (damaged, or written by other code)."""
    decoder = _DECODERS.get(kind)
    if decoder is None:
        decoder = _DECODERS[kind] = msgspec.msgpack.Decoder(kind)
    try:
        return decoder.decode(data)
    except (msgspec.DecodeError, RecursionError, UnicodeDecodeError):  # msgspec before 0.19 lets bad UTF-8 through
        return None


def cache_path(root: Path, name: str, suffix: str = ".msgpack") -> Path:
    return state_folder(root) / f"{name}{suffix}"


def _identity(path: Path) -> tuple:
    status = path.stat()
    return status.st_size, status.st_mtime_ns, status.st_ino


class CacheFile:
    """One MessagePack cache file, read and written through this object. It holds what it last read or wrote, with
    the file's identity then, so that a process that builds again and again (`followup serve`, which keeps the
    object on its plugin) reads the file once; a later change on disk, by another process, is still noticed.
    `defer`: a save is held in memory until flush() (when the server stops): writing the events of 10,000
    calendar entries after each save was a good part of a rebuild, and a cache older than the files only costs
    the next run drawing them again. Callers treat what load() gives as read-only."""

    def __init__(self, path: Path, kind: Any, defer: bool = False):
        self.path, self.kind, self.defer = path, kind, defer
        self.held: tuple[tuple, object] | None = None
        self.waiting = False

    def load(self) -> Any:
        """What save() wrote, as `kind`; None when there is none, or it is not ours."""
        try:
            identity = _identity(self.path)
            if self.held is not None and self.held[0] == identity:
                return self.held[1]
            data = self.path.read_bytes()
        except OSError:
            return None
        if not data.startswith(_HEADER):
            return None
        value = decoded(data[len(_HEADER):], self.kind)
        if value is not None:
            self.held = (identity, value)
        return value

    def save(self, data: object) -> None:
        if self.defer:
            try:
                identity = _identity(self.path)
            except OSError:
                identity = ()
            self.held, self.waiting = (identity, data), True
            return
        try:
            atomic_write(self.path, _HEADER + encoded(data))
            self.held = (_identity(self.path), data)
        except (OSError, *ENCODE_ERRORS):
            pass  # a read-only cache folder, or a value MessagePack cannot hold: it still builds, only more slowly

    def flush(self) -> None:
        """Write what a deferred save held back."""
        if self.waiting and self.held is not None:
            self.defer = self.waiting = False
            self.save(self.held[1])


Listing = dict[str, tuple[tuple[int, int, int], str | None, str | None]]
Parse = tuple[Contact | None, list[Problem]]


class _Stamped(Database):
    """A cache database of this followup, as MessagePack encodes."""

    STAMP = _STAMPED.hexdigest()


class ParseStore(_Stamped):
    """Each contact file's parse, by path, and a listing of every file with its identity (size, mtime, inode)
    when parsed and the owner and slug it names. In SQLite rather than one file: a run for one owner
    (`followup due --owner hal` in a firm's journal of 100,000) reads the listing and that owner's rows only,
    and a saved file rewrites its own row. The listing is one row: read in a twentieth of the time
    100,000 rows take."""

    TABLES = ("files (path TEXT PRIMARY KEY, parse BLOB)", "listing (files BLOB)")

    def __init__(self, path: Path, held: dict[str, tuple] | None = None):
        """`held`: the parses an earlier run of this process read or wrote (path -> (identity, contact,
        problems)), kept up to date here: `followup serve` builds again and again, and decoding 10,000 contacts
        each time was a second of each."""
        super().__init__(path)
        self.held = held if held is not None else {}

    def known(self) -> dict[str, tuple[tuple, str | None, str | None]]:
        """Every stored file: its identity when parsed, and the owner (as written) and slug it names (no slug:
        it could not be read)."""
        rows = self.rows("SELECT files FROM listing")
        return (decoded(rows[0][0], Listing) or {}) if len(rows) == 1 else {}

    def parses(self, paths: list[str]) -> dict[str, tuple]:
        """The stored (contact, problems) of these files."""
        wanted = set(paths)
        rows = self.rows("SELECT path, parse FROM files") if len(wanted) > 5000 else \
            self.rows_of("SELECT path, parse FROM files WHERE path IN", paths)
        found = {path: decoded(data, Parse) for path, data in rows if path in wanted}
        return {path: parse for path, parse in found.items() if parse is not None}

    def keep(self, listing: dict[str, tuple[tuple, str | None, str | None]], parsed: dict[str, tuple],
             gone: set[str]) -> None:
        """The listing of every file now; the (identity, contact, problems) of those parsed anew; the files gone."""
        self.held.update(parsed)
        for path in gone:
            self.held.pop(path, None)
        self.write([
            ("DELETE FROM files WHERE path = ?", [(path,) for path in gone]),
            ("INSERT OR REPLACE INTO files VALUES (?, ?)",
             [(path, encoded((contact, problems))) for path, (_, contact, problems) in parsed.items()]),
            ("DELETE FROM listing", [()]),
            ("INSERT INTO listing VALUES (?)", [(encoded(listing),)]),
        ])


class HistoryStore(_Stamped):
    """The git history read so far: the HEAD it was read at, and each file's events by path, in SQLite so that
    a run for some files reads only their rows, and a new commit rewrites the rows of the files it changed."""

    TABLES = ("head (folder TEXT, head TEXT, commits INTEGER, skipped BLOB)",
              "events (path TEXT PRIMARY KEY, events BLOB)")

    def __init__(self, path: Path, kind: Any):
        """`kind`: what a file's events are (the history module's list of its events)."""
        super().__init__(path)
        self.kind = kind

    def head(self) -> tuple[str, str, int, list[str]] | None:
        """The folder and HEAD the history was read at, its number of commits and old values skipped."""
        rows = self.rows("SELECT folder, head, commits, skipped FROM head")
        if len(rows) != 1:
            return None
        folder, head, commits, skipped = rows[0]
        return folder, head, commits, decoded(skipped, list[str]) or []

    def events(self, paths: list[str] | None = None) -> dict[str, list]:
        """The events of these paths (of every path: None)."""
        rows = self.rows("SELECT path, events FROM events") if paths is None else \
            self.rows_of("SELECT path, events FROM events WHERE path IN", paths)
        return {path: found for path, data in rows if (found := decoded(data, self.kind)) is not None}

    def keep(self, folder: str, head: str, commits: int, skipped: list[str], changed: dict[str, list],
             gone: set[str] | None = None) -> None:
        """The history at `head`: the events of the paths that changed, and those of the paths in `gone`
        forgotten (all, when `gone` is None: a history read in full)."""
        self.write([
            ("DELETE FROM events" if gone is None else "DELETE FROM events WHERE path = ?",
             [()] if gone is None else [(path,) for path in gone]),
            ("INSERT OR REPLACE INTO events VALUES (?, ?)",
             [(path, encoded(events)) for path, events in changed.items()]),
            ("DELETE FROM head", [()]),
            ("INSERT INTO head VALUES (?, ?, ?, ?)", [(folder, head, commits, encoded(skipped))]),
        ])


def fingerprint(*parts) -> str:
    """A digest of values whose repr says all they hold (strings, numbers, dates, tuples of them)."""
    digest = _STAMPED.copy()
    digest.update(repr(parts).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


class PageStore:
    """Rendered pages in SQLite, each with the fingerprint of what it was drawn from.

    SQLite rather than one file: a page is read when it is built and written when it is drawn, so
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

    def fingerprints(self) -> dict[str, str]:
        """Every page held, with the fingerprint it was drawn from."""
        if self._db is None:
            return {}
        try:
            return dict(self._db.execute("SELECT page, fingerprint FROM pages"))
        except sqlite3.Error:
            return {}

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
