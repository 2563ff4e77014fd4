"""A person's timeline: the written log and git history merged, newest first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .contact import Contact
from .history import GitEvent


@dataclass(frozen=True, slots=True)
class Event:
    date: dt.date
    kind: str  # "log" (written in the file), "touch" (a commit that moved last_touch), "edit"
    text: str
    commit: str | None = None
    author: str | None = None


def build_timeline(contact: Contact, git_events: list[GitEvent]) -> list[Event]:
    """A touch written in the log and committed (as `followup touch` does) appears once, as the log entry."""
    entries_on: dict[dt.date, list] = {}
    for entry in contact.log:
        entries_on.setdefault(entry.date, []).append(entry)
    commit_of: dict[int, GitEvent] = {}  # log entry line -> the touch commit that wrote it
    events = []
    for event in git_events:
        same_day = entries_on.get(event.date)
        if event.kind == "touch" and same_day:
            # The entry that says what the commit says, else the day's first entry.
            entry = next((e for e in same_day if event.subject in e.text), same_day[0])
            commit_of.setdefault(entry.line, event)
            continue
        events.append(Event(event.date, event.kind, event.subject, event.commit, event.author))
    for entry in contact.log:
        commit = commit_of.get(entry.line)
        events.append(Event(entry.date, "log", entry.text, commit.commit if commit else None,
                            commit.author if commit else None))
    # Stable sort: on one day, log entries keep their written order after the git events of that day.
    events.sort(key=lambda event: event.date, reverse=True)
    return events
