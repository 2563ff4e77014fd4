"""One build of the site: the journal loaded once, its generated pages added to MkDocs' files, each page drawn
from its template (or taken from the page cache when nothing it shows has changed).

Page bodies are rendered by a Jinja environment that escapes every value, so nothing written in a contact
file reaches the HTML unescaped; notes' HTML is sanitised on its final form (safe_html).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import html
import importlib.metadata
import json
import logging
import os
import re
from collections import defaultdict
from functools import cached_property
from pathlib import Path
from typing import cast
from urllib.parse import quote

import jinja2
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup, escape
from mkdocs.exceptions import Abort
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.utils import get_relative_url

from followup.core import due as rule
from followup.core.contact import Contact, Problem
from followup.core.dates import today as current_day
from followup.core.dates import today_is_fixed
from followup.core.due import STATUS_ORDER
from followup.core.names import slugify
from followup.core.settings import Settings
from followup.core.shown import shown_value
from followup.formats.atom import ATOM_FEED, due_feed
from followup.formats.browser import dashboard_data, reach_links
from followup.formats.calendar import FEED, journal_calendars
from followup.formats.links import category_feed, category_source, owner_feed, owner_source, person_source
from followup.formats.wording import WORDS, detail, labels, when
from followup.site import charts
from followup.site.assets import GeneratedAssets
from followup.site.helper import HELPED_FROM, DrawingHelper, can_help
from followup.site.incremental import GeneratedFile, KeptPages
from followup.site.pages import (
    CATEGORIES,
    CATEGORY,
    DUE,
    LISTS,
    OWNER,
    OWNERS,
    OWNERS_IN_NAV,
    PERSON,
    REVIEW,
    GeneratedPage,
    PersonPage,
)
from followup.site.safe_html import is_elsewhere, sanitise
from followup.store import cache
from followup.store.journal import (
    UNOWNED,
    Held,
    Journal,
    JournalReading,
    Person,
    category_names,
    owner_names,
    written_owners,
)
from followup.store.owners import TOUCH_DAYS, owner_summaries
from followup.store.review import weekly_review

log = logging.getLogger("mkdocs.plugins.followup")


class _CompiledTemplates(jinja2.BytecodeCache):
    """Page templates compiled once (BetweenBuilds), each checked against its source: an edited template is
    compiled again."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


class BetweenBuilds:
    """What the plugin keeps from one build to the next: `followup serve` builds again and again in one process,
    and MkDocs keeps the plugin, and this with it, across its rebuilds. Nothing of it is a module's."""

    def __init__(self) -> None:
        self.templates = _CompiledTemplates()
        # The last build's month-end states of each person, with what they were computed from (SiteBuild.on_track).
        self.on_track: dict[str, tuple[str, list]] = {}
        self.defer_saves = False  # a dirty `serve`: the calendar cache is written when the server stops
        self.calendars: dict[Path, cache.CacheFile] = {}
        self.read = Held()  # the contacts and the history as the last build read them

    def calendar_cache(self, root: Path) -> cache.CacheFile:
        path = cache.cache_path(root, "calendar")
        if path not in self.calendars:
            self.calendars[path] = cache.CacheFile(path, dict[str, bytes], defer=self.defer_saves)
        return self.calendars[path]

    def flush(self) -> None:
        for kept in self.calendars.values():
            kept.flush()


TEMPLATES = Path(__file__).parent / "templates"
DATA_SCRIPT = "followup-data.js"  # what the dashboard's script redoes the due rule from


class _ImagesFromElsewhereAsLinks(Treeprocessor):
    """An image from another host would be fetched on every view (a tracking pixel): a link shows where it
    is instead. (A courtesy only: what is safe is decided on the final HTML, by safe_html.sanitise.)"""

    def run(self, root):
        for image in list(root.iter("img")):
            source = image.get("src", "")
            if is_elsewhere(source):
                alt = image.get("alt") or source
                image.tag = "a"
                image.attrib.clear()
                image.set("href", source)
                image.text = alt


class PrivateNotes(Extension):
    """Notes are data: raw HTML is shown as text, never run."""

    def extendMarkdown(self, md):
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_ImagesFromElsewhereAsLinks(md), "followup_images_as_links", 0)


class SiteBuild:
    # Set by build_files, the first event of a build that lists the pages; every later event reads them.
    store: cache.PageStore
    # Set by read_journal, once git has read the history (at on_env at the latest); page drawing reads it.
    journal: Journal

    def __init__(self, config, settings: Settings, root: Path, between: BetweenBuilds, serving: bool = False,
                 own_nav: bool = False, kept: KeptPages | None = None):
        """`serving`: the site is served on this machine (mkdocs serve), where an Edit link may open a local
        editor; a built site, which may be published, links to the git host's editor only. `own_nav`: the
        navigation is followup's (the journal wrote none), so a journal with owners gets their page in it.
        `kept`: a dirty build of `followup serve`, which leaves the person pages that have not changed."""
        self.own_nav = own_nav
        self.kept = kept
        self.between = between
        self.written_as: dict[str, str] = {}  # a person page's fingerprint, as kept.written will know it
        self.settings = settings
        self.root = root
        self.strict = settings.strict or bool(config.strict)
        self.today = current_day()
        self.fixed_day = today_is_fixed()
        self.heatmap_start = charts.heatmap_start(self.today)
        # git starts reading the history now, while MkDocs lists the docs folder and reads the pages.
        self.reading = JournalReading(root, settings, self.today, held=between.read)
        self.assets = GeneratedAssets(root)
        self.pages: dict[str, GeneratedPage] = {}
        self.contact_at: dict[str, Contact] = {}  # the contact of each person page, by its src_uri
        self.person_at: dict[str, Person] = {}  # the same with their due state, once the journal is read
        self.category_at: dict[str, str] = {}
        self.owner_at: dict[str, str] = {}  # the owner's key of each owner page, by its src_uri
        # A person page's notes, sanitised, as followup gave them to MkDocs: the page's content is another plugin's to
        # rewrite after that (a hook prepending a <div> once shifted every offset into it, cutting notes mid-word).
        self.notes: dict[str, str] = {}
        self.fingerprints: dict[str, str] = {}  # a page's, when draw_ahead computed it
        self.helper: DrawingHelper | None = None
        self.render_problems: list[Problem] = []
        self.problems_of: dict[str, list[Problem]] = defaultdict(list)  # by contact file, for its person page
        self.editor = LocalEditor(settings.editor, root) if serving else None
        self.urls: dict[str, str] = {}
        self.page_url = ""
        self.prefixes: dict[str, str] = {}
        self.theme_dirs = list(config.theme.dirs)
        self.use_directory_urls = config.use_directory_urls
        self.stamp = ""
        self.everyone = ""
        self.own_person_template = False
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(config.theme.dirs), auto_reload=False, bytecode_cache=between.templates,
            autoescape=True, trim_blocks=True, lstrip_blocks=True, finalize=shown_value,
        )
        # Filters rather than global functions: a compiled template calls a filter directly, but a
        # function through Context.call, which costs more than the work itself on 10,000 pages.
        self.env.globals.update(link=self.link, asset=self.asset, words=WORDS,
                                status_rank={status: rank for rank, status in enumerate(STATUS_ORDER)})
        self.env.filters.update(
            person_link=lambda person: self.link(person_source(person.slug)),
            category_link=lambda name: self.link(category_source(name)),
            reach=lambda person: reach_links(person, settings.default_region), detail=detail,
            when=when, labels=labels, category_feed=category_feed, problem_anchor=problem_anchor,
            path_breaks=path_breaks, whole_dates=whole_dates,
        )

    def build_files(self, files: Files, config) -> Files:
        """The generated pages, laid out from the contact files alone: git may still be reading the history."""
        contacts, problems, _ = self.reading.files
        for problem in problems:
            log.warning(str(problem))
            self.problems_of[problem.path].append(problem)
        if problems and self.strict:
            raise Abort(f"followup: {len(problems)} problem(s) in the journal and strict is on")
        # What every page depends on; a list page also depends on the day and on everyone in the journal.
        self.stamp = cache.fingerprint(self.settings, self.use_directory_urls, template_versions(self.theme_dirs))
        self.own_person_template = template_in_use(self.theme_dirs, PERSON.template) != \
            (TEMPLATES / PERSON.template).resolve()
        if self.kept is not None:
            self.kept.start(config.site_dir)
            # What every page of the theme shows: the configuration (site name, palette, extra), the nav and
            # every file of the theme folders, and the versions of what draws them.
            self.site_stamp = cache.fingerprint(self.stamp, config_text(config), config.nav,
                                                theme_files(self.theme_dirs), package_versions())
        self.store = cache.PageStore(cache.cache_path(self.root, "pages", ".sqlite3"))

        # Only generated pages are published: a photo, a stray file or a symbolic link to something
        # outside the journal in the contacts folder is never copied into the site.
        docs_dir = os.path.normpath(config.docs_dir)
        files = Files([file for file in files if file.src_dir is None or os.path.normpath(file.src_dir) != docs_dir])
        for file in files:  # the theme's own: a journal's exclude_docs ("*": no contact file is a page) is not for them
            if file.inclusion is InclusionLevel.UNDEFINED:
                file.inclusion = InclusionLevel.INCLUDED
        # Owners are in the navigation of a journal that has some: a personal journal does without the page.
        owners = owner_names(self.settings, written_owners(contacts))
        owned = bool(owners)
        if owned and self.own_nav:
            config.nav.insert(len(config.nav) - 1, dict(OWNERS_IN_NAV))  # before Problems
        person_pages: list[tuple[GeneratedFile, PersonPage]] = []
        for contact in contacts:
            self.contact_at[person_source(contact.slug)] = contact
            file = self._add(files, config, GeneratedPage(PERSON, person_source(contact.slug), contact),
                             "" if contact.notes_as_text else contact.notes)
            # MkDocs makes the page's edit_url from repo_url and edit_uri (or edit_uri_template) and this path.
            file.edit_uri = os.path.relpath(self.root / contact.path, config.docs_dir).replace(os.sep, "/")
            page = PersonPage(file, config, contact, self.render_failed)
            if page.edit_url is None and self.editor is not None:
                page.edit_url = self.editor.url(contact)
            person_pages.append((file, page))
        # The lists come last: MkDocs draws pages in this order, and by the time it gets to them a child has
        # drawn them (helper.py), while the build would draw them at once if they came first.
        for kind, src_uri in LISTS.items():
            self._add(files, config, GeneratedPage(kind, src_uri), in_nav=kind.in_nav or (kind is OWNERS and owned))
        for category in category_names(contacts).values():
            self.category_at[category_source(category)] = category
            self._add(files, config, GeneratedPage(CATEGORY, category_source(category), category))
        unowned = owned and any(not contact.owner for contact in contacts)
        for key, name in [*owners.items(), *([(UNOWNED, UNOWNED)] if unowned else [])]:
            self.owner_at[owner_source(key)] = key
            self._add(files, config, GeneratedPage(OWNER, owner_source(key), key, name))
        if self.kept is not None:
            # A dirty build decides now which person pages it leaves as they are: MkDocs asks before reading them.
            self.read_journal()
            for file, page in person_pages:
                person = self.person_at[file.src_uri]
                self.written_as[file.src_uri] = fingerprint = cache.fingerprint(
                    self.site_stamp, self.journal.version(person), self.as_of_today(person), file.src_uri,
                    self.problems_of.get(person.contact.path), page.edit_url)
                self.kept.keep(file, fingerprint)
        return files

    def read_journal(self) -> None:
        """The journal with its git history (waited for here), and the files drawn from it started drawing."""
        if hasattr(self, "journal"):
            return
        journal = self.journal = self.reading.journal()
        # The journal lives until the build ends and holds no cycles to collect: set it aside from the
        # garbage collector, whose full passes would otherwise walk it again and again (on_post_build).
        gc.freeze()
        self.person_at = {person_source(person.slug): person for person in journal.people}
        if journal.history.warning:
            log.warning(journal.history.warning)
        for skipped in journal.history.skipped:  # never a warning: only rewriting history could clear it
            log.info(f"followup: git history: {skipped}")
        versions = [journal.version(person) for person in journal.people]
        self.everyone = cache.fingerprint(self.stamp, self.today, self.fixed_day, versions, journal.problems,
                                          journal.history.warning)
        url_of = {person.slug: self.urls[person_source(person.slug)] for person in journal.people}
        self.assets.start(self.store, self.everyone, [
            ([FEED, *map(category_feed, journal.categories), *map(owner_feed, journal.owners)],
             lambda: journal_calendars(journal, self.between.calendar_cache(self.root))),
            ([ATOM_FEED], lambda: {ATOM_FEED: due_feed(journal)}),
            ([DATA_SCRIPT], lambda: {DATA_SCRIPT: ("window.followupData = " + json.dumps(
                dashboard_data(journal, url_of, self.fixed_day), ensure_ascii=False) + ";\n").encode()}),
        ])

    def _add(self, files: Files, config, page: GeneratedPage, markdown: str = "", in_nav: bool = False
             ) -> GeneratedFile:
        inclusion = InclusionLevel.INCLUDED if in_nav else InclusionLevel.NOT_IN_NAV
        # A leading newline keeps MkDocs from reading a note that opens with '---' as page metadata.
        file = cast(GeneratedFile, GeneratedFile.generated(config, page.src_uri, content="\n" + markdown,
                                                           inclusion=inclusion))
        files.append(file)
        self.pages[page.src_uri] = page
        self.urls[page.src_uri] = file.url
        return file

    def page_written(self, page) -> None:
        """Under a dirty build: a person page was drawn into the site folder (on_post_page)."""
        if self.kept is not None and page.file.src_uri in self.written_as:
            failed = any(problem.path == self.contact_at[page.file.src_uri].path for problem in self.render_problems)
            self.kept.drawn(page.file, self.written_as[page.file.src_uri], page.url, failed)

    def finish(self, config) -> None:
        """The generated files into the site folder; under a dirty build, what is gone leaves it, and the search
        index is written whole."""
        self.stop_helping()
        self.assets.publish(config.site_dir)
        if self.kept is not None:
            self.kept.finish(set(self.pages), {self.urls[src_uri] for src_uri in self.person_at}, config.site_dir)

    def stop_helping(self) -> None:
        if self.helper is not None:
            self.helper.finish()
            self.helper = None

    def render_failed(self, contact: Contact, error: Exception) -> None:
        reason = "nested too deeply" if isinstance(error, RecursionError) else f"{type(error).__name__}: {error}"
        problem = Problem(contact.path, None, f"the notes could not be rendered ({reason[:200]}); "
                                                     "they are shown as plain text")
        self.render_problems.append(problem)
        self.problems_of[problem.path].append(problem)
        log.warning(str(problem))
        if self.strict:
            raise Abort(f"followup: {problem} and strict is on")

    @cached_property
    def on_track(self) -> charts.OnTrackHistory:
        """The share on track month by month, for the hit list's categories and the owners alike (asked once;
        in `followup serve`, again only for the people who changed since the last build)."""
        keys = {person.slug: cache.fingerprint(self.stamp, self.today, self.journal.version(person))
                for person in self.journal.people}
        history = charts.OnTrackHistory(self.journal, {slug: states for slug, (key, states)
                                                       in self.between.on_track.items() if keys.get(slug) == key})
        self.between.on_track = {slug: (keys[slug], states) for slug, states in history.states.items()}
        return history

    @property
    def problems(self) -> list[Problem]:
        """Every problem of this build: the journal's, then the notes that could not be rendered."""
        return self.journal.problems + self.render_problems

    def page(self, page) -> GeneratedPage | None:
        return self.pages.get(page.file.src_uri)

    def asset(self, path: str) -> str:
        """A file of the site that is not a page (a feed), relative to the page being rendered."""
        return get_relative_url(path, self.page_url)

    def link(self, src_uri: str) -> str:
        """A generated page's URL relative to the page being rendered, so the site also works from disk."""
        folder, _, _ = src_uri.rpartition("/")
        if folder not in self.prefixes:  # one relative path per folder and page, not one per link
            self.prefixes[folder] = get_relative_url(f"{folder}/" if folder else "", self.page_url).rstrip("/") + "/"
        url = self.urls[src_uri]
        return self.prefixes[folder] + url[len(folder) + 1:] if folder else get_relative_url(url, self.page_url)

    def page_content(self, page, notes_html: str) -> str:
        """What MkDocs keeps as the page's content, which the search plugin indexes.

        A person page shows a card and a timeline, but search only needs the words: the name (the
        title), the categories, the notes and the log. Giving it those, not the markup of the whole
        page, is most of the difference between a slow and a fast search index on 10,000 pages.
        The page itself is rendered later, in on_page_context, from the notes kept here.
        """
        contact = self.contact_at.get(page.file.src_uri)
        if contact is None:
            return notes_html
        notes_html = sanitise(notes_html, page.url)
        # The name first, as a heading: search titles a page by its first heading, and notes may start with one.
        heading = f"<h1>{html.escape(contact.name)}</h1>"
        self.notes[page.file.src_uri] = notes_html
        words = [", ".join(contact.categories), *(entry.text for entry in contact.log)]
        return heading + notes_html + "".join(f"<p>{html.escape(text)}</p>" for text in words if text)

    def person_page_html(self, page) -> str:
        notes_html = self.notes.pop(page.file.src_uri)
        fingerprint = self.fingerprints.pop(page.file.src_uri, None) or self.person_fingerprint(page, notes_html)
        return self.drawn(page, fingerprint, notes_html)

    def person_fingerprint(self, page, notes_html: str) -> str:
        person = self.person_at[page.file.src_uri]
        return cache.fingerprint(self.stamp, self.journal.version(person), self.as_of_today(person),
                                 page.file.src_uri, notes_html, self.problems_of.get(person.contact.path),
                                 page.edit_url)

    def draw_ahead(self, files: Files) -> None:
        """Once every page's Markdown is read (on_env): with many pages to draw and a core to spare, a child
        draws them ahead of the build (helper.py)."""
        if self.kept is not None or not can_help():
            return
        held = self.store.fingerprints()
        stale = {}
        for file in files.documentation_pages():
            page = file.page
            if file.src_uri not in self.pages or page is None:
                continue
            fingerprint = self.fingerprints[file.src_uri] = self.person_fingerprint(page, self.notes[file.src_uri]) \
                if file.src_uri in self.notes else self.list_fingerprint(file.src_uri)
            if held.get(file.src_uri) != fingerprint:
                stale[file.src_uri] = page
        if len(stale) >= HELPED_FROM:
            self.helper = DrawingHelper(list(stale), lambda src_uri: self.render(stale[src_uri],
                                                                                 self.content_of(stale[src_uri])))

    def as_of_today(self, person: Person) -> object:
        """What a new day can change on a person page. person.html shows the day only through these
        (a touch that comes into the heatmap is a new last touch), so on a new day only the pages of
        people late, never touched or whose status changed are drawn again, and all of them once a
        week. A person template of one's own may show anything of the day: its pages are redrawn daily."""
        if self.own_person_template:
            return self.today
        due = person.due
        return (self.heatmap_start, due.status, due.last_touch, due.next_due, due.booking_passed, when(person),
                [self.journal.promise_is_late(promise) for promise in person.contact.promises])

    def list_page_html(self, page) -> str:
        """Drawn as the page is built, not with the rest of the Markdown: the lists of a big journal
        weigh 9 MB, which MkDocs would otherwise hold as page content until the build ends."""
        src_uri = page.file.src_uri
        fingerprint = self.fingerprints.pop(src_uri, None) or self.list_fingerprint(src_uri)
        return self.drawn(page, fingerprint, page.content)

    def list_fingerprint(self, src_uri: str) -> str:
        """A category's or an owner's page is drawn again only when one of their people changed, the lists of
        everyone whenever anyone did."""
        members = self.journal.categories.get(self.category_at[src_uri]) if src_uri in self.category_at else \
            self.journal.of_owner(self.owner_at[src_uri]).people if src_uri in self.owner_at else None
        if members is None:
            return cache.fingerprint(self.everyone, self.render_problems, src_uri)
        return cache.fingerprint(self.stamp, self.today, src_uri, self.journal.unread, len(self.problems),
                                 [(self.journal.version(person), person.due) for person in members])

    def content_of(self, page) -> str:
        """What a generated page is drawn from: a person's notes, or a list page's own content."""
        return self.notes.get(page.file.src_uri, page.content)

    def drawn(self, page, fingerprint: str, content: str) -> str:
        """The page as cached when nothing it is drawn from has changed, else rendered and kept."""
        shown = self.store.get(page.file.src_uri, fingerprint)
        if shown is None:
            shown = (self.helper.take(page.file.src_uri) if self.helper is not None else None) or \
                self.render(page, content)
            self.store.put(page.file.src_uri, fingerprint, shown)
        return shown

    def render(self, page, content: str) -> str:
        generated = self.pages[page.file.src_uri]
        kind, src_uri = generated.kind, generated.src_uri
        journal = self.journal
        self.page_url = page.url
        self.prefixes = {}
        context: dict[str, object] = {"journal": journal, "today": journal.today, "settings": self.settings,
                                      "content": content, "subject": generated.subject, "problems": self.problems,
                                      "subject_name": generated.title, "owner_filter": None}
        if kind is DUE:
            context["heatmap"] = Markup(charts.journal_heatmap(journal, "Everyone"))
        elif kind is PERSON:
            person = context["subject"] = self.person_at[src_uri]
            context["timeline"] = journal.timeline(person)
            context["heatmap"] = Markup(charts.person_heatmap(journal, person))
            context["file_problems"] = self.problems_of.get(person.contact.path, [])
            context["edit_url"] = page.edit_url
        elif kind is CATEGORIES:
            context["summaries"] = [{**category_summary(name, members), "trend": Markup(charts.sparkline(
                self.on_track.of(members), name))} for name, members in journal.categories.items()]
        elif kind is OWNERS:
            context["touch_days"] = TOUCH_DAYS
            context["summaries"] = [{**vars(summary), "size": summary.size, "source": owner_source(summary.key),
                                     "trend": Markup(charts.sparkline(self.on_track.of(summary.people), summary.name))}
                                    for summary in owner_summaries(journal)]
        elif kind is OWNER:
            key = self.owner_at[src_uri]
            view = journal.of_owner(key)
            context.update(journal=view, owner_filter="" if key == UNOWNED else key, owner_feed=owner_feed(key),
                           heatmap=Markup(charts.journal_heatmap(view, generated.title)))
        elif kind is CATEGORY:
            context["members"] = journal.categories[self.category_at[src_uri]]
        elif kind is REVIEW:
            context["review"] = weekly_review(journal)
        return self.env.get_template(kind.template).render(context)


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


def category_summary(name: str, members: list[Person]) -> dict:
    """Size, how many are overdue, and the share on track (not overdue, among those with a cadence)."""
    return {"name": name, "size": len(members), "overdue": sum(person.status == "overdue" for person in members),
            "on_track": rule.share_on_track([person.due for person in members])}


def problem_anchor(path: str) -> str:
    """The id of a file's problems on /problems/: readable, and unique even for paths that slugify alike."""
    return f"file-{slugify(path)[:40]}-{hashlib.sha1(path.encode('utf-8', 'surrogatepass')).hexdigest()[:6]}"


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def whole_dates(text: str) -> Markup:
    """Text whose dates a narrow column never breaks at their hyphens ("due 2026-\n12-14")."""
    return Markup(_ISO_DAY.sub(lambda day: f'<span class="fu-date">{day[0]}</span>', str(escape(text))))


def path_breaks(path: str) -> Markup:
    """A path that a narrow screen breaks after a '/': each part is kept whole (an inline block), and broken
    inside only when it is wider than the screen itself."""
    parts = path.split("/")
    return Markup("<wbr>").join(Markup('<span class="fu-part">{}</span>').format(part + ("/" if n < len(parts) else ""))
                                for n, part in enumerate(parts, start=1))


class LocalEditor:
    """Edit links that open a contact file in an editor of this machine, for a site served here."""

    def __init__(self, template: str, root: Path):
        self.template = template
        self.root = root.resolve()  # once: a contact's own path is inside it (no symbolic link is followed)

    def url(self, contact: Contact) -> str:
        # The cursor on the newest log line, where the next one goes; line 1 when there is no log yet.
        line = min((entry.line for entry in contact.log), default=1)
        return self.template.format(path=quote(str(self.root / contact.path), safe="/"), line=line)

