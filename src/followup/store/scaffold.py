"""A new, empty journal: what `followup init` writes."""

from __future__ import annotations

import shutil
from pathlib import Path

from followup.core.errors import JournalExists
from followup.store import git as gitops
from followup.store.config import CONFIG_FILES

MKDOCS_YML = """\
site_name: {title}
docs_dir: contacts          # one Markdown file per person
use_directory_urls: true
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

GITIGNORE = "site/\n.followup.lock\n.followup-cache/\n"
# Two clones that touch the same person merge through `followup merge-driver`.
GITATTRIBUTES = "*.md merge=followup\n"


def create_journal(folder: Path, title: str = "My followup journal") -> list[Path]:
    """Write a ready-to-use journal into `folder` and make its first commit; returns what was written.
    All or nothing: whatever fails (git, its identity, the disk), what was made is taken away again."""
    folder = Path(folder)
    for existing in (*CONFIG_FILES, "contacts"):
        if (folder / existing).exists():
            raise JournalExists(f"{folder / existing} already exists: not overwriting a journal")
    gitops.check_can_commit(folder)
    made: list[Path] = []  # in the order made, undone in reverse
    try:
        for directory in (*reversed(folder.parents), folder, folder / "contacts"):
            if not directory.exists():
                directory.mkdir()
                made.append(directory)
        if not gitops.inside_repository(folder):
            gitops.init(folder)
            made.append(folder / ".git")
        written = {
            folder / "mkdocs.yml": MKDOCS_YML.format(title=title),
            folder / "contacts" / ".gitattributes": GITATTRIBUTES,
            folder / ".gitignore": GITIGNORE,
        }
        for path, text in written.items():
            if not path.exists():
                made.append(path)
            path.write_text(text, encoding="utf-8")
        paths = list(written)
        gitops.install_merge_driver(folder)
        gitops.commit(folder, paths, "Start a followup journal")
    except BaseException:
        for path in reversed(made):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        raise
    return paths
