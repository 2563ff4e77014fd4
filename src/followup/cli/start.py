"""Starting and sharing a journal: init, git-setup, and the merge driver git calls."""

from __future__ import annotations

from pathlib import Path

import click

from followup.cli.app import PROBLEMS, Context, main, pass_context
from followup.core.errors import GitError, UsageError
from followup.store.files import atomic_write
from followup.store.git import inside_repository, install_merge_driver
from followup.store.merge import merge_contact
from followup.store.scaffold import GITATTRIBUTES, create_journal


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default="My followup journal", help="The site's name.")
def init(folder: Path, title: str) -> None:
    """Create a new, empty journal in FOLDER, with its git repository and first commit.

    Example: followup init ~/journal
    """
    try:
        create_journal(folder, title)
    except GitError as error:
        raise GitError(f"{error}; nothing was made") from None
    click.echo(f"A new journal in {folder}. Next: cd {folder} && followup new \"Full Name\" && followup serve")


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
        raise SystemExit(PROBLEMS)


@main.command(name="git-setup")
@pass_context
def git_setup(context: Context) -> None:
    """Register the merge driver in this clone (followup init does it for a new journal).

    Example: git clone server:journal && cd journal && followup git-setup
    """
    root = context.root
    if not inside_repository(root):
        raise UsageError(f"{root} is not in a git repository")
    install_merge_driver(root)
    attributes = root / context.journal(with_history=False).settings.contacts / ".gitattributes"
    if "merge=followup" not in (attributes.read_text() if attributes.exists() else ""):
        with attributes.open("a", encoding="utf-8") as stream:
            stream.write(GITATTRIBUTES)
    click.echo(f"Merge driver registered for {root}.")
