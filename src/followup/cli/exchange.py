"""What comes in and goes out: import from address books, the calendar feed, the export, the morning digest."""

from __future__ import annotations

import csv
import dataclasses
import json
import sys
from pathlib import Path

import click

from followup.cli.app import Context, command, emit, owner_options, pass_context, say
from followup.cli.output import print_json
from followup.core.errors import LookupProblem, NotAnAddressBook, SettingsError
from followup.formats.address_books import Record, Step, plan_import, read_file
from followup.formats.digest import DAYS_AHEAD, NOTHING_DUE, digest_data, digest_html, digest_text, morning_digest
from followup.formats.importing import apply_import
from followup.formats.links import category_feed
from followup.formats.mail import digest_message
from followup.formats.mail import send as send_mail
from followup.formats.records import CSV_FIELDS, csv_row, person_record
from followup.store.cache import CacheFile, cache_path
from followup.store.files import atomic_write
from followup.store.trust import require_trust

PROGRESS_FROM = 500  # records: about a second of reading
STDIN = "standard input"  # how records read from `-` name their source


def _read_records(files: tuple[Path, ...]) -> list[Record]:
    """Every record of every file, read before anything is written; a bar on a terminal for a big import."""
    records: list[Record] = []
    for file in files:
        name, data = (STDIN, sys.stdin.buffer.read()) if str(file) == "-" else (file.name, file.read_bytes())
        count = data.upper().count(b"BEGIN:VCARD") or data.count(b"\n")
        try:
            found = read_file(name, data)
            if count >= PROGRESS_FROM and sys.stderr.isatty():
                with click.progressbar(found, length=count, label=f"Reading {name}", file=sys.stderr) as bar:
                    records.extend(bar)
            else:
                records.extend(found)
        except NotAnAddressBook as error:
            raise NotAnAddressBook(f"{error}; nothing was imported") from None
    return records


def _step_line(step: Step, dry_run: bool) -> str:
    would = "would " if dry_run else ""
    who = f"{step.name} ({step.position})" if step.name else step.position
    if step.action == "create":
        return f"{would}create {step.path}: {who}"
    if step.action == "merge":
        return f"{would}merge into {step.path}: {who}: {step.reason}"
    return f"skip: {who}: {step.reason}"


@command("import")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--category", "categories", multiple=True, help="Add this category to everyone imported.")
@click.option("--cadence", help="Give everyone imported this cadence.")
@click.option("--dry-run", is_flag=True, help="Say what would happen, person by person; write nothing.")
@click.option("--merge", is_flag=True, help="Add missing fields to people already in the journal.")
@click.option("--json", "as_json", is_flag=True, help="The plan as data.")
@click.option("--no-commit", is_flag=True)
@pass_context
def import_command(context: Context, files, categories, cadence, dry_run, merge, as_json, no_commit) -> None:
    """Import vCard (.vcf), Google Contacts CSV, Outlook CSV or LinkedIn Connections.csv files; - reads standard
    input.

    Example: followup import iCloud.vcf Connections.csv --category imported --dry-run
    """
    journal = context.journal(with_history=False)
    plan = plan_import(journal, _read_records(files), merge)
    outcome = None
    if not dry_run:
        outcome = apply_import(context.root, context.root / journal.settings.contacts, plan, categories,
                                       cadence, commit=not no_commit)
    if as_json:
        print_json([step.as_data() for step in plan.steps])
    else:
        if outcome is not None and outcome.finished_earlier:
            say(f"An earlier import was interrupted; its {outcome.finished_earlier} file(s) are committed now.")
        for step in plan.steps:
            say(_step_line(step, dry_run))
            for lost in step.lost:
                say(f"  lost: {lost}")
        say(plan.counts + (" (dry run: nothing written)" if dry_run else ""))
    for warning in outcome.warnings if outcome else ():
        say(f"followup: warning: {warning}", err=True)


@command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here, not to stdout.")
@click.option("--category", help="Only this category's people (the site's calendar/<category>.ics).")
@pass_context
def ics(context: Context, output, category) -> None:
    """The plan as an iCalendar feed: due touches, promises, birthdays, yearly dates, the weekly block.

    Example: followup ics -o ~/calendars/followup.ics
    """
    from followup.formats.calendar import FEED, journal_calendars  # icalendar takes a tenth of a second to import

    journal = context.journal()
    feeds = journal_calendars(journal, CacheFile(cache_path(journal.root, "calendar"), dict[str, bytes]))
    wanted = category_feed(category) if category else FEED
    if wanted not in feeds:
        known = ", ".join(journal.categories) or "none yet"
        raise LookupProblem(f"no category {category!r} in the journal (categories: {known})", [])
    feed = feeds[wanted]
    if output:
        atomic_write(output, feed)
    else:
        emit(feed.decode("utf-8"))


@command()
@click.option("--format", "kind", type=click.Choice(["json", "csv"]), default="json", show_default=True)
@pass_context
def export(context: Context, kind) -> None:
    """The whole journal with computed status, for other tools.

    Example: followup export --format csv > journal.csv
    """
    journal = context.journal()
    records = [person_record(journal, person) for person in journal.ranked]
    if kind == "json":
        print_json(records)
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=list(CSV_FIELDS), lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow(csv_row(record))


@command()
@click.option("--html", "as_html", is_flag=True, help="A self-contained HTML mail body instead of plain text.")
@click.option("--days", type=click.IntRange(min=0), default=DAYS_AHEAD, show_default=True,
              help="Birthdays and yearly dates this many days ahead.")
@click.option("--send", is_flag=True, help="Mail it (text and HTML) as the mail: settings say; nothing on a quiet day.")
@click.option("--json", "as_json", is_flag=True, help="The digest as data.")
@owner_options
@pass_context
def digest(context: Context, as_html, days, send, as_json, owner, all_owners) -> None:
    """The morning message: promises late and near, bookings, today's picks with one-tap links, how many are
    overdue by category, the dates ahead. Prints "nothing due" (exit 0) when there is nothing.

    Example: followup digest | mail -s "followup: today" me@example.com   (a cron line: see the README)
    """
    journal, chosen = context.journal_of(owner, all_owners)
    found = morning_digest(journal, days, chosen.name if chosen else None)
    if as_json:
        say(json.dumps(digest_data(journal, found), ensure_ascii=False))
        return
    if send:
        require_trust(context.root, "followup digest --send")  # the mail settings run a program, reach a server
        mail = journal.settings.mail
        if mail is None:
            raise SettingsError("digest --send needs the mail settings: a mail: block in the followup plugin's "
                                "options, with host and user (see the README)")
        if found.empty:
            say(f"{NOTHING_DUE} (nothing sent)")
            return
        known = journal.settings.owners.get(chosen.key) if chosen else None
        if known is not None and known.email:  # an owner's digest goes to them
            mail = dataclasses.replace(mail, to=(known.email,))
        send_mail(digest_message(found.subject, digest_text(journal, found), digest_html(journal, found), mail), mail)
        say(f"sent to {', '.join(mail.to)}: {found.subject}")
        return
    say(digest_html(journal, found) if as_html else digest_text(journal, found), nl=False)
