"""The weekly review (the practice's weekly block): what the last days held and what the next week brings."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from followup.core import due as rule
from followup.core.contact import Promise
from followup.store.journal import Journal, Person

NEXT_DAYS = 7  # the plan looks a week ahead
PROMISED = "promised"  # a kept promise's log entry ends "(promised YYYY-MM-DD)": the day it was made
_PROMISED_ON = re.compile(rf"^Kept promise: (.*) \({PROMISED} (\d{{4}}-\d{{2}}-\d{{2}})\)$")


@dataclass(frozen=True, slots=True)
class Happened:
    person: Person
    day: dt.date
    text: str


@dataclass
class Review:
    start: dt.date  # the first day looked back on
    today: dt.date
    touches: list[Happened] = field(default_factory=list)
    attempts: list[Happened] = field(default_factory=list)
    promises_made: list[Happened] = field(default_factory=list)  # on the day made: open ones and those kept since
    promises_kept: list[Happened] = field(default_factory=list)
    promises_late: list[tuple[Person, Promise]] = field(default_factory=list)  # fell late in these days
    slipped: list[Person] = field(default_factory=list)  # came overdue in these days, and still are
    categories: list[tuple[str, int | None, int | None]] = field(default_factory=list)  # on track then, now
    plan: list[Happened] = field(default_factory=list)  # the next days: who comes due, bookings, dates, by day

    @property
    def days(self) -> int:
        return (self.today - self.start).days + 1

    @property
    def touches_by_owner(self) -> dict[str, list[Happened]]:
        """The touches by who keeps each relationship ("" for people with no owner)."""
        grouped: dict[str, list[Happened]] = defaultdict(list)
        for touch in self.touches:
            grouped[touch.person.contact.owner or ""].append(touch)
        return dict(sorted(grouped.items()))


def weekly_review(journal: Journal, days: int = 7) -> Review:
    """The last `days` days, today included, and the next seven (of one owner's people: Journal.of_owner)."""
    today = journal.today
    people = journal.people
    start = today - dt.timedelta(days=days - 1)
    review = Review(start, today)
    ahead = today + dt.timedelta(days=NEXT_DAYS)
    for person in people:
        for event in journal.timeline(person):
            if not start <= event.date <= today:
                continue
            happened = Happened(person, event.date, event.text)
            if event.kind in ("log", "touch"):
                review.touches.append(happened)
            elif event.kind == "attempt":
                review.attempts.append(happened)
            elif event.kind == "kept":
                review.promises_kept.append(happened)
                made = _PROMISED_ON.match(event.text)
                if made and start <= dt.date.fromisoformat(made[2]) <= today:
                    review.promises_made.append(Happened(person, dt.date.fromisoformat(made[2]),
                                                         f"{made[1]} (kept {event.date})"))
        for promise in person.contact.promises:
            if promise.made is not None and start <= promise.made <= today:
                review.promises_made.append(Happened(person, promise.made, f"{promise.what} (by {promise.due})"))
            if start <= promise.due < today:
                review.promises_late.append((person, promise))
        due = person.due
        if due.status == "overdue" and due.next_due is not None and start <= due.next_due + dt.timedelta(days=1):
            review.slipped.append(person)
        if due.next_due is not None and today < due.next_due <= ahead and due.status in ("soon", "ok"):
            review.plan.append(Happened(person, due.next_due, "comes due"))
        booked = person.contact.next
        if booked is not None and today <= booked <= ahead:
            note = person.contact.next_note
            review.plan.append(Happened(person, booked, f"booked{': ' + note if note else ''}"))
    mine = {person.slug for person in people}
    for category, everyone in journal.categories.items():
        members = [person for person in everyone if person.slug in mine]
        if not members:
            continue
        then = [rule.due_as_of(p.contact, p.due.cadence, journal.touch_dates(p), start - dt.timedelta(days=1),
                               journal.settings) for p in members]
        review.categories.append((category, rule.share_on_track(then), rule.share_on_track([p.due for p in members])))
    review.plan += [Happened(person, occasion.date, occasion.label + (f" ({occasion.years})" if occasion.years else ""))
                    for person, occasion in journal.occasions(days=NEXT_DAYS) if person.slug in mine]
    for found in (review.touches, review.attempts, review.promises_kept, review.promises_made):  # newest first
        found.sort(key=lambda happened: (-happened.day.toordinal(), happened.person.name.casefold()))
    review.plan.sort(key=lambda happened: (happened.day, happened.person.name.casefold()))  # soonest first
    return review
