"""The built site, read as HTML after a real `mkdocs build` of a real journal with git history."""

import shutil
import sqlite3
from contextlib import closing

import pytest
import yaml

from followup.core.errors import SettingsError
from followup.core.settings import SETTING_NAMES, checked_setting
from followup.site.build import TEMPLATES
from helpers import front, slugs

pytestmark = pytest.mark.build  # also run under ProperDocs in CI


def person(name, **fields):
    return front(name=name, **fields)


@pytest.fixture
def populated(journal):
    journal.settings("""
        picks_per_day: 3
        categories:
          friends: {cadence: monthly}
          clients: {cadence: quarterly}
    """)
    journal.write("late-weekly.md", person("Wendy Late", categories="[friends]", cadence="weekly",
                                           last_touch="2026-11-06", phone='"+1 555 0100"', channel="text"))
    journal.write("late-yearly.md", person("Yuri Late", categories="[friends]", cadence="yearly",
                                           last_touch="2025-11-03", email="yuri@example.org", channel="email"))
    journal.write("due-today.md", person("Dana Today", categories="[clients]", last_touch="2026-08-23"))
    journal.write("never.md", person("Nina Never", categories="[clients]"))
    journal.write("soon.md", person("Sam Soon", categories="[friends]", last_touch="2026-10-26",
                                    birthday="1990-12-01"))
    journal.write("fine.md", person("Olga Fine", categories="[friends]", last_touch="2026-11-20"))
    journal.write("snoozed.md", person("Sid Snoozed", cadence="weekly", last_touch="2026-01-01",
                                       snooze_until="2026-12-01"))
    journal.write("booked.md", person("Bea Booked", cadence="weekly", last_touch="2026-01-01", next="2026-11-30"))
    journal.write("nocadence.md", person("Ned None", cadence="none", categories="[clients]"))
    journal.write("clients/inactive.md", person("Ivan Inactive", categories="[clients]", status="inactive",
                                                last_touch="2026-07-10"))
    journal.write("promiser.md", "---\nname: Pia Promise\ncadence: monthly\nlast_touch: 2026-11-20\npromises:\n"
                  "  - {due: 2026-11-20, what: send the plans}\n  - {due: 2026-11-27, what: book the venue}\n"
                  "  - {due: 2027-03-01, what: far away}\n---\n")
    journal.commit("The team", date="2026-11-01")
    return journal


def test_due_dashboard_sections(populated):
    populated.build()
    page = populated.page()
    overdue = slugs(page, "overdue")
    # 10 days late on a week (1.4 cadences) beats 44 days on a quarter (0.5) and 20 on a year (0.05)
    assert overdue == ["late-weekly", "inactive", "late-yearly"]
    assert slugs(page, "due") == ["due-today", "never"]  # never-touched rank last
    assert slugs(page, "soon") == ["soon"]
    assert slugs(page, "picks")[:2] == overdue[:2] and len(slugs(page, "picks")) == 3
    assert slugs(page, "dates") == ["soon"]
    promises = page.select('[data-fu-section="promises"] li')
    assert [" ".join(li.get_text().split()) for li in promises] == [
        "Pia Promise: send the plans by 2026-11-20 (late)", "Pia Promise: book the venue by 2026-11-27"]
    assert "fu-late" in promises[0]["class"]
    statuses = {li["data-slug"]: li["data-status"] for li in page.select("li.fu-person[data-status]")}
    assert statuses["late-weekly"] == "overdue" and statuses["due-today"] == "due"
    wendy = page.select_one('[data-fu-section="picks"] li[data-slug="late-weekly"]')
    assert [a["href"] for a in wendy.select("a.fu-reach")] == ["sms:+15550100", "tel:+1-5550100"]
    yuri = page.select_one('li[data-slug="late-yearly"]')
    assert yuri.select_one("a.fu-preferred")["href"] == "mailto:yuri@example.org"


def test_every_status_on_the_people_page_and_contacts_out_of_the_nav(populated):
    populated.build()
    people = populated.page("people")
    statuses = {row["data-slug"]: row["data-status"] for row in people.select("tr.fu-person")}
    assert statuses == {
        "late-weekly": "overdue", "late-yearly": "overdue", "due-today": "due", "never": "due", "soon": "soon",
        "fine": "ok", "snoozed": "snoozed", "booked": "booked", "nocadence": "none", "inactive": "overdue",
        "promiser": "ok",
    }
    nav = [a.get_text(strip=True) for a in people.select("nav.md-nav--primary a.md-nav__link")]
    assert "Wendy Late" not in nav and {"Due", "People", "Hit list", "Inactive", "Problems"} <= set(nav)
    inactive = populated.page("inactive")
    assert [li["data-slug"] for li in inactive.select("li.fu-person")] == ["inactive"]


def test_person_page_card_and_timeline(journal):
    journal.write("ana.md", person("Ana Ribeiro", categories="[friends, Six Pack]", cadence="quarterly",
                                   last_touch="2026-09-01", channel="phone", phone='"+1 555 0100"',
                                   birthday="1984-04-12", owner="hal", favourite_tea="genmaicha")
                  + "Met at the course.\n\n## Log\n- 2026-06-02 Called for their anniversary.\n")
    journal.commit("Add Ana", date="2026-09-01")
    text = (journal.contacts / "ana.md").read_text()
    journal.write("ana.md", text.replace("last_touch: 2026-09-01", "last_touch: 2026-10-05")
                  .replace("## Log\n", "## Log\n- 2026-10-05 Lunch at the docks.\n"))
    journal.commit("Lunch at the docks", date="2026-10-05")
    journal.write("ana.md", (journal.contacts / "ana.md").read_text().replace("course", "course in 2009"))
    journal.commit("Where we met", date="2026-10-06")
    journal.build()
    page = journal.page("people/ana")
    assert page.title.get_text().startswith("Ana Ribeiro")
    card = {dt.get_text(strip=True): dd
            for dt, dd in zip(page.select(".fu-card dt"), page.select(".fu-card dd"), strict=True)}
    assert [a.get_text() for a in card["Categories"].select("a")] == ["friends", "Six Pack"]
    assert card["Categories"].select("a")[1]["href"] == "../../categories/six-pack/"
    assert card["Cadence"].get_text() == "quarterly"
    assert card["Last touch"].get_text() == "2026-10-05"
    assert card["Next due"].get_text() == "2027-01-05"
    assert "ok" in card["Status"].get_text()
    assert card["Channel"].get_text() == "phone" and card["Owner"].get_text() == "hal"
    assert card["Birthday"].get_text() == "1984-04-12" and card["favourite_tea"].get_text() == "genmaicha"
    assert "Met at the course in 2009." in page.select_one(".fu-notes").get_text()
    events = [(li["data-date"], li["data-kind"], li.select_one(".fu-text").get_text())
              for li in page.select(".fu-timeline li")]
    assert events == [
        ("2026-10-06", "edit", "Where we met"),
        ("2026-10-05", "log", "Lunch at the docks."),
        ("2026-09-01", "edit", "Add Ana"),  # writing a file is not a touch
        ("2026-06-02", "log", "Called for their anniversary."),
    ]


def test_categories_hit_list(populated):
    populated.build()
    table = populated.page("categories").select("tr[data-category]")
    rows = {tr["data-category"]: [td.get_text(strip=True) for td in tr.select("td")[1:4]] for tr in table}
    trends = {tr["data-category"]: tr.select_one(".fu-trend title").get_text() for tr in table}
    # the month-by-month line ends on today's share, from the same rule
    assert trends["friends"].endswith("Nov 2026: 50%") and trends["clients"].endswith("Nov 2026: 67%")
    # clients: due-today (due), never (due), inactive (overdue), nocadence (none) -> 1 of 3 tracked overdue
    # clients: due-today, never (due), inactive (overdue), nocadence (no cadence: not counted in the share)
    assert rows == {"clients": ["4", "1", "67%"], "friends": ["4", "2", "50%"]}
    members = populated.page("categories/friends")
    assert [li["data-slug"] for li in members.select("li.fu-person")] == ["late-weekly", "late-yearly", "soon", "fine"]


def test_a_category_is_named_as_its_first_file_writes_it_whoever_is_due(journal):
    """The page is laid out from the files while git still reads the history, and its name does not move
    from day to day with whoever is the most overdue."""
    journal.write("a-fine.md", person("Ann Fine", categories="[Book Club]", cadence="monthly", last_touch="2026-11-20"))
    journal.write("b-late.md", person("Bo Late", categories="[book club]", cadence="weekly", last_touch="2026-01-05"))
    journal.commit("A club")
    journal.build()
    page = journal.page("categories/book-club")
    assert page.select_one("article h1").get_text() == "Book Club"
    assert [li["data-slug"] for li in page.select("li.fu-person")] == ["b-late", "a-fine"]  # ranked: the late first
    rows = journal.page("categories").select("tr[data-category]")
    assert [tr["data-category"] for tr in rows] == ["Book Club"]


def test_problems_page_lists_bad_files_and_the_rest_builds(journal):
    journal.write("good.md", person("Good Person", cadence="weekly", last_touch="2026-11-20"))
    journal.write("bad-yaml.md", "---\nname: Bad\ncategories: [a, b\n---\n")
    journal.write("bad-cadence.md", person("Carl Cadence", cadence="sometimes"))
    journal.write("sub/good.md", person("Other Good"))
    journal.commit("Mixed bag")
    result = journal.build()
    assert "contacts/bad-yaml.md:" in result.stderr
    rows = [[td.get_text().strip() for td in tr.select("td")] for tr in journal.page("problems").select("tbody tr")]
    paths = [row[0] for row in rows]
    assert paths == ["contacts/bad-cadence.md", "contacts/bad-yaml.md", "contacts/sub/good.md"]
    assert rows[0][1] == "3" and "unknown cadence 'sometimes'" in rows[0][2]
    assert "already used by contacts/good.md" in rows[2][2]
    assert (journal.root / "site/people/good/index.html").exists()
    assert (journal.root / "site/people/bad-cadence/index.html").exists()
    assert not (journal.root / "site/people/bad-yaml").exists()
    assert journal.page().select_one(".fu-warning a")["href"] == "problems/"


def test_strict_fails_the_build(journal):
    journal.write("bad.md", "no front matter here\n")
    journal.commit("Bad")
    assert journal.build("--strict", check=False).returncode != 0
    journal.settings("strict: true")
    result = journal.build(check=False)
    assert result.returncode != 0 and "contacts/bad.md:1: no front matter" in result.stderr


# One wrong value of every setting: `mkdocs build` and the command line must say the same sentence for it.
WRONG = {
    "default_cadence": "every blue moon", "categories": "[family]", "picks_per_day": "five", "soon_days": "-1",
    "dates_days": "1.5", "dashboard_rows": "0", "strict": "maybe", "publish": "'yes'", "block": "whenever",
    "calendar_notes": "3", "retry_days": "-2", "remind_at": "'25:99'", "mail": "smtp.example.com",
    "editor": "'javascript:alert({path})'", "owners": "3", "default_region": "ZZ", "me": "tess",
    "timezone": "Mars/Olympus", "harvest": "{subjects: sometimes}", "generator": "hugo",
    "plans": "{after-matter: [2w, 3d]}", "organisations": "[Acme Ltd]",
}


def test_every_setting_has_a_wrong_value_here():
    assert set(WRONG) == SETTING_NAMES


@pytest.mark.parametrize("name", [*sorted(WRONG), "soon_dayz"])
def test_a_wrong_setting_gets_the_same_sentence_from_mkdocs_and_the_command_line(journal, name):
    if name in WRONG:
        journal.settings(f"{name}: {WRONG[name]}")
        with pytest.raises(SettingsError) as raised:
            checked_setting(name, yaml.safe_load(WRONG[name]), "plugins.followup")
        sentence = str(raised.value)
    else:
        journal.settings(f"{name}: 3")
        sentence = "plugins.followup: unknown setting 'soon_dayz'; known: block,"
    built, checked = journal.build(check=False), journal.followup("check")
    assert built.returncode != 0 and sentence in built.stderr and "Traceback" not in built.stderr
    assert checked.returncode != 0 and f"mkdocs.yml: {sentence}" in checked.stderr


def built_pages(journal) -> dict[str, str]:
    """Every page of the site, and the files drawn with them: the calendar feed and the dashboard's data."""
    site = journal.root / "site"
    drawn = [*sorted(site.rglob("*.html")), site / "followup.ics", site / "followup-data.js"]
    return {str(path.relative_to(site)): path.read_text() for path in drawn}


def test_pages_kept_in_the_page_cache_equal_pages_drawn_afresh(populated, monkeypatch):
    """Each thing a page is drawn from, changed, redraws it: a build with the page cache then gives
    the same site as a build without it."""
    journal = populated
    store = journal.cache / "pages.sqlite3"
    override = journal.root / "overrides/followup/person.html"
    config = journal.root / "mkdocs.yml"

    def use_override():
        with_overrides = config.read_text().replace("  name: material\n", "  name: material\n  custom_dir: overrides\n")
        config.write_text(with_overrides)
        override.parent.mkdir(parents=True)
        override.write_text((TEMPLATES / "followup/person.html").read_text() + "<p>mine, {{ today }}</p>\n")

    def day(iso):
        return lambda: monkeypatch.setenv("FOLLOWUP_TODAY", iso)

    def fingerprints():
        with closing(sqlite3.connect(store)) as db:
            return dict(db.execute("SELECT page, fingerprint FROM pages"))

    changes = {
        "a touch from the command line": lambda: journal.followup("touch", "late-weekly", "-m", "Called"),
        "notes edited by hand": lambda: (journal.contacts / "fine.md").write_text(
            (journal.contacts / "fine.md").read_text() + "Moved to Porto.\n"),
        "the next day": day("2026-11-24"),
        "a promise falls late": day("2026-11-28"),
        "a new week moves the heatmap": day("2026-11-29"),
        "a booking and a snooze end": day("2026-12-02"),
        "a setting": lambda: journal.settings("""
            picks_per_day: 2
            categories: {friends: {cadence: weekly}, clients: {cadence: quarterly}}
        """),
        "a template override": use_override,
        "the override edited": lambda: override.write_text(override.read_text().replace("mine", "ours")),
        "the next day, drawn by the override": day("2026-12-03"),
        "a contact deleted": lambda: (journal.contacts / "soon.md").unlink(),
    }
    journal.build()
    before = built_pages(journal)
    redrawn = {}
    for change, make in changes.items():
        kept = fingerprints()
        make()
        journal.build()
        cached = built_pages(journal)
        assert cached != before, f"{change} changed nothing: the test would prove nothing"
        redrawn[change] = {page for page, fingerprint in fingerprints().items() if kept.get(page) != fingerprint}
        shutil.rmtree(journal.cache)
        journal.build()
        assert cached == built_pages(journal), f"a stale page after {change}"
        before = cached
    # A new day redraws the people it changes (late, never touched) and keeps the others' pages.
    assert {"people/late-yearly.md", "people/never.md"} <= redrawn["the next day"]
    assert not {"people/fine.md", "people/soon.md", "people/promiser.md"} & redrawn["the next day"]
    assert "people/fine.md" in redrawn["the next day, drawn by the override"]
    kept = set(fingerprints())
    assert "people/fine.md" in kept and "people/soon.md" not in kept  # a deleted contact is forgotten
