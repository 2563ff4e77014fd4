"""A new, empty journal: what `followup init` writes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from followup.core.errors import JournalExists
from followup.store import git as gitops
from followup.store.config import CONFIG_FILES
from followup.store.files import atomic_write
from followup.store.places import check_regular, inside, read_small
from followup.store.trust import trust

MKDOCS_YML = """\
site_name: {title}
docs_dir: contacts          # one Markdown file per person
use_directory_urls: true
# Contact files are data, never pages of their own: only the followup plugin draws pages from them. A generator
# that skips the plugin (Zensical builds this file and runs no MkDocs plugin) then publishes none of them.
exclude_docs: |
  *
theme:
  name: material
  font: false               # no Google Fonts: nothing leaves the machine
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      toggle: {{icon: material/weather-night, name: Dark mode}}
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      toggle: {{icon: material/weather-sunny, name: Light mode}}
plugins:
  - search
  - followup:
      picks_per_day: 5
      soon_days: 7
      dates_days: 30
      strict: false
      categories: {{}}        # e.g. family: {{cadence: every 2 weeks}}
extra:
  generator: false
"""

# site/ is the built site; a build writes the next one beside it (.site-new-...) and swaps when it is complete.
GITIGNORE = "site/\n/.site-*/\n"
# Two clones that touch the same person merge through `followup merge-driver`.
GITATTRIBUTES = "*.md merge=followup\n"


def merged_gitignore(existing: str) -> str:
    """An existing .gitignore with followup's lines added at its end, those it already has left out."""
    have = {line.strip() for line in existing.splitlines()}
    missing = [line for line in GITIGNORE.splitlines() if line not in have]
    if not missing:
        return existing
    separator = "" if not existing or existing.endswith("\n") else "\n"
    return existing + separator + "".join(line + "\n" for line in missing)


def create_journal(folder: Path, title: str = "My followup journal", config_name: str = "mkdocs.yml") -> list[Path]:
    """Write a ready-to-use journal into `folder` and make its first commit; returns what was written.
    All or nothing: whatever fails (git, its identity, the disk), what was made is taken away again, a
    .gitignore that was there is put back as it was, and so is the git configuration it changed. `config_name`:
    mkdocs.yml, or properdocs.yml (ProperDocs reads its own file first; its mkdocs.yml fallback will go)."""
    folder = Path(os.path.abspath(folder))
    for existing in (*CONFIG_FILES, "contacts"):
        if os.path.lexists(folder / existing):
            raise JournalExists(f"{folder / existing} already exists: not overwriting a journal")
    ignore = folder / ".gitignore"
    if folder.exists():
        inside(folder, ignore, ".gitignore")  # a committed link would take followup's lines elsewhere
        check_regular(ignore, ".gitignore")
    gitops.check_can_commit(folder)
    made: list[Path] = []  # in the order made, undone in reverse
    ignored_before = read_small(folder, ignore, ".gitignore") if folder.exists() else None
    drivers_before: dict[str, str | None] = {}
    try:
        for directory in (*reversed(folder.parents), folder, folder / "contacts"):
            if not directory.exists():
                directory.mkdir()
                made.append(directory)
        if not gitops.inside_repository(folder):
            gitops.init(folder)
            made.append(folder / ".git")
        written = {
            folder / config_name: MKDOCS_YML.format(title=title),
            folder / "contacts" / ".gitattributes": GITATTRIBUTES,
        }
        for path, text in written.items():
            made.append(path)
            atomic_write(path, text.encode())
        if ignored_before is None:
            made.append(ignore)
        atomic_write(ignore, merged_gitignore((ignored_before or b"").decode("utf-8", "replace")).encode())
        paths = [*written, ignore]
        drivers_before = gitops.merge_driver_settings(folder)
        gitops.install_merge_driver(folder)
        trust(folder)
        gitops.commit(folder, paths, "Start a followup journal")
    except BaseException:
        if drivers_before:
            gitops.restore_settings(folder, drivers_before)
        if ignored_before is not None:
            atomic_write(ignore, ignored_before)
        for path in reversed(made):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        raise
    return paths
