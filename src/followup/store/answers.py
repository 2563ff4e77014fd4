"""The last answers of the read commands (`followup due --json`...), each kept with the state of everything it was
drawn from, so that asking again when nothing changed prints it at once, without loading the journal.

What an answer is drawn from, and so what is compared before one is given again:
- the question: the command line, the journal's folder, the day (FOLLOWUP_TODAY or the clock), whose list
  (FOLLOWUP_OWNER, else `git config followup.owner`), and the code of followup itself (database.code_version);
- the configuration file's bytes (one that INHERITs another is never answered from here);
- every file and folder under the contacts folder, by name, size, mtime and inode (as the parse cache
  knows a file), and the commit HEAD names, which decides the git history.
A change to any of them, an edit, a commit, a pull or a new day, draws the answer afresh.
"""

from __future__ import annotations

import os
import stat
import subprocess
import time
from pathlib import Path

from followup.store.config import CONFIG_FILES
from followup.store.database import SETTLED_NS, Database, fingerprint
from followup.store.places import NOFOLLOW, state_folder

KEPT = 32  # answers kept per journal: the few questions one asks each day


def _tree(folder: str) -> list[tuple]:
    """Every entry under `folder` with its identity; links are entries, never followed."""
    found: list[tuple] = []
    waiting = [folder]
    while waiting:
        directory = waiting.pop()
        try:
            entries = os.scandir(directory)
        except OSError as error:
            found.append((directory, error.errno))
            continue
        with entries:
            for entry in entries:
                try:
                    status = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                found.append((entry.path, status.st_mode, status.st_size, status.st_mtime_ns, status.st_ino))
                if entry.is_dir(follow_symlinks=False):
                    waiting.append(entry.path)
    return sorted(found)


def _head(root: Path) -> str:
    done = subprocess.run(["git", "-C", str(root), "rev-parse", "-q", "--verify", "HEAD"], capture_output=True,
                          text=True, errors="replace")
    return done.stdout.strip()


class Answers:
    """The kept answers of one journal, in its cache folder."""

    TABLE = "answers (question TEXT PRIMARY KEY, contacts TEXT, state TEXT, output BLOB)"

    def __init__(self, root: Path, question: list[str]):
        """`question`: everything about the asking that the answer depends on, as text."""
        self.root = root
        found = [_bytes(root / name) for name in CONFIG_FILES]
        config = [one for one in found if one is not None]
        self.answerable = len(config) == len(found) and b"INHERIT" not in b"".join(config)
        self.question = fingerprint(str(root), question, config)
        self.store = _Store(state_folder(root) / "answers.sqlite3")

    def state(self, contacts: str) -> str | None:
        """What the answer is drawn from, as it is now; None while a file in it has only just changed."""
        now = time.time_ns()
        tree = _tree(str(self.root / contacts))
        if any(len(entry) > 2 and now - entry[3] < SETTLED_NS for entry in tree):
            return None
        return fingerprint(tree, _head(self.root))

    def answer(self) -> str | None:
        """The kept answer to the question, when nothing it was drawn from has changed."""
        if not self.answerable:
            return None
        rows = self.store.rows("SELECT contacts, state, output FROM answers WHERE question = ?", (self.question,))
        if len(rows) != 1:
            return None
        contacts, state, output = rows[0]
        return output.decode("utf-8", "surrogateescape") if self.state(contacts) == state else None

    def keep(self, contacts: str, state: str | None, output: str) -> None:
        """The answer drawn from the journal as it was (`state`, taken before drawing it)."""
        if not self.answerable or state is None:
            return
        self.store.write([
            # a replaced row takes a new rowid: the rows kept are the answers given last
            ("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?)",
             [(self.question, contacts, state, output.encode("utf-8", "surrogateescape"))]),
            (f"DELETE FROM answers WHERE rowid NOT IN (SELECT rowid FROM answers ORDER BY rowid DESC LIMIT {KEPT})",
             [()]),
        ])

    def close(self) -> None:
        self.store.close()


class _Store(Database):
    TABLES = (Answers.TABLE,)


def _bytes(path: Path) -> bytes | None:
    """A configuration file's name and bytes; b"" when there is none, None when it is no regular file."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | NOFOLLOW)
    except FileNotFoundError:
        return b""
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as stream:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None
        return path.name.encode() + b"\0" + stream.read(1_000_000)
