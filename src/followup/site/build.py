"""One build of the site: the journal loaded once, its generated pages added to MkDocs' files, each page drawn
from its template (or taken from the page cache when nothing it shows has changed).

Page bodies are rendered by a Jinja environment that escapes every value, so nothing written in a contact
file reaches the HTML unescaped; notes' HTML is sanitised on its final form (safe_html).
"""

from __future__ import annotations

import gc
import html
import json
import logging
import posixpath
import re
import xml.etree.ElementTree as etree
from collections import defaultdict
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from urllib.parse import quote

from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from mkdocs.exceptions import Abort
from mkdocs.structure.files import Files

from followup.core.contact import MENTION, Contact, Problem
from followup.core.dates import today as current_day
from followup.core.dates import today_is_fixed
from followup.core.relations import Directory
from followup.core.settings import Settings
from followup.formats.atom import ATOM_FEED, due_feed
from followup.formats.browser import dashboard_data
from followup.formats.calendar import FEED, journal_calendars
from followup.formats.links import category_feed, owner_feed, person_source
from followup.site.assets import GeneratedAssets
from followup.site.drawing import CompiledTemplates, PageDrawing
from followup.site.helper import HELPED_FROM, DrawingHelper, can_help
from followup.site.incremental import KeptPages
from followup.site.layout import Layout
from followup.site.pages import (
    GeneratedPage,
)
from followup.site.safe_html import is_elsewhere, sanitise
from followup.site.staleness import Staleness
from followup.store import cache
from followup.store.journal import (
    Held,
    Journal,
    JournalReading,
    Person,
)

log = logging.getLogger("mkdocs.plugins.followup")


class BetweenBuilds:
    """What the plugin keeps from one build to the next: `followup serve` builds again and again in one process,
    and MkDocs keeps the plugin, and this with it, across its rebuilds. Nothing of it is a module's."""

    def __init__(self) -> None:
        self.templates = CompiledTemplates()
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


class _Mentions(InlineProcessor):
    """[[tom-okafor]] or [[Tom Okafor]] in the notes: a link to that person's page, written as a link to its
    source (people/tom-okafor.md beside the page), which MkDocs checks and turns into the page's URL. One that
    names nobody stays as written (the problems list says so)."""

    def __init__(self, slug_of: Callable[[str], str | None]):
        super().__init__(MENTION.pattern)
        self.slug_of = slug_of

    def handleMatch(self, m: re.Match[str], data: str  # type: ignore[override]  # the stubs give Pattern's
                    ) -> tuple[etree.Element | None, int | None, int | None]:
        written = m.group(1).strip()
        slug = self.slug_of(written)
        if slug is None:
            return None, None, None
        link = etree.Element("a", {"class": "fu-mention", "href": posixpath.basename(person_source(slug))})
        link.text = written
        return link, m.start(0), m.end(0)


class PrivateNotes(Extension):
    """Notes are data: raw HTML is shown as text, never run; [[someone]] links to their page. `slug_of`: whom a
    mention names (SiteBuild.mention_slug), asked as each page is rendered."""

    def __init__(self, slug_of: Callable[[str], str | None]):
        super().__init__()
        self.slug_of = slug_of

    def extendMarkdown(self, md):
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        # Before links (160), which would read [[x]] as a reference; after code spans (190), which keep it as written.
        md.inlinePatterns.register(_Mentions(self.slug_of), "followup_mentions", 175)
        md.treeprocessors.register(_ImagesFromElsewhereAsLinks(md), "followup_images_as_links", 0)


class SiteBuild:
    """One build: the journal read once, its pages laid out (layout.py), each page's fingerprint (staleness.py)
    and each page drawn (drawing.py) or taken from the page cache."""

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
        # git starts reading the history now, while MkDocs lists the docs folder and reads the pages.
        self.reading = JournalReading(root, settings, self.today, held=between.read)
        self.assets = GeneratedAssets(root)
        self.layout = Layout()
        self.staleness = Staleness(settings, config.use_directory_urls, list(config.theme.dirs), TEMPLATES,
                                   self.today, self.fixed_day)
        self.drawing = PageDrawing(list(config.theme.dirs), between.templates, settings, self.layout,
                                   between.on_track)
        self.person_at: dict[str, Person] = {}  # each person page's person with their due state, once read
        # A person page's notes, sanitised, as followup gave them to MkDocs: the page's content is another plugin's to
        # rewrite after that (a hook prepending a <div> once shifted every offset into it, cutting notes mid-word).
        self.notes: dict[str, str] = {}
        self.fingerprints: dict[str, str] = {}  # a page's, when draw_ahead computed it
        self.helper: DrawingHelper | None = None
        self.render_problems: list[Problem] = []
        self.problems_of: dict[str, list[Problem]] = defaultdict(list)  # by contact file, for its person page
        self.editor = LocalEditor(settings.editor, root) if serving else None
        self.theme_dirs = list(config.theme.dirs)

    def build_files(self, files: Files, config) -> Files:
        """The generated pages, laid out from the contact files alone: git may still be reading the history."""
        contacts, problems, _ = self.reading.files
        for problem in problems:
            log.warning(str(problem))
            self.problems_of[problem.path].append(problem)
        if problems and self.strict:
            raise Abort(f"followup: {len(problems)} problem(s) in the journal and strict is on")
        if self.kept is not None:
            self.kept.start(config.site_dir)
            self.staleness.of_the_theme(config, self.theme_dirs)
        self.store = cache.PageStore(cache.cache_path(self.root, "pages", ".sqlite3"))
        files, person_pages = self.layout.lay_out(files, config, contacts, self.settings, self.root, self.own_nav,
                                                  self.editor.url if self.editor is not None else None,
                                                  self.render_failed)
        if self.kept is not None:
            # A dirty build decides now which person pages it leaves as they are: MkDocs asks before reading them.
            self.read_journal()
            for file, page in person_pages:
                person = self.person_at[file.src_uri]
                self.written_as[file.src_uri] = fingerprint = self.staleness.written_person(
                    self.journal, person, file.src_uri, self.problems_of.get(person.contact.path), page.edit_url)
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
        everyone = self.staleness.of_everyone(journal)
        self.drawing.begin(journal, self.person_at, lambda: self.problems, self.problems_of, self.staleness.stamp)
        url_of = self.layout.urls.__getitem__
        self.assets.start(self.store, everyone, [
            ([FEED, *map(category_feed, journal.categories), *map(owner_feed, journal.owners)],
             lambda: journal_calendars(journal, self.between.calendar_cache(self.root))),
            ([ATOM_FEED], lambda: {ATOM_FEED: due_feed(journal)}),
            ([DATA_SCRIPT], lambda: {DATA_SCRIPT: ("window.followupData = " + json.dumps(
                dashboard_data(journal, url_of, self.fixed_day), ensure_ascii=False) + ";\n").encode()}),
        ])

    def page(self, page) -> GeneratedPage | None:
        return self.layout.page(page)

    @cached_property
    def directory(self) -> Directory:
        return Directory(self.layout.contact_at.values())

    def mention_slug(self, target: str) -> str | None:
        """Whom a [[mention]] in the notes names, once the pages are laid out."""
        named = self.directory.named(target)
        return named.slug if named is not None else None

    def page_written(self, page) -> None:
        """Under a dirty build: a person page was drawn into the site folder (on_post_page)."""
        if self.kept is not None and page.file.src_uri in self.written_as:
            contact = self.layout.contact_at[page.file.src_uri]
            failed = any(problem.path == contact.path for problem in self.render_problems)
            self.kept.drawn(page.file, self.written_as[page.file.src_uri], page.url, failed)

    def finish(self, config) -> None:
        """The generated files into the site folder; under a dirty build, what is gone leaves it, and the search
        index is written whole."""
        self.stop_helping()
        self.assets.publish(config.site_dir)
        if self.kept is not None:
            self.kept.finish(set(self.layout.pages), {self.layout.urls[src_uri] for src_uri in self.person_at},
                             config.site_dir)

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

    @property
    def problems(self) -> list[Problem]:
        """Every problem of this build: the journal's, then the notes that could not be rendered."""
        return self.journal.problems + self.render_problems

    def page_content(self, page, notes_html: str) -> str:
        """What MkDocs keeps as the page's content, which the search plugin indexes.

        A person page shows a card and a timeline, but search only needs the words: the name (the
        title), the categories, the notes and the log. Giving it those, not the markup of the whole
        page, is most of the difference between a slow and a fast search index on 10,000 pages.
        The page itself is rendered later, in on_page_context, from the notes kept here.
        """
        contact = self.layout.contact_at.get(page.file.src_uri)
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
        return self.staleness.person(self.journal, person, page.file.src_uri, notes_html,
                                     self.problems_of.get(person.contact.path), page.edit_url)

    def list_fingerprint(self, src_uri: str) -> str:
        return self.staleness.listing(src_uri, self.journal, self.layout, self.render_problems)

    def draw_ahead(self, files: Files) -> None:
        """Once every page's Markdown is read (on_env): with many pages to draw and a core to spare, a child
        draws them ahead of the build (helper.py)."""
        if self.kept is not None or not can_help():
            return
        held = self.store.fingerprints()
        stale = {}
        for file in files.documentation_pages():
            page = file.page
            if file.src_uri not in self.layout.pages or page is None:
                continue
            fingerprint = self.fingerprints[file.src_uri] = self.person_fingerprint(page, self.notes[file.src_uri]) \
                if file.src_uri in self.notes else self.list_fingerprint(file.src_uri)
            if held.get(file.src_uri) != fingerprint:
                stale[file.src_uri] = page
        if len(stale) >= HELPED_FROM:
            self.helper = DrawingHelper(list(stale), lambda src_uri: self.render(stale[src_uri],
                                                                                 self.content_of(stale[src_uri])))

    def list_page_html(self, page) -> str:
        """Drawn as the page is built, not with the rest of the Markdown: the lists of a big journal
        weigh 9 MB, which MkDocs would otherwise hold as page content until the build ends."""
        src_uri = page.file.src_uri
        fingerprint = self.fingerprints.pop(src_uri, None) or self.list_fingerprint(src_uri)
        return self.drawn(page, fingerprint, page.content)

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
        return self.drawing.render(self.layout.pages[page.file.src_uri], page.url, page.edit_url, content)


class LocalEditor:
    """Edit links that open a contact file in an editor of this machine, for a site served here."""

    def __init__(self, template: str, root: Path):
        self.template = template
        self.root = root.resolve()  # once: a contact's own path is inside it (no symbolic link is followed)

    def url(self, contact: Contact) -> str:
        # The cursor on the newest log line, where the next one goes; line 1 when there is no log yet.
        line = min((entry.line for entry in contact.log), default=1)
        return self.template.format(path=quote(str(self.root / contact.path), safe="/"), line=line)

