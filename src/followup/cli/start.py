"""Starting and sharing a journal: init, git-setup, and the merge driver git calls."""

from __future__ import annotations

from pathlib import Path

import click

from followup.cli.app import PROBLEMS, Context, command, pass_context, say
from followup.core.errors import GitError, UsageError
from followup.store.files import atomic_write
from followup.store.git import inside_repository, install_merge_driver
from followup.store.merge import merge_contact
from followup.store.places import append_text, read_small
from followup.store.scaffold import GITATTRIBUTES, create_journal
from followup.store.trust import trust as trust_journal


@command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default="My followup journal", help="The site's name.")
@click.option("--properdocs", is_flag=True, help="Name the configuration properdocs.yml, as ProperDocs asks.")
def init(folder: Path, title: str, properdocs: bool) -> None:
    """Create a new, empty journal in FOLDER, with its git repository and first commit.

    Example: followup init ~/journal
    """
    try:
        create_journal(folder, title, "properdocs.yml" if properdocs else "mkdocs.yml")
    except GitError as error:
        raise GitError(f"{error}; nothing was made") from None
    say(f"A new journal in {folder}. Next: cd {folder} && followup new \"Full Name\" && followup serve")


@command("merge-driver")
@click.argument("base", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("ours", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("theirs", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("name", required=False, default="contact.md")
def merge_driver(base: Path, ours: Path, theirs: Path, name: str) -> None:
    """git merge driver (%O %A %B %P): later last_touch, union of log entries; writes the result to OURS."""
    merged, clean = merge_contact(base.read_bytes(), ours.read_bytes(), theirs.read_bytes(), name)
    atomic_write(ours, merged)
    if not clean:
        say(f"followup: {name}: conflicting changes besides the touches; resolve the markers", err=True)
        raise SystemExit(PROBLEMS)


@command("git-setup")
@pass_context
def git_setup(context: Context) -> None:
    """Register the merge driver in this clone (followup init does it for a new journal).

    Example: git clone server:journal && cd journal && followup git-setup
    """
    root = context.root
    if not inside_repository(root):
        raise UsageError(f"{root} is not in a git repository")
    attributes = root / context.journal(with_history=False).settings.contacts / ".gitattributes"
    written = read_small(root, attributes, "contacts/.gitattributes") or b""
    install_merge_driver(root)
    if b"merge=followup" not in written:
        append_text(root, attributes, ("" if not written or written.endswith(b"\n") else "\n") + GITATTRIBUTES,
                    "contacts/.gitattributes")
    say(f"Merge driver registered for {root}.")


@command()
@pass_context
def trust(context: Context) -> None:
    """Trust the journal's configuration as it is now: what runs code or reaches the network (mkdocs.yml, its
    hooks, the theme's custom_dir, the mail settings). build, serve, watch and digest --send refuse to run it
    after a clone or a pull changed it until you have read the change and typed this.

    Example: git pull && git log -p -1 -- mkdocs.yml && followup trust
    """
    changed = trust_journal(context.root)
    for name, what in changed:
        say(f"  {name}: {what}")
    say(f"Trusted {context.root}." if changed else f"{context.root} was trusted as it is; nothing changed.")
