"""The journal: every contact of a folder, with its due state, queried by the views."""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import os
import posixpath
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from stat import S_ISLNK, S_ISREG

from followup.core import due as rule
from followup.core.contact import Contact, Problem, Promise
from followup.core.dates import today as real_today
from followup.core.errors import LookupProblem
from followup.core.names import fold, match_level, owner_key, slugify
from followup.core.settings import Settings
from followup.store import cache
from followup.store.config import load_settings
from followup.store.files import load_contact
from followup.store.history import History, HistoryReader
from followup.store.timeline import Event, build_timeline

# Nothing outside the contacts folder is read, or published, through a link.
LINKED = "is a symbolic link, which followup does not follow"
UNOWNED = "unowned"  # the owner filter of the people nobody keeps


@dataclass(frozen=True, slots=True)
class DayItem:
    """One line of the day's list: what to do about whom, and why it is there (its kind, DAY_ORDER)."""

    kind: str
    person: Person
    day: dt.date  # the promise's deadline, the booked day, today for a pick, the yearly date
    what: str = ""  # the promise, the booking's note, the yearly date's label
    years: int | None = None  # what the yearly date marks (an age), when its year is known


DAY_ORDER = ("promise-late", "promise-today", "booking", "booking-passed", "pick", "date-today", "date-tomorrow")


@dataclass(slots=True)
class Person:
    contact: Contact
    due: rule.Due
    history_key: str

    @property
    def slug(self) -> str:
        return self.contact.slug

    @property
    def name(self) -> str:
        return self.contact.name

    @property
    def status(self) -> str:
        return self.due.status


def contact_files(folder: Path) -> tuple[list[str], list[str]]:
    """Markdown files below `folder` in a stable order, hidden folders skipped, and the folders below it
    that are symbolic links (never followed: what they point at is outside the journal).
    Paths as strings: a Path object per file was most of the time of a build with nothing changed."""
    found: list[str] = []
    linked: list[str] = []
    for directory, subfolders, names in os.walk(folder):
        visible = sorted(name for name in subfolders if not name.startswith("."))
        linked.extend(path for name in visible if os.path.islink(path := os.path.join(directory, name)))
        subfolders[:] = visible
        found.extend(os.path.join(directory, name) for name in sorted(names)
                     if name.endswith(".md") and not name.startswith("."))
    return found, linked


class Journal:
    def __init__(self, root: Path, settings: Settings, today: dt.date, contacts: list[Contact],
                 problems: list[Problem], history: History, sources: dict[str, tuple] | None = None):
        self.root = root
        self.sources = sources or {}  # each file read: its size, mtime and inode
        self.settings = settings
        self.today = today
        self.problems = problems
        self.history = history
        # git history is keyed by the path inside the contacts folder (history.py)
        folder = Path(settings.contacts)
        self._folder_prefix = "" if folder.is_absolute() else folder.as_posix() + "/"
        self.people = [self.person_from(contact) for contact in contacts]
        self.by_slug = {person.slug: person for person in self.people}
        # How many files could not be read: lists say so at their end rather than leave them out.
        self.unread = len({problem.path for problem in problems} - {contact.path for contact in contacts})

    @classmethod
    def load(cls, root: Path, settings: Settings | None = None, today: dt.date | None = None,
             with_history: bool = True) -> Journal:
        root = Path(root)
        settings = settings or load_settings(root)
        today = today or real_today()
        folder = root / settings.contacts
        # git reads the history while the files are parsed.
        reader = HistoryReader(folder, cache.cache_path(root, "history")) if with_history and folder.is_dir() \
            else None
        parsed = cache.load(cache.cache_path(root, "contacts")) or {}
        contacts, problems, fresh = read_contacts(root, folder, today, parsed)
        if fresh is not parsed:
            cache.save(cache.cache_path(root, "contacts"), fresh)
        history = reader.history() if reader is not None else History()
        problems += unknown_owners(contacts, settings)
        return cls(root, settings, today, contacts, problems, history,
                   {rel: known[0] for rel, known in fresh.items()})

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
        key = contact.path.removeprefix(self._folder_prefix)
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
        return build_timeline(person.contact, self.history.for_path(person.history_key))

    @cached_property
    def ranked(self) -> list[Person]:
        return sorted(self.people, key=lambda person: rule.rank_key(person.contact, person.due))

    def with_status(self, *statuses: str) -> list[Person]:
        return [person for person in self.ranked if person.status in statuses]

    @cached_property
    def due(self) -> list[Person]:
        return self.with_status(*rule.DUE_STATUSES)

    def picks(self, count: int | None = None) -> list[Person]:
        count = self.settings.picks_per_day if count is None else count
        return rule.todays_picks(self.due, self.today, count)

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

    def day_list(self, picks: int | None = None) -> list[DayItem]:
        """The whole day, in the order to act on it: promises late then due today, bookings today and
        bookings that passed with no touch since, today's picks, then birthdays and yearly dates of today
        and tomorrow."""
        today = self.today
        items = [DayItem("promise-late" if promise.due < today else "promise-today", person, promise.due,
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
        members: dict[str, list[Person]] = {key: [] for key in self.settings.owners}
        for person in self.ranked:
            if person.contact.owner:
                members.setdefault(owner_key(person.contact.owner), []).append(person)
        return dict(sorted(members.items(), key=lambda item: self.owner_name(item[0]).casefold()))

    @property
    def unowned(self) -> list[Person]:
        return [person for person in self.ranked if not person.contact.owner]

    def owner_name(self, key: str) -> str:
        """How an owner is shown: the owners setting's name, else as their first file writes it."""
        known = self.settings.owners.get(key)
        if known is not None:
            return known.name
        return next((person.contact.owner for person in self.people
                     if person.contact.owner and owner_key(person.contact.owner) == key), key)

    def find_owner(self, who: str) -> str:
        """An owner's key from how someone names them (as files write it, the setting's display name or the
        page's slug, case aside); UNOWNED for the people nobody keeps."""
        wanted = owner_key(who)
        for key in self.owners:
            if wanted in (key, owner_key(self.owner_name(key)), slugify(key)):
                return key
        if wanted == UNOWNED:
            return UNOWNED
        listed = ", ".join(self.owners) or "none yet (give contacts an owner: line)"
        close = difflib.get_close_matches(wanted, list(self.owners), n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise LookupProblem(f"nobody is kept by {who!r}: owners are {listed}{hint}", [])

    def of_owner(self, key: str) -> Journal:
        """The journal of one owner's relationships (UNOWNED: of those nobody keeps)."""
        return self.only(self.unowned if key == UNOWNED else self.owners.get(key, []))

    @cached_property
    def categories(self) -> dict[str, list[Person]]:
        """Each category (as first written) with its members, ranked."""
        members: dict[str, list[Person]] = defaultdict(list)
        spelling: dict[str, str] = {}
        for person in self.ranked:
            for category in person.contact.categories:
                members[spelling.setdefault(slugify(category), category)].append(person)
        return dict(sorted(members.items(), key=lambda item: item[0].casefold()))

    def find(self, who: str) -> Person:
        """A slug, or a name found by part of it in any script, case and accents aside ("soren", "Ølgaard",
        "мария"). An exact slug wins, then the whole name, then the start of a word ("ana" is Ana Ribeiro,
        not Yuki Tanaka), then the inside of a word; several people at the best level are ambiguous."""
        wanted = who.strip()
        if wanted.lower() in self.by_slug:
            return self.by_slug[wanted.lower()]
        levels: dict[int, list[Person]] = defaultdict(list)
        for person in self.people:
            level = match_level(wanted, person.name)
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
        names = {fold(person.name): person for person in self.people}
        close = difflib.get_close_matches(fold(wanted), list(names), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(names[n].name for n in close)}?" if close else ""
        raise LookupProblem(f"nobody called {who!r} in the journal{hint}", [names[n] for n in close])


def read_contacts(root: Path, folder: Path, today: dt.date, parsed: dict | None = None
                  ) -> tuple[list[Contact], list[Problem], dict]:
    """The contacts and problems of a folder. `parsed` holds earlier parses by path, size, mtime and
    inode; the third result is the same for this run (the very object when nothing changed)."""
    parsed = parsed if parsed is not None else {}
    fresh: dict = {}
    contacts: list[Contact] = []
    problems: list[Problem] = []
    owner_of: dict[str, str] = {}
    top = str(folder)
    shown_as = folder.relative_to(root).as_posix() if folder.is_relative_to(root) else top
    if folder.is_symlink():
        return [], [Problem(shown_as, None, f"{LINKED}; make it a real folder")], parsed
    if not folder.is_dir():
        return [], [Problem(shown_as, None, "the contacts folder does not exist")], parsed
    files, linked = contact_files(folder)
    problems.extend(Problem(posixpath.normpath(shown_as + path[len(top):].replace(os.sep, "/")), None,
                            f"{LINKED}; its files are not read") for path in linked)
    for file in files:
        rel = posixpath.normpath(shown_as + file[len(top):].replace(os.sep, "/"))
        status = os.lstat(file)
        if S_ISLNK(status.st_mode):
            problems.append(Problem(rel, None, f"{LINKED}; only regular files are read"))
            continue
        if not S_ISREG(status.st_mode):
            problems.append(Problem(rel, None, "is not a regular file (a FIFO, device or socket); "
                                               "only regular files are read"))
            continue
        key = (status.st_size, status.st_mtime_ns, status.st_ino)
        known = parsed.get(rel)
        if known is not None and known[0] == key:
            contact, found = known[1], known[2]
        else:
            contact, found = load_contact(Path(file), rel)
        fresh[rel] = (key, contact, found)
        problems.extend(found)
        if contact is None:
            continue
        if contact.slug in owner_of:
            problems.append(Problem(rel, None, f"the name {contact.slug!r} is already used by "
                                               f"{owner_of[contact.slug]}; rename one of the files"))
            continue
        owner_of[contact.slug] = rel
        if contact.last_touch is not None and contact.last_touch > today:
            problems.append(Problem(rel, contact.line_of("last_touch"),
                                    f"last_touch {contact.last_touch} is in the future (today is {today})"))
        contacts.append(contact)
    unchanged = fresh.keys() == parsed.keys() and all(fresh[k][0] == parsed[k][0] for k in fresh)
    return contacts, problems, parsed if unchanged else fresh


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


def agenda(journal: Journal, everyone: bool = False, category: str | None = None) -> list[Person]:
    """Who to reach: people with a late or near promise first, then overdue, due and soon, ranked."""
    people = journal.ranked if everyone else [
        person for person in journal.ranked
        if person.status in ("overdue", "due", "soon")
        or any(rule.promise_is_near(p, journal.today, journal.settings) for p in person.contact.promises)]
    if category:
        wanted = slugify(category)
        people = [p for p in people if any(slugify(c) == wanted for c in p.contact.categories)]
    return sorted(people, key=lambda p: not any(journal.promise_is_late(x) for x in p.contact.promises))


_CACHED = [name for name, value in vars(Journal).items() if isinstance(value, cached_property)]
