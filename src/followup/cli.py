"""The `followup` command line: the daily routine without opening an editor.

Every command works through the same core as the site; exit codes: 0 ok, 1 problems found,
2 usage or lookup error.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import click

from . import __version__, actions
from . import due as rule
from .cadence import CadenceError, parse_cadence
from .dates import DateError, parse_date
from .dates import today as current_day
from .edit import EditError, UnreadableContact, atomic_write
from .gitops import GitError, inside_repository, install_merge_driver
from .merge import merge_contact
from .journal import Journal, LookupProblem, Person, agenda
from .cache import cache_path
from .importers import NotAnAddressBook, plan_import, read_file
from .records import CSV_FIELDS, csv_row, event_record, person_record
from .scaffold import GITATTRIBUTES, JournalExists, create_journal
from .settings import SettingsError, is_journal

PROBLEMS, USAGE = 1, 2
STATUS_COLOURS = {"overdue": "red", "due": "yellow", "soon": "cyan", "ok": "green"}


class Failure(click.ClickException):
    def __init__(self, message: str, code: int = USAGE):
        super().__init__(message)
        self.exit_code = code

    def show(self, file=None) -> None:
        click.echo(f"followup: {self.format_message()}", err=True)


class Context:
    """The journal a command works on, found and loaded once, on demand."""

    def __init__(self, journal_dir: Path | None):
        self.journal_dir = journal_dir
        self._journal: Journal | None = None

    @property
    def root(self) -> Path:
        if self.journal_dir is not None:
            if not is_journal(self.journal_dir):
                raise Failure(f"{self.journal_dir} is not a followup journal (no mkdocs.yml using the followup "
                              "hook); create one with: followup init DIR")
            return self.journal_dir.resolve()
        here = Path.cwd().resolve()
        for folder in (here, *here.parents):
            if is_journal(folder):
                return folder
        raise Failure("no followup journal here or in any parent folder; use --journal DIR, "
                      "set FOLLOWUP_JOURNAL, or create one with: followup init DIR")

    @property
    def today(self) -> dt.date:
        try:
            return current_day()
        except DateError as error:
            raise Failure(str(error)) from None

    def journal(self, with_history: bool = True) -> Journal:
        if self._journal is None:
            try:
                self._journal = Journal.load(self.root, today=self.today, with_history=with_history)
            except SettingsError as error:
                raise Failure(str(error), PROBLEMS) from None
        return self._journal

    def person(self, who: str) -> Person:
        try:
            return self.journal().find(who)
        except LookupProblem as error:
            raise Failure(str(error)) from None


pass_context = click.make_pass_decorator(Context)


def _undecodable(value: object) -> bool:
    """A text argument holding bytes that are not UTF-8 (Python keeps them as lone surrogates)."""
    texts = value if isinstance(value, (tuple, list)) else (value,)
    try:
        for text in texts:
            if isinstance(text, str):
                text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class Command(click.Command):
    """Every command's text arguments are checked before it runs: bytes that are not UTF-8 would be
    written into a contact file that then cannot be read. (File names are paths, and may be any bytes.)"""

    def invoke(self, ctx: click.Context):
        for param in self.params:
            if not isinstance(param.type, click.Path) and _undecodable(ctx.params.get(param.name)):
                raise Failure(f"{param.get_error_hint(ctx)} is not UTF-8 text (check the terminal's encoding); "
                              "nothing was changed")
        try:
            return super().invoke(ctx)
        except OSError as error:  # a full or read-only disk, a folder that went away
            where = f"{error.filename}: " if error.filename else ""
            raise Failure(f"{where}{error.strerror or error}; nothing more was changed", PROBLEMS) from None


class Group(click.Group):
    command_class = Command


def date_option(value: str | None, what: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return parse_date(value)
    except DateError as error:
        raise Failure(f"{what}: {error}") from None


def report(outcome: actions.Outcome, text: str) -> None:
    """What was done; a warning (the edit is saved but its commit failed) exits 1."""
    click.echo(text)
    for warning in outcome.warnings:
        click.echo(f"followup: warning: {warning}", err=True)
    if outcome.warnings:
        sys.exit(PROBLEMS)


def edit(operation, *args, **kwargs) -> actions.Outcome:
    try:
        return operation(*args, **kwargs)
    except UnreadableContact as error:
        raise Failure(str(error), PROBLEMS) from None
    except EditError as error:
        raise Failure(str(error)) from None


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--journal", "journal_dir", envvar="FOLLOWUP_JOURNAL", metavar="DIR",
              type=click.Path(file_okay=False, path_type=Path), help="The journal (default: here or a parent).")
@click.version_option(__version__, prog_name="followup")
@click.pass_context
def main(ctx: click.Context, journal_dir: Path | None) -> None:
    """followup: who is due, and when you last reached them. FOLLOWUP_TODAY=YYYY-MM-DD overrides today."""
    ctx.obj = Context(journal_dir)


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default="My followup journal", help="The site's name.")
def init(folder: Path, title: str) -> None:
    """Create a new, empty journal in FOLDER, with its git repository and first commit."""
    try:
        create_journal(folder, title)
    except JournalExists as error:
        raise Failure(str(error)) from None
    except GitError as error:
        raise Failure(f"{error}; nothing was made", PROBLEMS) from None
    click.echo(f"A new journal in {folder}. Next: cd {folder} && followup new \"Full Name\" && followup serve")


@main.command()
@click.argument("name")
@click.option("--cadence", help="How often: monthly, every 3 weeks, 10d, none...")
@click.option("--category", "categories", multiple=True, help="A hit-list category (repeatable).")
@click.option("--email")
@click.option("--phone")
@click.option("--birthday", help="YYYY-MM-DD, or MM-DD when the year is unknown.")
@click.option("--channel", help="phone, text, email, video, in person, letter...")
@click.option("--force", is_flag=True, help="Add the person even if the journal has someone of that name or email.")
@click.option("--no-commit", is_flag=True, help="Do not commit the new file.")
@pass_context
def new(context: Context, name, cadence, categories, email, phone, birthday, channel, force, no_commit) -> None:
    """Create contacts/<slug>.md for NAME and print its path."""
    outcome = edit(actions.new_contact, context.root, context.journal(with_history=False), name, cadence, categories,
                   email, phone, birthday, channel, force, commit=not no_commit)
    report(outcome, os.path.relpath(outcome.path))


@main.command()
@click.argument("who")
@click.option("-m", "--message", "note", help="What you talked about: the log entry and the commit message.")
@click.option("--date", "day", metavar="YYYY-MM-DD", help="When (default: today).")
@click.option("--via", help="How: phone, text, email, video, in person...")
@click.option("--no-commit", is_flag=True, help="Edit the file only.")
@pass_context
def touch(context: Context, who, note, day, via, no_commit) -> None:
    """Record that you reached WHO: last_touch, a log line and a commit."""
    journal = context.journal()
    person = context.person(who)
    outcome = edit(actions.touch, context.root, person, journal.today, note, date_option(day, "--date"), via,
                   commit=not no_commit)
    after = journal.person_from(outcome.contact).due
    following = f"; next due {after.next_due}" if after.next_due else ""
    report(outcome, f"Touched {person.name} on {date_option(day, '--date') or journal.today}{following}.")


def _duration(text: str) -> rule.Cadence:
    try:
        span = parse_cadence(text)
    except CadenceError as error:
        raise Failure(f"--for: {error}") from None
    if span is None:
        raise Failure("--for needs a span such as 2w or 10d")
    return span


@main.command()
@click.argument("who")
@click.option("--until", "until", metavar="YYYY-MM-DD", help="Not due before this day.")
@click.option("--for", "span", metavar="SPAN", help="For a while: 10d, 2w, 1m...")
@click.option("--no-commit", is_flag=True)
@pass_context
def snooze(context: Context, who, until, span, no_commit) -> None:
    """Keep WHO off the due list until a day (--until D) or for a while (--for 2w)."""
    if (until is None) == (span is None):
        raise Failure("say either --until YYYY-MM-DD or --for SPAN (such as 2w)")
    journal = context.journal()
    person = context.person(who)
    day = date_option(until, "--until") or _duration(span).after(journal.today)
    outcome = edit(actions.snooze, context.root, person, day, journal.today, commit=not no_commit)
    report(outcome, f"{person.name} is snoozed until {day}.")


@main.command()
@click.argument("who")
@click.argument("what")
@click.option("--by", "by", required=True, metavar="YYYY-MM-DD", help="The deadline.")
@click.option("--no-commit", is_flag=True)
@pass_context
def promise(context: Context, who, what, by, no_commit) -> None:
    """Record a follow-up you owe WHO, with a deadline."""
    person = context.person(who)
    outcome = edit(actions.promise, context.root, person, what, date_option(by, "--by"), commit=not no_commit)
    report(outcome, f"Promised {person.name}: {' '.join(what.split())} by {by}.")


@main.command()
@click.argument("who")
@click.argument("number", type=int, required=False)
@click.option("--no-commit", is_flag=True)
@pass_context
def kept(context: Context, who, number, no_commit) -> None:
    """Mark promise NUMBER to WHO kept (the only one if there is one) and log it."""
    journal = context.journal()
    person = context.person(who)
    outcome = edit(actions.kept, context.root, person, journal.today, number, commit=not no_commit)
    report(outcome, f"Kept: {outcome.message.split(': ', 1)[1]}.")


def _print_json(records: list[dict]) -> None:
    """A JSON list with one record a line: easy to read and to grep, and written by json's C encoder
    (indent= takes the pure Python one, a second for 10,000 people)."""
    click.echo("[" + ",\n ".join(json.dumps(record, ensure_ascii=False) for record in records) + "]")


def _table(rows: list[list[str]], headers: list[str], colour_column: int | None = None) -> None:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]
    click.echo("  ".join(h.upper().ljust(w) for h, w in zip(headers, widths)).rstrip())
    for row in rows:
        cells = [str(cell).ljust(width) for cell, width in zip(row, widths)]
        if colour_column is not None:
            cells[colour_column] = click.style(cells[colour_column], fg=STATUS_COLOURS.get(row[colour_column]))
        click.echo("  ".join(cells).rstrip())


def _people_table(journal: Journal, people: list[Person]) -> None:
    rows = []
    for person in people:
        due = person.due
        late = "" if due.days_late is None else (f"{due.days_late}d" if due.days_late > 0 else
                                                  "today" if due.days_late == 0 else f"in {-due.days_late}d")
        reach = (person.contact.phones or person.contact.emails or ("",))[0]
        rows.append([due.status, person.name, late, str(due.next_due or ""), person.contact.channel or "", reach])
    _table(rows, ["status", "name", "late", "next due", "channel", "reach"], colour_column=0)


def _promises_block(journal: Journal, people: list[Person]) -> None:
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


@main.command()
@click.option("--category", help="Only this category.")
@click.option("--owner", help="Only relationships this person keeps.")
@click.option("--all", "everyone", is_flag=True, help="Everyone, not only who is due.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_context
def due(context: Context, category, owner, everyone, as_json) -> None:
    """Who is overdue, due today and due soon; promises first."""
    journal = context.journal()
    people = agenda(journal, everyone, category, owner)
    if as_json:
        _print_json([person_record(journal, person) for person in people])
        return
    _promises_block(journal, people)
    if people:
        _people_table(journal, people)
    else:
        click.echo("Nobody is due. A good day to add someone to the hit list.")


@main.command()
@click.option("-n", "count", type=click.IntRange(min=0), help="How many (default: picks_per_day).")
@click.option("--json", "as_json", is_flag=True)
@pass_context
def today(context: Context, count, as_json) -> None:
    """Today's picks: a few people to reach today, stable all day."""
    journal = context.journal()
    picks = journal.picks(count)
    if as_json:
        _print_json([person_record(journal, person) for person in picks])
    elif picks:
        _people_table(journal, picks)
    else:
        click.echo("Nobody is due today.")


@main.command(name="log")
@click.argument("who")
@click.option("--json", "as_json", is_flag=True)
@pass_context
def log_command(context: Context, who, as_json) -> None:
    """WHO's timeline, newest first: the written log and git history, as on the site."""
    journal = context.journal()
    person = context.person(who)
    events = journal.timeline(person)
    if as_json:
        _print_json([event_record(event) for event in events])
        return
    click.secho(f"{person.name} ({person.status}, last touch {person.due.last_touch or 'never'})", bold=True)
    _table([[str(e.date), e.kind, e.text, e.commit or ""] for e in events], ["date", "kind", "what", "commit"])


@main.command()
@click.option("--strict", is_flag=True, help="Also fail on warnings (no git history).")
@pass_context
def check(context: Context, strict) -> None:
    """Validate every contact: prints path:line: message; exit 1 on problems."""
    journal = context.journal()
    for problem in journal.problems:
        click.echo(str(problem))
    warnings = [journal.history.warning] if journal.history.warning else []
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    failed = bool(journal.problems) or (strict and bool(warnings))
    summary = f"{len(journal.people)} contacts, {len(journal.problems)} problem(s)"
    click.echo(summary, err=True)
    if failed:
        sys.exit(PROBLEMS)


def _mkdocs(root: Path, *args: str) -> int:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.call([sys.executable, "-m", "mkdocs", *args], cwd=root, env=env)


def _read_records(files: tuple[Path, ...]) -> list:
    """Every record of every file, read before anything is written; a bar on a terminal for a big import."""
    records = []
    for file in files:
        data = file.read_bytes()
        count = data.upper().count(b"BEGIN:VCARD") or data.count(b"\n")
        try:
            found = read_file(file.name, data)
            if count >= PROGRESS_FROM and sys.stderr.isatty():
                with click.progressbar(found, length=count, label=f"Reading {file.name}", file=sys.stderr) as bar:
                    records.extend(bar)
            else:
                records.extend(found)
        except NotAnAddressBook as error:
            raise Failure(f"{error}; nothing was imported") from None
    return records


PROGRESS_FROM = 500  # records: about a second of reading


def _step_line(step, dry_run: bool) -> str:
    would = "would " if dry_run else ""
    who = f"{step.name} ({step.position})" if step.name else step.position
    if step.action == "create":
        return f"{would}create {step.path}: {who}"
    if step.action == "merge":
        return f"{would}merge into {step.path}: {who}: {step.reason}"
    return f"skip: {who}: {step.reason}"


@main.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--category", "categories", multiple=True, help="Add this category to everyone imported.")
@click.option("--cadence", help="Give everyone imported this cadence.")
@click.option("--dry-run", is_flag=True, help="Say what would happen, person by person; write nothing.")
@click.option("--merge", is_flag=True, help="Add missing fields to people already in the journal.")
@click.option("--json", "as_json", is_flag=True, help="The plan as data.")
@click.option("--no-commit", is_flag=True)
@pass_context
def import_command(context: Context, files, categories, cadence, dry_run, merge, as_json, no_commit) -> None:
    """Import vCard (.vcf), Google Contacts CSV, Outlook CSV or LinkedIn Connections.csv files.

    Example: followup import contacts.vcf Connections.csv --category imported --dry-run"""
    journal = context.journal(with_history=False)
    plan = plan_import(journal, _read_records(files), merge)
    outcome = None
    if not dry_run:
        outcome = edit(actions.apply_import, context.root, context.root / journal.settings.contacts, plan,
                       categories, cadence, commit=not no_commit)
    counts = {action: len(plan.of(action)) for action in ("create", "merge", "skip")}
    if as_json:
        _print_json([step.as_data() for step in plan.steps])
    else:
        if outcome is not None and outcome.finished_earlier:
            click.echo(f"An earlier import was interrupted; its {outcome.finished_earlier} file(s) are committed now.")
        for step in plan.steps:
            click.echo(_step_line(step, dry_run))
            for lost in step.lost:
                click.echo(f"  lost: {lost}")
        click.echo(f"{counts['create']} created, {counts['merge']} merged, {counts['skip']} skipped"
                   + (" (dry run: nothing written)" if dry_run else ""))
    for warning in outcome.warnings if outcome else ():
        click.echo(f"followup: warning: {warning}", err=True)


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here, not to stdout.")
@pass_context
def ics(context: Context, output) -> None:
    """The plan as an iCalendar feed: due touches, promises, birthdays, yearly dates, the weekly block."""
    from .calendar import journal_calendar  # icalendar takes a tenth of a second to import; only ics needs it

    journal = context.journal()
    feed = journal_calendar(journal, journal.settings.block, journal.settings.calendar_notes,
                            cache_path(journal.root, "calendar"))
    if output:
        atomic_write(output, feed)
    else:
        click.echo(feed.decode("utf-8"), nl=False)


@main.command()
@click.option("--format", "kind", type=click.Choice(["json", "csv"]), default="json", show_default=True)
@pass_context
def export(context: Context, kind) -> None:
    """The whole journal with computed status, for other tools."""
    journal = context.journal()
    records = [person_record(journal, person) for person in journal.ranked]
    if kind == "json":
        _print_json(records)
        return
    writer = csv.DictWriter(click.get_text_stream("stdout"), fieldnames=list(CSV_FIELDS), lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow(csv_row(record))


@main.command(name="merge-driver")
@click.argument("base", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("ours", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("theirs", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("name", required=False, default="contact.md")
def merge_driver(base: Path, ours: Path, theirs: Path, name: str) -> None:
    """git merge driver (%O %A %B %P): later last_touch, union of log entries; writes the result to OURS."""
    merged, clean = merge_contact(base.read_bytes(), ours.read_bytes(), theirs.read_bytes(), name)
    atomic_write(ours, merged)
    if not clean:
        click.echo(f"followup: {name}: conflicting changes besides the touches; resolve the markers", err=True)
        sys.exit(PROBLEMS)


@main.command(name="git-setup")
@pass_context
def git_setup(context: Context) -> None:
    """Register the merge driver in this clone (followup init does it for a new journal)."""
    root = context.root
    if not inside_repository(root):
        raise Failure(f"{root} is not in a git repository")
    install_merge_driver(root)
    attributes = root / context.journal().settings.contacts / ".gitattributes"
    if "merge=followup" not in (attributes.read_text() if attributes.exists() else ""):
        with attributes.open("a", encoding="utf-8") as stream:
            stream.write(GITATTRIBUTES)
    click.echo(f"Merge driver registered for {root}.")


@main.command()
@click.option("--strict", is_flag=True, help="Fail on any problem.")
@pass_context
def build(context: Context, strict) -> None:
    """Build the static site into site/."""
    code = _mkdocs(context.root, "build", *(["--strict"] if strict else []))
    if code:
        sys.exit(PROBLEMS)


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server itself will bind
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@main.command()
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@pass_context
def serve(context: Context, port) -> None:
    """Serve the site at http://127.0.0.1:PORT, rebuilt whenever a contact changes (this machine only).
    Ctrl-C stops it."""
    root = context.root
    if not _port_is_free(port):
        raise Failure(f"port {port} is in use: try --port {port + 1 if port < 65535 else port - 1}")
    # This process becomes the server (exec), so a signal that stops followup stops the server with it.
    os.chdir(root)
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    os.execv(sys.executable, [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}",
                              "--livereload"])


@main.command()
@click.option("--delay", default=0.3, show_default=True, help="Seconds of quiet before a rebuild.")
@pass_context
def watch(context: Context, delay) -> None:
    """Rebuild site/ on every change, for browsing the files straight from disk."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    root = context.root
    contacts = root / context.journal().settings.contacts
    changed = {"at": None}

    class Handler(FileSystemEventHandler):
        def __init__(self, only: str | None = None):
            self.only = only

        def on_any_event(self, event):
            name = Path(str(event.src_path)).name
            if event.event_type in ("opened", "closed_no_write") or name.startswith(".") or name.endswith(".tmp") \
                    or (self.only and name != self.only):
                return
            changed["at"] = time.monotonic()

    observer = Observer()
    observer.schedule(Handler(), str(contacts), recursive=True)
    observer.schedule(Handler(only="mkdocs.yml"), str(root), recursive=False)
    observer.start()  # before the first build, so a change saved during it is not missed
    _mkdocs(root, "build")
    click.echo(f"Watching {contacts}; the site is {root / 'site' / 'index.html'}. Ctrl-C to stop.", err=True)
    try:
        while True:
            time.sleep(0.1)
            if changed["at"] is not None and time.monotonic() - changed["at"] >= delay:
                changed["at"] = None
                _mkdocs(root, "build")
    except KeyboardInterrupt:
        pass
    finally:
        observer.stop()
        observer.join()
