"""Follow-up plans from the command line: start or stop one for a person, and who is on which plan."""

from __future__ import annotations

import click

from followup.cli.app import Context, command, complete_who, day_argument, pass_context, say
from followup.cli.output import print_json, report, table
from followup.core.errors import LookupProblem, UsageError
from followup.formats.records import plan_record
from followup.store import actions


@command()
@click.argument("who", shell_complete=complete_who)
@click.argument("plan", required=False)
@click.option("--from", "start", metavar="DAY", help="The plan's first day, its steps counted from it (default today).")
@click.option("--stop", is_flag=True, help="End WHO's plan before its last step.")
@click.option("--no-commit", is_flag=True)
@pass_context
def plan(context: Context, who, plan, start, stop, no_commit) -> None:
    """Start a follow-up plan of the settings for WHO (or --stop it): due by its steps, then by the cadence.

    Example: followup plan ana after-matter --from 2026-11-20
    """
    journal = context.journal()
    person = context.person(who)
    if stop:
        if plan is not None or start is not None:
            raise UsageError("--stop ends WHO's plan: give no PLAN and no --from with it")
        outcome = actions.stop_plan(context.root, person, journal.today, commit=not no_commit)
        report(outcome, f"{person.name}'s plan is stopped: the cadence stands again.")
        return
    if plan is None:
        raise UsageError("name the plan to start (one of the settings' plans), or --stop")
    plans = journal.settings.plans
    name = next((known for known in plans if known.casefold() == plan.casefold()), None)
    if name is None:
        raise LookupProblem(f"no plan {plan!r} in the settings; known: {', '.join(plans) or 'none yet'} (name them "
                            "in the settings: plans: {after-matter: [3d, 2w, 3m]})", list(plans))
    day = day_argument(start, "--from", journal.today) if start else journal.today
    outcome = actions.start_plan(context.root, person, name, day, commit=not no_commit)
    first = plans[name][0].after(day)
    report(outcome, f"{person.name} is on {name} from {day}: step 1 of {len(plans[name])} due {first}.")


@command()
@click.option("--json", "as_json", is_flag=True)
@pass_context
def plans(context: Context, as_json) -> None:
    """Who is on which plan, and at which step.

    Example: followup plans --json
    """
    journal = context.journal()
    records = [plan_record(journal, person) for person in journal.on_plans()]
    if as_json:
        print_json(records)
        return
    if not records:
        say("Nobody is on a plan. Start one with: followup plan WHO PLAN")
        return
    table([[record["name"], record["plan"], f"{record['step']} of {record['steps']}" if record["step"] else "done",
            record["next_due"] or "", record["status"]] for record in records],
          ["name", "plan", "step", "due", "status"], colour_column=4)
