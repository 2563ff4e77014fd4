"""The words pages say about a person, written once: the templates use them, and the dashboard's script reads
the same phrases from the page (followup.js fills them in on a later day)."""

from __future__ import annotations

import json

from followup.store.journal import Person

# The few words after a status and a promise; {days}, {next_due}, {next}, {snoozed} and {due} are filled in.
WORDS = {
    "booked": "booked {next}",
    "snoozed": "snoozed until {snoozed}",
    "none": "no cadence",
    "never": "never touched",
    "late-one": "{days} day late",
    "late": "{days} days late",
    "today": "due today",
    "ahead": "due {next_due}",
    "by": "by {due}",
    "by-late": "by {due} (late)",
    "as-of": "Statuses as of {today}.",
    "built": "Statuses as of {today} (built {built}).",
}


def when_phrase(person: Person) -> str:
    """Which of WORDS describes the person today."""
    due = person.due
    if due.status in ("booked", "snoozed", "none") or due.days_late is None:
        return due.status
    if due.never_touched:
        return "never"
    if due.days_late > 0:
        return "late-one" if due.days_late == 1 else "late"
    return "today" if due.days_late == 0 else "ahead"


def when(person: Person) -> str:
    """"7 days late", "due 2026-12-01", "booked 2026-12-20"..."""
    due, contact = person.due, person.contact
    return WORDS[when_phrase(person)].format(days=due.days_late, next_due=due.next_due, next=contact.next,
                                           snoozed=contact.snooze_until)


def detail(value: object) -> str:
    """Another key's value, as short text whatever it holds (a deeply nested import, a long list)."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        text = str(value)
    else:
        try:
            text = json.dumps(value, ensure_ascii=False, default=str)
        except (RecursionError, ValueError):
            text = "(too deeply nested to show)"
    return text if len(text) <= 300 else text[:299] + "…"
