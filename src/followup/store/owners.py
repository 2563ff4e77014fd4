"""A shared journal's owners: who keeps which relationships, and how each is keeping in touch (the managing
partner's view, on /owners/ and from `followup owners`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from followup.core import due as rule
from followup.store.journal import UNOWNED, Journal, Person

TOUCH_DAYS = 30  # "touches in the last 30 days"


@dataclass(frozen=True)
class OwnerSummary:
    key: str  # the owner's key, or UNOWNED for the relationships nobody keeps
    name: str
    people: list[Person]
    overdue: int
    promises_late: int
    touches: int  # days someone of theirs was reached, over the last TOUCH_DAYS days
    on_track: int | None  # the share not overdue, among those with a cadence

    @property
    def size(self) -> int:
        return len(self.people)


def owner_summaries(journal: Journal) -> list[OwnerSummary]:
    """Every owner, by name, then the relationships nobody keeps (when there are any); nothing in a journal
    without owners (a personal one)."""
    groups = [(key, journal.owner_name(key), people) for key, people in journal.owners.items()]
    if groups and journal.unowned:
        groups.append((UNOWNED, UNOWNED, journal.unowned))
    start = journal.today - dt.timedelta(days=TOUCH_DAYS - 1)
    return [OwnerSummary(
        key, name, people,
        overdue=sum(person.status == "overdue" for person in people),
        promises_late=sum(journal.promise_is_late(promise) for person in people for promise in person.contact.promises),
        touches=sum(start <= day <= journal.today for person in people for day in journal.touch_dates(person)),
        on_track=rule.share_on_track([person.due for person in people]),
    ) for key, name, people in groups]
