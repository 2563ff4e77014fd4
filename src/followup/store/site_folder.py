"""Where a build writes: a site folder inside the journal, never through a link, and never half written.

MkDocs starts a build by deleting everything in `site_dir`. A journal can arrive with a committed link
`site -> ..` (the `.gitignore` line `site/` does not match a link) or a `site_dir: ../Documents`: that delete
would take the journal, its `.git` and more. So the site folder is checked before anything is cleaned.

A build then writes into a new folder beside the site (`.site-new-...`), and the new site takes the old one's
place only once it is complete: a full disk, a read-only disk or a failed plugin leaves the last good site as
it was, and the half-written one is taken away.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path

from followup.core.errors import SettingsError, UnsafePath
from followup.store.config import read_config
from followup.store.places import inside


def configured_site_dir(config_file: str) -> str:
    """The site folder the configuration file names (following INHERIT), as MkDocs resolves it: relative to the
    file's folder; `site` by default."""
    path = Path(os.path.abspath(config_file))
    for _ in range(10):  # an INHERIT chain, not a loop
        try:
            config = read_config(path)
        except SettingsError:
            break
        if isinstance(config.get("site_dir"), str):
            return os.path.abspath(path.parent / config["site_dir"])
        if not isinstance(config.get("INHERIT"), str):
            break
        path = path.parent / config["INHERIT"]
    return os.path.abspath(Path(config_file).parent / "site")


def checked_site_dir(root: Path, site_dir: str, docs_dir: str, configured: bool) -> Path:
    """The site folder, when it is a folder of its own: neither the journal, its contacts, its `.git` nor
    anything holding them, nor a link or under one inside the journal. One the configuration names (a pull can
    change it) must also lie inside the journal; one given on the command line (`--site-dir`, a dev server's
    temporary folder) may lie elsewhere. Else UnsafePath."""
    site = Path(os.path.abspath(site_dir))
    if configured or site.is_relative_to(root):
        inside(root, site, "site_dir")
    for kept, what in ((root, "the journal"), (Path(os.path.abspath(docs_dir)), "the contacts folder"),
                       (root / ".git", "the git repository")):
        if site == kept or kept.is_relative_to(site) or (what != "the journal" and site.is_relative_to(kept)):
            raise UnsafePath(f"site_dir {site} holds or is inside {what}; building would delete it: set site_dir "
                             "to a folder of its own, such as site")
    return site


def theme_links(custom_dir: str) -> list[str]:
    """The symbolic links in a journal's theme folder (custom_dir), itself included: MkDocs would read through
    them as templates and publish what they point at."""
    if os.path.islink(custom_dir):
        return [custom_dir]
    found = []
    for directory, folders, files in os.walk(custom_dir):
        for name in folders + files:
            path = os.path.join(directory, name)
            if stat.S_ISLNK(os.lstat(path).st_mode):
                found.append(path)
    return sorted(found)


def put_in_place(new: Path, site: Path) -> None:
    """A complete new site in place of the old one (then removed), as two renames."""
    if not new.is_dir() or new.is_symlink():
        raise FileNotFoundError(f"the new site {new} is not there: the last good site is kept")
    old = None
    if os.path.lexists(site):
        old = Path(tempfile.mkdtemp(prefix=f".{site.name}-old-", dir=site.parent))
        os.rename(site, old / "site")
    os.rename(new, site)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)  # rmtree removes links inside, never what they point at


class SiteSwap:
    """A build written beside the site and put in its place when complete."""

    def __init__(self, site: Path):
        self.site = site
        site.parent.mkdir(parents=True, exist_ok=True)
        self.new = Path(tempfile.mkdtemp(prefix=f".{site.name}-new-", dir=site.parent))

    def finish(self) -> None:
        put_in_place(self.new, self.site)

    def abandon(self) -> None:
        shutil.rmtree(self.new, ignore_errors=True)
