"""Notes' HTML made safe to show, decided on the final HTML that Markdown and every extension produced.

nh3 (ammonia, an HTML5 parser) reads the HTML as a browser would, entities decoded and whitespace
and control characters in URLs dropped, and keeps only what is on these lists: no script, no event
handler or style attribute whatever Markdown extensions a journal turns on, links only to the
schemes below or relative, and images only from a relative path inside the site (anything else
would be fetched from another host, or from the disk, on every view).
"""

from __future__ import annotations

import html
import posixpath
import re
from urllib.parse import unquote

import nh3

LINK_SCHEMES = {"http", "https", "mailto", "tel", "sms"}
_TAGS = nh3.ALLOWED_TAGS | {"input"}  # input: task-list checkboxes
_ATTRIBUTES = {
    "*": {"class", "title", "lang", "dir"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "input": {"type", "checked", "disabled"},
    "ol": {"start"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    **{tag: {"id"} for tag in ("h1", "h2", "h3", "h4", "h5", "h6", "li", "sup")},  # anchors: toc, footnotes
}
_URL_NOISE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def _as_browser_reads(url: str) -> str:
    """A URL as a browser sees it (WHATWG): tabs and newlines anywhere dropped, spaces and control
    characters at either end stripped, a backslash read as a slash."""
    return _URL_NOISE.sub("", html.unescape(url)).strip("".join(map(chr, range(33)))).replace("\\", "/")


def is_elsewhere(url: str) -> bool:
    """Whether a URL names another host, another scheme or the root of the disk rather than a path
    relative to the page."""
    seen = _as_browser_reads(url)
    return seen.startswith("/") or bool(_SCHEME.match(seen))


def inside_site(url: str, page_url: str) -> bool:
    """Whether a relative URL stays inside the site when resolved from the page at `page_url`."""
    if not url.strip() or is_elsewhere(url):
        return False
    # Decided on the path the browser asks for: `%2e%2e` is a `..` segment to it, so it is one here too.
    path = unquote(re.split(r"[?#]", _as_browser_reads(url), maxsplit=1)[0])
    if is_elsewhere(path):
        return False
    folder = page_url if page_url.endswith("/") else posixpath.dirname(page_url)
    resolved = posixpath.normpath(posixpath.join(folder, path))
    return resolved != ".." and not resolved.startswith("../")


def sanitise(fragment: str, page_url: str) -> str:
    """The fragment with only safe tags, attributes, link schemes and in-site images left."""
    def keep(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src" and not inside_site(value, page_url):
            return None
        return value

    return nh3.clean(fragment, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes=LINK_SCHEMES, attribute_filter=keep,
                     link_rel="noopener noreferrer")
