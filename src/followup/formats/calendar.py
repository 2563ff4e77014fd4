"""The plan as iCalendar feeds (RFC 5545): due touches, bookings, promises, birthdays and yearly dates, and a
weekly follow-up block; the whole journal in one feed and each category's people in another. UIDs are stable,
so a calendar that re-subscribes updates its events.

A due touch is on the day it is asked for (today once it is late: a past day is where no one looks), with
an alarm at the reminder time, the ways to reach the person and a link to their page.

Serialising with icalendar costs about half a millisecond an event, seconds for a big journal on
every build; each event's text is therefore kept in the journal's cache by a digest of everything it
is made of, and only new or changed events are serialised again. The one part that changes every
day, DTSTAMP, is written as a placeholder and set when the feed is put together.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterator
from typing import NamedTuple

from icalendar import Alarm, Calendar, Event

from followup.core import due as rule
from followup.core.dates import WEEKDAYS, parse_weekly_block
from followup.core.names import owner_key, slugify
from followup.core.shown import one_line, visible
from followup.formats.links import category_feed, owner_feed, person_source, site_link
from followup.formats.wording import WORDS, when
from followup.store import cache
from followup.store.journal import Journal, Person

DOMAIN = "followup.invalid"
FEED = "followup.ics"
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
    alarm: dt.timedelta | None = None  # from the start of the day: an all-day event's alarm at 09:00 is PT9H


def _uid(*parts: str) -> str:
    return "-".join(parts) + f"@{DOMAIN}"


def _event(spec: Spec) -> bytes:
    event = Event()
    event.add("uid", spec.uid)
    event.add("dtstamp", _PLACEHOLDER)
    event.add("dtstart", spec.start)
    event.add("dtend", spec.end)
    event.add("summary", one_line(spec.summary))  # every text of a feed passes the choke point (core.shown)
    if spec.rrule:
        event.add("rrule", dict(spec.rrule))
    if spec.transparent:
        event.add("transp", "TRANSPARENT")
    if spec.description:
        event.add("description", visible(spec.description))
    if spec.url:
        event.add("url", spec.url)
    if spec.alarm is not None:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", one_line(spec.summary))
        alarm.add("trigger", spec.alarm)
        event.add_component(alarm)
    return event.to_ical()


def _all_day(uid: str, day: dt.date, summary: str, description: str | None = None, rrule: tuple | None = None,
             url: str | None = None, alarm: dt.timedelta | None = None) -> Spec:
    return Spec(uid, day, day + dt.timedelta(days=1), summary, description, rrule, True, url, alarm)


def _details(person: Person, with_notes: bool) -> str:
    """What an event of someone says beyond its title: how to reach them, where things stand, the notes."""
    contact, due = person.contact, person.due
    lines = [f"Phone: {phone}" for phone in contact.phones] + [f"Email: {email}" for email in contact.emails]
    if due.cadence is not None:
        lines.append(f"Last touch: {due.last_touch or 'never'}; cadence: {due.cadence}")
    if with_notes and contact.notes.strip():
        lines += ["", contact.notes.strip()]
    return "\n".join(lines)


def _step(plan: str, number: int, total: int) -> str:
    return WORDS["plan"].format(plan=plan, number=number, total=total)


def _person_specs(journal: Journal, person: Person, with_notes: bool) -> Iterator[Spec]:
    today, contact = journal.today, person.contact
    settings = journal.settings
    reminder = settings.reminder_time
    alarm = dt.timedelta(hours=reminder.hour, minutes=reminder.minute)
    url = site_link(settings, person_source(person.slug))
    details = _details(person, with_notes) or None
    reach = rule.reach_on(person.due, today)
    step = person.due.plan
    if reach is not None:
        how = f" ({contact.channel})" if contact.channel else ""
        why = f": {when(person)}" if person.status in ("overdue", "tried") else ""
        plan = f" ({_step(step.name, step.number, step.total)})" if step is not None else ""
        yield _all_day(_uid("touch", person.slug), reach, f"Reach {person.name}{how}{plan}{why}", details, url=url,
                       alarm=alarm)
    if step is not None:  # the plan's later open steps, each on its day
        days = rule.plan_days(contact, settings)
        for number in range(step.number + 1, step.total + 1):
            yield _all_day(_uid("plan", person.slug, str(number)), days[number - 1],
                           f"Reach {person.name} ({_step(step.name, number, step.total)})", details, url=url,
                           alarm=alarm)
    if contact.next is not None:
        booked = "\n\n".join(filter(None, (contact.next_note, details))) or None
        yield _all_day(_uid("booked", person.slug), contact.next, f"Booked: {person.name}", booked, url=url,
                       alarm=alarm if contact.next >= today else None)
    seen: dict[str, int] = {}
    for promise in contact.promises:
        digest = hashlib.sha1(promise.what.encode()).hexdigest()[:10]
        # Two promises of the same words are two events: a calendar keeps one event per UID.
        seen[digest] = seen.get(digest, 0) + 1
        uid = _uid("promise", person.slug, digest if seen[digest] == 1 else f"{digest}-{seen[digest]}")
        late = rule.promise_is_late(promise, today)
        summary = f"Promised {person.name}: {promise.what}" + (f" (late: due {promise.due})" if late else "")
        yield _all_day(uid, today if late else promise.due, summary, details, url=url, alarm=alarm)
    yearly = ([(_uid("birthday", person.slug), f"{person.name}'s birthday", contact.birthday)]
              if contact.birthday else [])
    yearly += [(_uid("date", person.slug, slugify(label)), f"{person.name}: {label}", date)
               for label, date in contact.dates.items()]
    for uid, summary, date in yearly:
        first = date.on_year(date.year if date.year is not None else today.year)
        # A Feb 29 date falls on the last day of February in other years.
        rule_of_year = (("freq", "yearly"), ("bymonth", 2), ("bymonthday", -1)) if (date.month, date.day) == (2, 29) \
            else (("freq", "yearly"),)
        yield _all_day(uid, first, summary, rrule=rule_of_year, url=url)


def _block_spec(journal: Journal, block: str) -> Spec:
    """The weekly follow-up block, at floating times: at 16:00 wherever the calendar is."""
    weekday, start, end = parse_weekly_block(block)
    today, settings = journal.today, journal.settings
    first = today + dt.timedelta(days=(weekday - today.weekday()) % 7)
    review = site_link(settings, "review.md")
    return Spec(_uid("block"), dt.datetime.combine(first, start), dt.datetime.combine(first, end),
                "Follow-up block", "Time booked for the follow-ups: the week's review (followup review, or the "
                f"Review page{': ' + review if review else ' of the site'}), then followup today.",
                (("freq", "weekly"), ("byday", WEEKDAYS[weekday][:2].upper())), False, review)


def _feed(name: str, events: list[bytes], stamp: bytes) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//followup//journal//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", one_line(name))
    head = calendar.to_ical()
    return head[: -len(_END)] + b"".join(events).replace(_PLACEHOLDER_LINE, stamp) + _END


def journal_calendars(journal: Journal, cache_file: cache.CacheFile | None = None) -> dict[str, bytes]:
    """Every feed by its path in the site: followup.ics for the whole journal, calendar/<category>.ics for each
    category's people and owners/<owner>.ics for each owner's (without the weekly block, which is one's own
    time rather than theirs)."""
    known = (cache_file.load() if cache_file else None) or {}
    made: dict[str, bytes] = {}

    def text(spec: Spec) -> bytes:
        key = cache.fingerprint(spec)
        made[key] = made.get(key) or known.get(key) or _event(spec)
        return made[key]

    everyone: list[bytes] = []
    by_group: dict[str, list[bytes]] = defaultdict(list)
    names = {owner_feed(key): journal.owner_name(key) for key in journal.owners}  # each owner's, even of nobody yet
    by_group.update((path, []) for path in names)
    for person in journal.people:
        events = [text(spec) for spec in _person_specs(journal, person, journal.settings.calendar_notes)]
        everyone += events
        # "Clients" and "clients" are one category, and one feed; so are "Hal" and "hal", as owners.
        paths = {category_feed(category): category for category in person.contact.categories}
        if person.contact.owner:
            key = owner_key(person.contact.owner)
            paths[owner_feed(key)] = journal.owner_name(key)
        for path, name in paths.items():
            names.setdefault(path, name)
            by_group[path] += events
    if journal.settings.block:
        everyone.append(text(_block_spec(journal, journal.settings.block)))
    if cache_file and made.keys() != known.keys():
        cache_file.save(made)
    stamp = b"\r\nDTSTAMP:" + journal.today.strftime("%Y%m%d").encode() + b"T000000Z\r\n"
    feeds = {FEED: _feed("followup", everyone, stamp)}
    feeds.update((path, _feed(f"followup: {names[path]}", events, stamp)) for path, events in by_group.items())
    return feeds
