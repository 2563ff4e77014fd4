"""A shared journal: its owners at a glance, and relationships handed over from one owner to another."""

from __future__ import annotations

import click

from followup.cli.app import Context, command, pass_context, say
from followup.cli.output import print_json, report, table
from followup.core.errors import LookupProblem, UsageError
from followup.core.names import category_key, owner_key
from followup.store import actions
from followup.store.journal import UNOWNED
from followup.store.owners import TOUCH_DAYS, owner_summaries


@command()
@click.option("--json", "as_json", is_flag=True)
@pass_context
def owners(context: Context, as_json) -> None:
    """Every owner: their people, overdue, promises late, touches in the last 30 days, share on track.

    Example: followup owners
    """
    journal = context.journal()
    found = owner_summaries(journal)
    if as_json:
        print_json([{"owner": summary.key, "name": summary.name, "people": summary.size, "overdue": summary.overdue,
                     "promises_late": summary.promises_late, "touches": summary.touches,
                     "on_track": summary.on_track} for summary in found])
        return
    if not found:
        say("No owners yet: in a shared journal, give each contact an owner: line.")
        return
    table([[summary.name, str(summary.size), str(summary.overdue), str(summary.promises_late), str(summary.touches),
            "–" if summary.on_track is None else f"{summary.on_track}%"] for summary in found],
          ["owner", "people", "overdue", "promises late", f"touches ({TOUCH_DAYS} days)", "on track"])


@command()
@click.argument("giver", metavar="FROM")
@click.argument("receiver", metavar="TO")
@click.option("--category", help="Only the people of this category.")
@click.option("--no-commit", is_flag=True)
@pass_context
def handover(context: Context, giver, receiver, category, no_commit) -> None:
    """Hand FROM's relationships over to TO (someone leaves the firm: nobody becomes a past client), in one
    commit that each person's timeline shows. FROM may be "unowned".

    Example: followup handover hal ana --category clients
    """
    journal = context.journal()
    key = journal.find_owner(giver)
    known = journal.settings.owners
    try:  # an owner already known, however named (as files write them, the setting's name, the page's slug)
        receiver_key = journal.find_owner(receiver)
        given = known[receiver_key].key if receiver_key in known else journal.owner_name(receiver_key)
    except LookupProblem:
        if known:
            raise LookupProblem(f"{receiver!r} is not in the owners setting "
                                f"({', '.join(owner.key for owner in known.values())}); add them there first",
                                []) from None
        given = receiver_key = " ".join(receiver.split())  # a new owner, in a journal that lists none
    if not given or receiver_key in (UNOWNED, key) or owner_key(given) == key:
        raise UsageError(f"hand over to whom? {receiver!r} is not another owner")
    people = journal.of_owner(key).people
    if category:
        wanted = category_key(category)
        people = [person for person in people if wanted in map(category_key, person.contact.categories)]
    giver_name = UNOWNED if key == UNOWNED else journal.owner_name(key)
    if not people:
        raise LookupProblem(f"nobody kept by {giver_name}{' in ' + category if category else ''}; nothing changed",
                            [])
    outcome = actions.hand_over(context.root, people, given, giver_name,
                                known[receiver_key].name if receiver_key in known else given, commit=not no_commit)
    report(outcome, f"{outcome.message}: {', '.join(person.name for person in people)}")
