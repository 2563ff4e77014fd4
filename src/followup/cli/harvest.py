"""`followup harvest`: touches that log themselves, from the mail the user already has."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import click

from followup.cli.app import PROBLEMS, Context, command, day_argument, pass_context, say
from followup.core.errors import UsageError
from followup.formats.harvesting import Harvest, apply_harvest, plan_harvest
from followup.formats.mail import password
from followup.formats.mailboxes import ImapFolder, ImapReading, kind_of, read_local
from followup.store.git import config_value
from followup.store.places import state_folder
from followup.store.trust import require_trust

IMAP_STATE = "imap.json"  # UIDVALIDITY and the last UID read, by folder: a second run fetches only what is new


def _me(context: Context, given: tuple[str, ...]) -> set[str]:
    """The user's own addresses: --me, else the `me:` setting, else git's user.email; none is a usage error."""
    if given:
        return {address.strip().casefold() for address in given}
    settings = context.journal(with_history=False).settings
    if settings.me:
        return set(settings.me)
    configured = config_value(context.root, "user.email")
    if configured:
        return {configured.casefold()}
    raise UsageError("who is 'me' in this mail? give --me you@example.com, or set me: {email: [...]} in the followup "
                     "settings, or git config user.email; nothing was read")


def _imap_state(root: Path) -> dict:
    try:
        found = json.loads((state_folder(root) / IMAP_STATE).read_text())
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _report(harvest: Harvest, dry_run: bool, with_subjects: bool) -> None:
    would = "would write" if dry_run else "wrote"
    for day in harvest.days:
        assert day.person is not None
        say(f"{would} {day.person.contact.path}: {day.line(with_subjects)}")
    for found in harvest.unread:
        say(f"not read: {found.where}: {found.reason}")
    for where in harvest.undated:
        say(f"skipped: {where}: no date that can be read")
    for why, count in sorted(harvest.skipped.items()):
        say(f"skipped: {count} message{'s' if count != 1 else ''} {why}")


@command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--me", "me", multiple=True, metavar="ADDRESS", help="Your own address (repeatable).")
@click.option("--since", metavar="DAY", help="Only messages from this day on.")
@click.option("--dry-run", is_flag=True, help="Say what would be written; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="What is written, as data.")
@click.option("--suggest", is_flag=True, help="List who you wrote to at least 3 times who is not in the journal.")
@click.option("--add", is_flag=True, help="With --suggest: add them, with their touches.")
@click.option("--no-commit", is_flag=True)
@pass_context
def harvest(context: Context, sources, me, since, dry_run, as_json, suggest, add, no_commit) -> None:
    """Read mail you already have (an mbox, a Maildir, a folder of .eml files, or imaps://user@host/FOLDER) and
    log each message with someone of the journal: yours to them a touch, theirs to you a reply owed. One commit;
    nothing twice, across runs and clones.

    Example: followup harvest ~/Mail/Sent.mbox ~/Maildir --since 2026-01-01
    """
    if add and not suggest:
        raise UsageError("--add adds the people --suggest lists: give both")
    root = context.root
    journal = context.journal()
    mine = _me(context, me)
    since_day = day_argument(since, "--since", journal.today) if since else None
    kinds = [kind_of(source) for source in sources]  # every source checked before anything is read
    state = _imap_state(root)
    readings: list[tuple[str, ImapReading]] = []
    streams = []
    for source, kind in zip(sources, kinds, strict=True):
        if kind != "imap":
            streams.append(read_local(source, kind))
            continue
        folder = ImapFolder.of(source)
        require_trust(root, "followup harvest from IMAP")  # it runs password_command and reaches a server
        settings = journal.settings.harvest
        secret = password(settings.password_env, settings.password_command, folder.user, "harvest")
        last = state.get(folder.name)
        reading = ImapReading(folder, secret, tuple(last) if isinstance(last, list) and len(last) == 2 else None)
        readings.append((folder.name, reading))
        streams.append(reading.messages())
    found = plan_harvest(journal, itertools.chain.from_iterable(streams), mine, since_day)
    with_subjects = journal.settings.harvest.subjects
    names = ", ".join(ImapFolder.of(source).name if kind == "imap" else Path(source).name
                      for source, kind in zip(sources, kinds, strict=True))
    outcome = None
    if not dry_run and (found.days or (add and found.strangers)):
        outcome = apply_harvest(root, root / journal.settings.contacts, found, with_subjects, add, names,
                                commit=not no_commit)
    if not dry_run:
        for name, reading in readings:
            if reading.state is not None:
                state[name] = list(reading.state)
        (state_folder(root) / IMAP_STATE).write_text(json.dumps(state))
    if as_json:
        say(json.dumps({
            "written": [{"slug": day.person.slug, "day": day.day.isoformat(), "kind": day.kind,
                         "messages": len(day.keys), "line": day.line(with_subjects)}
                        for day in found.days if day.person is not None],
            "suggested": [{"name": one.name, "address": one.address, "messages": one.messages,
                           "last": one.last.isoformat() if one.last else None} for one in found.strangers]
            if suggest else [],
            "skipped": dict(found.skipped), "undated": found.undated,
            "unread": [{"where": one.where, "reason": one.reason} for one in found.unread],
            "dry_run": dry_run}, ensure_ascii=False))
    else:
        _report(found, dry_run, with_subjects)
        if suggest:
            say("Not in the journal, written to at least 3 times:" if found.strangers else
                "Nobody you wrote to at least 3 times is missing from the journal.")
            for one in found.strangers:
                added = " (added)" if add and not dry_run else ""
                say(f"  {one.name or one.address} <{one.address}>: {one.messages} messages, last {one.last}{added}")
        say(f"{found.counts}, from {found.messages} message{'s' if found.messages != 1 else ''}"
            + (" (dry run: nothing written)" if dry_run else ""))
    for warning in outcome.warnings if outcome else ():
        say(f"followup: warning: {warning}", err=True)
    dropped = [reading.dropped for _, reading in readings if reading.dropped]
    for why in dropped:
        say(f"followup: {why}", err=True)
    if dropped or (outcome and outcome.warnings):
        raise SystemExit(PROBLEMS)
