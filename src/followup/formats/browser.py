"""What the site gives the browser: the data followup.js needs to redo the due rule on a later day, and each
person's one-tap links."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from urllib.parse import quote

from followup.core.dates import FIRST_YEAR, LAST_YEAR
from followup.core.due import OWED_KINDS, plan_days
from followup.core.names import owner_key
from followup.core.phones import tel_link
from followup.formats.links import organisation_source, person_source
from followup.store.journal import Journal, Person


def reach_links(person: Person, region: str | None = None) -> list[dict]:
    """One-tap links for a person (tel:, sms:, mailto:), the preferred channel first. A call dials every digit
    where it belongs, the extension after the number (RFC 3966); `region` is the journal's default_region."""
    contact = person.contact
    channel = (contact.channel or "").casefold()
    links = []
    for phone in contact.phones[:1]:
        call = tel_link(phone, region)
        if call is None:
            continue
        number = call.removeprefix("tel:").split(";")[0].replace("-", "")
        links.append({"kind": "phone", "label": "Call", "href": call, "preferred": channel == "phone"})
        links.append({"kind": "text", "label": "Text", "href": f"sms:{number}", "preferred": channel == "text"})
    for email in contact.emails[:1]:
        links.append({"kind": "email", "label": "Mail", "href": f"mailto:{quote(email, safe='@')}",
                      "preferred": channel == "email"})
    return sorted(links, key=lambda item: not item["preferred"])


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def dashboard_data(journal: Journal, url_of: Callable[[str], str], fixed_day: bool = False) -> dict:
    """What the Due dashboard needs to redo the due rule in the browser on a later day (followup.js).

    Cadences are resolved here (category defaults included) and every known touch date is listed, so
    the browser only does date arithmetic; names carry Python's casefold for the same order. `url_of`
    gives a page's URL by its source (links.person_source...). A `fixed_day` (FOLLOWUP_TODAY) is a picture
    of that day: the browser shows it as built rather than redo it with its own clock.
    """
    people = []
    for person in journal.people:
        contact, cadence = person.contact, person.due.cadence
        yearly = ([("birthday", contact.birthday)] if contact.birthday else []) + list(contact.dates.items())
        people.append({
            "slug": person.slug, "name": person.name, "key": person.contact.name.casefold(),
            "url": url_of(person_source(person.slug)), "cadence": [cadence.count, cadence.unit] if cadence else None,
            "touches": [_day(d) for d in journal.touch_dates(person)], "next": _day(contact.next),
            "snooze": _day(contact.snooze_until), "channel": contact.channel,
            "owner": owner_key(contact.owner) if contact.owner else None,
            "reach": reach_links(person, journal.settings.default_region), "inactive": not contact.active,
            "attempts": [_day(entry.date) for entry in contact.log if entry.kind == "attempt"],
            "heard": [{"date": _day(entry.date), "kind": entry.kind, "detail": entry.text.partition(":")[2].strip()}
                      for entry in contact.log if entry.kind in OWED_KINDS],
            "promises": [{"due": _day(p.due), "what": p.what} for p in contact.promises],
            "yearly": [{"label": label, "month": d.month, "day": d.day, "year": d.year} for label, d in yearly],
            # a running plan's step days: the browser only compares them with the last touch (due.plan_step)
            "plan": {"name": contact.plan.name, "days": [_day(d) for d in plan_days(contact, journal.settings)]}
            if contact.plan is not None and contact.plan.name in journal.settings.plans else None,
        })
    settings = journal.settings
    # Organisations with a cadence of their own: the browser finds each one's last touch among its people.
    organisations = [{"name": one.name, "key": one.key, "url": url_of(organisation_source(one.key)),
                      "cadence": [one.due.cadence.count, one.due.cadence.unit],
                      "people": [person.slug for person in one.people]}
                     for one in journal.organisations if one.due.cadence is not None]
    return {"built": journal.today.isoformat(), "fixed": fixed_day, "years": [FIRST_YEAR, LAST_YEAR],
            "soon_days": settings.soon_days, "picks_per_day": settings.picks_per_day, "dates_days": settings.dates_days,
            "dashboard_rows": settings.dashboard_rows, "retry_days": settings.retry_days, "people": people,
            "organisations": organisations}
