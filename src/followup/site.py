"""The MkDocs view of the journal: generated pages for the Due dashboard, people and categories.

hooks/followup.py re-exports the event functions below. Page bodies are rendered from the
fragment templates in overrides/followup/ by a Jinja environment that escapes every value,
so nothing written in a contact file can reach the HTML unescaped.
"""

from __future__ import annotations

import gc
import html
import json
import logging
import os
import re
from pathlib import Path
from urllib.parse import quote

import jinja2
from markupsafe import Markup
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from mkdocs.exceptions import Abort, PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url

from . import cache, charts, dates
from . import due as rule
from .calendar import journal_calendar
from .contact import Problem
from .edit import atomic_write
from .journal import Journal, Person
from .names import slugify
from .resources import bundled
from .safe_html import is_elsewhere, sanitise
from .settings import SettingsError, settings_from_mapping

__all__ = ["on_startup", "on_config", "on_files", "on_page_markdown", "on_page_content", "on_page_context",
           "on_post_page", "on_post_build", "on_build_error"]

log = logging.getLogger("mkdocs.plugins.followup")

NAV = [
    {"Due": "index.md"},
    {"People": "people/index.md"},
    {"Hit list": "categories/index.md"},
    {"Inactive": "inactive.md"},
    {"Problems": "problems.md"},
]


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


class _PrivateNotes(Extension):
    """Notes are data: raw HTML is shown as text, never run."""

    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API)
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_ImagesFromElsewhereAsLinks(md), "followup_images_as_links", 0)


class PersonPage(Page):
    """A person's page. Their notes are rendered in a guarded step: notes that break Markdown (a list
    nested hundreds deep is a RecursionError) or that it cannot read in reasonable time are shown as
    written, one problem on /problems/, and the rest of the journal builds."""

    def __init__(self, file: File, config, site: Site, person: Person):
        super().__init__(None, file, config)
        self.site = site
        self.person = person

    def render(self, config, files) -> None:
        if not self.person.contact.notes_as_text:
            try:
                super().render(config, files)
                return
            except Exception as error:  # noqa: BLE001: any failure of any extension is this one page's
                self.site.render_failed(self.person, error)
        self.content = f"<pre class=\"fu-notes-text\">{html.escape(self.person.contact.notes)}</pre>"
        self.toc = get_toc([])
        self.present_anchor_ids = set()
        self.links_to_anchors = {}


class Site:
    def __init__(self, config):
        # Made absolute once: `mkdocs build -f mkdocs.yml` gives a relative config path and an absolute docs_dir.
        # (Not resolved: a contacts folder that is a symbolic link must stay one, to be refused.)
        docs_dir = Path(os.path.abspath(config.docs_dir))
        root = Path(os.path.abspath(config.config_file_path)).parent if config.config_file_path else docs_dir.parent
        extra = config.extra.get("followup")
        try:
            contacts = docs_dir.relative_to(root).as_posix() if docs_dir.is_relative_to(root) else str(docs_dir)
            self.settings = settings_from_mapping(extra, contacts)
        except SettingsError as error:
            raise PluginError(str(error)) from None
        self.root = root
        self.strict = self.settings.strict
        self.today = dates.today()
        self.heatmap_start = charts.heatmap_start(self.today)
        self.journal: Journal | None = None
        self.pages: dict[str, tuple[str, object]] = {}
        self.notes_span: dict[str, tuple[int, int]] = {}  # where a person page's notes are in its content
        self.render_problems: list[Problem] = []
        self.urls: dict[str, str] = {}
        self.page_url = ""
        self.prefixes: dict[str, str] = {}
        self.theme_dirs = list(config.theme.dirs)
        self.use_directory_urls = config.use_directory_urls
        self.store: cache.PageStore | None = None
        self.stamp = ""
        self.everyone = ""
        self.own_person_template = False
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(config.theme.dirs), auto_reload=False,
            autoescape=True, trim_blocks=True, lstrip_blocks=True,
        )
        # Filters rather than global functions: a compiled template calls a filter directly, but a
        # function through Context.call, which costs more than the work itself on 10,000 pages.
        self.env.globals["link"] = self.link
        self.env.filters.update(
            person_link=lambda person: self.link(person_page(person)),
            category_link=lambda name: self.link(category_page(name)), reach=reach_links, detail=detail,
            when=when,
        )

    def build_files(self, files: Files, config) -> Files:
        journal = Journal.load(self.root, self.settings, self.today)
        self.journal = journal
        # The journal lives until the build ends and holds no cycles to collect: set it aside from the
        # garbage collector, whose full passes would otherwise walk it again and again (on_post_build).
        gc.freeze()
        for problem in journal.problems:
            log.warning(str(problem))
        if journal.history.warning:
            log.warning(journal.history.warning)
        for skipped in journal.history.skipped:  # never a warning: only rewriting history could clear it
            log.info(f"followup: git history: {skipped}")
        if journal.problems and self.strict:
            raise Abort(f"followup: {len(journal.problems)} problem(s) in the journal and strict is on")
        # What every page depends on; a list page also depends on the day and on everyone in the journal.
        self.stamp = cache.fingerprint(self.settings, self.use_directory_urls, template_versions(self.theme_dirs))
        self.everyone = cache.fingerprint(self.stamp, self.today, [journal.version(person) for person in journal.people],
                                          journal.problems, journal.history.warning)
        self.own_person_template = template_in_use(self.theme_dirs, "person.html") != \
            (bundled("overrides") / "followup" / "person.html").resolve()
        self.store = cache.PageStore(cache.cache_path(self.root, "pages", ".sqlite3"))

        # Only generated pages are published: a photo, a stray file or a symbolic link to something
        # outside the journal in the contacts folder is never copied into the site.
        # (A new Files rather than files.remove: removing is a list scan each, quadratic at 10,000.)
        docs_dir = os.path.normpath(config.docs_dir)
        files = Files([file for file in files
                       if file.src_dir is None or os.path.normpath(file.src_dir) != docs_dir])

        self._add(files, config, "index.md", "due", None, in_nav=True)
        self._add(files, config, "people/index.md", "people", None, in_nav=True)
        self._add(files, config, "categories/index.md", "categories", None, in_nav=True)
        self._add(files, config, "inactive.md", "inactive", None, in_nav=True)
        self._add(files, config, "problems.md", "problems", None, in_nav=True)
        for category in journal.categories:
            self._add(files, config, category_page(category), "category", category)
        for person in journal.people:
            file = self._add(files, config, person_page(person), "person", person,
                             "" if person.contact.notes_as_text else person.contact.notes)
            PersonPage(file, config, self, person)
        files.append(self._asset(config, "followup.ics", lambda: journal_calendar(
            journal, self.settings.block, self.settings.calendar_notes, cache.cache_path(self.root, "calendar"))))
        files.append(self._asset(config, "followup-data.js", lambda: (
            "window.followupData = " + json.dumps(browser_data(journal, self.urls), ensure_ascii=False) + ";\n"
        ).encode()))
        return files

    def _asset(self, config, name: str, draw) -> File:
        """A generated file, kept in .followup-cache/site/ for MkDocs to copy like any static file (in
        memory it would be held until the build ends: 4 MB each at 10,000 contacts), and drawn again
        only when the journal or the day has changed since it was written."""
        folder = self.root / cache.FOLDER / "site"
        path = folder / name
        try:
            if self.store.get(name, self.everyone) is None or not path.is_file():
                folder.mkdir(parents=True, exist_ok=True)
                atomic_write(path, draw())
                self.store.put(name, self.everyone, "")  # kept only if the build ends well (close)
        except OSError:  # a read-only journal still builds
            return File.generated(config, name, content=draw())
        return File(name, str(folder), config.site_dir, config.use_directory_urls)

    def _add(self, files, config, src_uri, kind, subject, markdown="", in_nav=False):
        inclusion = InclusionLevel.INCLUDED if in_nav else InclusionLevel.NOT_IN_NAV
        # A leading newline keeps MkDocs from reading a note that opens with '---' as page metadata.
        file = File.generated(config, src_uri, content="\n" + markdown, inclusion=inclusion)
        files.append(file)
        self.pages[src_uri] = (kind, subject)
        self.urls[src_uri] = file.url
        return file

    def render_failed(self, person: Person, error: Exception) -> None:
        reason = "nested too deeply" if isinstance(error, RecursionError) else f"{type(error).__name__}: {error}"
        problem = Problem(person.contact.path, None, f"the notes could not be rendered ({reason[:200]}); "
                                                     "they are shown as plain text")
        self.render_problems.append(problem)
        log.warning(str(problem))
        if self.strict:
            raise Abort(f"followup: {problem} and strict is on")

    @property
    def problems(self) -> list[Problem]:
        """Every problem of this build: the journal's, then the notes that could not be rendered."""
        return self.journal.problems + self.render_problems

    def title(self, src_uri: str) -> str | None:
        kind, subject = self.pages.get(src_uri, (None, None))
        titles = {"due": "Due", "people": "People", "categories": "Hit list", "inactive": "Inactive",
                  "problems": "Problems"}
        if kind == "person":
            return subject.name
        if kind == "category":
            return subject
        return titles.get(kind)

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
        kind, subject = self.pages.get(page.file.src_uri, (None, None))
        if kind != "person":
            return notes_html
        notes_html = sanitise(notes_html, page.url)
        # The name first, as a heading: search titles a page by its first heading, and notes may start with one.
        heading = f"<h1>{html.escape(subject.name)}</h1>"
        self.notes_span[page.file.src_uri] = (len(heading), len(heading) + len(notes_html))
        words = [", ".join(subject.contact.categories), *(entry.text for entry in subject.contact.log)]
        return heading + notes_html + "".join(f"<p>{html.escape(text)}</p>" for text in words if text)

    def kind(self, page) -> str | None:
        return self.pages.get(page.file.src_uri, (None,))[0]

    def person_page_html(self, page) -> str:
        # The notes are cut from the page's content rather than kept twice, 4 MB at 10,000 contacts.
        # (Plugins read the content in on_page_context; none of MkDocs' or Material's rewrites it.)
        start, end = self.notes_span.pop(page.file.src_uri)
        notes_html = page.content[start:end]
        _, person = self.pages[page.file.src_uri]
        fingerprint = cache.fingerprint(self.stamp, self.journal.version(person), self.as_of_today(person),
                                        page.file.src_uri, notes_html)
        return self.drawn(page, fingerprint, notes_html)

    def as_of_today(self, person: Person) -> object:
        """What a new day can change on a person page. person.html shows the day only through these
        (a touch that comes into the heatmap is a new last touch), so on a new day only the pages of
        people late, never touched or whose status changed are drawn again, and all of them once a
        week. A person template of one's own may show anything of the day: its pages are redrawn daily."""
        if self.own_person_template:
            return self.today
        due = person.due
        return (self.heatmap_start, due.status, due.last_touch, due.next_due, when(person),
                [self.journal.promise_is_late(promise) for promise in person.contact.promises])

    def list_page_html(self, page) -> str:
        """Drawn as the page is built, not with the rest of the Markdown: the lists of a big journal
        weigh 9 MB, which MkDocs would otherwise hold as page content until the build ends."""
        return self.drawn(page, cache.fingerprint(self.everyone, self.render_problems, page.file.src_uri), page.content)

    def drawn(self, page, fingerprint: str, content: str) -> str:
        """The page as cached when nothing it is drawn from has changed, else rendered and kept."""
        shown = self.store.get(page.file.src_uri, fingerprint)
        if shown is None:
            shown = self.render(page, content)
            self.store.put(page.file.src_uri, fingerprint, shown)
        return shown

    def render(self, page, content: str) -> str:
        kind, subject = self.pages[page.file.src_uri]
        journal = self.journal
        self.page_url = page.url
        self.prefixes = {}
        context = {"journal": journal, "today": journal.today, "settings": self.settings, "content": content,
                   "subject": subject, "problems": self.problems}
        if kind == "due":
            context["heatmap"] = Markup(charts.journal_heatmap(journal))
        if kind == "person":
            context["timeline"] = journal.timeline(subject)
            context["heatmap"] = Markup(charts.person_heatmap(journal, subject))
        if kind == "categories":
            trend = charts.on_track_history(journal)
            context["summaries"] = [{**category_summary(name, members), "trend": Markup(charts.sparkline(
                trend[name], name))} for name, members in journal.categories.items()]
        if kind == "category":
            context["members"] = journal.categories[subject]
        return self.env.get_template(f"followup/{kind}.html").render(context)


def template_in_use(theme_dirs: list[str], name: str) -> Path | None:
    """The page fragment Jinja loads: the first theme folder that has it (a user's overrides come first)."""
    for folder in theme_dirs:
        path = Path(folder, "followup", name)
        if path.is_file():
            return path.resolve()
    return None


def template_versions(theme_dirs: list[str]) -> list[tuple[str, int, int]]:
    """The page fragments that could be used (a user's overrides come first), as path, size, mtime."""
    found = []
    for folder in theme_dirs:
        for path in sorted(Path(folder).glob("followup/*.html")):
            status = path.stat()
            found.append((str(path), status.st_size, status.st_mtime_ns))
    return found


def browser_data(journal: Journal, urls: dict[str, str]) -> dict:
    """What the Due dashboard needs to redo the due rule in the browser on a later day (followup.js).

    Cadences are resolved here (category defaults included) and every known touch date is listed,
    so the browser only does date arithmetic; names carry Python's casefold for the same order.
    """
    def day(value):
        return value.isoformat() if value is not None else None

    people = []
    for person in journal.people:
        contact, cadence = person.contact, person.due.cadence
        yearly = ([("birthday", contact.birthday)] if contact.birthday else []) + list(contact.dates.items())
        people.append({
            "slug": person.slug, "name": person.name, "key": person.name.casefold(),
            "url": urls[person_page(person)], "cadence": [cadence.count, cadence.unit] if cadence else None,
            "touches": [day(d) for d in journal.touch_dates(person)], "next": day(contact.next),
            "snooze": day(contact.snooze_until), "channel": contact.channel,
            "reach": reach_links(person),
            "promises": [{"due": day(p.due), "what": p.what} for p in contact.promises],
            "yearly": [{"label": label, "month": d.month, "day": d.day, "year": d.year} for label, d in yearly],
        })
    settings = journal.settings
    return {"built": journal.today.isoformat(), "years": [dates.FIRST_YEAR, dates.LAST_YEAR],
            "soon_days": settings.soon_days,
            "picks_per_day": settings.picks_per_day, "dates_days": settings.dates_days,
            "dashboard_rows": settings.dashboard_rows, "people": people}


def detail(value: object) -> str:
    """Another key's value, as short text whatever it holds (a deeply nested import, a long list)."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        text = str(value)
    else:
        try:
            text = json.dumps(value, ensure_ascii=False, default=str)
        except (RecursionError, ValueError):
            text = "(too deeply nested to show)"
    return text if len(text) <= 300 else text[:299] + "…"


def _page_name(slug: str) -> str:
    """'index' would land on the folder's own list page (people/index.md), so it takes another name."""
    return "index-page" if slug == "index" else slug


def person_page(person: Person) -> str:
    return f"people/{_page_name(person.slug)}.md"


def category_page(name: str) -> str:
    return f"categories/{_page_name(slugify(name))}.md"


def category_summary(name: str, members: list[Person]) -> dict:
    """Size, how many are overdue, and the share on track (not overdue, among those with a cadence)."""
    return {"name": name, "size": len(members), "overdue": sum(person.status == "overdue" for person in members),
            "on_track": rule.share_on_track([person.due for person in members])}


def when(person: Person) -> str:
    """The few words after a status: "7 days late", "due 2026-12-01"... (followup.js says the same)."""
    due, contact = person.due, person.contact
    if due.status == "booked":
        return f"booked {contact.next}"
    if due.status == "snoozed":
        return f"snoozed until {contact.snooze_until}"
    if due.status == "none":
        return "no cadence"
    if due.never_touched:
        return "never touched"
    if due.days_late > 0:
        return f"{due.days_late} day{'s' if due.days_late != 1 else ''} late"
    return "due today" if due.days_late == 0 else f"due {due.next_due}"


def reach_links(person: Person) -> list[dict]:
    """One-tap links for a person, the preferred channel first."""
    contact = person.contact
    channel = (contact.channel or "").casefold()
    links = []
    for phone in contact.phones[:1]:
        number = "".join(c for c in phone if c.isdigit() or c == "+")
        links.append({"kind": "phone", "label": "Call", "href": f"tel:{number}", "preferred": channel == "phone"})
        links.append({"kind": "text", "label": "Text", "href": f"sms:{number}", "preferred": channel == "text"})
    for email in contact.emails[:1]:
        links.append({"kind": "email", "label": "Mail", "href": f"mailto:{quote(email, safe='@')}",
                      "preferred": channel == "email"})
    return sorted(links, key=lambda item: not item["preferred"])


_site: Site | None = None
_command: str | None = None


def on_startup(command, dirty):
    global _command
    _command = command


def on_config(config):
    global _site
    folder = str(bundled("overrides"))
    if folder not in config.theme.dirs:
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, folder)
    _site = Site(config)
    if _command == "gh-deploy" and not _site.settings.publish:
        raise PluginError("refusing to publish a private journal with gh-deploy; set extra.followup.publish: "
                          "true in mkdocs.yml if you really mean to put it on the web")
    if not config.nav:
        config.nav = NAV
    # Privacy: Material would otherwise load Roboto from Google Fonts on every page view.
    config.theme["font"] = False
    config.markdown_extensions.append(_PrivateNotes())
    config.extra.setdefault("generator", False)
    if config.strict:
        _site.strict = True
    return config


def on_files(files, config):
    return _site.build_files(files, config)


def on_page_markdown(markdown, page, config, files):
    title = _site.title(page.file.src_uri)
    if title is not None:
        page.meta["title"] = html.escape(title)
    if _site.pages.get(page.file.src_uri, ("",))[0] != "person":
        # Lists of everyone would only repeat the person pages in search results, at a high indexing cost.
        page.meta["search"] = {"exclude": True}
    return markdown


def on_page_content(html_content, page, config, files):
    return _site.page_content(page, html_content)


def on_page_context(context, page, config, nav):
    kind = _site.kind(page)
    if kind == "person":
        context["followup_page"] = Markup(_site.person_page_html(page))  # rendered by the autoescaping environment
    elif kind is not None:
        page.content = _site.list_page_html(page)
    return context


def on_post_page(output, page, config):
    if _site.kind(page) not in (None, "person"):
        page.content = ""  # written: let the list go (list_page_html)
    return output


def on_post_build(config):
    _site.store.close()
    gc.unfreeze()  # `followup serve` builds again and again in one process: let this build's objects go


def on_build_error(error):
    if _site is not None and _site.store is not None:
        _site.store.abandon()
    gc.unfreeze()
