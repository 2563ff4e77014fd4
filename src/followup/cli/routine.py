"""The daily routine: new, touch, attempt, book, snooze, promise, kept, active/inactive, edit, undo; and the
lists that go with it: today, due, show, log, review, check."""

from __future__ import annotations

import datetime as dt
import json
import os

import click

from followup.cli.app import (
    PROBLEMS,
    Context,
    command,
    complete_who,
    day_argument,
    fail,
    owner_options,
    pass_context,
    say,
)
from followup.cli.output import people_table, print_json, promises_block, replies_block, report, table, unread_note
from followup.core.cadence import Cadence, parse_cadence
from followup.core.errors import CadenceError, UsageError
from followup.formats.records import event_record, links_record, organisation_record, person_record
from followup.formats.wording import WORDS, labels, owed, when
from followup.store import actions
from followup.store.journal import DayItem, agenda
from followup.store.review import weekly_review

DAYS = "YYYY-MM-DD, today, tomorrow, a weekday (fri), or 3d, 2w, 1m from today"


@command()
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


@command()
@click.argument("who", nargs=-1, required=True, shell_complete=complete_who)
@click.option("-m", "--message", "note", help="What you talked about: the log entry and the commit message.")
@click.option("--date", "day", metavar="DAY", help="When, if not today: YYYY-MM-DD, yesterday...")
@click.option("--via", help="How: phone, text, email, video, in person...")
@click.option("--again", metavar="DAY", help=f"Also promise to check in again by then ({DAYS}).")
@click.option("--no-commit", is_flag=True, help="Edit the files only.")
@pass_context
def touch(context: Context, who, note, day, via, again, no_commit) -> None:
    """Record that you reached WHO (one person or several): last_touch, a log line, one commit.

    Example: followup touch ana tom priya -m "Dinner at Rosa's"; followup touch ana -m "Surgery went fine" --again 3d
    """
    journal = context.journal()
    people = list({person.slug: person for person in map(context.person, who)}.values())
    when_day = day_argument(day, "--date", journal.today) if day else None
    by = day_argument(again, "--again", journal.today) if again else None
    outcome = actions.touch(context.root, people, journal.today, note, when_day, via, by, commit=not no_commit)
    lines = []
    for person, contact in zip(people, outcome.contacts, strict=True):
        after = journal.person_from(contact).due
        following = f"; next due {after.next_due}" if after.next_due else ""
        lines.append(f"Touched {person.name} on {when_day or journal.today}{following}.")
    if by is not None:
        lines.append(f"Promised to check in again by {by}.")
    report(outcome, "\n".join(lines))


@command()
@click.argument("who", shell_complete=complete_who)
@click.option("-m", "--message", "note", help="What happened: voicemail, no answer...")
@click.option("--via", help="How you tried: phone, text, email...")
@click.option("--no-commit", is_flag=True)
@pass_context
def attempt(context: Context, who, note, via, no_commit) -> None:
    """A call that did not reach WHO: logged on the timeline, not a touch. WHO comes due again after
    retry_days (2 by default), and lists say how often you tried since the last touch.

    Example: followup attempt tom -m voicemail --via phone
    """
    journal = context.journal()
    person = context.person(who)
    outcome = actions.attempt(context.root, person, journal.today, note, via, commit=not no_commit)
    after = journal.person_from(outcome.contacts[0])
    report(outcome, f"Tried {person.name}: {'; '.join([when(after), *labels(after)])}.")


@command()
@click.argument("who", shell_complete=complete_who)
@click.argument("when_text", metavar="WHEN")
@click.option("-m", "--message", "note", help="What is booked: lunch at Rosa's, a call about the lease...")
@click.option("--no-commit", is_flag=True)
@pass_context
def book(context: Context, who, when_text, note, no_commit) -> None:
    """Book the next touch with WHO on WHEN (YYYY-MM-DD, tomorrow, fri, 2w...): next: and next_note: in the file.

    Example: followup book ana fri -m "Lunch at Rosa's"
    """
    journal = context.journal()
    person = context.person(who)
    day = day_argument(when_text, "WHEN", journal.today)
    outcome = actions.book(context.root, person, day, journal.today, note, commit=not no_commit)
    report(outcome, f"Booked {person.name} for {day}{': ' + ' '.join(note.split()) if note else ''}.")


def _status_command(status: str):
    @command(status)
    @click.argument("who", shell_complete=complete_who)
    @click.option("--no-commit", is_flag=True)
    @pass_context
    def mark(context: Context, who, no_commit) -> None:
        person = context.person(who)
        outcome = actions.set_status(context.root, person, status, commit=not no_commit)
        report(outcome, f"{person.name} is {status}.")

    mark.help = (f"Mark WHO as {status} (status: in the file). An inactive client is still due by the cadence; "
                 f"every list labels them inactive.\n\nExample: followup {status} tom")
    return mark


inactive = _status_command("inactive")
active = _status_command("active")


def _duration(text: str) -> Cadence:
    try:
        span = parse_cadence(text)
    except CadenceError as error:
        raise CadenceError(f"--for: {error}") from None
    if span is None:
        raise UsageError("--for needs a span such as 2w or 10d")
    return span


@command()
@click.argument("who", shell_complete=complete_who)
@click.option("--until", "until", metavar="DAY", help=f"Not due before this day ({DAYS}).")
@click.option("--for", "span", metavar="SPAN", help="For a while: 10d, 2w, 1m...")
@click.option("--no-commit", is_flag=True)
@pass_context
def snooze(context: Context, who, until, span, no_commit) -> None:
    """Keep WHO off the due list until a day (--until D) or for a while (--for 2w).

    Example: followup snooze tom --for 2w
    """
    if (until is None) == (span is None):
        raise UsageError("say either --until DAY or --for SPAN (such as 2w)")
    journal = context.journal()
    person = context.person(who)
    day = day_argument(until, "--until", journal.today) if until else _duration(span).after(journal.today)
    outcome = actions.snooze(context.root, person, day, journal.today, commit=not no_commit)
    report(outcome, f"{person.name} is snoozed until {day}.")


@command()
@click.argument("who", shell_complete=complete_who)
@click.argument("what")
@click.option("--by", "by", required=True, metavar="DAY", help=f"The deadline ({DAYS}).")
@click.option("--no-commit", is_flag=True)
@pass_context
def promise(context: Context, who, what, by, no_commit) -> None:
    """Record a follow-up you owe WHO, with a deadline.

    Example: followup promise ana "send the lease comparables" --by tomorrow
    """
    journal = context.journal()
    person = context.person(who)
    day = day_argument(by, "--by", journal.today)
    outcome = actions.promise(context.root, person, what, day, journal.today, commit=not no_commit)
    report(outcome, f"Promised {person.name}: {' '.join(what.split())} by {day}.")


@command()
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
    report(outcome, f"{outcome.message}.")


@command()
@click.argument("who", shell_complete=complete_who)
@pass_context
def edit(context: Context, who) -> None:
    """Open WHO's file in $VISUAL or $EDITOR; on save, check it and commit it. A problem is shown on its line
    and you may edit again, keep the file as it is, or stop with your text kept aside: nothing you typed is lost.

    Example: EDITOR=nano followup edit ana
    """
    from followup.store.editor_session import EditSession, run_editor

    journal = context.journal(with_history=False)
    session = EditSession(context.root, context.person(who))
    if session.resumed:
        say(f"Going on from your unsaved edit in {session.draft}.")
    while True:
        run_editor(session.draft)
        problems = session.problems()
        if not session.changed():
            session.discard()
            say("No change.")
            return
        if not problems:
            break
        for problem in problems:
            say(str(problem))
        try:
            choice = click.prompt(f"[e]dit again, [k]eep the file as it is, or [s]top (your text stays in "
                                  f"{session.draft})", type=click.Choice(["e", "k", "s"]), default="e")
        except click.Abort:  # no answer (no terminal, end of input): the text waits for the next edit
            fail(f"no answer; your text stays in {session.draft} (not saved: it has problems); "
                 f"followup edit {session.person.slug} goes on from it", PROBLEMS)
        if choice == "s":
            raise SystemExit(PROBLEMS)
        if choice == "k":
            break
    outcome = session.save(journal.today)
    report(outcome, f"Saved {outcome.path.relative_to(context.root)}.")


@command()
@pass_context
def undo(context: Context) -> None:
    """Undo the last change followup committed (a git revert of it); again, the change before it, and so on
    (an undo is never undone). Refused when that commit is not followup's, or when there are changes not
    committed.

    Example: followup touch tom -m "Call"; followup undo
    """
    subject, passed = actions.undo(context.root)
    earlier = f" (the change before the {passed} undone already)" if passed else ""
    say(f"Undone: {subject}{earlier}")


@command()
@click.option("--category", help="Only this category.")
@owner_options
@click.option("--all", "everyone", is_flag=True, help="Everyone, not only who is due.")
@click.option("--organisations", is_flag=True, help="Organisations due by their own cadence (nobody touched in it).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_context
def due(context: Context, category, owner, all_owners, everyone, organisations, as_json) -> None:
    """Who is overdue, due today and due soon; promises first.

    Example: followup due --category clients --json
    """
    if organisations and category:
        raise UsageError("--category picks people, and an organisation has none: give --organisations alone")
    journal, chosen = context.journal_of(owner, all_owners)
    if organisations:
        organisations_block(journal.organisations if everyone else journal.organisations_due(), as_json)
        return
    people = agenda(journal, everyone, category)
    if as_json:
        print_json([person_record(journal, person) for person in people])
        return
    replies_block(journal, people)
    promises_block(journal, people)
    if people:
        people_table(people, frozenset(person.slug for person in journal.picks()))
    else:
        say("Nobody is due. A good day to add someone to the hit list.")
    unread_note(journal, chosen)


DAY_HEADINGS = {"reply-owed": "Replies owed", "promise-late": "Promises late", "promise-today": "Promises due today",
                "booking": "Booked today", "booking-passed": "Booked, and passed: how did it go?",
                "pick": "Today's picks", "date-today": "Dates today", "date-tomorrow": "Dates tomorrow"}


def _day_line(item: DayItem, today: dt.date) -> str:
    person, what = item.person, item.what
    if item.kind == "promise-late":
        late = (today - item.day).days
        return f"{item.day}  {person.name}: {what} ({late} day{'s' if late != 1 else ''} late)"
    if item.kind == "reply-owed" and item.entry is not None:
        return owed(item.person, item.entry)
    if item.kind == "booking-passed":
        return f"{item.day}  {person.name}{': ' + what if what else ''}: log it with followup touch {person.slug}"
    years = f" ({item.years})" if item.years else ""
    return f"{person.name}: {what}{years}" if what else person.name


@command()
@click.option("-n", "count", type=click.IntRange(min=0), help="How many picks (default: picks_per_day).")
@owner_options
@click.option("--json", "as_json", is_flag=True, help="One object per line item, with its kind.")
@pass_context
def today(context: Context, count, owner, all_owners, as_json) -> None:
    """The whole day: promises late and due today, bookings (and those passed with no touch since), today's
    picks, birthdays and yearly dates of today and tomorrow.

    Example: followup today
    """
    journal, chosen = context.journal_of(owner, all_owners)
    items = journal.day_list(count)
    if as_json:
        print_json([{"kind": item.kind, "day": item.day.isoformat(), "what": item.what,
                     **person_record(journal, item.person)} for item in items])
        return
    if not items:
        say("Nobody is due today.")
    for kind in DAY_HEADINGS:
        mine = [item for item in items if item.kind == kind]
        if not mine:
            continue
        say(DAY_HEADINGS[kind], bold=True)
        if kind == "pick":
            people_table([item.person for item in mine], indent="  ")
        else:
            for item in mine:
                say("  " + _day_line(item, journal.today))
        say()
    unread_note(journal, chosen)


def organisations_block(organisations: list, as_json: bool) -> None:
    if as_json:
        print_json([organisation_record(organisation) for organisation in organisations])
        return
    if not organisations:
        say("No organisation is due (give them a cadence: organisations: {Acme Ltd: {cadence: yearly}}).")
        return
    table([[one.name, one.status, str(one.due.last_touch or "never"), str(one.due.cadence or "none"),
            str(one.due.next_due or ""), str(len(one.people))] for one in organisations],
          ["organisation", "status", "last touch", "cadence", "next", "people"], colour_column=1)


def show_organisation(journal, name: str, as_json: bool) -> None:
    organisation = journal.find_organisation(name)
    events = journal.organisation_timeline(organisation)[:5]
    if as_json:
        print_json([{"organisation": organisation_record(organisation),
                     "people": [person_record(journal, person) for person in organisation.people],
                     "timeline": [{**event_record(event), "slug": person.slug} for person, event in events]}])
        return
    due = organisation.due
    say(f"{organisation.name}: {due.status}, last touch {due.last_touch or 'never'}, cadence {due.cadence or 'none'}",
        bold=True)
    people_table(organisation.people, frozenset())
    say("Timeline (the last 5)", bold=True)
    if events:
        table([[str(event.date), person.name, event.kind, event.text] for person, event in events],
              ["date", "who", "kind", "what"], indent="  ")
    else:
        say("  nothing yet")


@command()
@click.argument("who", shell_complete=complete_who, required=False)
@click.option("--organisation", metavar="NAME", help="An organisation instead: its people, status and timeline.")
@click.option("--json", "as_json", is_flag=True)
@pass_context
def show(context: Context, who, organisation, as_json) -> None:
    """WHO on one screen: the card, promises, the last 5 timeline entries and the status.

    Example: followup show ana; followup show --organisation "Acme Ltd"
    """
    journal = context.journal()
    if (who is None) == (organisation is None):
        raise UsageError("name WHO, or an organisation with --organisation NAME")
    if organisation is not None:
        show_organisation(journal, organisation, as_json)
        return
    person = context.person(who)
    events = journal.timeline(person)[:5]
    if as_json:
        print_json([{"person": person_record(journal, person), "timeline": [event_record(e) for e in events],
                     **links_record(journal, person)}])
        return
    contact, due = person.contact, person.due
    say(f"{person.name}: {due.status}, {'; '.join([when(person), *labels(person)])}", bold=True)
    card = [("categories", ", ".join(contact.categories)), ("cadence", str(due.cadence or "none")),
            ("last touch", str(due.last_touch or "never")), ("next due", str(due.next_due or "")),
            ("booked", f"{contact.next}{': ' + contact.next_note if contact.next_note else ''}" if contact.next
             else ""),
            ("snoozed until", str(contact.snooze_until or "")), ("channel", contact.channel or ""),
            ("phone", ", ".join(contact.phones)), ("email", ", ".join(contact.emails)),
            ("birthday", str(contact.birthday or "")), ("owner", contact.owner or ""),
            ("status", contact.status), ("file", contact.path)]
    card += [(relation.label, f"{relation.other.name} ({relation.other.slug})")
             for relation in journal.relations_of(person)]
    for label, value in card:
        if value:
            say(f"  {label:<14}{value}")
    mentions = journal.mentioned_by(person)
    if mentions:
        say("Mentioned by", bold=True)
        for by, mention in mentions:
            say(f"  {mention.day or 'notes':<10}  {by.name}: {mention.text}")
    if contact.promises:
        say("Promises", bold=True)
        for item in contact.promises:
            late = WORDS["by-late" if journal.promise_is_late(item) else "by"].format(due=item.due)
            say(f"  {item.number}  {item.what}  {late}")
    say("Timeline (the last 5)", bold=True)
    if events:
        table([[str(e.date), e.kind, e.text] for e in events], ["date", "kind", "what"], indent="  ")
    else:
        say("  nothing yet")


@command("log")
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
    say(f"{person.name} ({person.status}, last touch {person.due.last_touch or 'never'})", bold=True)
    table([[str(e.date), e.kind, e.text, e.commit or ""] for e in events], ["date", "kind", "what", "commit"])


@command()
@click.option("--days", default=7, show_default=True, type=click.IntRange(1, 366), help="How far to look back.")
@owner_options
@click.option("--json", "as_json", is_flag=True, help="The review as data: each part a list of dated lines.")
@pass_context
def review(context: Context, days, owner, all_owners, as_json) -> None:
    """The weekly review: touches, attempts and promises of the last DAYS days, who slipped into overdue,
    each category on track then and now, and the plan for the next 7 days, soonest first.

    Example: followup review --days 7
    """
    journal, chosen = context.journal_of(owner, all_owners)
    found = weekly_review(journal, days)
    parts = {"touches": found.touches, "attempts": found.attempts, "promises made": found.promises_made,
             "promises kept": found.promises_kept}
    if as_json:
        def lines(happened):
            return [{"day": item.day.isoformat(), "slug": item.person.slug, "name": item.person.contact.name,
                     "owner": item.person.contact.owner, "text": item.text} for item in happened]
        say(json.dumps({
            "start": found.start.isoformat(), "today": found.today.isoformat(),
            **{name.replace(" ", "_"): lines(happened) for name, happened in parts.items()},
            "promises_late": [{"due": promise.due.isoformat(), "slug": person.slug, "what": promise.what}
                              for person, promise in found.promises_late],
            "slipped": [person.slug for person in found.slipped],
            "categories": [{"category": name, "then": then, "now": now} for name, then, now in found.categories],
            "plan": lines(found.plan)}, ensure_ascii=False))
        return
    say(f"The last {days} days ({found.start} to {found.today})", bold=True)
    for keeper, touches in found.touches_by_owner.items():
        say(f"  touches{' by ' + keeper if keeper else ''}: {len(touches)}")
        for touch in touches:
            say(f"    {touch.day}  {touch.person.name}: {touch.text}")
    if not found.touches:
        say("  no touches")
    for heading in ("attempts", "promises kept", "promises made"):
        say(f"  {heading}: {len(parts[heading])}")
        for item in parts[heading]:
            say(f"    {item.day}  {item.person.name}: {item.text}")
    say(f"  promises fallen late: {len(found.promises_late)}")
    for person, late in found.promises_late:
        say(f"    {late.due}  {person.name}: {late.what}")
    say(f"  slipped into overdue: {len(found.slipped)}")
    for person in found.slipped:
        say(f"    {person.name}: {when(person)}")
    if found.categories:
        say("On track, then and now", bold=True)
        for category, then, now in found.categories:
            show_share = lambda share: "–" if share is None else f"{share}%"  # noqa: E731
            say(f"  {category}: {show_share(then)} -> {show_share(now)}")
    say("The next 7 days", bold=True)
    for item in found.plan:
        say(f"  {item.day}  {item.person.name}: {item.text}")
    if not found.plan:
        say("  nothing planned")
    unread_note(journal, chosen)


@command()
@click.option("--strict", is_flag=True, help="Also fail on warnings (no git history).")
@pass_context
def check(context: Context, strict) -> None:
    """Validate every contact: prints path:line: message; exit 1 on problems.

    Example: followup check --strict
    """
    journal = context.journal()
    for problem in journal.problems:
        say(str(problem))
    warnings = [journal.history.warning] if journal.history.warning else []
    for warning in warnings:
        say(f"warning: {warning}", err=True)
    say(f"{len(journal.people)} contacts, {len(journal.problems)} problem(s)", err=True)
    if journal.problems or (strict and warnings):
        raise SystemExit(PROBLEMS)
