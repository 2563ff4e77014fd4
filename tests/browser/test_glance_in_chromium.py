"""The site at a glance in chromium: every page at 1280 and at 390 px (a phone), light and dark, checked for
overflow and for columns that go without their heading, and kept as screenshots in tests/artifacts/glance/
to be looked at. The demo journal, with two files that have problems, is what is shown."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from followup.store.trust import trust
from helpers import ARTIFACTS, BIN, DOCS_TOOL, ROOT, isolate, serve

pytestmark = pytest.mark.build  # also run under ProperDocs in CI

PAGES = {"due": "", "people": "people/", "hit-list": "categories/", "clients": "categories/clients/",
         "review": "review/", "problems": "problems/", "person": "people/ana-ribeiro/", "problem-person": "people/tri/"}
VIEWS = [(1280, "light"), (1280, "dark"), (390, "light"), (390, "dark")]
SHOTS = ARTIFACTS / "glance"
LONG_PATH = "clients/very-long-folder-name-for-the-north-region/tab-indented-person-with-a-long-name.md"

# Each table's columns as shown: its visible headings, and per row the cells shown (a column that goes on a phone
# must go with its heading); and whether anything in the table is cut off.
TABLES = """() => Array.from(document.querySelectorAll(".md-content table")).map(table => {
    const shown = e => getComputedStyle(e).display !== "none";
    const head = table.tHead && shown(table.tHead) ? Array.from(table.tHead.rows[0].cells).filter(shown).length : null;
    const rows = Array.from(table.tBodies).flatMap(b => Array.from(b.rows)).filter(shown)
        .map(r => Array.from(r.cells).filter(shown).length);
    let clipped = table.scrollWidth > table.clientWidth + 1;  // the table, or a box around it, cuts columns off
    for (let box = table.parentElement; box && !box.classList.contains("md-content"); box = box.parentElement) {
        if (getComputedStyle(box).overflowX !== "visible" && box.scrollWidth > box.clientWidth + 1) clipped = true;
    }
    const dates = Array.from(table.querySelectorAll(".fu-date")).filter(d => d.getClientRects().length > 1);
    return {head, rows, clipped, broken_dates: dates.map(d => d.textContent)};
})"""

# A code element's text, line by line as laid out (each character's box, grouped by its top).
LINES = """code => {
    const lines = [];
    let top = null;
    const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (let i = 0; i < node.length; i++) {
            const range = document.createRange();
            range.setStart(node, i); range.setEnd(node, i + 1);
            const box = range.getClientRects()[0];
            if (!box) continue;
            if (top === null || box.top > top + 2) { lines.push(""); top = box.top; }
            lines[lines.length - 1] += node.data[i];
        }
    }
    return lines;
}"""


@pytest.fixture(scope="module", params=["mkdocs", "zensical"])
def demo_site(tmp_path_factory, request):
    """The demo, built by the plugin or by Zensical from `followup render`, served on 127.0.0.1 (in an environment
    as isolated as each test's: a module's fixture is set up before any test's own)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate(monkeypatch, tmp_path_factory)
        root = tmp_path_factory.mktemp("glance") / "journal"
        root.mkdir()
        for name in ("mkdocs.yml", "contacts", "overrides"):
            (shutil.copytree if (ROOT / name).is_dir() else shutil.copy)(ROOT / name, root / name)
        (root / "contacts" / LONG_PATH).parent.mkdir(parents=True)
        (root / "contacts" / LONG_PATH).write_text("---\nname: Tab Person\ncategories:\n\t- friends\n---\n")
        (root / "contacts/tri.md").write_text("---\nname: Tri Problems\ncadence: fortnightlyish\n"
                                              "last_touch: 2026-13-01\nnext: 2026-11-20\npromises:\n"
                                              "  - {what: call back}\n---\nNotes.\n")
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
        subprocess.run(["git", "-C", str(root), "commit", "-q", "-m", "The demo"], check=True)
        if request.param == "mkdocs":
            subprocess.run([str(BIN / DOCS_TOOL), "build", "-f", "mkdocs.yml"], cwd=root, check=True,
                           capture_output=True)
        else:
            trust(root)  # the demo as copied: the user's own
            subprocess.run([str(BIN / "followup"), "build", "--generator", "zensical"], cwd=root, check=True,
                           capture_output=True)
        server, url = serve(root / "site")
        SHOTS.mkdir(parents=True, exist_ok=True)
        yield url
        server.shutdown()


def view(browser, width: int, scheme: str):
    context = browser.new_context(viewport={"width": width, "height": 844 if width < 500 else 900},
                                  color_scheme=scheme, is_mobile=width < 500, has_touch=width < 500)
    page = context.new_page()
    page.clock.set_fixed_time("2026-12-23T09:00:00")  # a month after the build: the site must not redo its day
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page, errors


@pytest.mark.parametrize(("width", "scheme"), VIEWS, ids=[f"{w}-{s}" for w, s in VIEWS])
def test_every_page_fits_and_every_column_goes_with_its_heading(browser, demo_site, width, scheme, request):
    page, errors = view(browser, width, scheme)
    for name, path in PAGES.items():
        page.goto(demo_site + path)
        assert page.get_attribute("body", "data-md-color-scheme") == ("slate" if scheme == "dark" else "default")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
        for table in page.evaluate(TABLES):
            assert not table["clipped"] and table["broken_dates"] == [], (name, width, table)
            if table["head"] is not None:  # on a phone the problems are blocks, without the heading row
                assert set(table["rows"]) <= {table["head"]}, (name, width, table)
        if request.node.callspec.params["demo_site"] == "mkdocs":  # Material's pages are kept to be looked at
            page.screenshot(path=str(SHOTS / f"{name}-{width}-{scheme}.png"), full_page=True)
    assert errors == []


@pytest.mark.parametrize("width", [1280, 390])
def test_heatmaps_and_sparklines_are_labelled_at_a_readable_size(browser, demo_site, width):
    page, _ = view(browser, width, "light")
    page.goto(demo_site + "people/ana-ribeiro/")
    year, half = "svg.fu-heat-year", "svg.fu-heat-half"
    shown, hidden = (year, half) if width > 500 else (half, year)
    assert page.is_visible(shown) and not page.is_visible(hidden)
    labels = page.eval_on_selector_all(f"{shown} .fu-axis text", """texts => texts.map(t => [t.textContent,
        t.getBoundingClientRect().height])""")
    assert [text for text, _ in labels[:3]] == ["Mon", "Wed", "Fri"] and len(labels) >= 3 + (12 if width > 500 else 6)
    assert min(height for _, height in labels) >= 8  # px on the screen: read without zooming
    cut = page.eval_on_selector_all(f"{shown} .fu-axis text", """texts => texts.filter(t => {
        const svg = t.ownerSVGElement.getBoundingClientRect(), box = t.getBoundingClientRect();
        return box.right > svg.right + 0.5 || box.left < svg.left - 0.5; }).map(t => t.textContent)""")
    assert cut == []  # the last month's name whole ("Dec", never "De")
    page.goto(demo_site + "categories/")
    trend = page.locator('tr[data-category="clients"] td.fu-trend')
    heading = page.locator("th.fu-trend")
    if width > 500:
        assert trend.is_visible() and heading.is_visible()
        scale = page.eval_on_selector_all('tr[data-category="clients"] .fu-spark .fu-axis text', """texts =>
            texts.map(t => [t.textContent, t.getBoundingClientRect().height])""")
        assert [text for text, _ in scale] == ["100%", "0%", "Dec 25", "Nov 26"] and min(h for _, h in scale) >= 8
    else:  # the column goes, with its heading
        assert not trend.is_visible() and not heading.is_visible()
    # Material's table style (a border, a shaded heading) on every table: none has a class of its own
    for path in ("categories/", "people/", "review/", "problems/"):
        page.goto(demo_site + path)
        assert page.eval_on_selector_all(".md-content table", "ts => ts.map(t => getComputedStyle(t).borderTopStyle)") \
            == ["solid"], path


def test_on_a_phone_a_path_breaks_after_a_slash_only(browser, demo_site):
    page, _ = view(browser, 390, "light")
    page.goto(demo_site + "problems/")
    code = page.locator(".fu-path code", has_text="very-long-folder-name").first
    lines = code.evaluate(LINES)
    assert "".join(lines) == f"contacts/{LONG_PATH}"
    assert len(lines) > 1 and all(line.endswith("/") for line in lines[:-1]), lines


def test_a_person_with_problems_says_so_at_the_top_and_links_to_them(browser, demo_site):
    page, _ = view(browser, 390, "dark")
    page.goto(demo_site + "people/tri/")
    banner = page.locator(".fu-file-problems")
    assert banner.is_visible() and "3 problems in this person's file" in banner.inner_text()
    assert banner.bounding_box()["y"] < page.locator(".fu-card").bounding_box()["y"]  # above the card
    assert "booked for 2026-11-20 — log how it went" in page.inner_text(".fu-booking")
    page.click(".fu-file-problems a")
    page.wait_for_url(demo_site + "problems/#file-*")  # the click only starts the navigation
    target = page.url.split("#")[1]
    expect(page.locator(f"tbody#{target} tr")).to_have_count(3)


def test_a_site_built_for_a_named_day_shows_that_day_and_agrees_with_its_person_pages(browser, demo_site):
    page, errors = view(browser, 1280, "light")  # its clock says 2026-12-23
    page.goto(demo_site)
    assert page.inner_text(".fu-built") == "Statuses as of 2026-11-23."
    listed = [tuple(item) for item in page.eval_on_selector_all(
        "[data-fu-section] li.fu-person[data-slug]:not(.fu-promise):not([data-date])",
        "items => items.map(i => [i.dataset.slug, i.dataset.status])")]
    assert ("marco-bianchi", "overdue") in listed and ("daniel-kim", "soon") in listed  # as on 2026-11-23
    for slug, status in dict(listed).items():
        page.goto(demo_site + f"people/{slug}/")
        assert page.get_attribute(".fu-card", "data-status") == status, slug
    assert errors == []


def test_on_a_phone_the_first_screen_of_a_person_holds_call(browser, demo_site):
    """The routine on a phone: open the person, tap Call. (The first screens are kept for the README, which shows
    them from .github/readme/: copied there when the look changes on purpose.)"""
    page, _ = view(browser, 390, "light")
    page.goto(demo_site + "people/ana-ribeiro/")
    call = page.locator(".fu-actions .fu-reach-phone").bounding_box()
    assert call["y"] + call["height"] <= 844 and call["y"] < page.locator(".fu-card").bounding_box()["y"]
    page.screenshot(path=str(SHOTS / "phone-person.png"))
    page.goto(demo_site)
    page.screenshot(path=str(SHOTS / "phone-due.png"))
