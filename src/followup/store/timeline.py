"""A person's timeline: the written log and git history merged, newest first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from followup.core.contact import Contact, LogEntry
from followup.store.history import GitEvent


@dataclass(frozen=True, slots=True)
class Event:
    date: dt.date
    kind: str  # "log" (a touch written in the file), "kept" (a promise kept), "touch" (a commit that moved
    # last_touch), "edit" (any other commit), "mentioned" (another's log entry that names them)
    text: str
    commit: str | None = None
    author: str | None = None


def _written_by(event: GitEvent, entries_on: dict[dt.date, list[LogEntry]], taken: dict[int, GitEvent]) \
        -> list[LogEntry]:
    """The log entries this commit wrote: one per day it wrote an entry on (a touch commit: its day),
    the one that says what the commit says first."""
    found = []
    for day in {*event.logged, *([event.date] if event.kind == "touch" else [])}:
        free = [entry for entry in entries_on.get(day, ()) if entry.line not in taken]
        same = [entry for entry in free if entry.text in event.subject or event.subject in entry.text]
        if same or free:
            found.append((same or free)[0])
    return found


def build_timeline(contact: Contact, git_events: list[GitEvent], others: Sequence[Event] = ()) -> list[Event]:
    """Each thing once: a log entry and the commit that wrote it (as `followup touch` makes them) are one
    event, the entry with the commit's hash. `others`: events of other files (mentions), each as it is."""
    entries_on: dict[dt.date, list[LogEntry]] = {}
    for entry in contact.log:
        entries_on.setdefault(entry.date, []).append(entry)
    commit_of: dict[int, GitEvent] = {}  # log entry line -> the commit that wrote it
    events = []
    for event in git_events:
        written = _written_by(event, entries_on, commit_of)
        for entry in written:
            commit_of[entry.line] = event
        if not written:
            events.append(Event(event.date, event.kind, event.subject, event.commit, event.author))
    for entry in contact.log:
        commit = commit_of.get(entry.line)
        events.append(Event(entry.date, "log" if entry.is_touch else entry.kind, entry.text,
                            commit.commit if commit else None, commit.author if commit else None))
    events += others
    # Stable sort: on one day, log entries keep their written order after the git events of that day.
    events.sort(key=lambda event: event.date, reverse=True)
    return events
