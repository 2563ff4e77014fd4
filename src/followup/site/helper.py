"""Pages drawn on a second core, in a build that must draw many (the first build, the first of a week).

By on_env every page's Markdown is read and the journal with its history is known, so the pages the page
cache does not hold can be listed in the order MkDocs will write them. A forked child draws them in that
order, into a SQLite file of its own, ahead of the build, which takes each page from it when it gets there.
The child's page is a part of what the build spends on it (the build also lays out the theme around it),
so the child keeps ahead, and the build draws a page itself only when it gets there first. The build's place
in the list is shared with the child (an anonymous shared map): a child that falls behind skips past it.
A child that fails, or lags, only means the build draws those pages itself: what is drawn is the same
either way, as the child draws from a copy of the build's own state.
"""

from __future__ import annotations

import contextlib
import logging
import mmap
import os
import signal
import sqlite3
import struct
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger("mkdocs.plugins.followup")
HELPED_FROM = 400  # pages to draw: below this, a second process costs more than it saves
BATCH = 16  # pages the child writes at once, unless the build is about to ask for one of them
_PLACE = struct.Struct("q")


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """A child can be forked safely: on Linux (macOS's system libraries are not safe to use in a forked child),
    in a process with no other thread (one, like mkdocs serve's server, may hold a lock the child would wait on
    forever)."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


def can_help() -> bool:
    """A child can be forked safely and has a core of its own to run on."""
    return can_fork() and cores() > 1


class Forked:
    """A forked child doing `work` for the build. Its failure is logged with its reason (the build then does the
    work itself), and stop() ends it at once: when the build no longer needs it, or has failed."""

    def __init__(self, work: Callable[[], None], what: str):
        self.what = what
        reading, writing = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(reading)
            code = 0
            try:
                work()
            except BaseException as error:
                os.write(writing, f"{type(error).__name__}: {error}"[:300].encode("utf-8", "replace"))
                code = 1
            finally:
                os._exit(code)  # never the build's exit handlers, nor its open databases
        os.close(writing)
        self.reason = reading
        self.done: bool | None = None

    def wait(self, stop: bool = False) -> bool:
        """Whether the child did its work; `stop`: it is not needed any more, and is stopped first."""
        if self.done is None:
            if stop:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.pid, signal.SIGKILL)
            _, status = os.waitpid(self.pid, 0)
            with os.fdopen(self.reason, "rb") as stream:
                reason = stream.read().decode("utf-8", "replace")
            code = os.waitstatus_to_exitcode(status)  # negative: ended by a signal (stop's, or the system's)
            self.done = code == 0
            if code > 0 or (code < 0 and not stop):
                log.info(f"followup: {self.what} failed ({reason or f'exit status {code}'}); the build does its "
                         "work itself")
        return self.done


class DrawingHelper:
    """A child drawing `pages` (src_uris, in the order the build asks for them) with `draw`, ahead of the build."""

    def __init__(self, pages: list[str], draw: Callable[[str], str]):
        self.place = {page: number for number, page in enumerate(pages)}
        self.folder = tempfile.TemporaryDirectory(prefix="followup-helper-")
        self.path = Path(self.folder.name, "drawn.sqlite3")
        self.shared = mmap.mmap(-1, _PLACE.size)  # MAP_SHARED: the child sees the build's place
        _PLACE.pack_into(self.shared, 0, -1)
        self.taken = 0  # pages the build took from the child
        self.reader: sqlite3.Connection | None = None
        with contextlib.closing(sqlite3.connect(self.path)) as database:
            database.execute("PRAGMA journal_mode=WAL")  # the build reads while the child writes
            database.execute("CREATE TABLE drawn (page TEXT PRIMARY KEY, html TEXT)")
        self.child: Forked | None = Forked(lambda: self._draw_ahead(pages, draw), "the child drawing pages ahead")

    def _draw_ahead(self, pages: list[str], draw: Callable[[str], str]) -> None:
        database = sqlite3.connect(self.path, isolation_level=None)
        database.execute("PRAGMA synchronous=OFF")  # a scratch file, gone at the end of the build
        batch: list[tuple[str, str]] = []
        number = 0
        while True:
            place = _PLACE.unpack_from(self.shared, 0)[0]
            number = max(number, place + 1)  # the build has drawn or is drawing those before
            if number >= len(pages):
                break
            batch.append((pages[number], draw(pages[number])))
            number += 1
            if len(batch) == BATCH or number - place <= BATCH:
                database.executemany("INSERT INTO drawn VALUES (?, ?)", batch)
                batch = []
        if batch:
            database.executemany("INSERT INTO drawn VALUES (?, ?)", batch)
        database.close()

    def take(self, page: str) -> str | None:
        """The page as the child drew it, if it has; the build is at this page from now on."""
        number = self.place.get(page)
        if number is None or self.child is None:
            return None
        _PLACE.pack_into(self.shared, 0, number)
        try:
            if self.reader is None:
                self.reader = sqlite3.connect(self.path, timeout=5)
            row = self.reader.execute("SELECT html FROM drawn WHERE page = ?", (page,)).fetchone()
        except sqlite3.Error:
            return None
        if row is not None:
            self.taken += 1
        return row[0] if row is not None else None

    def finish(self) -> None:
        """The child stopped (it has nothing left that the build needs) and its file removed."""
        if self.child is not None:
            self.child.wait(stop=True)
            self.child = None
        if self.reader is not None:
            self.reader.close()
            self.reader = None
        self.shared.close()
        self.folder.cleanup()
