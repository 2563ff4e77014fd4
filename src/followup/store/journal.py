"""The journal: every contact of a folder, with its due state, queried by the views."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import difflib
import functools
import operator
import os
import posixpath
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from stat import S_ISREG

from followup.core import due as rule
from followup.core.contact import Contact, LogEntry, Mention, Problem, Promise
from followup.core.dates import today as real_today
from followup.core.errors import LookupProblem
from followup.core.names import UNOWNED, category_key, fold, match_level, owner_key, slugify
from followup.core.relations import Directory, inverse_label, shown_label
from followup.core.settings import Settings
from followup.store import cache
from followup.store.config import load_settings
from followup.store.database import SETTLED_NS
from followup.store.files import load_contact
from followup.store.history import HeldHistory, History, HistoryReader
from followup.store.timeline import Event, build_timeline

# Nothing outside the contacts folder is read, or published, through a link.
LINKED = "is a symbolic link, which followup does not follow"
LISTED_OWNERS = 12  # an unknown owner's message names this many; a firm has hundreds


@dataclass(frozen=True, slots=True)
class DayItem:
    """One line of the day's list: what to do about whom, and why it is there (its kind, DAY_ORDER)."""

    kind: str
    person: Person
    day: dt.date  # the promise's deadline, the booked day, today for a pick, the yearly date
    what: str = ""  # the promise, the booking's note, the yearly date's label
    years: int | None = None  # what the yearly date marks (an age), when its year is known
    entry: LogEntry | None = None  # a reply owed: the log line of what they sent or tried


DAY_ORDER = ("reply-owed", "promise-late", "promise-today", "booking", "booking-passed", "pick", "date-today",
             "date-tomorrow")


@dataclass(frozen=True, slots=True)
class Organisation:
    """A company and the people of the journal who work there (their `organisation:`, case and spaces aside), its
    status by its own cadence (the organisations setting) from the latest touch of anyone there."""

    key: str
    name: str  # as the first file writes it
    people: list[Person]
    due: rule.Due

    @property
    def status(self) -> str:
        return self.due.status


@dataclass(frozen=True, slots=True)
class Relation:
    """A relation as one person's card shows it: its label from their side ("spouse", "referred by", "child"),
    the other person, and whose file writes it."""

    label: str
    other: Person
    written_by: Person


@dataclass(slots=True)
class Person:
    contact: Contact
    due: rule.Due
    history_key: str
    namesake: bool = False  # another person of the journal has the same name, accents and case aside

    @property
    def slug(self) -> str:
        return self.contact.slug

    @property
    def name(self) -> str:
        """How lists show the person: the name, and the slug when someone else has the same name (two Alison Hill)."""
        return f"{self.contact.name} ({self.slug})" if self.namesake else self.contact.name

    @property
    def status(self) -> str:
        return self.due.status


_NAME = operator.attrgetter("name")


def contact_files(folder: str, prefix: str) -> tuple[dict[str, tuple], list[Problem]]:
    """Markdown files below `folder` in a stable order (a folder's own files, then its subfolders'), hidden
    names skipped: each file's path in the journal (`prefix` + its path in the folder) and its identity (size,
    mtime, inode). And a problem for each name that is not read: a symbolic link (never followed: what it points
    at is outside the journal), a FIFO, a device or a socket."""
    found: dict[str, tuple] = {}
    problems: list[Problem] = []

    def scan(directory: str, prefix: str) -> None:
        try:
            entries = sorted(os.scandir(directory), key=_NAME)
        except OSError:
            return
        subfolders = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if name.endswith(".md") and entry.is_file(follow_symlinks=False):  # the common case first
                status = entry.stat(follow_symlinks=False)
                if S_ISREG(status.st_mode):  # still, when the stat is read
                    found[prefix + name] = (status.st_size, status.st_mtime_ns, status.st_ino)
                    continue
            if entry.is_symlink():
                if name.endswith(".md"):
                    problems.append(Problem(prefix + name, None, f"{LINKED}; only regular files are read"))
                elif _links_to_folder(entry):
                    problems.append(Problem(prefix + name, None, f"{LINKED}; its files are not read"))
            elif entry.is_dir(follow_symlinks=False):
                subfolders.append(entry)
            elif name.endswith(".md"):
                problems.append(Problem(prefix + name, None, "is not a regular file (a FIFO, device or socket); "
                                                             "only regular files are read"))
        for entry in subfolders:
            scan(entry.path, f"{prefix}{entry.name}/")

    scan(folder, prefix)
    return found, problems


def _links_to_folder(entry: os.DirEntry) -> bool:
    """Whether a link names a folder (said as a problem: its files are not read). A link that leads nowhere or
    to itself (`loop -> loop`: ELOOP) names none."""
    try:
        return entry.is_dir()
    except OSError:
        return False


class Journal:
    def __init__(self, root: Path, settings: Settings, today: dt.date, contacts: list[Contact],
                 problems: list[Problem], history: History, sources: dict[str, tuple] | None = None,
                 readable: Iterable[str] = ()):
        self.root = root
        self.sources = sources or {}  # each file read: its size, mtime and inode
        self.settings = settings
        self.today = today
        self.problems = problems
        self.history = history
        self.owner: str | None = None  # the owner (key) whose relationships alone this journal holds
        self._history_prefix = history_prefix(settings)  # computed once: person_from runs for every contact
        self.people = [self.person_from(contact) for contact in contacts]
        self.by_slug = {person.slug: person for person in self.people}
        folded = [fold(person.contact.name) for person in self.people]
        named = Counter(folded)
        for person, name in zip(self.people, folded, strict=True):
            person.namesake = named[name] > 1
        # How many files could not be read: lists say so at their end rather than leave them out. `readable`: the
        # files of others that were read (one owner's journal holds only theirs), which are not among them.
        self.unread = len({problem.path for problem in problems} - {contact.path for contact in contacts}
                          - set(readable))

    @classmethod
    def load(cls, root: Path, settings: Settings | None = None, today: dt.date | None = None,
             with_history: bool = True, owner: str | None = None) -> Journal:
        """The journal as its files and history are now; with `owner`, the journal of that owner's
        relationships only (as of_owner() gives it), from their files' parses and history alone."""
        root = Path(root)
        settings = settings or load_settings(root)
        today = today or real_today()
        if owner is None:
            return JournalReading(root, settings, today, with_history).journal()
        folder = root / settings.contacts
        files = ContactFiles(root, folder, cache.ParseStore(cache.cache_path(root, "contacts", ".sqlite3")))
        names = owner_names(settings, files.owners())
        key = choose_owner(owner, names)
        contacts, problems = files.read(today, keeper(key, names))
        history = History()
        if with_history and folder.is_dir():
            prefix = history_prefix(settings)
            history = HistoryReader(folder, cache.cache_path(root, "history", ".sqlite3"),
                                    paths=[contact.path.removeprefix(prefix) for contact in contacts]).history()
        journal = cls(root, settings, today, contacts, problems + journal_problems(contacts, settings), history,
                      files.sources, files.readable())
        journal.owner = key
        return journal

    def only(self, people: list[Person]) -> Journal:
        """The journal seen through some of its people (an owner's): every query asks only them; the
        problems, the history and the settings are the journal's."""
        view = copy.copy(self)
        for name in _CACHED:
            view.__dict__.pop(name, None)
        view.people = people
        view.by_slug = {person.slug: person for person in people}
        return view

    def person_from(self, contact: Contact) -> Person:
        """A contact with its due state, as of the journal's today and git history."""
        key = contact.path.removeprefix(self._history_prefix)
        return Person(contact, rule.assess(contact, self.settings, self.today, self._git_touches(key)), key)

    def _git_touches(self, history_key: str) -> list[dt.date]:
        return [event.date for event in self.history.for_path(history_key) if event.kind == "touch"]

    def touch_dates(self, person: Person) -> list[dt.date]:
        """Every day a touch is known of, in order (the rule's own list)."""
        return rule.touch_days(person.contact, self._git_touches(person.history_key))

    def version(self, person: Person) -> tuple:
        """What this person was read from, as it is now: the file's identity and its git history.
        Equal versions on the same day and settings mean the same person (views cache by it)."""
        events = self.history.for_path(person.history_key)
        return person.contact.path, self.sources.get(person.contact.path), len(events), \
            events[0].commit if events else None

    def timeline(self, person: Person) -> list[Event]:
        """The person's log and git history, and the dated log lines of others that mention them (not touches of
        them: a lunch with Ana that names Tom is on Tom's timeline as a mention)."""
        mentioned = [Event(mention.day, "mentioned", f"{by.name}: {mention.text}") for by, mention
                     in self.mentioned_by(person) if mention.day is not None]
        return build_timeline(person.contact, self.history.for_path(person.history_key), mentioned)

    @cached_property
    def _links(self) -> tuple[dict[str, list[tuple[Person, Mention]]], dict[str, list[Relation]]]:
        """Every resolved mention by whom it names, and every relation from both sides, by person."""
        directory = self.directory
        mentions: dict[str, list[tuple[Person, Mention]]] = defaultdict(list)
        relations: dict[str, list[Relation]] = defaultdict(list)
        for person in self.people:
            for mention in person.contact.mentions:
                named = directory.named(mention.target)
                if named is not None and named.slug != person.slug:
                    mentions[named.slug].append((person, mention))
            for label, slugs in person.contact.relations.items():
                for slug in slugs:
                    named = directory.named(slug)
                    if named is None or named.slug == person.slug:
                        continue
                    other = self.by_slug[named.slug]
                    relations[person.slug].append(Relation(shown_label(label), other, person))
                    relations[other.slug].append(Relation(inverse_label(label), person, person))
        return mentions, relations

    @cached_property
    def organisations(self) -> list[Organisation]:
        """Every organisation anyone works at, by name (as the first file writes it, as its page is titled)."""
        members: dict[str, list[Person]] = defaultdict(list)
        for person in self.ranked:
            if person.contact.organisation:
                members[category_key(person.contact.organisation)].append(person)
        found = []
        for key, name in organisation_names(person.contact for person in self.people).items():
            people = members[key]
            last = max((person.due.last_touch for person in people if person.due.last_touch), default=None)
            found.append(Organisation(key, name, people, rule.organisation_due(
                self.settings.organisation_cadence.get(key), last, self.today, self.settings)))
        return found

    @cached_property
    def _organisation_at(self) -> dict[str, Organisation]:
        return {organisation.key: organisation for organisation in self.organisations}

    def organisations_due(self) -> list[Organisation]:
        """Organisations with a cadence that are overdue, due or soon, the most late first."""
        listed = [one for one in self.organisations if one.status in ("overdue", "due", "soon")]
        return sorted(listed, key=lambda organisation: (rule.STATUS_ORDER.index(organisation.status),
                                                        -organisation.due.lateness, organisation.key))

    def find_organisation(self, name: str) -> Organisation:
        """An organisation by its name, case and spaces aside; else a LookupProblem with the closest names."""
        by_key = self._organisation_at
        found = by_key.get(category_key(name))
        if found is not None:
            return found
        close = difflib.get_close_matches(category_key(name), list(by_key), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(by_key[key].name for key in close)}?" if close else ""
        raise LookupProblem(f"no organisation {name!r} in the journal{hint}", [])

    def organisation_timeline(self, organisation: Organisation) -> list[tuple[Person, Event]]:
        """Everyone's timeline there, merged, newest first."""
        merged = [(person, event) for person in organisation.people for event in self.timeline(person)]
        return sorted(merged, key=lambda pair: pair[1].date, reverse=True)

    def mentioned_by(self, person: Person) -> list[tuple[Person, Mention]]:
        """Who mentions the person, with the mention (the log entry's day and text), newest first."""
        return sorted(self._links[0].get(person.slug, []),
                      key=lambda pair: (pair[1].day or dt.date.min, pair[0].slug), reverse=True)

    def links_version(self, person: Person) -> tuple:
        """What the person's page shows of other files: who their mentions name, who mentions them and how, and
        their relations both ways (a page cache key: Ana's new mention of Tom redraws Tom's page)."""
        named = [getattr(self.directory.named(mention.target), "slug", None) for mention in person.contact.mentions]
        return (named, [(by.slug, by.name, mention.day, mention.text) for by, mention in self.mentioned_by(person)],
                [(relation.label, relation.other.slug, relation.other.name) for relation in self.relations_of(person)])

    def relations_of(self, person: Person) -> list[Relation]:
        """The person's relations both ways: those their file writes, and those others' files write of them."""
        return self._links[1].get(person.slug, [])

    @cached_property
    def directory(self) -> Directory:
        """Whom a [[mention]] or a relation names."""
        return Directory(person.contact for person in self.people)

    @cached_property
    def ranked(self) -> list[Person]:
        return sorted(self.people, key=lambda person: rule.rank_key(person.contact, person.due))

    def with_status(self, *statuses: str) -> list[Person]:
        return [person for person in self.ranked if person.status in statuses]

    @cached_property
    def due(self) -> list[Person]:
        return self.with_status(*rule.DUE_STATUSES)

    def on_plans(self) -> list[Person]:
        """Everyone on a plan the settings know, by plan and then by when their open step is due."""
        running = [(person.contact.plan.name, person) for person in self.people if person.contact.plan is not None
                   and person.contact.plan.name in self.settings.plans]
        return [person for _, person in sorted(running, key=lambda pair: (
            pair[0], pair[1].due.plan is None, pair[1].due.plan.day if pair[1].due.plan else dt.date.max,
            pair[1].contact.name.casefold()))]

    def picks(self, count: int | None = None) -> list[Person]:
        """Today's picks, drawn from the journal as the day began: a touch or a call of today, of a pick or of
        anyone else, leaves them as they are (a pick reached today is listed as reached)."""
        count = self.settings.picks_per_day if count is None else count
        return [person for person, _ in rule.todays_picks(self._morning_due, self.today, count)]

    @cached_property
    def _morning_due(self) -> list[tuple[Person, rule.Due]]:
        """Who was due as the day began, ranked."""
        found = []
        for person in self.people:
            due = rule.morning_due(person.contact, person.due.cadence, self.touch_dates(person), self.today,
                                   self.settings)
            if due.status in rule.DUE_STATUSES:
                found.append((person, due))
        return sorted(found, key=lambda pair: rule.rank_key(pair[0].contact, pair[1]))

    def promises(self, near_only: bool = True) -> list[tuple[Person, Promise]]:
        found = [(person, promise) for person in self.people for promise in person.contact.promises
                 if not near_only or rule.promise_is_near(promise, self.today, self.settings)]
        return sorted(found, key=lambda pair: (pair[1].due, pair[0].name.casefold()))

    def promise_is_late(self, promise: Promise) -> bool:
        return rule.promise_is_late(promise, self.today)

    def occasions(self, days: int | None = None) -> list[tuple[Person, rule.Occasion]]:
        """Birthdays and yearly dates from today to `days` ahead (dates_days by default), by date."""
        ahead = self.settings.dates_days if days is None else days
        found = [(person, occasion) for person in self.people
                 for occasion in rule.occasions(person.contact, self.today, ahead)]
        return sorted(found, key=lambda pair: (pair[1].date, pair[0].name.casefold()))

    def replies(self) -> list[tuple[Person, LogEntry]]:
        """Who reached you since you last reached them (a mail, a text, a missed call), oldest first: a reply owed
        each, until any touch of them on or after its day."""
        found = [(person, entry) for person in self.people for entry in person.due.owed]
        return sorted(found, key=lambda pair: (pair[1].date, pair[0].name.casefold()))

    def day_list(self, picks: int | None = None) -> list[DayItem]:
        """The whole day, in the order to act on it: replies owed, promises late then due today, bookings today
        and bookings that passed with no touch since, today's picks, then birthdays and yearly dates of today
        and tomorrow."""
        today = self.today
        items = [DayItem("reply-owed", person, entry.date, entry.text, entry=entry) for person, entry in self.replies()]
        items += [DayItem("promise-late" if promise.due < today else "promise-today", person, promise.due,
                          promise.what)
                  for person, promise in self.promises(near_only=False) if promise.due <= today]
        booked = sorted(((person.contact.next, person) for person in self.people if person.contact.next is not None),
                        key=lambda pair: (pair[0], pair[1].name.casefold()))
        items += [DayItem("booking", person, day, person.contact.next_note or "")
                  for day, person in booked if day == today]
        items += [DayItem("booking-passed", person, day, person.contact.next_note or "")
                  for day, person in booked if person.due.booking_passed]
        items += [DayItem("pick", person, today) for person in self.picks(picks)]
        items += [DayItem("date-today" if occasion.date == today else "date-tomorrow", person, occasion.date,
                          occasion.label, occasion.years) for person, occasion in self.occasions(days=1)]
        return sorted(items, key=lambda item: DAY_ORDER.index(item.kind))

    @cached_property
    def owners(self) -> dict[str, list[Person]]:
        """Each owner (by owner_key) with the relationships they keep, ranked: the owners setting's, even
        with nobody yet, and every owner a file names."""
        members: dict[str, list[Person]] = defaultdict(list)
        for person in self.ranked:
            if person.contact.owner:
                members[owner_key(person.contact.owner)].append(person)
        return {key: members[key] for key in self._owner_names}

    @property
    def unowned(self) -> list[Person]:
        return [person for person in self.ranked if not person.contact.owner]

    def owner_name(self, key: str) -> str:
        """How an owner is shown: the owners setting's name, else as their first file writes it."""
        return self._owner_names.get(key, key)

    @cached_property
    def _owner_names(self) -> dict[str, str]:
        return owner_names(self.settings, written_owners(person.contact for person in self.people))

    def find_owner(self, who: str) -> str:
        return choose_owner(who, self._owner_names)

    def of_owner(self, key: str) -> Journal:
        """The journal of one owner's relationships (UNOWNED: of those nobody keeps)."""
        view = self.only(self.unowned if key == UNOWNED and key not in self.owners else self.owners.get(key, []))
        view.owner = key
        return view

    @cached_property
    def categories(self) -> dict[str, list[Person]]:
        """Each category (as first written, file by file) with its members, ranked."""
        names = category_names(person.contact for person in self.people)
        members: dict[str, list[Person]] = {name: [] for name in names.values()}
        for person in self.ranked:
            for key in dict.fromkeys(map(category_key, person.contact.categories)):  # "book club", "Book-Club"
                members[names[key]].append(person)
        return members

    def find(self, who: str) -> Person:
        """A slug, or a name found by part of it in any script, case and accents aside ("soren", "Ølgaard",
        "мария"). An exact slug wins, then the whole name, then the start of a word ("ana" is Ana Ribeiro,
        not Yuki Tanaka), then the inside of a word; several people at the best level are ambiguous."""
        wanted = who.strip()
        if wanted.lower() in self.by_slug:
            return self.by_slug[wanted.lower()]
        levels: dict[int, list[Person]] = defaultdict(list)
        for person in self.people:
            level = match_level(wanted, person.contact.name)
            if level is not None:
                levels[level].append(person)
        if levels:
            matches = levels[min(levels)]
            if len(matches) == 1:
                return matches[0]
            listed = ", ".join(f"{p.name} ({p.slug})" for p in matches)
            raise LookupProblem(f"{who!r} matches several people: {listed}", matches)
        unreadable = next((problem for problem in self.problems
                           if slugify(posixpath.basename(problem.path).removesuffix(".md")) == slugify(wanted)), None)
        if unreadable is not None:
            raise LookupProblem(f"{unreadable}; fix the file first (nothing was changed)", [])
        named: dict[str, list[Person]] = defaultdict(list)
        for person in self.people:
            named[fold(person.contact.name)].append(person)
        close = [person for name in difflib.get_close_matches(fold(wanted), list(named), n=3, cutoff=0.5)
                 for person in sorted(named[name], key=lambda one: one.slug)]
        hint = f"; did you mean {', '.join(person.name for person in close)}?" if close else ""
        raise LookupProblem(f"nobody called {who!r} in the journal{hint}", close)


@dataclass
class Held:
    """What one reading of a journal leaves for the next in the same process: `followup serve` builds again and
    again, and its plugin keeps this between builds (nothing of it is a module's)."""

    parses: dict[str, tuple] = dataclasses.field(default_factory=dict)  # cache.ParseStore
    history: HeldHistory = dataclasses.field(default_factory=HeldHistory)


class JournalReading:
    """A journal being read, for a view with work of its own to do meanwhile: git reads the history from the
    moment this is made, the files are parsed when first asked for, and journal() waits for git. (The site lays
    out its pages and MkDocs reads their Markdown while git walks a long history: seconds of a first build.)"""

    def __init__(self, root: Path, settings: Settings, today: dt.date, with_history: bool = True,
                 held: Held | None = None):
        """`held`: what an earlier reading of this journal in this process kept, which this one keeps in turn."""
        self.root, self.settings, self.today = root, settings, today
        self.held = held if held is not None else Held()
        folder = root / settings.contacts
        self._reader = HistoryReader(folder, cache.cache_path(root, "history", ".sqlite3"), held=self.held.history) \
            if with_history and folder.is_dir() else None

    @cached_property
    def files(self) -> tuple[list[Contact], list[Problem], dict[str, tuple]]:
        """Everyone's contacts, the journal's problems, and each file's identity."""
        files = ContactFiles(self.root, self.root / self.settings.contacts,
                             cache.ParseStore(cache.cache_path(self.root, "contacts", ".sqlite3"), self.held.parses))
        contacts, problems = files.read(self.today)
        return contacts, problems + journal_problems(contacts, self.settings), files.sources

    def stop(self) -> None:
        """Nobody will ask for the journal (the build failed): git stops reading."""
        if self._reader is not None:
            self._reader.stop()

    def journal(self) -> Journal:
        contacts, problems, sources = self.files
        history = self._reader.history() if self._reader is not None else History()
        return Journal(self.root, self.settings, self.today, contacts, problems, history, sources)


def category_names(contacts: Iterable[Contact]) -> dict[str, str]:
    """Each category's slug and its name as the first file writes it, in the order of the names."""
    return _first_names(category for contact in contacts for category in contact.categories)


def organisation_names(contacts: Iterable[Contact]) -> dict[str, str]:
    """Each organisation's key (folded as a category is) and its name as the first file writes it, in the order of
    the names."""
    return _first_names(contact.organisation for contact in contacts if contact.organisation)


def _first_names(written: Iterable[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for name in written:
        names.setdefault(category_key(name), name)
    return dict(sorted(names.items(), key=lambda item: (item[1].casefold(), item[0])))


def written_owners(contacts: Iterable[Contact]) -> dict[str, str]:
    """Every owner a file names (by owner_key), as the first file spells it (owner_names() gives how each is shown)."""
    return first_spellings(contact.owner for contact in contacts)


def first_spellings(owner_lines: Iterable[str | None]) -> dict[str, str]:
    """Each owner (by owner_key) as the first of these owner lines writes it; a spelling seen before is passed
    over without its key (100,000 files name a few hundred owners)."""
    spellings: dict[str, str] = {}
    seen: set[str] = set()
    for written in owner_lines:
        if written and written not in seen:
            seen.add(written)
            spellings.setdefault(owner_key(written), written)
    return spellings


def history_prefix(settings: Settings) -> str:
    """What a contact file's path in the journal starts with and git history leaves out: history keys a file
    by its path inside the contacts folder (history.py)."""
    folder = Path(settings.contacts)
    return "" if folder.is_absolute() else folder.as_posix() + "/"


def owner_names(settings: Settings, spellings: dict[str, str]) -> dict[str, str]:
    """Every owner's key and how it is shown (the owners setting's name, else the first file's spelling of
    it), in the order of those names: the setting's owners, even with nobody yet, and every owner a file names."""
    names = {key: known.name for key, known in settings.owners.items()}
    for key, spelling in spellings.items():
        names.setdefault(key, spelling)
    return dict(sorted(names.items(), key=lambda item: item[1].casefold()))


def choose_owner(who: str, names: dict[str, str]) -> str:
    """An owner's key from how someone names them (as files write it, the setting's display name or the
    page's slug, case aside); UNOWNED for the people nobody keeps. `names`: owner_names()."""
    wanted = owner_key(who)
    for key, name in names.items():
        if wanted in (key, owner_key(name), slugify(key)):
            return key
    if wanted == UNOWNED:
        return UNOWNED
    listed = ", ".join(list(names)[:LISTED_OWNERS]) or "none yet (give contacts an owner: line)"
    if len(names) > LISTED_OWNERS:
        listed += f"... ({len(names)} in all: followup owners lists them)"
    close = difflib.get_close_matches(wanted, list(names), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]}?" if close else ""
    raise LookupProblem(f"nobody is kept by {who!r}: owners are {listed}{hint}", [])


def keeper(key: str, names: dict[str, str]) -> Callable[[str | None], bool]:
    """Whether a file's owner line (as written; None: none) names the owner `key` (UNOWNED: nobody, unless an
    owner is called so). `names`: owner_names()."""
    if key == UNOWNED and key not in names:
        return lambda written: written is None
    return functools.cache(lambda written: written is not None and owner_key(written) == key)  # 100,000 files


_UNKNOWN = ((),)
_UNSETTLED = (-1, -1, -1)  # the identity a parse is kept under while its file may still change unseen: matches no file


class ContactFiles:
    """The contact files of a folder as they are now, each parsed again only when its size, mtime or inode
    changed since the parse the store holds; read() then gives the contacts (of one owner, or everyone's).
    Written for 100,000 files: what is done file by file is done in comprehensions."""

    def __init__(self, root: Path, folder: Path, store: cache.ParseStore | None = None):
        self.store = store
        self.problems: list[Problem] = []
        self.sources: dict[str, tuple] = {}  # each file's identity (size, mtime, inode), by path in the journal
        # the store's listing: each file's identity when parsed, and the owner and slug it names
        self.known: dict[str, tuple] = {}
        self.parsed: dict[str, tuple] = {}  # path -> (identity, contact, problems) as read now or held
        shown_as = folder.relative_to(root).as_posix() if folder.is_relative_to(root) else folder.as_posix()
        if folder.is_symlink():
            self.problems.append(Problem(shown_as, None, f"{LINKED}; make it a real folder"))
            return
        if not folder.is_dir():
            self.problems.append(Problem(shown_as, None, "the contacts folder does not exist"))
            return
        self.folder, self.prefix = str(folder), "" if shown_as == "." else posixpath.normpath(shown_as) + "/"
        self.sources, self.problems = contact_files(self.folder, self.prefix)
        known = self.known = store.known() if store is not None else {}
        held = store.held if store is not None else {}
        self.parsed = {rel: parse for rel, parse in held.items() if self.sources.get(rel) == parse[0]}
        settled_before = time.time_ns() - SETTLED_NS
        fresh = {rel: (identity if identity[1] < settled_before else _UNSETTLED, *self._parse(rel))
                 for rel, identity in self.sources.items()
                 if rel not in self.parsed and known.get(rel, _UNKNOWN)[0] != identity}
        self.parsed.update(fresh)
        if store is not None and (fresh or known.keys() - self.sources.keys()):
            store.keep(self._listing(), fresh, set(known) - set(self.sources))

    def _parse(self, rel: str) -> tuple[Contact | None, list[Problem]]:
        return load_contact(Path(self.folder, rel[len(self.prefix):]), rel)

    def _listing(self) -> dict[str, tuple]:
        listing = {}
        for rel in self.sources:
            if rel in self.parsed:
                identity, contact, _ = self.parsed[rel]
                listing[rel] = (identity, contact.owner if contact else None, contact.slug if contact else None)
            else:
                listing[rel] = self.known[rel]
        return listing

    def readable(self) -> set[str]:
        """The files that read as a contact (from the listing where a file is not parsed)."""
        return {rel for rel in self.sources if (self.parsed[rel][1] is not None if rel in self.parsed
                                                else self.known[rel][2] is not None)}

    def owners(self) -> dict[str, str]:
        """Every owner a file names (by owner_key), as the first file spells it, from the listing where a file
        is not parsed."""
        return first_spellings(map(self._owner_line, self.sources))

    def _owner_line(self, rel: str) -> str | None:
        parse = self.parsed.get(rel)
        if parse is None:
            return self.known[rel][1]
        return parse[1].owner if parse[1] is not None else None

    def read(self, today: dt.date, keeps: Callable[[str | None], bool] | None = None
             ) -> tuple[list[Contact], list[Problem]]:
        """The contacts and their problems: everyone's, or those whose owner line `keeps` says are wanted
        (and every file that could not be read, so that lists can say how many)."""
        wanted = [rel for rel in self.sources if rel not in self.parsed
                  and (keeps is None or (row := self.known[rel])[2] is None or keeps(row[1]))]
        if wanted:
            assert self.store is not None
            stored = self.store.parses(wanted)
            for rel in wanted:
                identity = self.sources[rel]
                parse = stored.get(rel)
                self.parsed[rel] = (identity, *parse) if parse is not None else \
                    (identity, *self._parse(rel))
                self.store.held[rel] = self.parsed[rel]
        contacts: list[Contact] = []
        problems = list(self.problems)
        owner_of: dict[str, str] = {}
        for rel in self.sources:
            if rel in self.parsed:
                _, contact, found = self.parsed[rel]
                mine = contact is None or keeps is None or keeps(contact.owner)
                slug = contact.slug if contact is not None else None
            else:
                contact, found, mine, slug = None, [], False, self.known[rel][2]
            if mine:
                problems.extend(found)
            if slug is None:
                continue
            if slug in owner_of:  # said in everyone's list (as an unreadable file is); both keep a page
                shown = _free_slug(slugify(rel[len(self.prefix):].removesuffix(".md")), owner_of)
                problems.append(Problem(rel, None, f"the name {slug!r} is already used by {owner_of[slug]}; this "
                                                   f"one is {shown!r} until one of the files is renamed"))
                slug = shown
                if contact is not None:
                    contact = dataclasses.replace(contact, slug=shown)
            owner_of[slug] = rel
            if not mine or contact is None:
                continue
            if contact.last_touch is not None and contact.last_touch > today:
                problems.append(Problem(rel, contact.line_of("last_touch"),
                                        f"last_touch {contact.last_touch} is in the future (today is {today})"))
            contacts.append(contact)
        return contacts, problems


def _free_slug(wanted: str, taken: dict[str, str]) -> str:
    """`wanted`, or `wanted-2`, `wanted-3`... whichever no file has yet."""
    slug, number = wanted, 1
    while slug in taken:
        number += 1
        slug = f"{wanted}-{number}"
    return slug


def read_contacts(root: Path, folder: Path, today: dt.date, store: cache.ParseStore | None = None
                  ) -> tuple[list[Contact], list[Problem]]:
    """Everyone's contacts in a folder, and their problems."""
    return ContactFiles(root, folder, store).read(today)


def journal_problems(contacts: list[Contact], settings: Settings) -> list[Problem]:
    """What a file says that the rest of the journal does not know: an owner or a plan the settings do not name,
    a [[mention]] or a relation that names nobody."""
    return unknown_owners(contacts, settings) + unknown_plans(contacts, settings) + links_to_nobody(contacts)


def links_to_nobody(contacts: list[Contact]) -> list[Problem]:
    """A [[mention]] or a relation that names nobody is a problem on its line, with the closest names."""
    directory = Directory(contacts)
    found = []
    for contact in contacts:
        for mention in contact.mentions:
            if directory.named(mention.target) is None:
                found.append(Problem(contact.path, mention.line,
                                     f"[[{mention.target}]] {directory.why_nobody(mention.target)}"))
        for label, slugs in contact.relations.items():
            for slug in slugs:
                if directory.named(slug) is None:
                    found.append(Problem(contact.path, contact.line_of("relations"),
                                         f"relations: {label}: {slug!r} {directory.why_nobody(slug)}"))
    return found


def unknown_owners(contacts: list[Contact], settings: Settings) -> list[Problem]:
    """With an owners setting, an owner no one listed is a problem on its line (a typo hides a client)."""
    if not settings.owners:
        return []
    known = ", ".join(owner.key for owner in settings.owners.values())
    found = []
    for contact in contacts:
        if contact.owner and owner_key(contact.owner) not in settings.owners:
            close = difflib.get_close_matches(owner_key(contact.owner), list(settings.owners), n=1, cutoff=0.6)
            hint = f"; did you mean {settings.owners[close[0]].key}?" if close else ""
            found.append(Problem(contact.path, contact.line_of("owner"),
                                 f"owner {contact.owner!r} is not in the owners setting ({known}){hint}"))
    return found


def unknown_plans(contacts: list[Contact], settings: Settings) -> list[Problem]:
    """A plan the settings do not name is a problem on its line (the person is due by their cadence meanwhile)."""
    known = ", ".join(settings.plans) or "none yet: name them in the settings, such as plans: {after-matter: [3d, 2w]}"
    found = []
    for contact in contacts:
        if contact.plan is not None and contact.plan.name not in settings.plans:
            close = difflib.get_close_matches(contact.plan.name, list(settings.plans), n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]}?" if close else ""
            found.append(Problem(contact.path, contact.line_of("plan"),
                                 f"plan {contact.plan.name!r} is not one of the settings' plans ({known}){hint}; "
                                 "the cadence stands meanwhile"))
    return found


def agenda(journal: Journal, everyone: bool = False, category: str | None = None) -> list[Person]:
    """Who to reach: people who reached you since you last reached them first (a reply owed), then those with a
    late promise, then overdue, due and soon (and anyone with a near promise), ranked."""
    people = journal.ranked if everyone else [
        person for person in journal.ranked
        if person.status in ("overdue", "due", "soon") or person.due.owed
        or any(rule.promise_is_near(p, journal.today, journal.settings) for p in person.contact.promises)]
    if category:
        wanted = category_key(category)
        people = [p for p in people if any(category_key(c) == wanted for c in p.contact.categories)]
    return sorted(people, key=lambda p: (not p.due.owed,
                                         not any(journal.promise_is_late(x) for x in p.contact.promises)))


_CACHED = [name for name, value in vars(Journal).items() if isinstance(value, cached_property)]
