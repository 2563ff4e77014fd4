"""The due rule. This module is the only place that decides who is due, in what order, and who
is picked today; the site, the command line and the exporters all ask it.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from followup.core.cadence import Cadence
from followup.core.contact import Contact, LogEntry, Promise
from followup.core.dates import FIRST_YEAR, LAST_YEAR, YearlyDate
from followup.core.names import category_key
from followup.core.settings import Settings

# The order in which statuses are listed, most urgent first.
STATUS_ORDER = ("overdue", "due", "soon", "ok", "booked", "tried", "snoozed", "none")
DUE_STATUSES = ("overdue", "due")


@dataclass(frozen=True, slots=True)
class PlanStep:
    """The step of a follow-up plan someone is due by: step `number` of `total`, due on `day`; the plan ends with a
    touch on or after `last_day` (its last step's)."""

    name: str
    number: int
    total: int
    day: dt.date
    last_day: dt.date


@dataclass(frozen=True, slots=True)
class Due:
    status: str
    cadence: Cadence | None
    last_touch: dt.date | None  # effective: the latest of last_touch, the log and git touches
    next_due: dt.date | None
    days_late: int | None  # positive when late, negative while there is time
    attempts: int = 0  # calls that did not reach them since the last touch
    retry_on: dt.date | None = None  # after the last of those, the day to try again
    booking_passed: bool = False  # a booked touch whose day passed with no touch since: how did it go?
    reached_today: bool = False  # the last touch is today's
    owed: tuple[LogEntry, ...] = ()  # they reached you since the last touch (a mail, a missed call): a reply owed
    plan: PlanStep | None = None  # the open step of a running plan, which they are due by instead of the cadence

    @property
    def never_touched(self) -> bool:
        return self.last_touch is None

    @property
    def lateness(self) -> float:
        """Days late as a share of the cadence: 10 days late on a weekly cadence beats 20 on a yearly one."""
        if self.days_late is None or self.last_touch is None or self.next_due is None:
            return 0.0
        return self.days_late / max((self.next_due - self.last_touch).days, 1)


def cadence_of(contact: Contact, settings: Settings) -> Cadence | None:
    """The contact's own cadence, else the most frequent default of its categories, else the journal's."""
    if contact.cadence_given:
        return contact.cadence
    defaults = [settings.category_cadence[key] for key in map(category_key, contact.categories)
                if key in settings.category_cadence]
    if defaults:
        return min(defaults, key=lambda cadence: cadence.days if cadence else float("inf"))
    return settings.default_cadence


def touch_days(contact: Contact, git_touches: Iterable[dt.date]) -> list[dt.date]:
    """Every day a touch is known of, in order: last_touch, the log's touch entries and touch commits.

    The file is the truth and history adds what it does not contradict: a touch commit later than
    anything the file says was undone since (a revert, a hand correction, a merge that kept the
    other side), so it counts for nothing."""
    days = {entry.date for entry in contact.log if entry.is_touch}
    if contact.last_touch is not None:
        days.add(contact.last_touch)
    newest = max(days, default=None)
    if newest is not None:
        days.update(day for day in git_touches if day <= newest and FIRST_YEAR <= day.year <= LAST_YEAR)
    return sorted(days)


def effective_last_touch(contact: Contact, git_touches: Iterable[dt.date], today: dt.date) -> dt.date | None:
    """The latest touch we know of, from the front matter, the written log and git; never a future one."""
    return max((day for day in touch_days(contact, git_touches) if day <= today), default=None)


def assess(contact: Contact, settings: Settings, today: dt.date, git_touches: Iterable[dt.date] = ()) -> Due:
    return due_state(contact, cadence_of(contact, settings), effective_last_touch(contact, git_touches, today),
                     today, settings)


def plan_days(contact: Contact, settings: Settings) -> list[dt.date]:
    """The days of each step of the person's plan (start + each step's span); none without a plan the settings
    know."""
    run = contact.plan
    steps = settings.plans.get(run.name, ()) if run is not None else ()
    return [step.after(run.start) for step in steps] if run is not None else []


def plan_step(contact: Contact, last: dt.date | None, settings: Settings) -> PlanStep | None:
    """The first open step of the person's plan: a touch on or after a step's day completes it and every step
    before it. None without a plan, or once its last step is done (the cadence then resumes)."""
    days = plan_days(contact, settings)
    for number, day in enumerate(days, start=1):
        if last is None or day > last:
            assert contact.plan is not None
            return PlanStep(contact.plan.name, number, len(days), day, days[-1])
    return None


def attempt_days(contact: Contact, last: dt.date | None, until: dt.date) -> list[dt.date]:
    """The days a call did not reach them (logged as attempts) since the last touch, up to `until`."""
    return [entry.date for entry in contact.log
            if entry.kind == "attempt" and (last is None or entry.date > last) and entry.date <= until]


def due_state(contact: Contact, cadence: Cadence | None, last: dt.date | None, today: dt.date,
              settings: Settings, morning: bool = False) -> Due:
    """The status once the cadence and the effective last touch are known (assess finds both).

    A call that reached voicemail does not move the last touch, but someone due who was just tried is
    "tried" until `retry_days` after the last attempt, then due again. `morning`: as the day began, today's
    calls left out (the touches are the caller's to leave out: morning_due)."""
    passed = contact.next is not None and contact.next < today and (last is None or last < contact.next)
    owed = replies_owed(contact, last, today)
    step = plan_step(contact, last, settings)
    if step is not None:  # a running plan says when, not the cadence
        next_due = step.day
    elif cadence is not None:
        next_due = cadence.after(last) if last is not None else today
    else:
        return Due("none", None, last, None, None, booking_passed=passed, owed=owed)
    days_late = (today - next_due).days
    attempts = attempt_days(contact, last, today - dt.timedelta(days=1) if morning else today)
    retry_on = max(attempts) + dt.timedelta(days=settings.retry_days) if attempts else None
    if contact.next is not None and contact.next >= today:
        status = "booked"
    elif contact.snooze_until is not None and contact.snooze_until > today:
        status = "snoozed"
    elif days_late >= 0 and retry_on is not None and retry_on > today:
        status = "tried"
    else:
        status = _by_lateness(days_late, settings)
    return Due(status, cadence, last, next_due, days_late, len(attempts), retry_on, passed, last == today, owed, step)


def _by_lateness(days_late: int, settings: Settings) -> str:
    if days_late > 0:
        return "overdue"
    if days_late == 0:
        return "due"
    return "soon" if -days_late <= settings.soon_days else "ok"


def organisation_due(cadence: Cadence | None, last: dt.date | None, today: dt.date, settings: Settings) -> Due:
    """An organisation's status by its own cadence, from the latest touch of anyone there: it is due when nobody
    there was touched within it, whatever each person's own status. Never touched: due from the first day."""
    if cadence is None:
        return Due("none", None, last, None, None)
    next_due = cadence.after(last) if last is not None else today
    days_late = (today - next_due).days
    return Due(_by_lateness(days_late, settings), cadence, last, next_due, days_late, reached_today=last == today)


OWED_KINDS = ("heard", "missed")


def replies_owed(contact: Contact, last: dt.date | None, today: dt.date) -> tuple[LogEntry, ...]:
    """What they sent or tried since you last reached them (a mail, a text, a call you missed), oldest first: a
    reply is owed until any touch on or after its day."""
    return tuple(entry for entry in contact.log
                 if entry.kind in OWED_KINDS and (last is None or entry.date > last) and entry.date <= today)


def due_as_of(contact: Contact, cadence: Cadence | None, touches: list[dt.date], day: dt.date,
              settings: Settings) -> Due:
    """The rule asked as of another day, with the touches known by then (`touches` sorted, as touch_days
    gives them; snoozes and bookings as written today): for a trend, or a week's review."""
    known = bisect.bisect_right(touches, day)
    return due_state(contact, cadence, touches[known - 1] if known else None, day, settings)


def morning_due(contact: Contact, cadence: Cadence | None, touches: list[dt.date], today: dt.date,
                settings: Settings) -> Due:
    """The rule as the day began: today's touches and calls left out (`touches` sorted, as touch_days gives
    them). Today's picks are drawn from it, so reaching someone today, a pick or not, changes no pick."""
    known = bisect.bisect_left(touches, today)
    return due_state(contact, cadence, touches[known - 1] if known else None, today, settings, morning=True)


def reach_on(due: Due, today: dt.date) -> dt.date | None:
    """The day to reach someone, for a calendar: the due day; today when that has passed (a past day is where
    no one looks); the day to try again after a call that did not reach them. None when nothing is asked
    (no cadence, a booking or a snooze stands instead)."""
    if due.next_due is None or due.status in ("none", "booked", "snoozed"):
        return None
    if due.status == "tried" and due.retry_on is not None:
        return due.retry_on
    return max(due.next_due, today)


def status_since(contact: Contact, due: Due, today: dt.date) -> dt.date | None:
    """The day someone due or overdue became so: the due day (the day after, for overdue), or the day a
    booking, a snooze or a wait after a call that did not reach them ended, if that came later. None for
    other statuses. A feed uses it to say when an entry changed."""
    if due.status not in DUE_STATUSES or due.next_due is None:
        return None
    began = due.next_due + dt.timedelta(days=1 if due.status == "overdue" else 0)
    ended = [day for day in (contact.next + dt.timedelta(days=1) if contact.next else None, contact.snooze_until,
                             due.retry_on) if day is not None and day <= today]
    return max([began, *ended])


def rank_key(contact: Contact, due: Due) -> tuple:
    """Most late relative to their cadence first, then by name.

    Never-touched people are due from the start but rank behind everyone who is actually late or
    due today with a history, so importing 500 address-book entries never buries the friend you
    have not called in six months; today's picks still rotate through them.
    """
    return (STATUS_ORDER.index(due.status), -due.lateness, due.never_touched, contact.name.casefold(), contact.slug)


def todays_picks(ranked_due: list, today: dt.date, count: int) -> list:
    """`count` people from the due list as the day began (morning_due, ranked), rotating across days.

    The first half (rounded up) are the most late. The rest rotate through everyone else who is
    due, advancing by that many places every day, so nobody stays at the bottom for ever.
    """
    if count <= 0 or not ranked_due:
        return []
    top = (count + 1) // 2
    picks = list(ranked_due[:top])
    rest = ranked_due[top:]
    rotating = min(count - top, len(rest))
    if rotating:
        start = (today.toordinal() * rotating) % len(rest)
        picks += [rest[(start + i) % len(rest)] for i in range(rotating)]
    return picks


@dataclass(frozen=True, slots=True)
class Occasion:
    date: dt.date
    label: str
    years: int | None


def occasions(contact: Contact, today: dt.date, days: int) -> list[Occasion]:
    """Birthdays and yearly dates from today to `days` days ahead."""
    yearly: list[tuple[str, YearlyDate]] = []
    if contact.birthday is not None:
        yearly.append(("birthday", contact.birthday))
    yearly.extend(contact.dates.items())
    found = []
    for label, date in yearly:
        day = date.next_on_or_after(today)
        if (day - today).days <= days:
            found.append(Occasion(day, label, date.years_on(day)))
    return found


def promise_is_late(promise: Promise, today: dt.date) -> bool:
    return promise.due < today


def promise_is_today(promise: Promise, today: dt.date) -> bool:
    return promise.due == today


def promise_is_near(promise: Promise, today: dt.date, settings: Settings) -> bool:
    """Late, or due within the due-soon window: the ones the dashboard shows first."""
    return (promise.due - today).days <= settings.soon_days


def share_on_track(states: list[Due]) -> int | None:
    """Percent of those with a cadence who are not overdue; None when nobody has a cadence."""
    tracked = [due for due in states if due.status != "none"]
    if not tracked:
        return None
    return round(100 * sum(due.status != "overdue" for due in tracked) / len(tracked))
