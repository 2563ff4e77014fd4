"""Every value from a contact file reaches the HTML as text: names, keys, notes, commit subjects, problems."""

import json
import re

import pytest
import yaml

from helpers import module_journal

pytestmark = pytest.mark.build  # also run under ProperDocs in CI

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    '"><svg onload=alert(3)>',
    "'><iframe src=javascript:alert(4)></iframe>",
    "</title><script>alert(5)</script>",
    "<a href=javascript:alert(6)>click</a>",
    "{{ 7*7 }}{% raw %}",
]


def quoted(text: str) -> str:
    return yaml.safe_dump(text, default_style='"').strip()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """One journal of every payload in every field, built once: the checks below only read its site."""
    with module_journal(tmp_path_factory) as journal:
        yield written_and_built(journal)


def written_and_built(journal):
    for number, payload in enumerate(PAYLOADS):
        journal.write(f"p{number}.md", f"""\
            ---
            name: {quoted(payload)}
            categories: [{quoted(payload)}]
            cadence: weekly
            last_touch: 2026-11-01
            channel: {quoted(payload)}
            phone: {quoted(payload)}
            email: {quoted(payload)}
            owner: {quoted(payload)}
            birthday: 12-01
            dates: {{{quoted(payload)}: 12-02}}
            {quoted(payload)}: {quoted(payload)}
            promises:
              - {{due: 2026-11-20, what: {quoted(payload)}}}
            ---
            Notes: {payload}

            ## Log
            - 2026-11-01 {payload}
            """)
        journal.write(f"bad{number}.md", f"---\nname: Bad {number}\ncadence: {quoted(payload)}\n---\n")
    journal.write("inactive.md", f"---\nname: {quoted(PAYLOADS[1])}\nstatus: inactive\ncadence: weekly\n---\n")
    journal.commit(PAYLOADS[0] + " " + PAYLOADS[1])
    (journal.contacts / "p0.md").write_text((journal.contacts / "p0.md").read_text() + "more\n")
    journal.commit(PAYLOADS[2])
    journal.build()
    return journal


def assert_inert(soup, where):
    for element in soup.find_all(True):
        assert element.name != "iframe", (where, str(element)[:200])
        for attribute, value in element.attrs.items():
            assert not attribute.startswith("on"), (where, str(element)[:200])
            text = " ".join(value) if isinstance(value, list) else str(value)
            assert not text.strip().lower().startswith("javascript:"), (where, str(element)[:200])
        if element.name == "img":
            assert element.get("src") != "x", where
        if element.name == "script" and not element.get("src"):
            assert "alert(" not in element.get_text(), where
    # No template ever ran {{ 7*7 }}; as a word, since a short commit hash may hold the digits 49.
    assert not re.search(r"\b49\b", soup.get_text()), where


def test_payloads_are_text_on_every_page(hostile):
    site = hostile.root / "site"
    pages = list(site.rglob("index.html"))
    kinds = {p.parent.relative_to(site).as_posix().split("/")[0] for p in pages}
    assert {".", "people", "categories", "inactive", "problems"} <= kinds
    for page in pages:
        assert_inert(hostile.page(page.parent.relative_to(site).as_posix() if page.parent != site else ""), page)
    person = hostile.page("people/p1")
    assert person.select_one("h1").get_text() == PAYLOADS[1]
    assert person.title.get_text().startswith(PAYLOADS[1])
    assert PAYLOADS[1] in [a.get_text() for a in person.select(".fu-category")]
    assert PAYLOADS[1] in person.select_one(".fu-owner").get_text()
    assert any(PAYLOADS[1] == dt.get_text() for dt in person.select(".fu-card dt"))
    assert f"Notes: {PAYLOADS[1]}" in person.select_one(".fu-notes").get_text()
    assert [li.select_one(".fu-text").get_text() for li in person.select(".fu-timeline li")][-1] == PAYLOADS[1]
    subjects = [li.select_one(".fu-text").get_text() for li in hostile.page("people/p0").select(".fu-timeline li")]
    assert PAYLOADS[2] in subjects
    problems = hostile.page("problems").get_text()
    assert PAYLOADS[4] in problems or quoted(PAYLOADS[4])[1:-1] in problems


def test_search_index_holds_only_escaped_text(hostile):
    index = json.loads((hostile.root / "site/search/search_index.json").read_text())
    for doc in index["docs"]:
        for field in ("title", "text"):
            for payload in PAYLOADS[:6]:
                assert payload not in doc[field], (doc["location"], field)
    titles = {doc["location"]: doc["title"] for doc in index["docs"]}
    assert titles["people/p1/"] == "&lt;img src=x onerror=alert(2)&gt;"


def test_links_from_contact_values_cannot_run_script(hostile):
    for page in ("", "people/p6", "people"):
        for link in hostile.page(page).select("a.fu-reach"):
            assert link["href"].split(":", 1)[0] in ("tel", "sms", "mailto"), link
