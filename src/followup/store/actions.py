"""The daily routine as operations on the journal: new, touch, snooze, promise, kept.

Each takes the journal lock, edits one file in place (followup.edit), and inside a git
repository commits that one file: the commit is the contact log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter

from followup.core.cadence import parse_cadence
from followup.core.contact import Contact, ContactLoader
from followup.core.dates import parse_date, parse_yearly
from followup.core.errors import DateError, EditError, GitError
from followup.core.names import fold, slugify
from followup.store import git as gitops
from followup.store.edit import ContactText, FrontMatterDumper, yaml_scalar
from followup.store.files import atomic_write, clear_temporaries, journal_lock
from followup.store.journal import Journal, Person


@dataclass
class Outcome:
    path: Path
    message: str
    warnings: list[str] = field(default_factory=list)
    contact: Contact | None = None
    finished_earlier: int = 0  # files of an interrupted import, committed by this one


def commit_files(root: Path, paths: list[Path], message: str, commit: bool, outcome: Outcome) -> Outcome:
    if not commit or not paths or not gitops.inside_repository(root):
        return outcome
    try:
        gitops.commit(root, paths, message)
    except GitError as error:
        saved = paths[0].name if len(paths) == 1 else f"{len(paths)} files"
        outcome.warnings.append(f"{saved} saved, but the git commit failed: {error}")
    return outcome


def _edit(root: Path, person: Person, change, message: str, commit: bool) -> Outcome:
    path = root / person.contact.path
    with journal_lock(root):
        clear_temporaries(path.parent, path.name)
        text = ContactText.read(path, person.contact.path)
        change(text, text.contact())
        text.save()
        return commit_files(root, [path], message, commit, Outcome(path, message, contact=text.contact()))


def _check_not_future(day: dt.date, today: dt.date, what: str) -> None:
    if day > today:
        raise EditError(f"{what} {day} is in the future (today is {today}); nothing was changed")


def touch(root: Path, person: Person, today: dt.date, note: str | None = None, day: dt.date | None = None,
          via: str | None = None, commit: bool = True) -> Outcome:
    day = day or today
    _check_not_future(day, today, "the touch date")
    note = " ".join((note or "").split())
    via = " ".join((via or "").split())
    entry = " ".join(part for part in (f"- {day.isoformat()}", f"({via})" if via else "", note or "In touch.") if part)
    message = note or f"Touch {person.name}" + (f" ({via})" if via else "")

    def change(text: ContactText, contact: Contact) -> None:
        # An older touch (a call remembered late) is logged without moving last_touch back.
        if contact.last_touch is None or day >= contact.last_touch:
            text.set_scalar("last_touch", day)
        text.add_log_entry(entry)

    return _edit(root, person, change, message, commit)


def snooze(root: Path, person: Person, until: dt.date, today: dt.date, commit: bool = True) -> Outcome:
    if until <= today:
        raise EditError(f"snooze until {until}: that day is not after today ({today}); nothing was changed")
    return _edit(root, person, lambda text, _: text.set_scalar("snooze_until", until),
                 f"Snooze {person.name} until {until}", commit)


def _promise_lines(items: list) -> list[str]:
    if not items:
        return []
    return ["promises:", *(f"  - {yaml_scalar(item)}" for item in items)]


def _raw_promises(text: ContactText) -> list:
    """The promises as written, every key kept, dates as dates so they are written back unquoted. (The file
    has been checked line by line already; python-frontmatter reads it, with followup's loader.)"""
    handler = frontmatter.YAMLHandler()
    front = handler.load(handler.split(text.text())[0], Loader=ContactLoader)
    items = front.get("promises") if isinstance(front, dict) else None
    return [_with_dates(item) for item in items] if isinstance(items, list) else []


def _with_dates(item: object) -> object:
    if not isinstance(item, dict):
        return item
    converted = {}
    for key, value in item.items():
        try:
            converted[key] = parse_date(value) if isinstance(value, str) else value
        except DateError:
            converted[key] = value
    return converted


def promise(root: Path, person: Person, what: str, by: dt.date, commit: bool = True) -> Outcome:
    what = " ".join(what.split())
    if not what:
        raise EditError("say what you promised; nothing was changed")

    def change(text: ContactText, _: Contact) -> None:
        text.set_block("promises", _promise_lines([*_raw_promises(text), {"due": by, "what": what}]))

    return _edit(root, person, change, f"Promise {person.name}: {what} by {by}", commit)


def kept(root: Path, person: Person, today: dt.date, number: int | None = None, commit: bool = True) -> Outcome:
    promises = person.contact.promises
    if not promises:
        raise EditError(f"{person.name} has no open promise")
    if number is None:
        if len(promises) > 1:
            listed = "; ".join(f"{p.number}: {p.what} (by {p.due})" for p in promises)
            raise EditError(f"{person.name} has {len(promises)} promises, say which: {listed}")
        number = promises[0].number
    chosen = next((p for p in promises if p.number == number), None)
    if chosen is None:
        numbers = ", ".join(str(p.number) for p in promises)
        raise EditError(f"{person.name} has no promise {number}; promises: {numbers}")

    def change(text: ContactText, _: Contact) -> None:
        items = _raw_promises(text)
        del items[number - 1]
        text.set_block("promises", _promise_lines(items))
        text.add_log_entry(f"- {today.isoformat()} Kept promise: {chosen.what}")

    return _edit(root, person, change, f"Kept promise to {person.name}: {chosen.what}", commit)


def contact_file(fields: dict[str, object], notes: str = "") -> bytes:
    """A new contact file, written by python-frontmatter: the fields, the notes and an empty log."""
    post = frontmatter.Post(f"{notes}\n\n## Log" if notes else "## Log")
    post.metadata.update(fields)
    text = frontmatter.dumps(post, Dumper=FrontMatterDumper, sort_keys=False, width=10**9)
    return (text + "\n").encode("utf-8")


def birthday_value(text: str) -> object:
    yearly = parse_yearly(text)
    return yearly.on_year(yearly.year) if yearly.year else str(yearly)


def file_names(folder: Path) -> set[str]:
    """The names taken in the contacts folder, subfolders included: two files of one slug are a problem."""
    return {path.stem.lower() for path in folder.rglob("*.md")}


def free_path(folder: Path, name: str, taken: set[str]) -> Path:
    """`folder`/<slug>.md, or <slug>-2.md and on when the name is taken; the name is then taken."""
    slug = slugify(name)
    candidate, number = slug, 1
    while candidate in taken:
        number += 1
        candidate = f"{slug}-{number}"
    taken.add(candidate)
    return folder / f"{candidate}.md"


def new_contact(root: Path, journal: Journal, name: str, cadence: str | None = None, categories: tuple = (),
                email: str | None = None, phone: str | None = None, birthday: str | None = None,
                channel: str | None = None, force: bool = False, commit: bool = True) -> Outcome:
    """A new contact file; refused when the journal already has this person (the same folded name, or the
    email on someone), unless `force`."""
    name = " ".join(name.split())
    if not name:
        raise EditError("a contact needs a name")
    twin = next((person for person in journal.people
                 if fold(person.name) == fold(name) or (email and email.casefold() in map(str.casefold,
                                                                                          person.contact.emails))),
                None)
    if twin is not None and not force:
        why = "the same name" if fold(twin.name) == fold(name) else f"the email {email}"
        raise EditError(f"{twin.contact.path} already has {why} ({twin.name}); --force makes another contact")
    fields: dict[str, object] = {"name": name}
    if categories:
        fields["categories"] = list(categories)
    if cadence is not None:
        parse_cadence(cadence)
        fields["cadence"] = cadence
    for key, value in (("channel", channel), ("phone", phone), ("email", email)):
        if value:
            fields[key] = value
    if birthday:
        try:
            fields["birthday"] = birthday_value(birthday)
        except DateError as error:
            raise DateError(f"birthday: {error}") from None
    folder = root / journal.settings.contacts
    with journal_lock(root):
        folder.mkdir(parents=True, exist_ok=True)
        path = free_path(folder, name, file_names(folder))
        atomic_write(path, contact_file(fields))
        return commit_files(root, [path], f"New contact: {name}", commit, Outcome(path, f"New contact: {name}"))
