"""Touches that log themselves: what the user's mail, calendars and phone say happened with someone of the
journal (Happenings: formats/mailboxes.py, calendars.py, phone_exports.py, chats.py), made into log lines.

A message, a text or a call from me, or a meeting that took place, is a touch of the people it was with; a message
or a text from them, or a call I missed, is a reply owed (core/due.py); a call of mine nobody answered is an
attempt; a meeting ahead is a booking (`next:`). Several of one kind with one person on one day are one line.
What concerns nobody of the journal is written nowhere. What was written is recorded, a digest a happening, in
HARVESTED at the journal's root: committed with the journal and merged line by line, so neither a second run nor
a fresh clone writes anything twice. The whole run is one lock and one commit, which `followup undo` takes back.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from followup.core.names import fold
from followup.core.phones import number_key
from followup.core.shown import one_line
from followup.formats.address_books import markdown_text
from followup.store.actions import Outcome, commit_files, contact_file, end_plan_if_done, file_names, free_path
from followup.store.contact_text import ContactText
from followup.store.files import atomic_write_many, journal_lock
from followup.store.journal import Journal, Person
from followup.store.places import append_text, inside, read_small

HARVESTED = "harvested.txt"
HEADER = b"# followup harvest: a digest of each message, call or meeting already written into the journal\n"
ATTRIBUTES = f"{HARVESTED} merge=union\n"  # two clones' harvests merge line by line, with no conflict
SUGGEST_FROM = 3  # times written to (or called) in the window before a harvest suggests adding them
SUGGEST_DAYS = 365
TEXT_MAX = 150
KINDS = ("touch", "heard", "attempt", "missed", "booking")


@dataclass(frozen=True)
class Happening:
    """One thing a source says happened, or is booked, with someone."""

    key: str  # what it is known by across runs and clones
    at: dt.datetime | dt.date  # aware, naive (a floating time: the journal's own), or a day (all day)
    kind: str  # KINDS
    via: str  # email, phone, text, in person, video
    who: tuple[tuple[str, str], ...]  # (match key: "mail:a@b", "tel:+1555...", "name:folded", display name)
    text: str = ""  # a subject, a meeting's summary
    seconds: int = 0  # a call's length
    where: str = ""


@dataclass(frozen=True)
class Skip:
    """Something read and left out on purpose: counted by `reason`, and named when `where` is given."""

    reason: str
    where: str = ""


@dataclass(frozen=True)
class Unread:
    where: str
    reason: str


Found = Happening | Skip | Unread


@dataclass
class Day:
    """One person's happenings of one kind on one day: one log line."""

    person: Person | None  # None: someone --add creates
    day: dt.date
    kind: str
    via: str
    first: dt.datetime  # the first one's time: a day's lines go into the log in the order they happened
    texts: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    seconds: int = 0

    def line(self, with_texts: bool, local: dt.tzinfo | None = None) -> str:
        count = len(self.keys)
        if self.kind == "missed":
            return f"- {self.day} Missed call ({self.via}): {self.first.astimezone(local):%H:%M}" + \
                (f" ({count} calls)" if count > 1 else "")
        if self.kind == "attempt":
            return f"- {self.day} Tried ({self.via}): no answer" + (f" ({count} calls)" if count > 1 else "")
        if self.via == "phone":
            minutes = max(1, round(self.seconds / 60))
            return f"- {self.day} ({self.via}) {'call' if count == 1 else f'{count} calls'}, {minutes} min"
        text = next((one for one in self.texts if one), "") if with_texts else ""
        said = markdown_text(text[:TEXT_MAX]) if text else ""
        unit = "meetings" if self.via in ("in person", "video") else "messages"
        many = f" ({count} {unit})" if count > 1 else ""
        if self.kind == "heard":
            return f"- {self.day} Heard from ({self.via}){': ' + said if said else ''}{many}"
        return f"- {self.day} ({self.via}){' ' + said if said else ''}{many}"


@dataclass
class Stranger:
    """Someone I wrote to or called who is not in the journal."""

    key: str
    name: str = ""
    times: int = 0
    last: dt.date | None = None
    days: dict[tuple[dt.date, str], Day] = field(default_factory=dict)

    @property
    def reach(self) -> str:
        return self.key.partition(":")[2]


@dataclass
class Harvest:
    days: list[Day] = field(default_factory=list)
    bookings: dict[str, tuple[Person, dt.date, str]] = field(default_factory=dict)  # by slug: the earliest ahead
    strangers: list[Stranger] = field(default_factory=list)  # to suggest, the most reached first
    skipped: Counter = field(default_factory=Counter)  # why, how many
    named: list[tuple[str, str]] = field(default_factory=list)  # (where, why) of what was skipped and is named
    unread: list[Unread] = field(default_factory=list)

    def of(self, kind: str) -> int:
        return sum(1 for day in self.days if day.kind == kind)

    def people(self) -> int:
        return len({day.person.slug for day in self.days if day.person is not None} | set(self.bookings))

    @property
    def counts(self) -> str:
        """What the harvest writes, as its report and its commit both say it: "14 touches, 3 heard from, 12 people"."""
        touches, people = self.of("touch"), self.people()
        parts = [f"{touches} touch{'es' if touches != 1 else ''}", f"{self.of('heard')} heard from"]
        parts += [f"{self.of('attempt')} tried"] if self.of("attempt") else []
        missed = self.of("missed")
        parts += [f"{missed} missed call{'s' if missed != 1 else ''}"] if missed else []
        parts += [f"{len(self.bookings)} booked"] if self.bookings else []
        return ", ".join([*parts, f"{people} {'person' if people == 1 else 'people'}"])


def seen(root: Path) -> set[str]:
    data = read_small(root, root / HARVESTED, HARVESTED, limit=64 * 1024 * 1024) or b""
    return {line.strip() for line in data.decode("ascii", "replace").splitlines() if line and line[0] != "#"}


def reach_keys(person: Person, region: str | None) -> Iterator[str]:
    """What a person is found by in what a source says: their addresses, their numbers in E.164, their name."""
    for address in person.contact.emails:
        yield "mail:" + address.strip().casefold()
    for phone in person.contact.phones:
        number = number_key(phone, region)
        if number:
            yield "tel:" + number
    yield "name:" + fold(person.contact.name)


def _day_of(at: dt.datetime | dt.date, local: dt.tzinfo | None) -> tuple[dt.date, dt.datetime]:
    """The journal's day of a happening, and a moment to order it by."""
    if isinstance(at, dt.datetime):
        moment = at.astimezone(local) if at.tzinfo is not None else at.replace(tzinfo=local).astimezone(local)
        return moment.date(), moment
    return at, dt.datetime.combine(at, dt.time(), tzinfo=dt.timezone.utc).astimezone(local)


def plan_harvest(journal: Journal, found: Iterable[Found], since: dt.date | None,
                 local: dt.tzinfo | None = None) -> Harvest:
    """What the happenings become. `local`: the time zone of the journal's days (the machine's when None)."""
    today = journal.today
    known = seen(journal.root)
    region = journal.settings.default_region
    by_key: dict[str, Person] = {}
    for person in journal.people:
        for key in reach_keys(person, region):
            by_key.setdefault(key, person)
    harvest = Harvest()
    days: dict[tuple[str, dt.date, str, str], Day] = {}
    strangers: dict[str, Stranger] = {}
    window = since or today - dt.timedelta(days=SUGGEST_DAYS)
    for one in found:
        if isinstance(one, Unread):
            harvest.unread.append(one)
            continue
        if isinstance(one, Skip):
            if one.where:
                harvest.named.append((one.where, one.reason))
            else:
                harvest.skipped[one.reason] += 1
            continue
        day, moment = _day_of(one.at, local)
        if one.kind == "booking" and day < today:
            harvest.skipped["booked for a day gone by"] += 1
            continue
        if one.kind != "booking" and day > today:
            harvest.skipped["dated after today"] += 1
            continue
        if since is not None and day < since:
            harvest.skipped["before --since"] += 1
            continue
        if one.key in known:
            harvest.skipped["already harvested"] += 1
            continue
        people = {by_key[key].slug: by_key[key] for key, _ in one.who if key in by_key}
        for person in people.values():
            if one.kind == "booking":
                written = person.contact.next
                booked = harvest.bookings.get(person.slug)
                if written is not None and today <= written <= day:
                    harvest.skipped["booked already"] += 1
                elif booked is None or day < booked[1]:
                    harvest.bookings[person.slug] = (person, day, one.text)
                continue
            entry = days.setdefault((person.slug, day, one.kind, one.via),
                                    Day(person, day, one.kind, one.via, moment))
            _count(entry, one, moment)
        if one.kind in ("touch", "attempt"):
            for key, name in one.who:
                if key not in by_key and not key.startswith("name:") and day >= window:
                    stranger = strangers.setdefault(key, Stranger(key))
                    stranger.name = stranger.name or name
                    stranger.times += 1
                    stranger.last = max(stranger.last or day, day)
                    entry = stranger.days.setdefault((day, one.kind), Day(None, day, one.kind, one.via, moment))
                    _count(entry, one, moment)
        if not people:
            harvest.skipped["with nobody of the journal"] += 1
    harvest.days = sorted(days.values(), key=lambda one: (one.day, one.first, one.person.name if one.person else ""))
    harvest.strangers = sorted((one for one in strangers.values() if one.times >= SUGGEST_FROM),
                               key=lambda one: (-one.times, one.key))
    return harvest


def _count(entry: Day, one: Happening, moment: dt.datetime) -> None:
    if one.key in entry.keys:
        return
    entry.texts.append(one.text)
    entry.keys.append(one.key)
    entry.seconds += one.seconds
    entry.first = min(entry.first, moment)


def apply_harvest(root: Path, folder: Path, harvest: Harvest, with_texts: bool, add: bool, what: str, source: str,
                  commit: bool = True, local: dt.tzinfo | None = None) -> Outcome:
    """Write the harvest: each person's new log lines (in the order their log keeps), last_touch moved to the
    newest touch (never back), a booking ahead where none as early is written; with `add`, the suggested people
    created with their touches; the record of what was written; one commit."""
    message = f"Harvest {what}: {harvest.counts} ({source})"
    with journal_lock(root):
        record = inside(root, root / HARVESTED, HARVESTED)
        written: list[str] = []
        files: list[tuple[Path, bytes]] = []
        by_person: dict[str, list[Day]] = defaultdict(list)
        for day in harvest.days:
            if day.person is not None:
                by_person[day.person.slug].append(day)
        for slug in sorted(set(by_person) | set(harvest.bookings)):
            entries = by_person.get(slug, [])
            person = entries[0].person if entries else harvest.bookings[slug][0]
            assert person is not None
            path = root / person.contact.path
            text = ContactText.read(path, person.contact.path)
            text.add_log_entries([entry.line(with_texts, local) for entry in entries])
            written += [key for entry in entries for key in entry.keys]
            contact = text.as_read
            newest = max((entry.day for entry in entries if entry.kind == "touch"), default=None)
            if newest is not None and (contact.last_touch is None or newest > contact.last_touch):
                text.set_scalar("last_touch", newest)
            if newest is not None:
                end_plan_if_done(text, person, newest)
            if slug in harvest.bookings:  # earlier than any booking written (plan_harvest)
                _, booked, note = harvest.bookings[slug]
                text.set_scalar("next", booked)
                if with_texts and note:
                    text.set_scalar("next_note", one_line(note)[:TEXT_MAX])
                else:
                    text.remove_key("next_note")  # the note of the booking this one replaces
            text.contact()  # never write a file that would not read back
            files.append((path, text.to_bytes()))
        if add:
            taken = file_names(folder)
            for stranger in harvest.strangers:
                name = one_line(stranger.name).strip() or stranger.reach
                lines = "\n".join(day.line(with_texts, local) for day in sorted(stranger.days.values(),
                                                                                 key=lambda one: one.first,
                                                                                 reverse=True))
                reach = {"email" if stranger.key.startswith("mail:") else "phone": stranger.reach}
                touched = [day.day for day in stranger.days.values() if day.kind == "touch"]
                data = contact_file({"name": name, **reach, **({"last_touch": max(touched)} if touched else {}),
                                     "source": source})
                logged = data.replace(b"## Log\n", f"## Log\n\n{lines}\n".encode())
                files.append((free_path(folder, name, taken), logged))
                written += [key for day in stranger.days.values() for key in day.keys]
        if not files:
            return Outcome(root, "")
        files.append((record, HEADER + "".join(f"{key}\n" for key in sorted(seen(root) | set(written))).encode()))
        _attributes(root)
        atomic_write_many(files)
        paths = [path for path, _ in files] + [root / ".gitattributes"]
        return commit_files(root, paths, message, commit, Outcome(root, message), "harvest")


def _attributes(root: Path) -> None:
    """The journal's .gitattributes merges the record of harvests line by line (added once)."""
    attributes = root / ".gitattributes"
    existing = read_small(root, attributes, ".gitattributes") or b""
    if ATTRIBUTES.encode() not in existing:
        append_text(root, attributes, ("" if not existing or existing.endswith(b"\n") else "\n") + ATTRIBUTES,
                    ".gitattributes")
