"""The plan as an iCalendar feed (RFC 5545): due touches, bookings, promises, birthdays and yearly dates,
and a weekly follow-up block. UIDs are stable, so a calendar that re-subscribes updates its events.

Serialising with icalendar costs about half a millisecond an event, seconds for a big journal on
every build; each event's text is therefore kept in .followup-cache/ by a digest of everything it
is made of, and only new or changed events are serialised again. The one part that changes every
day, DTSTAMP, is written as a placeholder and set when the feed is put together.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import NamedTuple

from icalendar import Calendar, Event

from followup.core.dates import WEEKDAYS, parse_weekly_block
from followup.core.names import slugify
from followup.store import cache
from followup.store.journal import Journal

DOMAIN = "followup.invalid"
_END = b"END:VCALENDAR\r\n"
_PLACEHOLDER = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_PLACEHOLDER_LINE = b"\r\nDTSTAMP:19700101T000000Z\r\n"  # a whole line: no text of an event can hold it


class Spec(NamedTuple):
    """Everything one event is made of; equal specs give the same text."""

    uid: str
    start: dt.date | dt.datetime
    end: dt.date | dt.datetime
    summary: str
    description: str | None
    rrule: tuple | None
    transparent: bool
    url: str | None = None


def _uid(*parts: str) -> str:
    return "-".join(parts) + f"@{DOMAIN}"


def _event(spec: Spec) -> bytes:
    event = Event()
    event.add("uid", spec.uid)
    event.add("dtstamp", _PLACEHOLDER)
    event.add("dtstart", spec.start)
    event.add("dtend", spec.end)
    event.add("summary", spec.summary)
    if spec.rrule:
        event.add("rrule", dict(spec.rrule))
    if spec.transparent:
        event.add("transp", "TRANSPARENT")
    if spec.description:
        event.add("description", spec.description)
    if spec.url:
        event.add("url", spec.url)
    return event.to_ical()


def _all_day(uid: str, day: dt.date, summary: str, description: str | None = None,
             rrule: tuple | None = None) -> Spec:
    return Spec(uid, day, day + dt.timedelta(days=1), summary, description, rrule, True)


def _specs(journal: Journal, block: str | None, with_notes: bool):
    today = journal.today
    for person in journal.people:
        contact = person.contact
        notes = contact.notes if with_notes and contact.notes else None
        if person.due.next_due is not None and person.status not in ("none", "booked", "snoozed"):
            how = f" ({contact.channel})" if contact.channel else ""
            yield _all_day(_uid("touch", person.slug), person.due.next_due, f"Reach {person.name}{how}", notes)
        if contact.next is not None:
            yield _all_day(_uid("booked", person.slug), contact.next, f"Booked: {person.name}", notes)
        seen: dict[str, int] = {}
        for promise in contact.promises:
            digest = hashlib.sha1(promise.what.encode()).hexdigest()[:10]
            # Two promises of the same words are two events: a calendar keeps one event per UID.
            seen[digest] = seen.get(digest, 0) + 1
            uid = _uid("promise", person.slug, digest if seen[digest] == 1 else f"{digest}-{seen[digest]}")
            yield _all_day(uid, promise.due, f"Promised {person.name}: {promise.what}")
        yearly = ([("birthday", _uid("birthday", person.slug), f"{person.name}'s birthday", contact.birthday)]
                  if contact.birthday else [])
        yearly += [(label, _uid("date", person.slug, slugify(label)), f"{person.name}: {label}", date)
                   for label, date in contact.dates.items()]
        for _, uid, summary, date in yearly:
            first = date.on_year(date.year if date.year is not None else today.year)
            # A Feb 29 date falls on the last day of February in other years.
            rule = (("freq", "yearly"), ("bymonth", 2), ("bymonthday", -1)) if (date.month, date.day) == (2, 29) \
                else (("freq", "yearly"),)
            yield _all_day(uid, first, summary, rrule=rule)
    if block:
        weekday, start, end = parse_weekly_block(block)
        first = today + dt.timedelta(days=(weekday - today.weekday()) % 7)
        # Floating times: the block is at 16:00 wherever the calendar is.
        review = f"{journal.settings.site_url}review/" if journal.settings.site_url else None
        yield Spec(_uid("block"), dt.datetime.combine(first, start), dt.datetime.combine(first, end),
                   "Follow-up block", "Time booked for the follow-ups: the week's review (followup review, or the "
                   f"Review page{': ' + review if review else ' of the site'}), then followup today.",
                   (("freq", "weekly"), ("byday", WEEKDAYS[weekday][:2].upper())), False, review)


def journal_calendar(journal: Journal, block: str | None = None, with_notes: bool = False,
                     cache_file: Path | None = None) -> bytes:
    known = (cache.load(cache_file) if cache_file else None) or {}
    made = {}
    for spec in _specs(journal, block, with_notes):
        key = cache.fingerprint(spec)
        made[key] = known.get(key) or _event(spec)
    if cache_file and made.keys() != known.keys():
        cache.save(cache_file, made)
    stamp = b"\r\nDTSTAMP:" + journal.today.strftime("%Y%m%d").encode() + b"T000000Z\r\n"
    calendar = Calendar()
    calendar.add("prodid", "-//followup//journal//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "followup")
    head = calendar.to_ical()
    return head[: -len(_END)] + b"".join(made.values()).replace(_PLACEHOLDER_LINE, stamp) + _END
