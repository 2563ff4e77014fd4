"""The plan as an iCalendar feed (RFC 5545): due touches, promises, birthdays and yearly dates, and a
weekly follow-up block. UIDs are stable, so a calendar that re-subscribes updates its events."""

from __future__ import annotations

import datetime as dt
import hashlib

from icalendar import Calendar, Event

from .dates import WEEKDAYS, YearlyDate, parse_weekly_block
from .journal import Journal
from .names import slugify

DOMAIN = "followup.invalid"


def _uid(*parts: str) -> str:
    return "-".join(parts) + f"@{DOMAIN}"


def _all_day(uid: str, day: dt.date, summary: str, stamp: dt.datetime, description: str | None = None) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("transp", "TRANSPARENT")
    if description:
        event.add("description", description)
    return event


def _yearly(uid: str, date: YearlyDate, today: dt.date, summary: str, stamp: dt.datetime) -> Event:
    first = date.on_year(date.year if date.year is not None else today.year)
    event = _all_day(uid, first, summary, stamp)
    if (date.month, date.day) == (2, 29):
        event.add("rrule", {"freq": "yearly", "bymonth": 2, "bymonthday": -1})  # Feb 28 in other years
    else:
        event.add("rrule", {"freq": "yearly"})
    return event


def journal_calendar(journal: Journal, block: str | None = None, with_notes: bool = False) -> bytes:
    today = journal.today
    stamp = dt.datetime.combine(today, dt.time(), tzinfo=dt.timezone.utc)
    calendar = Calendar()
    calendar.add("prodid", "-//followup//journal//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "followup")
    for person in journal.people:
        contact = person.contact
        notes = contact.notes if with_notes and contact.notes else None
        if person.due.next_due is not None and person.status not in ("none", "booked", "snoozed"):
            how = f" ({contact.channel})" if contact.channel else ""
            calendar.add_component(_all_day(_uid("touch", person.slug), person.due.next_due,
                                            f"Reach {person.name}{how}", stamp, notes))
        if contact.next is not None:
            calendar.add_component(_all_day(_uid("booked", person.slug), contact.next, f"Booked: {person.name}",
                                            stamp, notes))
        for promise in contact.promises:
            digest = hashlib.sha1(promise.what.encode()).hexdigest()[:10]
            calendar.add_component(_all_day(_uid("promise", person.slug, digest), promise.due,
                                            f"Promised {person.name}: {promise.what}", stamp))
        if contact.birthday is not None:
            calendar.add_component(_yearly(_uid("birthday", person.slug), contact.birthday, today,
                                           f"{person.name}'s birthday", stamp))
        for label, date in contact.dates.items():
            calendar.add_component(_yearly(_uid("date", person.slug, slugify(label)), date, today,
                                           f"{person.name}: {label}", stamp))
    if block:
        calendar.add_component(_block_event(block, today, stamp))
    return calendar.to_ical()


def _block_event(block: str, today: dt.date, stamp: dt.datetime) -> Event:
    weekday, start, end = parse_weekly_block(block)
    first = today + dt.timedelta(days=(weekday - today.weekday()) % 7)
    event = Event()
    event.add("uid", _uid("block"))
    event.add("dtstamp", stamp)
    event.add("dtstart", dt.datetime.combine(first, start))  # floating: the calendar's own time zone
    event.add("dtend", dt.datetime.combine(first, end))
    event.add("rrule", {"freq": "weekly", "byday": WEEKDAYS[weekday][:2].upper()})
    event.add("summary", "Follow-up block")
    event.add("description", "Time booked for the follow-ups: run followup today, or open the Due page.")
    return event
