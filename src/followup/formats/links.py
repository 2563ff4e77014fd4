"""Where each page of the site is. The site puts its pages here, and the feeds and the digest link to them
from outside it (absolute, under MkDocs' site_url), so both read the one table."""

from __future__ import annotations

from followup.core.names import category_key, slugify
from followup.core.settings import Settings


def _page_name(slug: str) -> str:
    """'index' would land on the folder's own list page (people/index.md), so it takes a name no slug can have
    (slugs have no '_'): `contacts/index.md` and `contacts/index-page.md` keep a page each."""
    return "index_" if slug == "index" else slug


def person_source(slug: str) -> str:
    """A person's page, as a source path of the site."""
    return f"people/{_page_name(slug)}.md"


def category_source(name: str) -> str:
    return f"categories/{_page_name(category_key(name))}.md"


def organisation_source(key: str) -> str:
    """An organisation's page, by its key (category_key of its name)."""
    return f"organisations/{_page_name(key)}.md"


def category_feed(name: str) -> str:
    """The calendar of one category's people."""
    return f"calendar/{category_key(name)}.ics"


def owner_source(key: str) -> str:
    """An owner's dashboard (UNOWNED's: of the relationships nobody keeps)."""
    return f"owners/{_page_name(slugify(key))}.md"


def owner_feed(key: str) -> str:
    """The calendar of one owner's people."""
    return f"owners/{_page_name(slugify(key))}.ics"


def page_url(source: str, directory_urls: bool) -> str:
    """The URL MkDocs gives a source path: people/ada.md is people/ada/ (or people/ada.html), an index its folder."""
    stem = source.removesuffix(".md")
    folder, _, name = stem.rpartition("/")
    prefix = f"{folder}/" if folder else ""
    if name == "index":
        return prefix if directory_urls else f"{prefix}index.html"
    return f"{prefix}{name}/" if directory_urls else f"{prefix}{name}.html"


def site_link(settings: Settings, source: str) -> str | None:
    """The absolute URL of a page when the site's address (site_url) is known."""
    return settings.site_url + page_url(source, settings.directory_urls) if settings.site_url else None
