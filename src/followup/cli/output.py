"""How commands print: tables coloured on a terminal (plain when piped), JSON one record a line."""

from __future__ import annotations

import json

import click

from followup.cli.app import OwnerChoice, say
from followup.core import due as rule
from followup.core.shown import one_line
from followup.formats.wording import labels, when
from followup.formats.wording import owed as owed_words
from followup.store.actions import Outcome
from followup.store.journal import Journal, Person

STATUS_COLOURS = {"overdue": "red", "due": "yellow", "soon": "cyan", "ok": "green", "tried": "magenta"}


def print_json(records: list[dict]) -> None:
    """A JSON list with one record a line: easy to read and to grep, and written by json's C encoder
    (indent= takes the pure Python one, a second for 10,000 people)."""
    say("[" + ",\n ".join(json.dumps(record, ensure_ascii=False) for record in records) + "]")


def _width(text: str) -> int:
    """Columns the text takes on a terminal: 王 takes two, a combining accent none."""
    from wcwidth import wcswidth  # only a table needs it: JSON and single lines start without

    width = wcswidth(text)
    return width if width >= 0 else len(text)


def _padded(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def table(rows: list[list[str]], headers: list[str], colour_column: int | None = None, indent: str = "") -> None:
    """Columns lined up by display width; every cell on one line, its control characters shown as U+FFFD."""
    cells = [[one_line(str(cell)) for cell in row] for row in rows]
    widths = [max(map(_width, column)) for column in zip(headers, *cells, strict=True)]
    say(indent + "  ".join(_padded(h.upper(), w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for row, shown in zip(rows, cells, strict=True):
        padded = [_padded(cell, width) for cell, width in zip(shown, widths, strict=True)]
        if colour_column is not None:
            padded[colour_column] = click.style(padded[colour_column], fg=STATUS_COLOURS.get(row[colour_column]))
        click.echo(indent + "  ".join(padded).rstrip())  # each cell passed one_line above; the colour is ours


def people_table(people: list[Person], picked: frozenset[str] = frozenset(), indent: str = "") -> None:
    """Who, and why they are here: status and its words (with inactive, attempts, today's pick), the last
    touch, the cadence, the next day (the booked one when a touch is booked), categories and owner."""
    rows = []
    for person in people:
        due, contact = person.due, person.contact
        said = "; ".join([when(person), *labels(person, person.slug in picked)])
        upcoming = contact.next if due.status == "booked" else due.next_due
        rows.append([due.status, person.name, said, str(due.last_touch or "never"), str(due.cadence or "none"),
                     str(upcoming or ""), ", ".join(contact.categories), contact.owner or ""])
    table(rows, ["status", "name", "why", "last touch", "cadence", "next", "categories", "owner"], colour_column=0,
          indent=indent)


def replies_block(journal: Journal, people: list[Person]) -> None:
    """Who reached you since you last reached them: first in every list of the day."""
    mine = {person.slug for person in people}
    owed = [(person, entry) for person, entry in journal.replies() if person.slug in mine]
    if not owed:
        return
    say("Replies owed", bold=True)
    for person, entry in owed:
        say(f"  {owed_words(person, entry)}", fg="red")
    say()


def promises_block(journal: Journal, people: list[Person]) -> None:
    owed = [(person, p) for person in people for p in person.contact.promises
            if rule.promise_is_near(p, journal.today, journal.settings)]
    if not owed:
        return
    say("Promises", bold=True)
    for person, p in sorted(owed, key=lambda pair: pair[1].due):
        late = journal.promise_is_late(p)
        line = f"  {p.due}  {person.name}: {p.what}" + ("  (late)" if late else "")
        say(line, fg="red" if late else None)
    say()


def unread_note(journal: Journal, chosen: OwnerChoice | None = None) -> None:
    """Every list ends by saying who it may be missing: files that could not be read, and (when an owner was
    chosen by default) everyone else's relationships."""
    if journal.unread:
        say(f"{journal.unread} file(s) could not be read: run followup check")
    if chosen is not None and chosen.source != "--owner":
        say(f"Showing {chosen.note}.")


def report(outcome: Outcome, text: str) -> None:
    """What was done; a warning (the edit is saved but its commit failed) ends with exit code 1."""
    say(text)
    for warning in outcome.warnings:
        say(f"followup: warning: {warning}", err=True)
    if outcome.warnings:
        raise SystemExit(1)
