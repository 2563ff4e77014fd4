"""How commands print: tables coloured on a terminal (plain when piped), JSON one record a line."""

from __future__ import annotations

import json

import click

from followup.core import due as rule
from followup.store.actions import Outcome
from followup.store.journal import Journal, Person

STATUS_COLOURS = {"overdue": "red", "due": "yellow", "soon": "cyan", "ok": "green"}


def print_json(records: list[dict]) -> None:
    """A JSON list with one record a line: easy to read and to grep, and written by json's C encoder
    (indent= takes the pure Python one, a second for 10,000 people)."""
    click.echo("[" + ",\n ".join(json.dumps(record, ensure_ascii=False) for record in records) + "]")


def table(rows: list[list[str]], headers: list[str], colour_column: int | None = None) -> None:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]
    click.echo("  ".join(h.upper().ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for row in rows:
        cells = [str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)]
        if colour_column is not None:
            cells[colour_column] = click.style(cells[colour_column], fg=STATUS_COLOURS.get(row[colour_column]))
        click.echo("  ".join(cells).rstrip())


def people_table(people: list[Person]) -> None:
    rows = []
    for person in people:
        due = person.due
        late = "" if due.days_late is None else (f"{due.days_late}d" if due.days_late > 0 else
                                                  "today" if due.days_late == 0 else f"in {-due.days_late}d")
        reach = (person.contact.phones or person.contact.emails or ("",))[0]
        rows.append([due.status, person.name, late, str(due.next_due or ""), person.contact.channel or "", reach])
    table(rows, ["status", "name", "late", "next due", "channel", "reach"], colour_column=0)


def promises_block(journal: Journal, people: list[Person]) -> None:
    owed = [(person, p) for person in people for p in person.contact.promises
            if rule.promise_is_near(p, journal.today, journal.settings)]
    if not owed:
        return
    click.secho("Promises", bold=True)
    for person, p in sorted(owed, key=lambda pair: pair[1].due):
        late = journal.promise_is_late(p)
        line = f"  {p.due}  {person.name}: {p.what}" + ("  (late)" if late else "")
        click.secho(line, fg="red" if late else None)
    click.echo()


def report(outcome: Outcome, text: str) -> None:
    """What was done; a warning (the edit is saved but its commit failed) ends with exit code 1."""
    click.echo(text)
    for warning in outcome.warnings:
        click.echo(f"followup: warning: {warning}", err=True)
    if outcome.warnings:
        raise SystemExit(1)
