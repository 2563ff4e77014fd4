"""People linked to people on a real journal: [[mentions]] in notes and log lines, relations both ways, and what
names nobody, through the command line and a real `mkdocs build`."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.build

ANA = """---
name: Ana Ribeiro
cadence: monthly
last_touch: 2026-11-20
relations: {spouse: tom-okafor, referred_by: Priya Nair, mentor: [bo-nobody]}
---
Met through [[Priya Nair]] at the course. `[[not-a-mention]]` is code.

## Log
- 2026-11-20 Lunch with [[tom-okafor]] and [[Tomm Okafor]]
"""


def card_of(page) -> dict[str, str]:
    return {dt.get_text(): dd.get_text(strip=True)
            for dt, dd in zip(page.select(".fu-card dt"), page.select(".fu-card dd"), strict=True)}


@pytest.fixture
def linked(journal):
    journal.write("ana-ribeiro.md", ANA)
    journal.write("tom-okafor.md", "---\nname: Tom Okafor\ncadence: quarterly\n---\n")
    journal.write("priya-nair.md", "---\nname: Priya Nair\ncadence: yearly\nlast_touch: 2026-10-01\n---\n")
    journal.commit("Three", date="2026-11-20")
    return journal


def test_mentions_and_relations_on_the_pages_and_what_names_nobody(linked):
    journal = linked
    check = journal.followup("check")
    assert check.returncode == 1
    assert "contacts/ana-ribeiro.md:10: [[Tomm Okafor]] names nobody in the journal; closest: Tom Okafor " \
           "(tom-okafor)" in check.stdout
    assert "contacts/ana-ribeiro.md:5: relations: mentor: 'bo-nobody' names nobody in the journal" in check.stdout
    assert "not-a-mention" not in check.stdout  # in code: shown as written, no mention
    journal.build()
    ana = journal.page("people/ana-ribeiro")
    assert [(a.get_text(), a["href"]) for a in ana.select(".fu-notes a.fu-mention")] == \
        [("Priya Nair", "../priya-nair/")]
    lunch = ana.select_one('.fu-timeline li[data-kind="log"][data-date="2026-11-20"] .fu-text')
    assert [(a.get_text(), a["href"]) for a in lunch.select("a.fu-mention")] == [("tom-okafor", "../tom-okafor/")]
    assert "[[Tomm Okafor]]" in lunch.get_text()
    card = card_of(ana)
    assert card["spouse"] == "Tom Okafor" and card["referred by"] == "Priya Nair"

    tom = journal.page("people/tom-okafor")
    card = card_of(tom)
    assert card["spouse"] == "Ana Ribeiro" and card["Last touch"] == "never"  # a mention is not a touch of Tom
    assert [li.get_text(" ", strip=True) for li in tom.select(".fu-mentioned-by li")] == \
        ["2026-11-20 Ana Ribeiro : Lunch with tom-okafor and [[Tomm Okafor]]"]
    assert tom.select_one('.fu-timeline li[data-kind="mentioned"]')["data-date"] == "2026-11-20"
    priya = journal.page("people/priya-nair")
    assert [li.select_one(".fu-name").get_text() for li in priya.select(".fu-mentioned-by li")] == ["Ana Ribeiro"]
    assert "referred" in [dt.get_text() for dt in priya.select(".fu-card dt")]
    rows = {tr["data-slug"]: tr.select_one(".fu-relations").get_text() for tr in journal.page("people").select(
        "tr.fu-person")}
    assert rows["ana-ribeiro"] == "spouse Tom Okafor; referred by Priya Nair" and rows["priya-nair"] == \
        "referred Ana Ribeiro"

    shown = json.loads(journal.followup("show", "tom", "--json").stdout)[0]
    assert shown["relations"] == [{"label": "spouse", "slug": "ana-ribeiro", "name": "Ana Ribeiro",
                                   "written_by": "ana-ribeiro"}]
    assert [(m["slug"], m["date"]) for m in shown["mentioned_by"]] == [("ana-ribeiro", "2026-11-20")]
    text = journal.followup("show", "priya").stdout
    assert "referred      Ana Ribeiro (ana-ribeiro)" in text and "Mentioned by" in text

    # Priya mentions Tom now: Tom's page (kept in the page cache) is drawn again with it
    journal.write("priya-nair.md", "---\nname: Priya Nair\ncadence: yearly\nlast_touch: 2026-10-01\n---\n\n## Log\n"
                                   "- 2026-11-22 Asked after [[Tom Okafor]]\n")
    journal.commit("Priya")
    journal.build()
    assert [li["data-slug"] for li in journal.page("people/tom-okafor").select(".fu-mentioned-by li")] == \
        ["priya-nair", "ana-ribeiro"]
