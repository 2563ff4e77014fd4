"""Each generated page drawn from its template (followup/<kind>.html) by a Jinja environment that escapes every
value, so nothing written in a contact file reaches the HTML unescaped; links are relative to the page drawn,
so the site also works from disk."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from functools import cached_property

import jinja2
from markupsafe import Markup, escape
from mkdocs.utils import get_relative_url

from followup.core import due as rule
from followup.core.contact import MENTION, Problem
from followup.core.due import STATUS_ORDER
from followup.core.names import slugify
from followup.core.settings import Settings
from followup.core.shown import shown_value
from followup.formats.browser import reach_links
from followup.formats.links import (
    category_feed,
    category_source,
    organisation_source,
    owner_feed,
    owner_source,
    person_source,
)
from followup.formats.wording import WORDS, detail, labels, organisation_when, when
from followup.site import charts
from followup.site.layout import Layout
from followup.site.pages import CATEGORIES, CATEGORY, DUE, ORGANISATION, OWNER, OWNERS, PERSON, REVIEW, GeneratedPage
from followup.store import cache
from followup.store.journal import UNOWNED, Journal, Person
from followup.store.owners import TOUCH_DAYS, owner_summaries
from followup.store.review import weekly_review


class CompiledTemplates(jinja2.BytecodeCache):
    """Page templates compiled once (BetweenBuilds), each checked against its source: an edited template is
    compiled again."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


class PageDrawing:
    """The pages of one build, drawn once the journal is read (begin)."""

    journal: Journal

    def __init__(self, theme_dirs: list[str], compiled: CompiledTemplates, settings: Settings, layout: Layout,
                 on_track_before: dict[str, tuple[str, list]]):
        """`on_track_before`: the last build's month-end states of each person, with what they were computed
        from, which this build brings up to date."""
        self.settings, self.layout, self.on_track_before = settings, layout, on_track_before
        self.page_url = ""
        self.prefixes: dict[str, str] = {}
        self.person_at: dict[str, Person] = {}
        self.problems: Callable[[], list[Problem]] = list
        self.problems_of: dict[str, list[Problem]] = {}
        self.stamp = ""
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(theme_dirs), auto_reload=False, bytecode_cache=compiled,
            autoescape=True, trim_blocks=True, lstrip_blocks=True, finalize=shown_value,
        )
        # Filters rather than global functions: a compiled template calls a filter directly, but a
        # function through Context.call, which costs more than the work itself on 10,000 pages.
        self.env.globals.update(link=self.link, asset=self.asset, words=WORDS,
                                status_rank={status: rank for rank, status in enumerate(STATUS_ORDER)})
        self.env.filters.update(
            person_link=lambda person: self.link(person_source(person.slug)),
            organisation_link=lambda organisation: self.link(organisation_source(organisation.key)),
            organisation_when=lambda organisation: organisation_when(organisation.due),
            category_link=lambda name: self.link(category_source(name)),
            reach=lambda person: reach_links(person, settings.default_region), detail=detail,
            when=when, labels=labels, category_feed=category_feed, problem_anchor=problem_anchor,
            path_breaks=path_breaks, whole_dates=whole_dates, mentions=self.mentions,
            relations=lambda person: self.journal.relations_of(person),
        )

    def begin(self, journal: Journal, person_at: dict[str, Person], problems: Callable[[], list[Problem]],
              problems_of: dict[str, list[Problem]], stamp: str) -> None:
        """`problems`: every problem of the build as it is when a page is drawn; `stamp`: what every page depends
        on (Staleness)."""
        self.journal, self.person_at, self.problems, self.problems_of, self.stamp = \
            journal, person_at, problems, problems_of, stamp

    def asset(self, path: str) -> str:
        """A file of the site that is not a page (a feed), relative to the page being rendered."""
        return get_relative_url(path, self.page_url)

    def link(self, src_uri: str) -> str:
        """A generated page's URL relative to the page being rendered."""
        folder, _, _ = src_uri.rpartition("/")
        if folder not in self.prefixes:  # one relative path per folder and page, not one per link
            self.prefixes[folder] = get_relative_url(f"{folder}/" if folder else "", self.page_url).rstrip("/") + "/"
        url = self.layout.urls[src_uri]
        return self.prefixes[folder] + url[len(folder) + 1:] if folder else get_relative_url(url, self.page_url)

    def mentions(self, text: str) -> Markup:
        """A log line with each [[someone]] it names a link to their page, the rest escaped."""
        parts, at = [], 0
        for match in MENTION.finditer(text):
            named = self.journal.directory.named(match.group(1).strip())
            if named is None:
                continue
            parts += [escape(text[at:match.start()]), Markup('<a class="fu-mention" href="{}">{}</a>').format(
                self.link(person_source(named.slug)), match.group(1).strip())]
            at = match.end()
        return Markup("").join([*parts, escape(text[at:])])

    @cached_property
    def on_track(self) -> charts.OnTrackHistory:
        """The share on track month by month, for the hit list's categories and the owners alike (asked once;
        in `followup serve`, again only for the people who changed since the last build)."""
        journal = self.journal
        keys = {person.slug: cache.fingerprint(self.stamp, journal.today, journal.version(person))
                for person in journal.people}
        history = charts.OnTrackHistory(journal, {slug: states for slug, (key, states)
                                                  in self.on_track_before.items() if keys.get(slug) == key})
        self.on_track_before.clear()
        self.on_track_before.update((slug, (keys[slug], states)) for slug, states in history.states.items())
        return history

    def render(self, generated: GeneratedPage, page_url: str, edit_url: str | None, content: str) -> str:
        kind, src_uri = generated.kind, generated.src_uri
        journal = self.journal
        self.page_url = page_url
        self.prefixes = {}
        context: dict[str, object] = {"journal": journal, "today": journal.today, "settings": self.settings,
                                      "content": content, "subject": generated.subject, "problems": self.problems(),
                                      "subject_name": generated.title, "owner_filter": None}
        if kind is DUE:
            context["heatmap"] = Markup(charts.journal_heatmap(journal, "Everyone"))
        elif kind is PERSON:
            person = context["subject"] = self.person_at[src_uri]
            context["timeline"] = journal.timeline(person)
            context["heatmap"] = Markup(charts.person_heatmap(journal, person))
            context["file_problems"] = self.problems_of.get(person.contact.path, [])
            context["edit_url"] = edit_url
        elif kind is CATEGORIES:
            context["summaries"] = [{**category_summary(name, members), "trend": Markup(charts.sparkline(
                self.on_track.of(members), name))} for name, members in journal.categories.items()]
        elif kind is OWNERS:
            context["touch_days"] = TOUCH_DAYS
            context["summaries"] = [{**vars(summary), "size": summary.size, "source": owner_source(summary.key),
                                     "trend": Markup(charts.sparkline(self.on_track.of(summary.people), summary.name))}
                                    for summary in owner_summaries(journal)]
        elif kind is OWNER:
            key = self.layout.owner_at[src_uri]
            view = journal.of_owner(key)
            context.update(journal=view, owner_filter="" if key == UNOWNED else key, owner_feed=owner_feed(key),
                           heatmap=Markup(charts.journal_heatmap(view, generated.title)))
        elif kind is CATEGORY:
            context["members"] = journal.categories[self.layout.category_at[src_uri]]
        elif kind is REVIEW:
            context["review"] = weekly_review(journal)
        elif kind is ORGANISATION:
            organisation = context["subject"] = journal.find_organisation(self.layout.organisation_at[src_uri])
            context["timeline"] = journal.organisation_timeline(organisation)
        return self.env.get_template(kind.template).render(context)


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


