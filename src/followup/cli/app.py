"""The `followup` command group: how a command finds its journal, checks its arguments, and ends.

Every command works through the same core as the site. Errors are caught once, here: a FollowupError
ends the command with its own exit code (0 ok, 1 the journal or the machine stands in the way, 2 what
was asked cannot be done as asked) and one line on stderr, never a traceback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import io
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click
from click.shell_completion import CompletionItem

from followup.core.errors import DateError, FollowupError, LookupProblem, UsageError
from followup.core.names import UNOWNED, match_level
from followup.core.shown import visible

if TYPE_CHECKING:
    from followup.store.journal import Journal, Person


PROBLEMS = 1
SIGPIPE_EXIT = 128 + 13  # what a shell reports for a program stopped by a closed pipe
OWNER_VARIABLE = "FOLLOWUP_OWNER"  # whose list the commands show by default in a shared journal


class Context:
    """The journal a command works on, found and loaded once, on demand."""

    def __init__(self, journal_dir: Path | None):
        self.journal_dir = journal_dir
        self._journal: Journal | None = None

    @property
    def root(self) -> Path:
        from followup.store.config import is_journal

        if self.journal_dir is not None:
            if not is_journal(self.journal_dir):
                raise UsageError(f"{self.journal_dir} is not a followup journal (no mkdocs.yml using followup); "
                                 "create one with: followup init DIR")
            return self.journal_dir.resolve()
        here = Path.cwd().resolve()
        for folder in (here, *here.parents):
            if is_journal(folder):
                return folder
        raise UsageError("no followup journal here or in any parent folder; use --journal DIR, set "
                         "FOLLOWUP_JOURNAL, or create one with: followup init DIR")

    @property
    def today(self) -> dt.date:
        from followup.core.dates import today

        return today()

    def journal(self, with_history: bool = True) -> Journal:
        from followup.store.journal import Journal

        if self._journal is None:
            self._journal = Journal.load(self.root, today=self.today, with_history=with_history)
        return self._journal

    def person(self, who: str) -> Person:
        return self.journal().find(who)

    def journal_of(self, owner: str | None, all_owners: bool) -> tuple[Journal, OwnerChoice | None]:
        """The journal as one owner sees it: --owner, else FOLLOWUP_OWNER, else `git config followup.owner`;
        everyone's with --all-owners or when none is set. One owner's is read from their files alone."""
        from followup.store.journal import Journal

        chosen, source = (None, "") if all_owners else (owner, "--owner") if owner else default_owner(self.root)
        if chosen is None:
            return self.journal(), None
        try:
            journal = Journal.load(self.root, today=self.today, owner=chosen) if self._journal is None else \
                self._journal.of_owner(self._journal.find_owner(chosen))
        except LookupProblem as error:
            raise LookupProblem(f"{source} {chosen}: {error}", error.candidates) from None
        assert journal.owner is not None
        name = "nobody" if journal.owner == UNOWNED else journal.owner_name(journal.owner)
        return journal, OwnerChoice(journal.owner, name, source)


@dataclass(frozen=True)
class OwnerChoice:
    key: str
    name: str
    source: str  # where it was chosen: --owner, FOLLOWUP_OWNER or git config followup.owner

    @property
    def note(self) -> str:
        """Said under a list chosen by default, so that nobody takes their own list for the firm's."""
        kept = "the relationships nobody keeps" if self.key == UNOWNED else f"{self.name}'s relationships"
        return f"{kept} ({self.source}); --all-owners for everyone's"


def default_owner(root: Path) -> tuple[str | None, str]:
    if os.environ.get(OWNER_VARIABLE, "").strip():
        return os.environ[OWNER_VARIABLE].strip(), OWNER_VARIABLE
    from followup.store.git import config_value

    return config_value(root, "followup.owner"), "git config followup.owner"


def owner_options(command):
    """--owner and --all-owners, for the commands that show one person's list of a shared journal."""
    command = click.option("--all-owners", is_flag=True,
                           help=f"Everyone's relationships, whatever {OWNER_VARIABLE} or git config say.")(command)
    return click.option("--owner", help=f"Only the relationships this owner keeps ({UNOWNED}: those nobody keeps); "
                                        f"default: {OWNER_VARIABLE}, else git config followup.owner.")(command)


pass_context = click.make_pass_decorator(Context)


def day_argument(value: str, what: str, today: dt.date) -> dt.date:
    """A day given on the command line (YYYY-MM-DD, today, tomorrow, fri, 2w...), named in any error."""
    from followup.core.dates import parse_day

    try:
        return parse_day(value, today)
    except DateError as error:
        raise DateError(f"{what}: {error}") from None


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


def say(text: str = "", err: bool = False, nl: bool = True, **style) -> None:
    """Every line followup prints passes here: a control character in a name, a commit subject or a file name
    is shown as U+FFFD (core.shown), so no value can drive the terminal. `style`: click.style's colours."""
    click.secho(visible(text), err=err, nl=nl, **style)


def emit(document: str) -> None:
    """A document on standard output as written (JSON, iCalendar): its values passed the choke point where it
    was made, and its own line endings are its format's."""
    click.echo(document, nl=False)


def reader_gone() -> None:
    """The reader went away (followup show ana | head -1): stop quietly, as Unix tools do."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to flush at exit
    raise SystemExit(SIGPIPE_EXIT) from None


def fail(message: str, code: int) -> None:
    say(f"followup: {message}", err=True)
    raise SystemExit(code)


ASKED = "followup.asked"  # the root context's meta: a question whose answer is to be kept (Question)
# The read commands whose --json answer is kept with what it was drawn from (store.answers), and given again at
# once while nothing of that has changed: what a script or an editor asks again and again.
ANSWERED = frozenset({"due", "today", "show", "log", "review", "owners", "plans"})


class Question:
    """A read command's question, asked before its module is even imported: its kept answer when nothing it was
    drawn from has changed; else the command runs, and what it prints is kept."""

    def __init__(self, ctx: click.Context, args: list[str]):
        from followup.core.dates import today
        from followup.store.answers import Answers

        self.root = Context(ctx.params.get("journal_dir")).root
        self.answers = Answers(self.root, [*args, str(today()), repr(default_owner(self.root))])

    def ask(self) -> str | None:
        return self.answers.answer()

    def answered(self, run: Callable[[], object]) -> object:
        """The command run, what it prints kept when it ends well (the journal's state taken before it reads)."""
        from followup.store.config import load_settings

        contacts = load_settings(self.root).contacts
        state = self.answers.state(contacts)
        printed = io.StringIO()
        ended_well = False
        try:
            with contextlib.redirect_stdout(printed):
                result = run()
            ended_well = True
        finally:
            sys.stdout.write(printed.getvalue())
            if ended_well:
                self.answers.keep(contacts, state, printed.getvalue())
            self.answers.close()
        return result


class Command(click.Command):
    """Every command's text arguments are checked before it runs (bytes that are not UTF-8 would be written
    into a contact file that then cannot be read; file names are paths and may be any bytes), and its
    errors end it here."""

    def invoke(self, ctx: click.Context):
        for param in self.params:
            if not isinstance(param.type, click.Path) and _undecodable(ctx.params.get(param.name)):
                fail(f"{param.get_error_hint(ctx)} is not UTF-8 text (check the terminal's encoding); "
                     "nothing was changed", UsageError.exit_code)
        try:
            asked = ctx.find_root().meta.pop(ASKED, None)
            return super().invoke(ctx) if asked is None else asked.answered(lambda: super(Command, self).invoke(ctx))
        except FollowupError as error:
            fail(str(error), error.exit_code)
        except BrokenPipeError:
            reader_gone()
        except OSError as error:  # a full or read-only disk, a folder that went away
            where = f"{error.filename}: " if error.filename else ""
            fail(f"{where}{error.strerror or error}; nothing more was changed", PROBLEMS)


# Every command, by the function in followup.cli that holds it, under the heading `followup --help` lists it with
# its summary.
# A command's module is imported only when that command runs (or is completed): `followup --help` and a read
# command load no more than they use.
SECTIONS: dict[str, dict[str, tuple[str, str]]] = {
    "The day": {
        "today": ("routine.today", "The whole day, in the order to act on it"),
        "touch": ("routine.touch", "You reached someone: a log line and one commit"),
        "attempt": ("routine.attempt", "A call that did not reach them"),
        "book": ("routine.book", "Book the next touch"),
        "promise": ("routine.promise", "A follow-up you owe, with a deadline"),
        "kept": ("routine.kept", "A promise kept"),
        "plan": ("plans.plan", "Start (or stop) a follow-up plan"),
        "snooze": ("routine.snooze", "Not due before a day"),
        "undo": ("routine.undo", "Take back followup's last commit"),
    },
    "People": {
        "new": ("routine.new", "Add someone to the journal"),
        "show": ("routine.show", "One person on one screen"),
        "log": ("routine.log_command", "One person's timeline"),
        "edit": ("routine.edit", "Edit one person's file, checked on save"),
        "inactive": ("routine.inactive", "Still a client, still due, labelled inactive"),
        "active": ("routine.active", "Active again"),
    },
    "Lists": {
        "due": ("routine.due", "Who is due, ranked, and why"),
        "review": ("routine.review", "The week behind and the week ahead"),
        "plans": ("plans.plans", "Who is on which plan, at which step"),
        "check": ("routine.check", "Every problem in the journal, file and line"),
        "owners": ("owners.owners", "A shared journal's owners at a glance"),
        "handover": ("owners.handover", "One owner's people kept by another"),
    },
    "In and out": {
        "harvest": ("harvest.harvest", "Touches from the mail you already have"),
        "import": ("exchange.import_command", "People from vCard, Google, Outlook, LinkedIn"),
        "ics": ("exchange.ics", "The calendar feed"),
        "export": ("exchange.export", "Everyone with their status, as JSON or CSV"),
        "digest": ("exchange.digest", "The morning message, printed or mailed"),
    },
    "The site": {
        "build": ("site.build", "Build the site into site/"),
        "serve": ("site.serve", "Serve it on 127.0.0.1, rebuilt on every save"),
        "watch": ("site.watch", "Rebuild site/ on every save, to browse from disk"),
        "render": ("site.render", "The pages as Markdown, for Zensical or MkDocs alone"),
    },
    "Setting up": {
        "init": ("start.init", "A new journal"),
        "trust": ("start.trust", "Trust the journal's configuration as it is now"),
        "git-setup": ("start.git_setup", "Register the merge driver in a clone"),
    },
    "What git calls": {
        "merge-driver": ("start.merge_driver", "The merge driver (git runs it)"),
    },
}
COMMANDS = {name: command for section in SECTIONS.values() for name, command in section.items()}


def command(name: str | None = None) -> Callable:
    """A followup command (its module is listed in SECTIONS)."""
    return click.command(name=name, cls=Command)


class Group(click.Group):
    """Commands loaded when they run; `--help` lists them by section from SECTIONS alone."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        if args and args[0] in ANSWERED and "--json" in args[1:]:
            try:
                question = Question(ctx, args)
            except (FollowupError, OSError):
                question = None  # the command itself says what stands in the way
            if question is not None and (answer := question.ask()) is not None:
                try:
                    emit(answer)
                except BrokenPipeError:
                    reader_gone()
                ctx.exit(0)
            if question is not None:
                ctx.meta[ASKED] = question
        return super().resolve_command(ctx, args)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        where, summary = COMMANDS[cmd_name]
        module, _, attribute = where.partition(".")
        found = getattr(importlib.import_module(f"followup.cli.{module}"), attribute)
        found.short_help = summary
        return found

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[CompletionItem]:
        """The commands with their summaries from SECTIONS (click would import every command to ask it), then
        the group's own options."""
        return [CompletionItem(name, help=summary) for name, (_, summary) in COMMANDS.items()
                if name.startswith(incomplete)] + click.Command.shell_complete(self, ctx, incomplete)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        for heading, commands in SECTIONS.items():
            with formatter.section(heading):
                formatter.write_dl([(name, summary) for name, (_, summary) in commands.items()])


def _colour() -> bool | None:
    """NO_COLOR (no-color.org) turns colour off, FORCE_COLOR on even when piped; else on for a terminal."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return None


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--journal", "journal_dir", envvar="FOLLOWUP_JOURNAL", metavar="DIR",
              type=click.Path(file_okay=False, path_type=Path), help="The journal (default: here or a parent).")
@click.version_option(package_name="followup", prog_name="followup")
@click.pass_context
def main(ctx: click.Context, journal_dir: Path | None) -> None:
    """followup: who is due, and when you last reached them. FOLLOWUP_TODAY=YYYY-MM-DD overrides today."""
    ctx.obj = Context(journal_dir)
    ctx.color = _colour()


def complete_who(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """WHO completes to slugs, with the name beside each (shell completion: see the README)."""
    try:
        journal = Context(ctx.find_root().params.get("journal_dir")).journal(with_history=False)
    except (FollowupError, OSError):
        return []
    ranked = []
    for person in journal.people:
        level = 0 if person.slug.startswith(incomplete.lower()) else match_level(incomplete, person.contact.name)
        if level is not None:  # a slug or a word that starts so first, then names that hold it inside a word
            ranked.append((level == 2, person.slug, person.name))
    return [CompletionItem(slug, help=name) for _, slug, name in sorted(ranked)]
