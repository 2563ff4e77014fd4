"""git history as the contact log: one `git log` pass over the whole contacts folder.

A commit that changes a contact's `last_touch` is a touch dated by the new value; any other
commit to the file is an edit. Renames are followed, so a contact keeps its history when its
file moves. The output is parsed line by line: no subprocess per contact.

A full read of a long history is split in as many parts as the machine has cores (at most four), read
by concurrent `git log` processes: what git spends is comparing each commit's tree with its parent's, a
walk of the whole folder for every commit of a flat one (50,000 commits of a 10,000-file folder: 10 s of
git, whether with -p or --raw), and that work divides. The parts are joined as an incremental read joins
new commits to cached ones. The reading starts before the contact files are parsed (HistoryReader).
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
import subprocess
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from followup.core.dates import DateError, parse_date
from followup.store import cache

COMMIT_MARK = "\0"
_LAST_TOUCH_LINE = re.compile(r"^([+-])last_touch:[ \t]*(.*?)[ \t]*(?:[ \t]#.*)?$")
_ADDED_ENTRY = re.compile(r"^\+(?:[-*+][ \t]+|###[ \t]+)(\d{4}-\d{1,2}-\d{1,2})")
_DIFF_HEADER = re.compile(r"^diff --git a/(.*) b/(.*)$")
_NOTHING: tuple = ()


@dataclass(frozen=True, slots=True)
class GitEvent:
    kind: str  # "touch" (the commit moved last_touch forward) or "edit"
    date: dt.date  # a touch's day (the new last_touch), else the day of the commit
    subject: str
    commit: str
    author: str
    committed: dt.date | None = None  # the day of the commit
    logged: tuple[dt.date, ...] = _NOTHING  # the days of the log entries the commit wrote

    def as_edit(self) -> GitEvent:
        """A touch that a later commit undid (a revert, a correction): the commit stays, as an edit."""
        return GitEvent("edit", self.committed or self.date, self.subject, self.commit, self.author, self.committed,
                        self.logged)


@dataclass
class History:
    events: dict[str, list[GitEvent]] = field(default_factory=dict)  # newest first, by path in the folder
    warning: str | None = None
    commits: int = 0
    skipped: list[str] = field(default_factory=list)  # old values that are not dates: said, never a problem

    def for_path(self, rel_path: str) -> list[GitEvent]:
        return self.events.get(rel_path, [])


_C_ESCAPE = re.compile(rb'\\([0-3][0-7]{2}|[abtnvfr"\\])')  # git's C-quoting: one byte each
_C_CHARACTERS = {b"a": b"\a", b"b": b"\b", b"t": b"\t", b"n": b"\n", b"v": b"\v", b"f": b"\f", b"r": b"\r",
                 b'"': b'"', b"\\": b"\\"}


def _unquote(path: str) -> str:
    """git C-quotes odd file names ("a\\"b.md", octal escapes for the bytes of other characters)."""
    if len(path) < 2 or path[0] != '"' or path[-1] != '"':
        return path
    raw = _C_ESCAPE.sub(lambda match: _C_CHARACTERS.get(match[1]) or bytes([int(match[1], 8)]),
                        path[1:-1].encode("utf-8", "surrogateescape"))
    return raw.decode("utf-8", errors="replace")


def _strip_prefix(path: str) -> str | None:
    """A path from a '--- a/x' or '+++ b/x' line; git ends it with a tab when the name has spaces."""
    path = _unquote(path.rstrip("\n").removesuffix("\t"))
    if path == "/dev/null":
        return None
    return path[2:] if path[:2] in ("a/", "b/") else path


PART_COMMITS = 5000  # a part of a full read is at least this many commits: below, one process is quicker
PARTS = min(os.cpu_count() or 1, 4)  # read at once, at most


class _Log:
    """One `git log` over the folder, running: its output goes to a temporary file (a pipe would stall
    the other parts while one is read), parsed when it ends."""

    def __init__(self, folder: Path, *revisions: str):
        command = [
            "git", "-c", "core.quotepath=off", "-C", str(folder), "log", "--relative", "-M", "-p", "-U0",
            # The output is parsed: none of the user's settings that reshape it for reading apply, nor the
            # journal's own attributes (a committed `*.md -diff` or `binary` would print no lines: --text).
            "--src-prefix=a/", "--dst-prefix=b/", "--no-textconv", "--text", "--no-show-signature",
            # Fields apart by NUL, which no name or subject holds (a tab in an author's name would shift them).
            "--no-color", "--no-ext-diff", "--encoding=UTF-8", "--format=%x00%m%H%x00%h%x00%as%x00%an%x00%s",
            *revisions,
        ]
        self.output = tempfile.TemporaryFile()  # noqa: SIM115 (git writes it while other parts run; result() closes it)
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115
        self.process = subprocess.Popen(command, stdout=self.output, stderr=self.errors)

    def stop(self) -> None:
        if self.process.poll() is None:  # still reading: nobody will read its output
            with self.output, self.errors:
                self.process.kill()
                self.process.wait()

    def result(self) -> tuple[_Segment | None, str]:
        """The parsed segment, or None and git's error."""
        with self.output, self.errors:
            code = self.process.wait()
            if code != 0:
                self.errors.seek(0)
                return None, self.errors.read().decode("utf-8", "replace")
            self.output.seek(0)
            with open(self.output.fileno(), encoding="utf-8", errors="replace", closefd=False) as lines:
                return _parse_log(lines), ""


def _split_points(folder: Path, head: str, parts: int, part_commits: int) -> list[str]:
    """Commits of the first-parent line that cut the history into `parts` of about equal length (each of
    `part_commits` at least), newest first; [head] for one. Every commit is reachable from one part's start
    and not from the next's."""
    if parts < 2:
        return [head]
    line = subprocess.run(["git", "-C", str(folder), "rev-list", "--first-parent", head], capture_output=True,
                          text=True).stdout.split()
    parts = min(parts, len(line) // part_commits)
    return [line[len(line) * number // parts] for number in range(parts)] if parts >= 2 else [head]


@dataclass
class HeldHistory:
    """The history a reader of this process read or kept, with the folder and HEAD it was read at: `followup
    serve` builds again and again in one process (its plugin keeps this), and decoding the events of 10,000
    files each time was a second of each."""

    read: tuple[str, str, History] | None = None


class HistoryReader:
    """Every commit that touched `folder`, attributed to today's path of each file; git starts reading when
    the reader is made, and history() waits for it. With `paths`, the history of those files only (one
    owner's, in a firm's journal): read from the cache, which a full read keeps.

    With a cache of an earlier run, only the commits since its HEAD are read and the cached events
    are carried over (through any rename since). A rewritten history (a rebase, an amend, a reset)
    is noticed because the cached HEAD is not where the new commits start, and read in full.
    """

    def __init__(self, folder: Path, cache_file: Path | None = None, parts: int = PARTS,
                 part_commits: int = PART_COMMITS, paths: list[str] | None = None, held: HeldHistory | None = None):
        """`held`: the history an earlier reader of this process read or kept, which this one keeps in turn."""
        self.folder, self.paths = folder, paths
        self.held = held if held is not None else HeldHistory()
        self.parts, self.part_commits = parts, part_commits
        self.done: History | None = None
        self.logs: list[_Log] = []
        self.cached: tuple[str, int, list[str]] | None = None  # the cache's HEAD, commits and skipped values
        self.store = cache.HistoryStore(cache_file, list[GitEvent]) if cache_file else None
        try:
            head = subprocess.run(["git", "-C", str(folder), "rev-parse", "--verify", "-q", "HEAD"],
                                  capture_output=True, text=True)
        except OSError:
            self.done = History(warning="git is not installed: timelines show the written log only")
            return
        if head.returncode != 0:
            self.done = History(warning=f"{folder.name}/ is not in a git repository: timelines show the written log "
                                        "only" if "not a git repository" in head.stderr else
                                "the git repository has no commits yet: timelines show the written log only")
            return
        self.head = head.stdout.strip()
        known = self.store.head() if self.store else None
        if known and known[0] == str(folder):
            _, cached_head, commits, skipped = known
            if cached_head == self.head:
                self.done = History(events=self._cached_events(cached_head, paths), commits=commits, skipped=skipped)
                if paths is None:
                    self.held.read = (str(folder), self.head, self.done)
                return
            self.cached = cached_head, commits, skipped
            self.logs = [_Log(folder, "--boundary", self.head, f"^{cached_head}")]
        else:
            self._read_in_full()

    def _cached_events(self, head: str, paths: list[str] | None) -> dict[str, list[GitEvent]]:
        assert self.store is not None
        held = self.held.read
        if held is not None and held[:2] == (str(self.folder), head):
            events = held[2].events
            return events if paths is None else {path: events[path] for path in paths if path in events}
        return self.store.events(paths)

    def _read_in_full(self) -> None:
        # Without a pathspec git does not simplify history file by file: twice as fast over a whole journal.
        points = _split_points(self.folder, self.head, self.parts, self.part_commits)
        self.cached = None
        self.logs = [_Log(self.folder, start, f"^{end}") for start, end in itertools.pairwise(points)] + \
                    [_Log(self.folder, points[-1])]

    def history(self) -> History:
        if self.done is not None:
            return self.done
        if self.cached is not None:  # an incremental read
            segment, _ = self.logs[0].result()
            cached_head, commits, skipped = self.cached
            if segment is not None and cached_head in segment.boundary:
                mine = set(self.paths or ())
                wanted = None if self.paths is None else \
                    [*self.paths, *(old for old, new in segment.renamed_to.items() if new in mine)]
                history = _carry_over(segment, {"events": self._cached_events(cached_head, wanted),
                                                "commits": commits, "skipped": skipped})
                if self.paths is not None:  # a part of the history is not kept: the cache stays at its HEAD
                    return self._only(history)
                changed = {*segment.events, *segment.renamed_to.values(), *segment.undone}
                self._keep(history, {path: history.events[path] for path in changed if path in history.events},
                           {old for old in segment.renamed_to if old not in history.events})
                return history
            self._read_in_full()
        segments = [log.result() for log in self.logs]
        failed = next((error for segment, error in segments if segment is None), None)
        if failed is not None:
            return History(warning=f"{self.folder.name}/ has no readable git history ({failed.strip()[:200]}): "
                                   "timelines show the written log only")
        oldest = segments[-1][0]
        assert oldest is not None
        history = History(events=oldest.events, commits=oldest.commits, skipped=oldest.skipped)
        for segment, _ in reversed(segments[:-1]):  # each newer part carried over the older ones, as new commits
            assert segment is not None
            history = _carry_over(segment, {"events": history.events, "commits": history.commits,
                                            "skipped": history.skipped})
        self._keep(history, history.events, None)
        return self._only(history)

    def stop(self) -> None:
        """The build it was read for failed: git stops reading."""
        for log in self.logs:
            log.stop()

    def _keep(self, history: History, changed: dict[str, list[GitEvent]], gone: set[str] | None) -> None:
        if self.store is not None:
            self.store.keep(str(self.folder), self.head, history.commits, history.skipped, changed, gone)
            self.held.read = (str(self.folder), self.head, history)

    def _only(self, history: History) -> History:
        if self.paths is None:
            return history
        return History(events={path: history.events[path] for path in self.paths if path in history.events},
                       commits=history.commits, skipped=history.skipped)


def read_history(folder: Path, cache_file: Path | None = None, parts: int = PARTS,
                 part_commits: int = PART_COMMITS) -> History:
    return HistoryReader(folder, cache_file, parts, part_commits).history()


def _carry_over(segment: _Segment, cached: dict) -> History:
    events = {path: list(found) for path, found in segment.events.items()}
    for path, older in cached["events"].items():
        current = segment.renamed_to.get(path, path)
        undone = set(segment.undone.get(current, ()))
        events.setdefault(current, []).extend(_undo_one(event, undone) for event in older)
    return History(events=events, commits=segment.commits + cached["commits"],
                   skipped=segment.skipped + cached["skipped"])


@dataclass
class _Segment:
    events: dict[str, list[GitEvent]]
    renamed_to: dict[str, str]
    boundary: set[str]
    commits: int
    undone: dict[str, set[dt.date]]  # touches a commit of this segment took back, not yet met (older ones)
    skipped: list[str]


def _undo_one(event: GitEvent, undone: set[dt.date] | None) -> GitEvent:
    """The event as it stands once later commits are known: a touch whose day a newer commit took back
    is an edit (and that day is then settled); anything else as it is."""
    if event.kind != "touch" or not undone or event.date not in undone:
        return event
    undone.discard(event.date)
    return event.as_edit()


def _day(text: str | None) -> dt.date | None:
    """A date read from an old version, checked as the working file's are; None if it is not one."""
    if not text:
        return None
    try:
        return parse_date(text.strip("'\""))
    except DateError:
        return None


def _parse_log(lines) -> _Segment:
    return _LogParser().parse(lines)


class _LogParser:
    """The lines of `git log -p` (newest commit first) read into a _Segment, one method per kind of line."""

    def __init__(self) -> None:
        self.events: dict[str, list[GitEvent]] = defaultdict(list)
        self.boundary: set[str] = set()
        self.renamed_to: dict[str, str] = {}  # an older path -> the path its file has today
        self.undone: dict[str, set[dt.date]] = defaultdict(set)  # newest first: met before the touches they undo
        self.skipped: list[str] = []
        self.commits = 0
        self.commit: tuple[str, ...] | None = None  # the commit being read; None: a boundary, already known
        # today's path -> [last_touch removed, last_touch written, file created, days of log entries written]
        self.files: dict[str, list] = {}
        self.old: str | None = None
        self.new: str | None = None
        self.in_hunk = False  # inside hunks, "--- x" and "+++ x" are content lines, not file names

    def parse(self, lines) -> _Segment:
        for line in lines:
            first = line[:1]
            if first == "+" or first == "-":
                self.changed_line(line, first)
            elif first == "@":
                self.in_hunk = True
            elif first in " \\":  # a line of context, "\\ No newline at end of file", or an empty one
                continue
            elif first == COMMIT_MARK:
                self.commit_line(line)
            elif line.startswith("diff --git "):
                self.diff_line(line)
            elif line.startswith("new file mode"):
                self.old = None
            elif line.startswith("rename from "):
                self.old = _unquote(line[12:].rstrip("\n"))
            elif line.startswith("rename to "):
                self.new = _unquote(line[10:].rstrip("\n"))
        self.close_commit()
        return _Segment(dict(self.events), self.renamed_to, self.boundary, self.commits,
                        {path: days for path, days in self.undone.items() if days}, self.skipped)

    def changed_line(self, line: str, first: str) -> None:
        """A line a hunk removes or adds (a last_touch, a log entry), or a file's name before the hunks."""
        if self.in_hunk:
            path = self.new or self.old
            if line[1:12] == "last_touch:" and path is not None:
                match = _LAST_TOUCH_LINE.match(line.rstrip("\n"))
                if match:
                    self.change_of(path)[0 if first == "-" else 1] = match.group(2)
            elif first == "+" and self.new is not None and (entry := _ADDED_ENTRY.match(line)):
                self.change_of(self.new)[3].append(entry.group(1))
        elif line.startswith("+++ "):
            self.new = _strip_prefix(line[4:])
        elif line.startswith("--- "):
            self.old = _strip_prefix(line[4:])

    def commit_line(self, line: str) -> None:
        self.close_commit()
        parts = line[2:].rstrip("\n").split("\0", 4)
        parts += [""] * (5 - len(parts))
        if line[1:2] == "-":  # a boundary commit of an incremental read: already known
            self.boundary.add(parts[0])
            self.commit = None
        else:
            self.commits += 1
            self.commit = tuple(parts)
        self.files = {}
        self.old = self.new = None
        self.in_hunk = False

    def diff_line(self, line: str) -> None:
        self.close_file()
        self.old = self.new = None
        self.in_hunk = False
        header = _DIFF_HEADER.match(line.rstrip("\n"))
        # Only a header is there for pure renames, mode changes and binary files.
        if header and header.group(1) == header.group(2):
            self.old = self.new = _unquote(header.group(1))

    def change_of(self, path: str) -> list:
        return self.files.setdefault(self.renamed_to.get(path, path), [None, None, False, []])

    def close_file(self) -> None:
        path = self.new or self.old
        if self.commit is None or path is None:  # a boundary commit: its changes are already known
            return
        change = self.change_of(path)
        if self.old is None and self.new is not None:
            change[2] = True
        if self.old is not None and self.new is not None and self.old != self.new:
            self.renamed_to[self.old] = self.renamed_to.get(self.new, self.new)

    def close_commit(self) -> None:
        self.close_file()
        if self.commit is None:
            return
        short, date, author, subject = self.commit[1:]
        committed = _day(date)
        if committed is None:
            self.skipped.append(f"commit {short} has no readable date; skipped")
            return
        for path, (removed, written, created, logged) in self.files.items():
            before, after = _day(removed), _day(written)
            if written and after is None:
                self.skipped.append(f"{path}: last_touch {written[:40]!r} in commit {short} is not a date; skipped")
            # A touch moves last_touch forward. Writing a file is not a touch (an import, `new`), and
            # moving it back (a revert, a correction) takes back the touch that wrote the old value.
            touched = after if after is not None and not created and (before is None or after > before) else None
            if before is not None and not created and (after is None or after < before):
                self.undone[path].add(before)
            written_days = _NOTHING if created else tuple(day for day in map(_day, logged) if day is not None)
            event = GitEvent("touch" if touched else "edit", touched or committed, subject, short, author, committed,
                             written_days)
            self.events[path].append(_undo_one(event, self.undone.get(path)))
