"""Touches that log themselves: messages (formats/mailboxes.py) made into log lines of the people they were with.

A message from me to someone in the journal is a touch of them on its day (`- DAY (email) subject`); one from them
to me is a reply owed (`- DAY Heard from (email): subject`, core/due.py). Several of a person's messages on one day
are one line. Mail of lists and machines, mail with no date or dated ahead, and mail with nobody of the journal is
not written anywhere. What was written is recorded, a digest a message, in HARVESTED at the journal's root: it is
committed with the journal (and merged line by line), so neither a second run nor a fresh clone writes a message
twice. The whole run is one lock and one commit, which `followup undo` takes back whole.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from followup.core.shown import one_line
from followup.formats.address_books import markdown_text
from followup.formats.mailboxes import Message, Unread
from followup.store.actions import Outcome, commit_files, contact_file, file_names, free_path
from followup.store.edit import ContactText
from followup.store.files import atomic_write_many, journal_lock
from followup.store.journal import Journal, Person
from followup.store.places import append_text, inside, read_small

HARVESTED = "harvested.txt"
HEADER = b"# followup harvest: a digest of each message already written into the journal, one a line\n"
ATTRIBUTES = f"{HARVESTED} merge=union\n"  # two clones' harvests merge line by line, with no conflict
SUGGEST_FROM = 3  # messages to one address in the window before a harvest suggests adding them
SUGGEST_DAYS = 365
SUBJECT_MAX = 150


@dataclass
class Day:
    """One person's messages of one kind on one day: one log line."""

    person: Person | None  # None: someone --add creates
    day: dt.date
    kind: str  # "touch" or "heard"
    first: dt.datetime  # the time of its first message: a day's lines go into the log in the order they happened
    subjects: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)

    def line(self, with_subjects: bool) -> str:
        subject = next((one for one in self.subjects if one), "") if with_subjects else ""
        text = markdown_text(subject[:SUBJECT_MAX]) if subject else ""
        count = f" ({len(self.keys)} messages)" if len(self.keys) > 1 else ""
        if self.kind == "heard":
            return f"- {self.day} Heard from (email){': ' + text if text else ''}{count}"
        return f"- {self.day} (email){' ' + text if text else ''}{count}"


@dataclass
class Stranger:
    """Someone I wrote to who is not in the journal."""

    address: str
    name: str = ""
    messages: int = 0
    last: dt.date | None = None
    days: dict[dt.date, Day] = field(default_factory=dict)


@dataclass
class Harvest:
    days: list[Day] = field(default_factory=list)
    strangers: list[Stranger] = field(default_factory=list)  # to suggest, most written to first
    skipped: Counter = field(default_factory=Counter)  # why, how many
    unread: list[Unread] = field(default_factory=list)
    undated: list[str] = field(default_factory=list)  # where
    messages: int = 0

    @property
    def counts(self) -> str:
        """What the harvest writes, as its report and its commit both say it: "14 touches, 3 heard from, 12 people"."""
        touches, people = self.touches, self.people()
        return f"{touches} touch{'es' if touches != 1 else ''}, {self.heard} heard from, {people} " \
               f"{'person' if people == 1 else 'people'}"

    @property
    def touches(self) -> int:
        return sum(1 for day in self.days if day.kind == "touch")

    @property
    def heard(self) -> int:
        return sum(1 for day in self.days if day.kind == "heard")

    def people(self) -> int:
        return len({day.person.slug for day in self.days if day.person is not None})


def seen(root: Path) -> set[str]:
    data = read_small(root, root / HARVESTED, HARVESTED, limit=64 * 1024 * 1024) or b""
    return {line.strip() for line in data.decode("ascii", "replace").splitlines() if line and line[0] != "#"}


def plan_harvest(journal: Journal, messages: Iterable[Message | Unread], me: set[str], since: dt.date | None,
                 local: dt.tzinfo | None = None) -> Harvest:
    """What the messages become. `me`: the user's addresses (casefolded); `local`: the time zone of the journal's
    days (the machine's when None)."""
    today = journal.today
    known = seen(journal.root)
    by_address: dict[str, Person] = {}
    for person in journal.people:
        for address in person.contact.emails:
            by_address.setdefault(address.strip().casefold(), person)
    harvest = Harvest()
    days: dict[tuple[str, dt.date, str], Day] = {}
    strangers: dict[str, Stranger] = {}
    window = since or today - dt.timedelta(days=SUGGEST_DAYS)
    for found in messages:
        if isinstance(found, Unread):
            harvest.unread.append(found)
            continue
        harvest.messages += 1
        if found.automatic:
            harvest.skipped["from a list or a machine"] += 1
            continue
        if found.when is None:
            harvest.undated.append(found.where)
            continue
        when = found.when
        day = when.astimezone(local).date()
        if day > today:
            harvest.skipped["dated after today"] += 1
            continue
        if since is not None and day < since:
            harvest.skipped["before --since"] += 1
            continue
        if found.key in known:
            harvest.skipped["already harvested"] += 1
            continue
        if found.sender in me:
            written = {address: name for address, name in found.recipients if address not in me}
            people = {by_address[address].slug: by_address[address] for address in written if address in by_address}
            for person in people.values():
                _add(days, person, when, day, "touch", found)
            for address, name in written.items():
                if address not in by_address and day >= window:
                    stranger = strangers.setdefault(address, Stranger(address))
                    stranger.name = stranger.name or name
                    stranger.messages += 1
                    stranger.last = max(stranger.last or day, day)
                    entry = stranger.days.setdefault(day, Day(None, day, "touch", when))
                    entry.subjects.append(found.subject)
                    entry.keys.append(found.key)
            if not people and not written:
                harvest.skipped["to myself"] += 1
            elif not people:
                harvest.skipped["with nobody of the journal"] += 1
        elif found.sender in by_address:
            person = by_address[found.sender]
            _add(days, person, when, day, "heard", found)
        else:
            harvest.skipped["with nobody of the journal"] += 1
    harvest.days = sorted(days.values(), key=lambda one: (one.day, one.first, one.person.name if one.person else ""))
    harvest.strangers = sorted((one for one in strangers.values() if one.messages >= SUGGEST_FROM),
                               key=lambda one: (-one.messages, one.address))
    return harvest


def _add(days: dict, person: Person, when: dt.datetime, day: dt.date, kind: str, message: Message) -> None:
    entry = days.setdefault((person.slug, day, kind), Day(person, day, kind, when))
    if message.key not in entry.keys:
        entry.first = min(entry.first, when)
        entry.subjects.append(message.subject)
        entry.keys.append(message.key)


def apply_harvest(root: Path, folder: Path, harvest: Harvest, with_subjects: bool, add: bool, source: str,
                  commit: bool = True) -> Outcome:
    """Write the harvest: each person's new log lines (in the order their log keeps) and last_touch moved to the
    newest touch (never back); with `add`, the suggested people created with their touches; the record of what
    was written; one commit."""
    message = f"Harvest mail: {harvest.counts} ({source})"
    with journal_lock(root):
        record = inside(root, root / HARVESTED, HARVESTED)
        written_keys: list[str] = []
        files: list[tuple[Path, bytes]] = []
        by_person: dict[str, list[Day]] = defaultdict(list)
        for day in harvest.days:
            if day.person is not None:
                by_person[day.person.slug].append(day)
        for entries in by_person.values():
            person = entries[0].person
            assert person is not None
            path = root / person.contact.path
            text = ContactText.read(path, person.contact.path)
            for entry in entries:
                text.add_log_entry(entry.line(with_subjects))
                written_keys += entry.keys
            newest = max((entry.day for entry in entries if entry.kind == "touch"), default=None)
            current = text.contact().last_touch
            if newest is not None and (current is None or newest > current):
                text.set_scalar("last_touch", newest)
            text.contact()  # never write a file that would not read back
            files.append((path, text.to_bytes()))
        if add:
            taken = file_names(folder)
            for stranger in harvest.strangers:
                name = one_line(stranger.name).strip() or stranger.address
                path = free_path(folder, name, taken)
                lines = "\n".join(day.line(with_subjects) for day in sorted(stranger.days.values(),
                                                                             key=lambda one: one.day, reverse=True))
                data = contact_file({"name": name, "email": stranger.address, "last_touch": stranger.last,
                                     "source": source})
                files.append((path, data.replace(b"## Log\n", f"## Log\n\n{lines}\n".encode())))
                written_keys += [key for day in stranger.days.values() for key in day.keys]
        if not files:
            return Outcome(root, "")
        known = seen(root) | set(written_keys)
        files.append((record, HEADER + "".join(f"{key}\n" for key in sorted(known)).encode()))
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


