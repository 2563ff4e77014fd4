"""`followup harvest`: touches that log themselves, from the mail, calendars and phone exports the user has."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from followup.cli.app import PROBLEMS, Context, command, day_argument, pass_context, say
from followup.core.errors import UsageError
from followup.core.settings import Me
from followup.formats.harvesting import Found, Harvest, Unread, apply_harvest, plan_harvest
from followup.formats.sources import Source, read_local, source_of
from followup.store.git import config_value
from followup.store.places import state_folder
from followup.store.trust import require_trust

if TYPE_CHECKING:
    from followup.formats.mailboxes import ImapReading
    from followup.store.journal import Journal

IMAP_STATE = "imap.json"  # UIDVALIDITY and the last UID read, by folder: a second run fetches only what is new
NOUNS = {"mail": "message", "calendar": "event", "calls": "call", "texts": "text", "WhatsApp": "chat message"}


def _me(context: Context, given: tuple[str, ...], sources: list[Source]) -> Me:
    """Who "me" is: --me, else the `me:` setting, else git's user.email and user.name. Mail is read only when
    the user's address is known."""
    if given:
        me = Me.of(given)
    else:
        me = context.journal(with_history=False).settings.me or \
            Me.of(one for one in (config_value(context.root, key) for key in ("user.email", "user.name")) if one)
    if not me.emails and any(source.what == "mail" for source in sources):
        raise UsageError("who is 'me' in this mail? give --me you@example.com, or set me: {email: [...]} in the "
                         "followup settings, or git config user.email; nothing was read")
    return me


def _now(today: dt.date, zone: dt.tzinfo | None) -> dt.datetime:
    """Now in the journal's zone, on FOLLOWUP_TODAY's day when it names one: what tells a meeting past from one
    ahead."""
    from followup.core.dates import today_is_fixed

    clock = dt.datetime.now(zone).astimezone(zone)
    return dt.datetime.combine(today, clock.timetz()) if today_is_fixed() else clock


def _imap_state(root: Path) -> dict:
    try:
        found = json.loads((state_folder(root) / IMAP_STATE).read_text())
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _counted(found: Iterable[Found], counts: Counter, noun: str) -> Iterator[Found]:
    for one in found:
        if not isinstance(one, Unread):
            counts[noun] += 1
        yield one


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _report(harvest: Harvest, dry_run: bool, with_texts: bool, zone: dt.tzinfo | None) -> None:
    would = "would write" if dry_run else "wrote"
    for day in harvest.days:
        assert day.person is not None
        say(f"{would} {day.person.contact.path}: {day.line(with_texts, zone)}")
    for person, booked, note in harvest.bookings.values():
        say(f"{would} {person.contact.path}: next: {booked}" + (f" ({note})" if with_texts and note else ""))
    for found in harvest.unread:
        say(f"not read: {found.where}: {found.reason}")
    for where, why in harvest.named:
        say(f"skipped: {where}: {why}")
    for why, count in sorted(harvest.skipped.items()):
        say(f"skipped: {count} {why}")


@command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--me", "me", multiple=True, metavar="WHO",
              help="Your address, your number, or your name as a chat writes it (repeatable).")
@click.option("--since", metavar="DAY", help="Only what happened from this day on.")
@click.option("--dry-run", is_flag=True, help="Say what would be written; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="What is written, as data.")
@click.option("--suggest", is_flag=True, help="List who you wrote to, met or called at least 3 times who is not in "
                                              "the journal.")
@click.option("--add", is_flag=True, help="With --suggest: add them, with their touches.")
@click.option("--no-commit", is_flag=True)
@pass_context
def harvest(context: Context, sources, me, since, dry_run, as_json, suggest, add, no_commit) -> None:
    """Read what your mail, calendar and phone already know, and log each message, meeting, call and text with
    someone of the journal: yours a touch, theirs a reply owed, a missed call a call back owed, a meeting ahead
    a booking. One commit; nothing twice, across runs and clones.

    SOURCES: an mbox, a Maildir, a folder of .eml files, imaps://user@host/FOLDER; an .ics calendar,
    https://user@host/.../calendar/ (CalDAV); calls-*.xml and sms-*.xml (SMS Backup & Restore); a WhatsApp chat
    export.

    Example: followup harvest ~/Mail/Sent.mbox calendar.ics calls-20261120.xml --since 2026-01-01
    """
    if add and not suggest:
        raise UsageError("--add adds the people --suggest lists: give both")
    root = context.root
    journal = context.journal()
    chosen = [source_of(source) for source in sources]  # every source checked before anything is read
    mine = _me(context, me, chosen)
    settings = journal.settings
    zone = None
    if settings.timezone:
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(settings.timezone)
    now = _now(journal.today, zone)
    since_day = day_argument(since, "--since", journal.today) if since else None
    state = _imap_state(root)
    readings: list[tuple[str, ImapReading]] = []
    counts: Counter = Counter()
    streams = []
    for source in chosen:
        streams.append(_counted(_read(source, root, journal, mine, now, zone, state, readings), counts,
                                NOUNS[source.what]))
    found = plan_harvest(journal, (one for stream in streams for one in stream), since_day, zone)
    with_texts = settings.harvest.subjects
    names = ", ".join(source.name for source in chosen)
    what = ", ".join(dict.fromkeys(source.what for source in chosen))
    outcome = None
    if not dry_run and (found.days or found.bookings or (add and found.strangers)):
        outcome = apply_harvest(root, root / settings.contacts, found, with_texts, add, what, names,
                                commit=not no_commit, local=zone)
    if not dry_run and readings:
        for name, reading in readings:
            if reading.state is not None:
                state[name] = list(reading.state)
        (state_folder(root) / IMAP_STATE).write_text(json.dumps(state))
    if as_json:
        say(json.dumps({
            "written": [{"slug": day.person.slug, "day": day.day.isoformat(), "kind": day.kind, "via": day.via,
                         "count": len(day.keys), "line": day.line(with_texts, zone)}
                        for day in found.days if day.person is not None],
            "booked": [{"slug": person.slug, "day": day.isoformat(), "note": note if with_texts else ""}
                       for person, day, note in found.bookings.values()],
            "suggested": [{"name": one.name, "reach": one.reach, "times": one.times,
                           "last": one.last.isoformat() if one.last else None} for one in found.strangers]
            if suggest else [],
            "skipped": dict(found.skipped), "named": [{"where": where, "why": why} for where, why in found.named],
            "unread": [{"where": one.where, "reason": one.reason} for one in found.unread],
            "read": dict(counts), "dry_run": dry_run}, ensure_ascii=False))
    else:
        _report(found, dry_run, with_texts, zone)
        if suggest:
            say("Not in the journal, written to, met or called at least 3 times:" if found.strangers else
                "Nobody you wrote to, met or called at least 3 times is missing from the journal.")
            for one in found.strangers:
                added = " (added)" if add and not dry_run else ""
                say(f"  {one.name or one.reach} <{one.reach}>: {one.times} times, last {one.last}{added}")
        read = ", ".join(_plural(count, noun) for noun, count in counts.items()) or \
            f"0 {NOUNS[chosen[0].what]}s"
        say(f"{found.counts}, from {read}" + (" (dry run: nothing written)" if dry_run else ""))
    for warning in outcome.warnings if outcome else ():
        say(f"followup: warning: {warning}", err=True)
    dropped = [reading.dropped for _, reading in readings if reading.dropped]
    for why in dropped:
        say(f"followup: {why}", err=True)
    if dropped or (outcome and outcome.warnings):
        raise SystemExit(PROBLEMS)


def _read(source: Source, root: Path, journal: Journal, me: Me, now: dt.datetime, zone: dt.tzinfo | None, state: dict,
          readings: list[tuple[str, ImapReading]]) -> Iterator[Found]:
    """What one source says happened; a server's is read when the harvest gets to it."""
    region = journal.settings.default_region
    if source.kind not in ("imap", "caldav"):
        yield from read_local(source, root, me, now, zone, region)
        return
    from followup.formats.mail import password

    require_trust(root, f"followup harvest from {source.kind.upper()}")  # it runs password_command, reaches a server
    settings = journal.settings.harvest
    if source.kind == "caldav":
        from followup.formats.calendars import caldav_user, read_caldav

        secret = password(settings.password_env, settings.password_command, caldav_user(source.given), "harvest")
        yield from read_caldav(source.given, secret, set(me.emails), now, zone)
        return
    from followup.formats.mailboxes import ImapFolder, ImapReading, mail_found

    folder = ImapFolder.of(source.given)
    secret = password(settings.password_env, settings.password_command, folder.user, "harvest")
    last = state.get(folder.name)
    reading = ImapReading(folder, secret, tuple(last) if isinstance(last, list) and len(last) == 2 else None)
    readings.append((folder.name, reading))
    yield from mail_found(reading.messages(), set(me.emails))
