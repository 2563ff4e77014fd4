"""The words followup says about a person, written once: the site's templates, the command line's tables and
(read from the page) the dashboard's script all use these phrases."""

from __future__ import annotations

import json

from followup.core.contact import LogEntry
from followup.core.due import Due
from followup.store.journal import Person

# {days}, {next_due}, {next}, {snoozed}, {retry}, {due}, {times}, {last}, {today} and {built} are filled in.
WORDS = {
    # after a status
    "booked": "booked {next}",
    "snoozed": "snoozed until {snoozed}",
    "tried": "try again {retry}",
    "none": "no cadence",
    "never": "never touched",
    "late-one": "{days} day late",
    "late": "{days} days late",
    "today": "due today",
    "ahead": "due {next_due}",
    # labels that say why someone is where they are
    "attempts": "tried {times}",
    "attempts-since": "tried {times} since {last}",
    "once": "once",
    "times": "{attempts} times",
    "inactive": "inactive",
    "pick": "today's pick",
    "reached-today": "reached today",
    "people": "{count} people",
    "plan": "{plan}, step {number} of {total}",
    # a reply owed: they reached you since you last reached them
    "wrote": "{name} wrote {date}",
    "missed": "missed call from {name}, {date}",
    "booking-passed": "booked for {next} — log how it went",
    # promises, and the dashboard's day
    "by": "by {due}",
    "by-late": "by {due} (late)",
    "as-of": "Statuses as of {today}.",
    "built": "Statuses as of {today} (built {built}).",
}


def owed(person: Person, entry: LogEntry) -> str:
    """A reply owed, said: "Ana Ribeiro wrote 2026-11-20: Re: lease comparables", "missed call from Ana Ribeiro,
    2026-11-20 09:14" (what the log line says after its first colon)."""
    detail = entry.text.partition(":")[2].strip()
    if entry.kind == "missed":
        return WORDS["missed"].format(name=person.name, date=entry.date) + (f" {detail}" if detail else "")
    return WORDS["wrote"].format(name=person.name, date=entry.date) + (f": {detail}" if detail else "")


def when_phrase(person: Person) -> str:
    """Which of WORDS describes the person today."""
    return phrase_of(person.due)


def phrase_of(due: Due) -> str:
    """Which of WORDS describes a status (a person's, an organisation's)."""
    if due.status in ("booked", "snoozed", "tried", "none") or due.days_late is None:
        return due.status
    if due.never_touched:
        return "never"
    if due.days_late > 0:
        return "late-one" if due.days_late == 1 else "late"
    return "today" if due.days_late == 0 else "ahead"


def when(person: Person) -> str:
    """"7 days late", "due 2026-12-01", "booked 2026-12-20", "try again 2026-11-25"..."""
    due, contact = person.due, person.contact
    return WORDS[when_phrase(person)].format(days=due.days_late, next_due=due.next_due, next=contact.next,
                                             snoozed=contact.snooze_until, retry=due.retry_on)


def organisation_when(due: Due) -> str:
    """"12 days late", "due 2026-12-01", "never touched" of an organisation, by its own cadence."""
    return WORDS[phrase_of(due)].format(days=due.days_late, next_due=due.next_due)


def labels(person: Person, picked: bool = False) -> list[str]:
    """What else a list says beside someone's status: inactive, the step of their plan, a booking that passed (log
    how it went), tried so many times since the last touch, today's pick (in a list other than the picks)."""
    due = person.due
    found = [WORDS["inactive"]] if not person.contact.active else []
    if due.plan is not None:
        found.append(WORDS["plan"].format(plan=due.plan.name, number=due.plan.number, total=due.plan.total))
    if due.booking_passed:
        found.append(WORDS["booking-passed"].format(next=person.contact.next))
    if due.attempts:
        times = WORDS["once"] if due.attempts == 1 else WORDS["times"].format(attempts=due.attempts)
        found.append(WORDS["attempts-since" if due.last_touch else "attempts"].format(times=times, last=due.last_touch))
    if due.reached_today:
        found.append(WORDS["reached-today"])
    if picked:
        found.append(WORDS["pick"])
    return found


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
