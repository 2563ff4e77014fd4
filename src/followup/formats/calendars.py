"""Meetings as the user's calendar already knows them: an .ics export (Google Calendar, Outlook, Apple Calendar,
Thunderbird) or a CalDAV calendar, read for who met whom, and when.

An event that ended before now, with someone of the journal among its attendees or as its organizer (by address),
is a touch on its day, in person, or by video when it carries a meeting link; one ahead is a booking. A cancelled
event, or one they declined, is neither. Recurring events count once per occurrence, exceptions and moved ones
honoured (recurring-ical-events); all-day, floating and TZID times land on the journal's own day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from followup.core.errors import MailError, UsageError
from followup.core.shown import one_line
from followup.formats.harvesting import Found, Happening, Skip, Unread

LOOK_BACK_YEARS = 20  # how far back a calendar's recurrences are expanded
LOOK_AHEAD_DAYS = 366  # and forward, for bookings
SPAN_OCCURRENCES = 20_000  # held at once while a calendar is read in time order
OCCURRENCES_MAX = 500_000  # of one calendar: a rule written to repeat without end stops there
ICS_MAX = 200 * 1024 * 1024
TIMEOUT = 60  # seconds: a server that does not answer fails the run rather than hang it
UNDER_WAY = "under way now"  # a meeting in progress: read again once it has ended
_REPEATS = {"RRULE", "RDATE", "EXDATE"}
_TOO_OFTEN = {"SECONDLY", "MINUTELY"}  # repeat rules that are no meeting, and would expand without measure
# Occurrences of one series from its start to the end of what is read: a daily meeting since 1958. The library
# walks a series from its start each time it is asked for a span, so a weekly rule from the year 1 took 8 s.
SERIES_MAX = 25_000
_PERIOD_DAYS = {"HOURLY": 1 / 24, "DAILY": 1, "WEEKLY": 7, "MONTHLY": 28, "YEARLY": 365}
_EXPANDING = ("BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH")
_MEETING_LINK = re.compile(r"zoom\.us/|meet\.google\.com/|teams\.microsoft\.com/|teams\.live\.com/|whereby\.com/|"
                           r"meet\.jit\.si/|webex\.com/|gotomeet|facetime\.apple\.com/|chime\.aws/", re.IGNORECASE)


def _address(value: object) -> str:
    text = str(value or "").strip()
    return text[7:].casefold() if text.lower().startswith("mailto:") else text.casefold()


def _many(value: object) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


def _when(value: object) -> dt.datetime | dt.date | None:
    try:
        moment = getattr(value, "dt", value)
    except ValueError:  # icalendar 7 keeps a property it could not read, and raises when asked for its time
        return None
    return moment if isinstance(moment, (dt.datetime, dt.date)) else None


def compared(moment: dt.datetime | dt.date, local: dt.tzinfo | None) -> dt.datetime:
    """A moment to compare with now: a day at its midnight, a floating time in the journal's zone."""
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time())
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=local).astimezone()


def events_found(calendars: Iterable, me: set[str], now: dt.datetime, name: str,
                 local: dt.tzinfo | None = None) -> Iterator[Found]:
    """What each occurrence of each event of these calendars says happened, or is booked, in time order."""
    import recurring_ical_events  # only a calendar harvest pays for its import

    first_year, last_day = now.year - LOOK_BACK_YEARS, now.date() + dt.timedelta(days=LOOK_AHEAD_DAYS)
    first, last = compared(dt.date(first_year, 1, 1), local), compared(last_day, local)

    def starts(event) -> dt.datetime:
        return compared(_when(event.get("DTSTART")) or last_day, local)

    for calendar in calendars:
        yield from _set_aside_broken(calendar, name, last_day)
        try:
            timed = sorted(((starts(event), index, event) for index, event in enumerate(_take_singles(calendar))),
                           key=lambda one: one[:2])
            singles = [event for start, _, event in timed if first <= start < last]
            query = recurring_ical_events.of(calendar, skip_bad_series=True)
            occurrences = heapq.merge(singles, _occurrences(query, first_year, last_day, starts), key=starts)
            for count, event in enumerate(occurrences, start=1):
                if count > OCCURRENCES_MAX:
                    yield Unread(name, f"over {OCCURRENCES_MAX:,} occurrences: those from "
                                       f"{_when(event.get('DTSTART'))} on were not read")
                    break
                yield _event(event, me, now, name, local)
        except Exception as error:  # a calendar library meets what no RFC allows: one line, and the rest is read
            yield Unread(name, f"not a calendar that can be read ({type(error).__name__}: {str(error)[:80]})")


def _take_singles(calendar) -> list:
    """The events that happen once (no repeat rule, no moved occurrence) taken out of the calendar: most of a
    calendar, read as they are, while the library copies each occurrence it expands (a third of the time)."""
    repeating = {str(component.get("UID")) for component in calendar.subcomponents if component.name == "VEVENT" and
                 any(field in component for field in ("RRULE", "RDATE", "EXDATE", "RECURRENCE-ID"))}
    events = Counter(str(component.get("UID")) for component in calendar.subcomponents if component.name == "VEVENT")
    singles: list = []
    kept: list = []
    for component in calendar.subcomponents:
        uid = str(component.get("UID"))
        once = component.name == "VEVENT" and uid not in repeating and events[uid] == 1
        (singles if once else kept).append(component)
    calendar.subcomponents = kept
    return singles


def _occurrences(query, first_year: int, last_day: dt.date, starts: Callable) -> Iterator:
    """In time order, a span at a time: the library's lazy after() rescans the calendar for each occurrence (a
    20,000-event calendar took ten minutes), while between() expands each series once per span. A span holds about
    SPAN_OCCURRENCES: it doubles after a sparse one and halves after a full one."""
    before: set[tuple[str, str]] = set()
    start, days = dt.date(first_year, 1, 1), 366
    while start < last_day:
        stop = min(start + dt.timedelta(days=days), last_day)
        span = query.between(start, stop)
        identities = set()
        for event in sorted(span, key=starts):
            identity = _identity(event)
            identities.add(identity)
            if identity not in before:  # under way where the spans meet: read with the span before
                yield event
        before = identities
        start = stop
        days = days * 2 if len(span) < SPAN_OCCURRENCES // 2 else max(7, days // 2) if len(span) > SPAN_OCCURRENCES \
            else days


def _identity(event) -> tuple[str, str]:
    """An occurrence, the same in every run: its series and the start the series gives it."""
    return str(event.get("UID")), str(_when(event.get("RECURRENCE-ID")) or _when(event.get("DTSTART")))


def _set_aside_broken(calendar, name: str, last_day: dt.date) -> Iterator[Found]:
    """Events no app could show (no start, a repeat rule that cannot be read) or no calendar of meetings holds
    (repeating more often than hourly, or more than SERIES_MAX times up to `last_day`) named and taken out, so
    that the calendar's other events are read."""
    from icalendar.prop import vRecur

    kept = []
    for component in calendar.subcomponents:
        problem = None
        if component.name == "VEVENT":
            rules = _many(component.get("RRULE"))
            if "DTSTART" not in component:
                problem = "an event with no start"
            elif _REPEATS & {str(name).upper() for name, _ in component.errors} or \
                    not all(isinstance(rule, vRecur) for rule in rules):  # icalendar 6 drops what 7 keeps as broken
                problem = "an event with a repeat rule that cannot be read"
            elif any(_TOO_OFTEN & {str(one).upper() for one in rule.get("FREQ", ())} for rule in rules):
                problem = "an event that repeats more often than hourly, which is no meeting"
            elif sum(_series_size(rule, _when(component.get("DTSTART")), last_day) for rule in rules) > SERIES_MAX:
                problem = f"an event that repeats over {SERIES_MAX:,} times from its start, which is no meeting"
        if problem is None:
            kept.append(component)
        else:
            yield Skip(problem, f"{name}: {one_line(str(component.get('SUMMARY') or ''))[:60]!r}")
    calendar.subcomponents = kept


def _series_size(rule, begins: dt.datetime | dt.date | None, last_day: dt.date) -> float:
    """At most how many occurrences a repeat rule gives from the series' start to `last_day`: each expanding BY
    part counted as if it multiplied them, COUNT as written."""
    first = lambda part, default=None: next(iter(rule.get(part, ())), default)  # noqa: E731
    period = _PERIOD_DAYS.get(str(first("FREQ", "")).upper())
    if begins is None or period is None:
        return 0  # the library reads it, or says why it cannot
    until = _when(first("UNTIL"))
    end = min(last_day, until.date() if isinstance(until, dt.datetime) else until or last_day)
    start = begins.date() if isinstance(begins, dt.datetime) else begins
    try:
        size = max((end - start).days, 0) / (period * max(int(first("INTERVAL", 1)), 1)) + 1
        count = first("COUNT")
        count = int(count) if count is not None else None
    except (TypeError, ValueError):
        return 0  # as above
    for part in _EXPANDING:
        size *= max(len(rule.get(part, ())), 1)
    return min(size, count) if count is not None else size


def _event(event, me: set[str], now: dt.datetime, name: str, local: dt.tzinfo | None) -> Found:
    begins = _when(event.get("DTSTART"))
    summary = one_line(str(event.get("SUMMARY") or ""))
    where = f"{name}: {summary[:60]!r}"
    if begins is None:
        return Skip("an event whose start cannot be read", where)
    if str(event.get("STATUS") or "").upper() == "CANCELLED":
        return Skip("cancelled")
    ends = _when(event.get("DTEND"))
    if ends is None:
        duration = getattr(event.get("DURATION"), "dt", None)
        ends = begins + duration if isinstance(duration, dt.timedelta) else \
            begins + dt.timedelta(days=1) if not isinstance(begins, dt.datetime) else begins
    who = []
    for attendee in [*_many(event.get("ATTENDEE")), *_many(event.get("ORGANIZER"))]:
        address = _address(attendee)
        params = getattr(attendee, "params", {})
        if "@" not in address or address in me or str(params.get("PARTSTAT", "")).upper() == "DECLINED":
            continue
        who.append((f"mail:{address}", one_line(str(params.get("CN", "")).strip('"'))))
    if not who:
        return Skip("with nobody but me, or declined")
    uid, occurrence = _identity(event)
    key = hashlib.blake2b(f"event|{uid}|{occurrence}".encode("utf-8", "surrogatepass"), digest_size=10).hexdigest()
    linked = " ".join(str(event.get(field) or "") for field in ("URL", "LOCATION", "DESCRIPTION",
                                                                 "X-GOOGLE-CONFERENCE"))
    via = "video" if _MEETING_LINK.search(linked) else "in person"
    if compared(ends, local) <= now:
        return Happening(key, begins, "touch", via, tuple(dict.fromkeys(who)), summary, where=where)
    if compared(begins, local) >= now:
        return Happening(key, begins, "booking", via, tuple(dict.fromkeys(who)), summary, where=where)
    return Skip(UNDER_WAY)


def read_ics(path: Path, name: str, me: set[str], now: dt.datetime, local: dt.tzinfo | None = None
             ) -> Iterator[Found]:
    from icalendar import Calendar

    if path.stat().st_size > ICS_MAX:
        yield Unread(name, f"over {ICS_MAX // (1024 * 1024)} MB: not a calendar export")
        return
    try:
        calendars = Calendar.from_ical(path.read_bytes(), multiple=True)
    except (ValueError, KeyError, IndexError, TypeError) as error:
        yield Unread(name, f"not a calendar that can be read ({str(error)[:80]})")
        return
    if not calendars:
        yield Unread(name, "holds no whole calendar (BEGIN:VCALENDAR to END:VCALENDAR): is it cut short?")
        return
    yield from events_found(calendars, me, now, name, local)


def caldav_user(url: str) -> str:
    """The user of a CalDAV source, https://user@host/path/to/calendar/; UsageError when it is not one. Plain
    http is taken only from this machine (a Radicale of one's own): elsewhere the password would cross the network
    in the clear."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if not parts.hostname or not parts.username or parts.password is not None:
        raise UsageError(f"{url}: a CalDAV source is https://user@host/path/to/calendar/ (the password is never in "
                         "it: see harvest's password_env and password_command settings); nothing was harvested")
    if parts.scheme.lower() != "https" and parts.hostname not in ("127.0.0.1", "::1", "localhost"):
        raise UsageError(f"{url}: a calendar on another machine is read over https only, so that the password does "
                         "not cross the network in the clear; nothing was harvested")
    try:
        parts.port  # noqa: B018 (urlsplit checks the port when it is asked for)
    except ValueError:
        raise UsageError(f"{url}: the port is not a number; nothing was harvested") from None
    return parts.username


def read_caldav(url: str, password: str, me: set[str], now: dt.datetime, local: dt.tzinfo | None = None
                ) -> Iterator[Found]:
    """The events of a CalDAV calendar, through the maintained caldav client; certificates are checked against
    the system's authorities, or SSL_CERT_FILE's when it names some (as for IMAP)."""
    from urllib.parse import urlsplit, urlunsplit

    from caldav.collection import Calendar as DavCalendar
    from caldav.davclient import DAVClient
    from icalendar import Calendar

    user = caldav_user(url)
    parts = urlsplit(url)
    bare = urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path, "", ""))
    start = dt.datetime(now.year - LOOK_BACK_YEARS, 1, 1, tzinfo=dt.timezone.utc)
    end = now + dt.timedelta(days=LOOK_AHEAD_DAYS)
    try:
        with DAVClient(url=bare, username=user, password=password, timeout=TIMEOUT,
                              ssl_verify_cert=os.environ.get("SSL_CERT_FILE") or True) as client:
            found: object = DavCalendar(client=client, url=bare).search(start=start, end=end, event=True, expand=False)
            assert isinstance(found, list)  # the synchronous client's answer (the asynchronous one's is awaited)
            calendars = [Calendar.from_ical(item.data) for item in found]
    except Exception as error:  # the client raises its own errors, its HTTP library's and its XML parser's
        text = str(error).splitlines()[0][:160] if str(error) else type(error).__name__
        refused = "401" in text or "Unauthorized" in text or "Authorization" in type(error).__name__
        raise MailError(f"{parts.hostname}: " + (f"refused the user {user!r} or its password" if refused
                                                 else f"the calendar could not be read: {text}")) from None
    yield from events_found(calendars, me, now, url, local)
