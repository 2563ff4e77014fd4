"""Who is due, as an Atom feed (RFC 4287): one entry per person overdue or due, so a feed reader notifies.

An entry's id is the person and the day they came due: the same on every build while they stay due, and a
new entry (a new notification) when they come due again after a touch. Its `updated` is the day their
status last changed: due, then overdue, then due again when a booking, a snooze or a wait after a call
that did not reach them ended.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
import xml.etree.ElementTree as ElementTree

from followup.core import due as rule
from followup.core.shown import REPLACEMENT, visible
from followup.formats.links import page_url, person_source, site_link
from followup.formats.wording import when
from followup.store.journal import Journal, Person

ATOM_FEED = "due.xml"
_ATOM = "http://www.w3.org/2005/Atom"
# XML 1.0 cannot hold control characters, not even escaped: a name carrying one must not break the feed.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
ElementTree.register_namespace("", _ATOM)  # entries as <entry>, not <ns0:entry>


def _text(value: str) -> str:
    return _NOT_XML.sub(REPLACEMENT, visible(value))


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _add(parent: ElementTree.Element, tag: str, text: str | None = None, **attributes: str) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, f"{{{_ATOM}}}{tag}", {k: _text(v) for k, v in attributes.items()})
    if text is not None:
        element.text = _text(text)
    return element


def _summary(person: Person) -> str:
    contact, due = person.contact, person.due
    parts = [f"{person.name} is {person.status}: {when(person)}."]
    if due.cadence is not None:
        parts.append(f"Last touch: {due.last_touch or 'never'}; cadence: {due.cadence}.")
    parts += [f"Phone: {phone}." for phone in contact.phones[:1]] + [f"Email: {email}." for email in contact.emails[:1]]
    return " ".join(parts)


def due_feed(journal: Journal) -> bytes:
    settings, today = journal.settings, journal.today
    # Ids are unique to this journal: two journals in one reader never share an entry.
    journal_key = settings.site_url or f"followup:{journal.root.name}"
    feed = ElementTree.Element(f"{{{_ATOM}}}feed")
    _add(feed, "id", uuid.uuid5(uuid.NAMESPACE_URL, journal_key).urn)
    _add(feed, "title", "followup: who is due")
    _add(feed, "link", rel="alternate", type="text/html", href=settings.site_url or "./")
    if settings.site_url:
        _add(feed, "link", rel="self", type="application/atom+xml", href=settings.site_url + ATOM_FEED)
    _add(_add(feed, "author"), "name", "followup")
    _add(feed, "generator", "followup")
    updated = _add(feed, "updated")
    latest = None
    for person in journal.due:
        since = rule.status_since(person.contact, person.due, today) or today
        latest = max(latest or since, since)
        entry = _add(feed, "entry")
        _add(entry, "id", uuid.uuid5(uuid.NAMESPACE_URL, f"{journal_key}|{person.slug}|{person.due.next_due}").urn)
        _add(entry, "title", f"{person.name}: {when(person)}")
        _add(entry, "updated", _stamp(since))
        page = person_source(person.slug)  # relative to the feed, at the site's root, when site_url is not set
        href = site_link(settings, page) or page_url(page, settings.directory_urls)
        _add(entry, "link", rel="alternate", type="text/html", href=href)
        for category in person.contact.categories:
            _add(entry, "category", term=category)
        _add(entry, "summary", _summary(person), type="text")
    updated.text = _stamp(latest or today)
    return ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"
