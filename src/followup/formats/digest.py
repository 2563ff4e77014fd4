"""The morning digest: promises late and near, bookings of today and those that passed, today's picks with
one-tap links, how many are overdue in each category, and the dates of the next days. Plain text for cron
and mail, or a self-contained HTML mail body: both drawn from templates that escape every value in HTML."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import jinja2

from followup.core.contact import LogEntry, Promise
from followup.core.due import Occasion
from followup.core.names import category_key
from followup.core.shown import shown_value
from followup.formats.browser import reach_links
from followup.formats.links import person_source, site_link
from followup.formats.records import person_record
from followup.formats.wording import WORDS, labels, owed, when
from followup.store.journal import DayItem, Journal, Person, category_names

DAYS_AHEAD = 7  # the dates of the coming week
NO_CATEGORY = "no category"
NOTHING_DUE = "nothing due"


@dataclass(frozen=True)
class Digest:
    today: dt.date
    days: int
    replies: list[tuple[Person, LogEntry]]  # who reached you since you last reached them
    promises: list[tuple[Person, Promise, bool]]  # and whether it is late
    bookings: list[DayItem]  # today's, and those that passed with no touch since
    picks: list[Person]
    overdue: int
    due: int
    overdue_by_category: list[tuple[str, int]]
    dates: list[tuple[Person, Occasion]]
    site_url: str | None
    owner: str | None = None  # whose relationships, in a shared journal

    @property
    def empty(self) -> bool:
        return not (self.replies or self.promises or self.bookings or self.picks or self.overdue or self.due
                    or self.dates)

    @property
    def subject(self) -> str:
        counts = [f"{count} {what}" for count, what in ((len(self.replies), "replies owed"), (self.overdue, "overdue"),
                                                        (self.due, "due today"), (len(self.promises), "promises"))
                  if count]
        whose = f" ({self.owner})" if self.owner else ""
        return f"followup, {self.today:%a %d %b}{whose}: {', '.join(counts) or NOTHING_DUE}"


def morning_digest(journal: Journal, days: int = DAYS_AHEAD, owner: str | None = None) -> Digest:
    """The digest of `journal` (of one owner's people: Journal.of_owner, named by `owner`)."""
    today = journal.today
    overdue = journal.with_status("overdue")
    names = category_names(person.contact for person in journal.people)  # "Clients" and "clients" are one
    by_category = Counter(names[key] if key else NO_CATEGORY for person in overdue
                          for key in dict.fromkeys(map(category_key, person.contact.categories)) or [""])
    return Digest(
        today=today, days=days, replies=journal.replies(),
        promises=[(person, promise, journal.promise_is_late(promise)) for person, promise in journal.promises()],
        bookings=[item for item in journal.day_list() if item.kind in ("booking", "booking-passed")],
        picks=journal.picks(), overdue=len(overdue), due=len(journal.with_status("due")),
        overdue_by_category=sorted(by_category.items(), key=lambda item: (-item[1], item[0].casefold())),
        dates=journal.occasions(days), site_url=journal.settings.site_url, owner=owner,
    )


def digest_data(journal: Journal, digest: Digest) -> dict:
    """The digest as data (digest --json): what the text says, each person as `followup due --json` gives them."""
    return {
        "day": digest.today.isoformat(), "subject": digest.subject, "owner": digest.owner,
        "overdue": digest.overdue, "due": digest.due,
        "replies": [{"slug": person.slug, "day": entry.date.isoformat(), "kind": entry.kind,
                     "said": owed(person, entry)} for person, entry in digest.replies],
        "promises": [{"slug": person.slug, "due": promise.due.isoformat(), "what": promise.what, "late": late}
                     for person, promise, late in digest.promises],
        "bookings": [{"slug": item.person.slug, "day": item.day.isoformat(), "kind": item.kind, "what": item.what}
                     for item in digest.bookings],
        "picks": [person_record(journal, person) for person in digest.picks],
        "overdue_by_category": [{"category": name, "overdue": count} for name, count in digest.overdue_by_category],
        "dates": [{"slug": person.slug, "date": occasion.date.isoformat(), "label": occasion.label,
                   "years": occasion.years} for person, occasion in digest.dates],
    }


def _environment(journal: Journal, html: bool) -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"), autoescape=html,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined,
        finalize=shown_value,
    )
    environment.globals["words"] = WORDS
    environment.filters.update(
        when=when, labels=labels, owed=owed, reach=lambda person: reach_links(person, journal.settings.default_region),
        one_tap=lambda link: f"{link['label']} {link['href']}",
        page=lambda person: site_link(journal.settings, person_source(person.slug)),
    )
    return environment


def digest_text(journal: Journal, digest: Digest) -> str:
    if digest.empty:
        return NOTHING_DUE + "\n"
    return _environment(journal, html=False).get_template("digest.txt").render(digest=digest)


def digest_html(journal: Journal, digest: Digest) -> str:
    return _environment(journal, html=True).get_template("digest.html").render(digest=digest)
