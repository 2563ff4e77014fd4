"""What each generated page is drawn from, as a fingerprint: a page whose fingerprint the page cache holds is
taken from it, and drawn again only when something it shows has changed (a person, the day, a template)."""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.metadata
import os
from pathlib import Path

from followup.core import due as rule
from followup.core.contact import Problem
from followup.core.settings import Settings
from followup.formats.wording import when
from followup.site import charts
from followup.site.layout import Layout
from followup.site.pages import PERSON
from followup.store import cache
from followup.store.journal import Journal, Person


class Staleness:
    """The fingerprints of one build's pages."""

    def __init__(self, settings: Settings, use_directory_urls: bool, theme_dirs: list[str], templates: Path,
                 today: dt.date, fixed_day: bool):
        self.today, self.fixed_day = today, fixed_day
        self.heatmap_start = charts.heatmap_start(today)
        # What every page depends on; a list page also depends on the day and on everyone in the journal.
        self.stamp = cache.fingerprint(settings, use_directory_urls, template_versions(theme_dirs))
        self.own_person_template = \
            template_in_use(theme_dirs, PERSON.template) != (templates / PERSON.template).resolve()
        self.everyone = ""
        self.site_stamp = ""

    def of_the_theme(self, config, theme_dirs: list[str]) -> None:
        """What every page of the theme shows (a dirty build's pages are written whole): the configuration (site
        name, palette, extra), the nav and every file of the theme folders, and the versions of what draws them."""
        self.site_stamp = cache.fingerprint(self.stamp, config_text(config), config.nav, theme_files(theme_dirs),
                                            package_versions())

    def of_everyone(self, journal: Journal) -> str:
        """What a list of everyone depends on, once the journal is read."""
        versions = [journal.version(person) for person in journal.people]
        self.everyone = cache.fingerprint(self.stamp, self.today, self.fixed_day, versions, journal.problems,
                                          journal.history.warning)
        return self.everyone

    def person(self, journal: Journal, person: Person, src_uri: str, notes_html: str,
               problems: list[Problem] | None, edit_url: str | None) -> str:
        return cache.fingerprint(self.stamp, journal.version(person), journal.links_version(person),
                                 self.as_of_today(person), src_uri, notes_html, problems, edit_url)

    def written_person(self, journal: Journal, person: Person, src_uri: str, problems: list[Problem] | None,
                       edit_url: str | None) -> str:
        """A person page as a dirty build wrote it into the site folder, theme and all (of_the_theme)."""
        return cache.fingerprint(self.site_stamp, journal.version(person), journal.links_version(person),
                                 self.as_of_today(person), src_uri, problems, edit_url)

    def listing(self, src_uri: str, journal: Journal, layout: Layout, render_problems: list[Problem]) -> str:
        """A category's, an owner's or an organisation's page is drawn again only when one of their people
        changed, the lists of everyone whenever anyone did."""
        members = journal.categories.get(layout.category_at[src_uri]) if src_uri in layout.category_at else \
            journal.of_owner(layout.owner_at[src_uri]).people if src_uri in layout.owner_at else \
            journal.find_organisation(layout.organisation_at[src_uri]).people if src_uri in layout.organisation_at \
            else None
        if members is None:
            return cache.fingerprint(self.everyone, render_problems, src_uri)
        return cache.fingerprint(self.stamp, self.today, src_uri, journal.unread, len(journal.problems) +
                                 len(render_problems), [(journal.version(person), person.due) for person in members])

    def as_of_today(self, person: Person) -> object:
        """What a new day can change on a person page. person.html shows the day only through these
        (a touch that comes into the heatmap is a new last touch), so on a new day only the pages of
        people late, never touched or whose status changed are drawn again, and all of them once a
        week. A person template of one's own may show anything of the day: its pages are redrawn daily."""
        if self.own_person_template:
            return self.today
        due = person.due
        return (self.heatmap_start, due.status, due.last_touch, due.next_due, due.booking_passed, when(person),
                [rule.promise_is_late(promise, self.today) for promise in person.contact.promises])


def config_text(config) -> bytes:
    try:
        with open(config.config_file_path, "rb") as stream:
            return stream.read()
    except (OSError, TypeError):
        return b""


def theme_files(theme_dirs: list[str]) -> list[tuple[str, int, int]]:
    """Every file of the theme folders (a journal's overrides, followup's templates, Material's), as path, size,
    mtime: what any page may be drawn from."""
    found = []
    for folder in theme_dirs:
        for directory, _, names in os.walk(folder):
            for name in names:
                status = os.stat(os.path.join(directory, name))
                found.append((os.path.join(directory, name), status.st_size, status.st_mtime_ns))
    return sorted(found)


def package_versions() -> list[tuple[str, str]]:
    found = []
    for name in ("mkdocs", "mkdocs-material", "properdocs"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            found.append((name, importlib.metadata.version(name)))
    return found


def template_in_use(theme_dirs: list[str], name: str) -> Path | None:
    """The page template Jinja loads: the first theme folder that has it (a journal's overrides come first)."""
    for folder in theme_dirs:
        path = Path(folder, name)
        if path.is_file():
            return path.resolve()
    return None


def template_versions(theme_dirs: list[str]) -> list[tuple[str, int, int]]:
    """The page templates that could be used (a journal's overrides come first), as path, size, mtime."""
    found = []
    for folder in theme_dirs:
        for path in sorted(Path(folder).glob("followup/*.html")):
            status = path.stat()
            found.append((str(path), status.st_size, status.st_mtime_ns))
    return found


