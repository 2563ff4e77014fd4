"""The daily routine as operations on the journal: new, touch, attempt, book, snooze, promise, kept,
active/inactive, undo.

Each takes the journal lock, edits files in place (store.contact_text: only the lines it means to change,
atomically), and inside a git repository makes one commit of them: the commit is the contact log.
Every commit followup makes carries a trailer naming the command, so `undo` knows its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter

from followup.core.cadence import parse_cadence
from followup.core.contact import Contact, ContactLoader
from followup.core.dates import parse_date, parse_yearly
from followup.core.errors import DateError, EditError, GitError, UsageError
from followup.core.names import fold, slugify
from followup.store import git as gitops
from followup.store.contact_text import ContactText, FrontMatterDumper, yaml_scalar
from followup.store.files import atomic_write, clear_temporaries, journal_lock
from followup.store.journal import Journal, Person
from followup.store.review import PROMISED

Change = Callable[[ContactText, Contact], None]


@dataclass
class Outcome:
    path: Path
    message: str
    warnings: list[str] = field(default_factory=list)
    contact: Contact | None = None
    contacts: list[Contact] = field(default_factory=list)  # each edited contact as it now reads
    finished_earlier: int = 0  # files of an interrupted import, committed by this one


def commit_files(root: Path, paths: list[Path], message: str, commit: bool, outcome: Outcome,
                 command: str = "") -> Outcome:
    if not commit or not paths or not gitops.inside_repository(root):
        return outcome
    try:
        gitops.commit(root, paths, message, command)
    except GitError as error:
        saved = paths[0].name if len(paths) == 1 else f"{len(paths)} files"
        outcome.warnings.append(f"{saved} saved, but the git commit failed: {error}")
    return outcome


def _edit_all(root: Path, people: list[Person], change: Change, message: str, commit: bool, command: str) -> Outcome:
    """The same change to each person's file, all read before any is written, in one commit."""
    paths = [root / person.contact.path for person in people]
    with journal_lock(root):
        texts = []
        for person, path in zip(people, paths, strict=True):
            clear_temporaries(path.parent, path.name)
            text = ContactText.read(path, person.contact.path)
            change(text, text.contact())
            text.contact()  # every file reads back before the first is written
            texts.append(text)
        for text in texts:
            text.save()
        contacts = [text.contact() for text in texts]
        outcome = Outcome(paths[0], message, contact=contacts[0], contacts=contacts)
        return commit_files(root, paths, message, commit, outcome, command)


def _edit(root: Path, person: Person, change: Change, message: str, commit: bool, command: str) -> Outcome:
    return _edit_all(root, [person], change, message, commit, command)


def _check_not_future(day: dt.date, today: dt.date, what: str) -> None:
    if day > today:
        raise EditError(f"{what} {day} is in the future (today is {today}); nothing was changed")


def _words(text: str | None) -> str:
    return " ".join((text or "").split())


def touch(root: Path, people: list[Person], today: dt.date, note: str | None = None, day: dt.date | None = None,
          via: str | None = None, again: dt.date | None = None, commit: bool = True) -> Outcome:
    """A touch of each of `people` on `day` (today by default), logged with the same entry, in one commit.
    `again`: also promise to check in again by that day (after an event, a few days later)."""
    day = day or today
    _check_not_future(day, today, "the touch date")
    if again is not None and again <= today:
        raise EditError(f"--again {again}: that day is not after today ({today}); nothing was changed")
    note, via = _words(note), _words(via)
    entry = " ".join(part for part in (f"- {day.isoformat()}", f"({via})" if via else "", note or "In touch.") if part)
    names = ", ".join(person.name for person in people)
    message = note or f"Touch {names}" + (f" ({via})" if via else "")

    by_path = {person.contact.path: person for person in people}

    def change(text: ContactText, contact: Contact) -> None:
        # An older touch (a call remembered late) is logged without moving last_touch back.
        if contact.last_touch is None or day >= contact.last_touch:
            text.set_scalar("last_touch", day)
        text.add_log_entry(entry)
        end_plan_if_done(text, by_path[contact.path], day)
        if again is not None:
            text.set_block("promises", _promise_lines([*_raw_promises(text), _new_promise(
                f"check in again{': ' + note if note else ''}", again, today)]))

    return _edit_all(root, people, change, message, commit, "touch")


def end_plan_if_done(text: ContactText, person: Person, day: dt.date) -> None:
    """A touch on `day`, on or after the last step's day of the plan the person is on, completes every open step
    and ends the plan, which the log says: the cadence stands from this touch on."""
    plan = person.due.plan
    if plan is not None and day >= plan.last_day:
        text.remove_key("plan")
        text.add_log_entry(f"- {day.isoformat()} Plan done: {plan.name}")


def attempt(root: Path, person: Person, today: dt.date, note: str | None = None, via: str | None = None,
            commit: bool = True) -> Outcome:
    """A call that did not reach them (voicemail, no answer): on the timeline, but not a touch."""
    note, via = _words(note), _words(via)
    entry = f"- {today.isoformat()} Tried{f' ({via})' if via else ''}: {note or 'no answer'}"
    message = f"Tried to reach {person.name}{f' ({via})' if via else ''}: {note or 'no answer'}"
    return _edit(root, person, lambda text, _: text.add_log_entry(entry), message, commit, "attempt")


def book(root: Path, person: Person, day: dt.date, today: dt.date, note: str | None = None,
         commit: bool = True) -> Outcome:
    """A touch already booked for `day` (`next:`), with what it is (`next_note:`)."""
    if day < today:
        raise EditError(f"book for {day}: that day has passed (today is {today}); nothing was changed")
    note = _words(note)

    def change(text: ContactText, _: Contact) -> None:
        text.set_scalar("next", day)
        if note:
            text.set_scalar("next_note", note)
        else:
            text.remove_key("next_note")  # what was booked before is not what is booked now

    return _edit(root, person, change, f"Book {person.name} for {day}{': ' + note if note else ''}", commit, "book")


def start_plan(root: Path, person: Person, plan: str, start: dt.date, commit: bool = True) -> Outcome:
    """`plan: {name: PLAN, start: DAY}` in the person's file: they are due by its steps until the last is done."""
    return _edit(root, person, lambda text, _: text.set_scalar("plan", {"name": plan, "start": start}),
                 f"Plan {plan} for {person.name} from {start}", commit, "plan")


def stop_plan(root: Path, person: Person, today: dt.date, commit: bool = True) -> Outcome:
    """The plan taken out before its end, which the log says (the cadence stands again)."""
    run, step = person.contact.plan, person.due.plan
    if run is None:
        raise EditError(f"{person.name} has no plan to stop; nothing was changed")
    left = f" (step {step.number} of {step.total} open)" if step is not None else ""

    def change(text: ContactText, _: Contact) -> None:
        text.remove_key("plan")
        text.add_log_entry(f"- {today.isoformat()} Plan stopped: {run.name}{left}")

    return _edit(root, person, change, f"Stop plan {run.name} for {person.name}", commit, "plan")


def hand_over(root: Path, people: list[Person], receiver: str, giver_name: str, receiver_name: str,
              commit: bool = True) -> Outcome:
    """Everyone in `people` now kept by `receiver` (their `owner:`), in one commit whose subject each timeline
    shows: who handed over to whom, by their names."""
    count = f"{len(people)} {'person' if len(people) == 1 else 'people'}"
    return _edit_all(root, people, lambda text, _: text.set_scalar("owner", receiver),
                     f"Hand over {count} from {giver_name} to {receiver_name}", commit, "handover")


def set_status(root: Path, person: Person, status: str, commit: bool = True) -> Outcome:
    """active or inactive: an inactive client is still due by the cadence, and labelled so in every list."""
    if status not in ("active", "inactive"):
        raise UsageError(f"status must be active or inactive, not {status!r}")
    return _edit(root, person, lambda text, _: text.set_scalar("status", status),
                 f"{person.name} is {status}", commit, status)


def snooze(root: Path, person: Person, until: dt.date, today: dt.date, commit: bool = True) -> Outcome:
    if until <= today:
        raise EditError(f"snooze until {until}: that day is not after today ({today}); nothing was changed")
    return _edit(root, person, lambda text, _: text.set_scalar("snooze_until", until),
                 f"Snooze {person.name} until {until}", commit, "snooze")


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


def _new_promise(what: str, by: dt.date, today: dt.date) -> dict:
    return {"due": by, "what": what, "made": today}


def promise(root: Path, person: Person, what: str, by: dt.date, today: dt.date, commit: bool = True) -> Outcome:
    what = _words(what)
    if not what:
        raise EditError("say what you promised; nothing was changed")

    def change(text: ContactText, _: Contact) -> None:
        text.set_block("promises", _promise_lines([*_raw_promises(text), _new_promise(what, by, today)]))

    return _edit(root, person, change, f"Promise {person.name}: {what} by {by}", commit, "promise")


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
        promised = f" ({PROMISED} {chosen.made})" if chosen.made else ""  # the week's review counts it as made
        text.add_log_entry(f"- {today.isoformat()} Kept promise: {chosen.what}{promised}")

    return _edit(root, person, change, f"Kept promise: {chosen.what} ({person.name})", commit, "kept")


def undo(root: Path) -> tuple[str, int]:
    """Revert the newest change followup committed that is not undone yet: the subject of what was undone, and how
    many undos it walked back past (a second undo takes back the change before, it never redoes). Refused when
    that commit is not followup's, or when files git tracks have changes not committed."""
    with journal_lock(root):
        last, passed = gitops.commit_to_undo(root)
        if last is None or not last.command or last.command == "undo":
            raise UsageError(f"the last commit {'left to undo ' if passed else ''}is not one followup made"
                             f"{f' ({last.subject!r})' if last else ''}; undo only reverts followup's own changes "
                             "(git revert does the rest)")
        if gitops.changed_files(root):
            raise UsageError("there are changes not committed; commit or put them aside first (git status)")
        gitops.revert(root, last.sha, f"Undo: {last.subject}")
        return last.subject, passed


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
                 if fold(person.contact.name) == fold(name) or (email and email.casefold() in map(str.casefold,
                                                                                          person.contact.emails))),
                None)
    if twin is not None and not force:
        why = "the same name" if fold(twin.contact.name) == fold(name) else f"the email {email}"
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
        return commit_files(root, [path], f"New contact: {name}", commit, Outcome(path, f"New contact: {name}"),
                            "new")
