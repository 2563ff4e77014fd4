"""The site at a glance, read from the built HTML: a person page that says its file has problems, a booking
that passed, the Edit link, the heatmaps' and the sparkline's labels, and a site built for a named day.
(How it all lays out in a browser, at 1280 and 390 px, light and dark: tests/browser/test_glance_in_chromium.py.)"""

from __future__ import annotations

import json
import re

import pytest

pytestmark = pytest.mark.build  # also run under ProperDocs in CI


@pytest.fixture
def glance(journal):
    journal.write("ana.md", "---\nname: Ana Ribeiro\ncategories: [friends]\ncadence: monthly\nlast_touch: 2026-11-01\n"
                            "phone: '+1 555 0100'\n---\nNotes.\n\n## Log\n- 2026-11-01 Coffee\n- 2026-06-02 Walk\n")
    journal.write("tri.md", "---\nname: Tri Problems\ncadence: fortnightlyish\nlast_touch: 2026-13-01\n"
                            "promises:\n  - {what: call back}\n---\n")
    journal.write("dee.md", "---\nname: Dee Passed\ncadence: monthly\nlast_touch: 2026-09-01\nnext: 2026-11-20\n"
                            "next_note: lunch at Rosa's\n---\n")
    journal.write("cal.md", "---\nname: Cal Booked\ncadence: monthly\nlast_touch: 2026-11-01\nnext: 2026-11-30\n---\n")
    journal.write("clients/north/tab.md", "---\nname: Tab Person\ncategories:\n\t- friends\n---\n")
    journal.commit("The people", date="2026-11-20")
    return journal


def test_a_person_page_says_its_file_has_problems_and_links_to_them(glance):
    glance.build()
    page = glance.page("people/tri")
    banner = page.select_one(".fu-file-problems")
    assert banner is not None and banner.find_previous("h1").get_text() == "Tri Problems"
    assert banner.select_one(".admonition-title").get_text() == "3 problems in this person's file"
    href = banner.select_one("a")["href"]
    assert href.startswith("../../problems/#file-")
    problems = glance.page("problems")
    rows = problems.select_one(f"tbody#{href.split('#')[1]}").select("tr")
    assert [row.select_one(".fu-line").get_text() for row in rows] == ["3", "4", "6"]
    assert glance.page("people/ana").select_one(".fu-file-problems") is None


def test_the_tab_problem_names_the_tab_on_its_line(glance):
    glance.build()
    row = next(tr for tr in glance.page("problems").select("tbody tr")
               if tr.select_one(".fu-path").get_text() == "contacts/clients/north/tab.md")
    assert row.select_one(".fu-line").get_text() == "4"
    assert row.select_one(".fu-message").get_text() == \
        "this line has a tab where spaces are needed: YAML indents with spaces, never tabs"
    # the path breaks after a '/' only: each part is kept whole
    parts = [part.get_text() for part in row.select(".fu-path .fu-part")]
    assert parts == ["contacts/", "clients/", "north/", "tab.md"]


def test_a_booking_whose_day_passed_asks_how_it_went(glance):
    glance.build()
    passed = glance.page("people/dee").select_one(".fu-booking")
    assert "fu-passed" in passed["class"]
    assert passed.get_text() == "booked for 2026-11-20 — log how it went: lunch at Rosa's"
    live = glance.page("people/cal").select_one(".fu-booking")
    assert "fu-passed" not in live["class"] and live.get_text() == "2026-11-30"
    # the lists say it too, beside the status
    row = glance.page("people").select_one('tr[data-slug="dee"] .fu-when')
    assert "booked for 2026-11-20 — log how it went" in row.get_text()


def test_the_edit_link_goes_to_the_git_hosts_editor_as_material_does(glance):
    config = glance.root / "mkdocs.yml"
    config.write_text("repo_url: https://git.example/tess/journal\nedit_uri: edit/main/contacts/\n"
                      + config.read_text())
    glance.build()
    link = glance.page("people/ana").select_one("a.fu-edit-link")
    assert link["href"] == "https://git.example/tess/journal/edit/main/contacts/ana.md"
    config.write_text(config.read_text().replace("edit_uri: edit/main/contacts/\n",
                                                 "edit_uri_template: '-/edit/main/contacts/{path}?ref=followup'\n"))
    glance.build()
    assert glance.page("people/ana").select_one("a.fu-edit-link")["href"] == \
        "https://git.example/tess/journal/-/edit/main/contacts/ana.md?ref=followup"


def test_a_built_site_never_links_to_a_file_on_this_machine(glance):
    glance.settings("editor: vscode")
    glance.build()
    assert glance.page("people/ana").select_one("a.fu-edit-link") is None
    assert str(glance.root) not in (glance.root / "site/people/ana/index.html").read_text()


@pytest.mark.parametrize("editor", ["javascript:alert(1)//{path}", "vscode://file", "{path}", "emacs"])
def test_an_editor_link_must_be_a_link_with_the_path(glance, editor):
    glance.settings(f"editor: {json.dumps(editor)}")
    done = glance.build(check=False)
    assert done.returncode == 1 and "editor must be one of file, vscode" in done.stderr


def test_the_heatmaps_name_months_and_weekdays(glance):
    glance.build()
    figure = glance.page("people/ana").select_one(".fu-heatmap")
    year, half = figure.select_one("svg.fu-heat-year"), figure.select_one("svg.fu-heat-half")
    assert [text.get_text() for text in year.select(".fu-axis text")][:3] == ["Mon", "Wed", "Fri"]
    months = [text.get_text() for text in year.select(".fu-axis text")][3:]
    assert months == ["Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov"]
    assert [text.get_text() for text in half.select(".fu-axis text")][3:] == ["Jun", "Jul", "Aug", "Sep", "Oct", "Nov"]
    # each month's name is over the week of its first day
    november = next(text for text in year.select(".fu-axis text") if text.get_text() == "Nov")
    coffee = year.select_one('rect[data-date="2026-11-01"]')
    assert november["x"] == coffee["x"]
    assert [rect["data-date"] for rect in half.select("rect[data-date]")] == ["2026-06-02", "2026-11-01"]


def test_the_sparkline_says_its_scale_and_the_months_it_spans(glance):
    glance.build()
    spark = glance.page("categories").select_one('tr[data-category="friends"] svg.fu-spark')
    assert [text.get_text() for text in spark.select(".fu-axis text")] == ["100%", "0%", "Dec 25", "Nov 26"]
    assert spark["aria-label"] == "friends: share on track, 0 to 100%, December 2025 to November 2026"
    heading = glance.page("categories").select("thead th")[-1]
    assert heading.get_text() == "On track, last 12 months" and "fu-wide" in heading["class"]
    # no class on the table itself, or Material would not style it
    assert not glance.page("categories").select_one(".fu-categories table").get("class")


def test_a_site_built_for_a_named_day_tells_the_browser_not_to_redo_it(glance, monkeypatch):
    glance.build()

    def fixed() -> bool:
        data = (glance.root / "site/followup-data.js").read_text()
        return json.loads(re.fullmatch(r"window\.followupData = (.*);\n", data, re.DOTALL).group(1))["fixed"]

    assert fixed() is True
    monkeypatch.delenv("FOLLOWUP_TODAY")  # a build on the real day: the browser redoes it with its own clock
    glance.build()
    assert fixed() is False
