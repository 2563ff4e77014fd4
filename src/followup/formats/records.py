"""A person as plain data (JSON, CSV): the one shape every machine-readable view shares."""

from __future__ import annotations

import datetime as dt
import re

from followup.store.journal import Journal, Organisation, Person


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def person_record(journal: Journal, person: Person) -> dict:
    contact, due = person.contact, person.due
    return {
        "slug": person.slug,
        "name": person.contact.name,
        "status": due.status,
        "next_due": _day(due.next_due),
        "last_touch": _day(due.last_touch),
        "days_late": due.days_late,
        "cadence": str(due.cadence) if due.cadence else None,
        "categories": list(contact.categories),
        "channel": contact.channel,
        "phone": contact.phones[0] if contact.phones else None,
        "email": contact.emails[0] if contact.emails else None,
        "owner": contact.owner,
        "active": contact.active,
        "next": _day(contact.next),
        "next_note": contact.next_note,
        "snooze_until": _day(contact.snooze_until),
        "attempts": due.attempts,
        "retry_on": _day(due.retry_on),
        "promises": [{"number": p.number, "due": _day(p.due), "what": p.what, "late": journal.promise_is_late(p)}
                     for p in contact.promises],
        "path": contact.path,
    }


def plan_record(journal: Journal, person: Person) -> dict:
    """Someone on a plan: which, since when, the open step (None once its last step is done) and when it is due."""
    run, step = person.contact.plan, person.due.plan
    assert run is not None
    return {"slug": person.slug, "name": person.name, "plan": run.name, "start": run.start.isoformat(),
            "step": step.number if step else None, "steps": len(journal.settings.plans.get(run.name, ())),
            "next_due": _day(step.day) if step else None, "status": person.status}


def links_record(journal: Journal, person: Person) -> dict:
    """The person's relations both ways (each with whose file writes it) and who mentions them."""
    return {
        "relations": [{"label": relation.label, "slug": relation.other.slug, "name": relation.other.name,
                       "written_by": relation.written_by.slug} for relation in journal.relations_of(person)],
        "mentioned_by": [{"slug": by.slug, "name": by.name, "date": _day(mention.day), "text": mention.text}
                         for by, mention in journal.mentioned_by(person)],
    }


def organisation_record(organisation: Organisation) -> dict:
    due = organisation.due
    return {"name": organisation.name, "key": organisation.key, "status": due.status,
            "cadence": str(due.cadence) if due.cadence else None, "last_touch": _day(due.last_touch),
            "next_due": _day(due.next_due), "days_late": due.days_late,
            "people": [person.slug for person in organisation.people]}


def event_record(event) -> dict:
    return {"date": _day(event.date), "kind": event.kind, "text": event.text, "commit": event.commit}


CSV_FIELDS = ("slug", "name", "status", "next_due", "last_touch", "days_late", "cadence", "categories", "channel",
              "phone", "email", "owner", "active", "next", "next_note", "snooze_until", "attempts", "retry_on",
              "promises", "path")


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP's CSV injection); a sign followed by
# nothing but digits, spaces and a phone number's punctuation runs nothing: "+1 (555) 010-0100" is kept as written.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-][\d\s().-]*")


def _as_text_cell(value: object) -> object:
    """A value a spreadsheet shows as written: a leading quote keeps text from being read as a formula; true and
    false as JSON writes them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_row(record: dict) -> dict:
    """A record flattened for a spreadsheet: lists joined with "; ", promises as "due what"."""
    row = dict(record)
    row["categories"] = "; ".join(record["categories"])
    row["promises"] = "; ".join(f"{p['due']} {p['what']}" for p in record["promises"])
    return {key: "" if row[key] is None else _as_text_cell(row[key]) for key in CSV_FIELDS}
