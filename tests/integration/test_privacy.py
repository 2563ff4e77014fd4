"""The built site makes no request to another host: no fonts, scripts, styles or images from outside."""

import re

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.build  # also run under ProperDocs in CI

EXTERNAL = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
LOADING_ATTRIBUTES = ("src", "href", "srcset", "poster", "data", "action", "formaction", "background")
# Material's bundle names two hosts it only contacts on demand: unpkg.com for Mermaid diagrams (a page
# with a .mermaid element) and a ResizeObserver polyfill (browsers without one), and api.github.com
# for repository facts (a site with repo_url). The journal has neither; the browser test watches requests.
ON_DEMAND_ONLY = {"unpkg.com", "api.github.com"}


def test_no_request_leaves_the_machine(journal):
    journal.write("ana.md", "---\nname: Ana\ncadence: weekly\nemail: ana@example.org\nwebsite: https://example.org\n"
                            "---\nSee https://example.org and ![photo](https://example.org/x.png)\n\n"
                            "```mermaid\ngraph TD; A-->B\n```\n")
    journal.commit("Add Ana")
    journal.build()
    site = journal.root / "site"
    for page in site.rglob("*.html"):
        soup = BeautifulSoup(page.read_text(), "html.parser")
        for element in soup.find_all(True):
            if element.name == "a":  # a link is followed only when clicked
                continue
            for attribute in LOADING_ATTRIBUTES:
                value = element.get(attribute)
                if value:
                    assert not EXTERNAL.match(" ".join(value) if isinstance(value, list) else value), \
                        (page, str(element)[:200])
            assert not re.search(r"url\(\s*['\"]?(https?:)?//", element.get("style", "")), page
        for style in soup.find_all("style"):
            assert not re.search(r"(url\(|@import)\s*['\"]?(https?:)?//", style.get_text()), page
        assert not soup.select(".mermaid, .md-source"), page
    for css in site.rglob("*.css"):
        assert not re.search(r"(url\(|@import)\s*['\"]?(https?:)?//", css.read_text()), css
    for script in site.rglob("*.js"):
        code = re.sub(r"/\*.*?\*/", "", script.read_text(errors="replace"), flags=re.S)
        hosts = {m.group(2) for m in re.finditer(r"""["'`](https?:)?//([a-zA-Z0-9.-]+\.[a-z]{2,})""", code)}
        assert hosts <= ON_DEMAND_ONLY, (script, hosts)
    assert "fonts.googleapis.com" not in (site / "index.html").read_text()
