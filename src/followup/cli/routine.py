"""The daily routine: new, touch, snooze, promise, kept, and the lists: due, today, log, check."""

from __future__ import annotations

import os

import click

from followup.cli.app import PROBLEMS, Context, argument_date, complete_who, main, option_date, pass_context
from followup.cli.output import people_table, print_json, promises_block, report, table
from followup.core.cadence import Cadence, parse_cadence
from followup.core.errors import CadenceError, UsageError
from followup.formats.records import event_record, person_record
from followup.store import actions
from followup.store.journal import agenda


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
    """Create contacts/<slug>.md for NAME and print its path.

    Example: followup new "Ana Ribeiro" --cadence quarterly --category friends --phone "+1 555 0100"
    """
    outcome = actions.new_contact(context.root, context.journal(with_history=False), name, cadence, categories,
                                  email, phone, birthday, channel, force, commit=not no_commit)
    report(outcome, os.path.relpath(outcome.path))


@main.command()
@click.argument("who", shell_complete=complete_who)
@click.option("-m", "--message", "note", help="What you talked about: the log entry and the commit message.")
@click.option("--date", "day", metavar="YYYY-MM-DD", help="When (default: today).")
@click.option("--via", help="How: phone, text, email, video, in person...")
@click.option("--no-commit", is_flag=True, help="Edit the file only.")
@pass_context
def touch(context: Context, who, note, day, via, no_commit) -> None:
    """Record that you reached WHO: last_touch, a log line and a commit.

    Example: followup touch ana -m "Coffee at Rosa's" --via phone
    """
    journal = context.journal()
    person = context.person(who)
    when = option_date(day, "--date")
    outcome = actions.touch(context.root, person, journal.today, note, when, via, commit=not no_commit)
    after = journal.person_from(outcome.contact).due if outcome.contact is not None else None
    following = f"; next due {after.next_due}" if after is not None and after.next_due else ""
    report(outcome, f"Touched {person.name} on {when or journal.today}{following}.")


def _duration(text: str) -> Cadence:
    try:
        span = parse_cadence(text)
    except CadenceError as error:
        raise CadenceError(f"--for: {error}") from None
    if span is None:
        raise UsageError("--for needs a span such as 2w or 10d")
    return span


@main.command()
@click.argument("who", shell_complete=complete_who)
@click.option("--until", "until", metavar="YYYY-MM-DD", help="Not due before this day.")
@click.option("--for", "span", metavar="SPAN", help="For a while: 10d, 2w, 1m...")
@click.option("--no-commit", is_flag=True)
@pass_context
def snooze(context: Context, who, until, span, no_commit) -> None:
    """Keep WHO off the due list until a day (--until D) or for a while (--for 2w).

    Example: followup snooze tom --for 2w
    """
    if (until is None) == (span is None):
        raise UsageError("say either --until YYYY-MM-DD or --for SPAN (such as 2w)")
    journal = context.journal()
    person = context.person(who)
    day = option_date(until, "--until") or _duration(span).after(journal.today)
    outcome = actions.snooze(context.root, person, day, journal.today, commit=not no_commit)
    report(outcome, f"{person.name} is snoozed until {day}.")


@main.command()
@click.argument("who", shell_complete=complete_who)
@click.argument("what")
@click.option("--by", "by", required=True, metavar="YYYY-MM-DD", help="The deadline.")
@click.option("--no-commit", is_flag=True)
@pass_context
def promise(context: Context, who, what, by, no_commit) -> None:
    """Record a follow-up you owe WHO, with a deadline.

    Example: followup promise ana "send the lease comparables" --by 2026-11-25
    """
    person = context.person(who)
    outcome = actions.promise(context.root, person, what, argument_date(by, "--by"), commit=not no_commit)
    report(outcome, f"Promised {person.name}: {' '.join(what.split())} by {by}.")


@main.command()
@click.argument("who", shell_complete=complete_who)
@click.argument("number", type=int, required=False)
@click.option("--no-commit", is_flag=True)
@pass_context
def kept(context: Context, who, number, no_commit) -> None:
    """Mark promise NUMBER to WHO kept (the only one if there is one) and log it.

    Example: followup kept ana 2
    """
    journal = context.journal()
    person = context.person(who)
    outcome = actions.kept(context.root, person, journal.today, number, commit=not no_commit)
    report(outcome, f"Kept: {outcome.message.split(': ', 1)[1]}.")


@main.command()
@click.option("--category", help="Only this category.")
@click.option("--owner", help="Only relationships this person keeps.")
@click.option("--all", "everyone", is_flag=True, help="Everyone, not only who is due.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_context
def due(context: Context, category, owner, everyone, as_json) -> None:
    """Who is overdue, due today and due soon; promises first.

    Example: followup due --category clients --json
    """
    journal = context.journal()
    people = agenda(journal, everyone, category, owner)
    if as_json:
        print_json([person_record(journal, person) for person in people])
        return
    promises_block(journal, people)
    if people:
        people_table(people)
    else:
        click.echo("Nobody is due. A good day to add someone to the hit list.")


@main.command()
@click.option("-n", "count", type=click.IntRange(min=0), help="How many (default: picks_per_day).")
@click.option("--json", "as_json", is_flag=True)
@pass_context
def today(context: Context, count, as_json) -> None:
    """Today's picks: a few people to reach today, stable all day.

    Example: followup today -n 3
    """
    journal = context.journal()
    picks = journal.picks(count)
    if as_json:
        print_json([person_record(journal, person) for person in picks])
    elif picks:
        people_table(picks)
    else:
        click.echo("Nobody is due today.")


@main.command(name="log")
@click.argument("who", shell_complete=complete_who)
@click.option("--json", "as_json", is_flag=True)
@pass_context
def log_command(context: Context, who, as_json) -> None:
    """WHO's timeline, newest first: the written log and git history, as on the site.

    Example: followup log ana
    """
    journal = context.journal()
    person = context.person(who)
    events = journal.timeline(person)
    if as_json:
        print_json([event_record(event) for event in events])
        return
    click.secho(f"{person.name} ({person.status}, last touch {person.due.last_touch or 'never'})", bold=True)
    table([[str(e.date), e.kind, e.text, e.commit or ""] for e in events], ["date", "kind", "what", "commit"])


@main.command()
@click.option("--strict", is_flag=True, help="Also fail on warnings (no git history).")
@pass_context
def check(context: Context, strict) -> None:
    """Validate every contact: prints path:line: message; exit 1 on problems.

    Example: followup check --strict
    """
    journal = context.journal()
    for problem in journal.problems:
        click.echo(str(problem))
    warnings = [journal.history.warning] if journal.history.warning else []
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"{len(journal.people)} contacts, {len(journal.problems)} problem(s)", err=True)
    if journal.problems or (strict and warnings):
        raise SystemExit(PROBLEMS)
