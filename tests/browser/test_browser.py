"""The site in a real browser: Playwright driving Debian's chromium (installed by .ci/run).

The browser's clock is set by the test (Playwright's clock), never taken from the machine.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from followup.store.journal import Journal
from helpers import ARTIFACTS, HOSTILE_NOTES, module_journal, serve, trust
from vectors.rule import VECTORS, browser_input

pytestmark = pytest.mark.build  # also run under ProperDocs in CI


GENERATORS = ["mkdocs", "zensical"]


def build_and_serve(journal, generator: str):
    """A small journal with git history, built (by the plugin, or by Zensical from `followup render`), served on
    127.0.0.1: the server and its address."""
    journal.write("ana.md", "---\nname: Ana Ribeiro\ncategories: [friends]\ncadence: monthly\nlast_touch: 2026-11-01\n"
                            "channel: phone\nphone: '+1 555 0100'\nbirthday: 1984-12-10\norganisation: Acme\n---\n"
                            "Works at the riverside clinic.\n\n## Log\n- 2026-11-01 Coffee\n- 2026-10-01 Walk\n")
    journal.write("bob.md", "---\nname: Bob Builder\ncategories: [clients]\ncadence: weekly\nlast_touch: 2026-11-20\n"
                            "email: bob@example.org\nchannel: email\norganisation: Initech\n"
                            "promises:\n  - {due: 2026-11-30, what: send the plans}\n---\n")
    journal.write("cy.md", "---\nname: Cy Yearly\ncategories: [clients]\ncadence: yearly\n"
                           "last_touch: 2026-01-05\nrelations: {referred_by: ana}\n---\n")
    journal.write("dee.md", "---\nname: Dee Never\ncategories: [friends]\ncadence: quarterly\n"
                            "plan: {name: event, start: 2026-11-21}\n---\n")  # due by the plan's first step
    journal.settings("plans: {event: [2d, 1w]}\norganisations: {Acme: {cadence: monthly}, Initech: {cadence: yearly}}")
    journal.write("ed.md", "---\nname: Ed Inactive\ncategories: [clients]\ncadence: weekly\nlast_touch: 2026-11-01\n"
                           "status: inactive\n---\n\n## Log\n- 2026-11-21 Tried (phone): voicemail\n")
    journal.commit("The people", date="2026-11-20")
    built = journal.followup("build", "--generator", generator)
    assert built.returncode == 0, built.stderr
    return serve(journal.root / "site")


@pytest.fixture(scope="module", params=GENERATORS)
def site(tmp_path_factory, request):
    """The small journal's site, built once per module and generator for the tests that only look at it."""
    with module_journal(tmp_path_factory) as journal:
        server, url = build_and_serve(journal, request.param)
        yield journal, url
        server.shutdown()


def as_built_on_the_day(route):
    """The site as a build without FOLLOWUP_TODAY writes it (the one difference in what the browser is given),
    so the script redoes the statuses with the browser's clock; the tests' builds name their day."""
    body = route.fetch().text()
    assert '"fixed": true' in body
    route.fulfill(body=body.replace('"fixed": true', '"fixed": false'), content_type="text/javascript")


def open_page(browser, url: str, day: str, live: bool = False, **options):
    """A page at `url` in a browser whose clock says `day`; `live`: with the site's statuses redone from that
    clock, as on a site built without FOLLOWUP_TODAY."""
    context = browser.new_context(**options)
    if live:
        context.route("**/followup-data.js", as_built_on_the_day)
    page = context.new_page()
    page.clock.set_fixed_time(f"{day}T09:00:00")
    problems, requests = [], []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url)
    return page, problems, requests


def sections(page) -> dict[str, list[str]]:
    found = {name: page.eval_on_selector_all(f'[data-fu-section="{name}"] [data-slug]',
                                             "items => items.map(i => i.dataset.slug + ':' + i.dataset.status)")
             for name in ("replies", "promises", "picks", "overdue", "due", "soon", "dates")}
    found["organisations"] = page.eval_on_selector_all(
        '[data-fu-section="organisations"] [data-organisation]',
        "items => items.map(i => i.dataset.organisation + ':' + i.dataset.status)")
    return found


def expected_sections(journal_root: Path, day: str, owner: str | None = None) -> dict[str, list[str]]:
    import datetime as dt
    loaded = Journal.load(journal_root, today=dt.date.fromisoformat(day))
    if owner is not None:
        loaded = loaded.of_owner(owner)
    tag = lambda people: [f"{p.slug}:{p.status}" for p in people]  # noqa: E731
    return {"replies": [f"{p.slug}:{p.status}" for p, _ in loaded.replies()],
            "promises": [f"{p.slug}:{p.status}" for p, _ in loaded.promises()], "picks": tag(loaded.picks()),
            "overdue": tag(loaded.with_status("overdue")), "due": tag(loaded.with_status("due")),
            "soon": tag(loaded.with_status("soon")), "dates": [f"{p.slug}:{p.status}" for p, _ in loaded.occasions()],
            "organisations": [f"{o.key}:{o.status}" for o in loaded.organisations_due()]}


def test_js_rule_gives_the_recorded_answers(browser, site):
    _, url = site
    page, problems, _ = open_page(browser, url, "2026-11-23")
    for case in json.loads(VECTORS.read_text()):
        data = browser_input(case)
        for day, expected in case["expected"].items():
            got = page.evaluate("""([data, day]) => {
                const v = followup.dashboard(data, followup.dayNumber(day));
                const iso = n => n === null ? null : followup.isoOf(n);
                const people = {};
                const step = p => p && [p.name, p.number, p.total];
                v.rows.forEach(r => { people[r.person.slug] = [r.due.status, iso(r.due.next), r.due.late,
                                                              r.due.attempts, r.due.passed, step(r.due.plan)]; });
                return {people, ranked: v.ranked.map(r => r.person.slug), picks: v.picks.map(r => r.person.slug),
                        promises: v.promises.map(p => [p.row.person.slug, p.promise.due, p.late]),
                        replies: v.replies.map(r => [r.row.person.slug, r.heard.date, r.heard.kind]),
                        dates: v.dates.map(d => [d.row.person.slug, d.occasion.label, iso(d.occasion.date),
                                                 d.occasion.years])};
            }""", [data, day])
            assert got == expected, (case["name"], day)
    assert problems == []


def test_dashboard_is_recomputed_from_the_browsers_date(browser, site):
    journal, url = site
    page, problems, _ = open_page(browser, url, "2026-11-23", live=True)
    assert sections(page) == expected_sections(journal.root, "2026-11-23")
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    later, problems_later, _ = open_page(browser, url, "2026-12-23", live=True)
    shown = sections(later)
    assert shown == expected_sections(journal.root, "2026-12-23")
    assert "ana:overdue" in shown["overdue"] and "bob:overdue" in shown["overdue"]  # both were fine a month ago
    assert later.inner_text(".fu-built").startswith("Statuses as of 2026-12-23 (built 2026-11-23)")
    assert problems == problems_later == []


# The search box and its results, as Material draws them and as Zensical does (in its own shadow DOM, which
# Playwright's selectors reach).
SEARCH = {"mkdocs": ("input.md-search__input", ".md-search-result__link"),
          "zensical": ("input[aria-label=Search]", "[aria-label='Search results'] a[role=option]")}


def test_every_page_phone_size_dark_mode_search_and_no_outside_request(browser, site, request):
    journal, url = site
    search_box, result = SEARCH[request.node.callspec.params["site"]]
    page, problems, requests = open_page(browser, url, "2026-11-23", viewport={"width": 390, "height": 844},
                                         color_scheme="dark", is_mobile=True, has_touch=True)
    assert page.get_attribute("body", "data-md-color-scheme") == "slate"
    pages = sorted(p.parent.relative_to(journal.root / "site").as_posix()
                   for p in (journal.root / "site").rglob("index.html"))
    assert len(pages) == 18  # the dashboard, eight lists (owners: none yet), five people, two categories and two
    # organisations
    for path in pages:
        path = "" if path == "." else path + "/"
        page.goto(url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
    page.goto(url + "people/ana/")
    assert page.get_attribute(".fu-reach-phone", "href") == "tel:+1-5550100"
    page.screenshot(path=str(ARTIFACTS / "person.png"), full_page=True)
    for query, slug in (("Ribeiro", "ana"), ("riverside", "ana"), ("clients", "bob")):
        page.goto(url)
        page.click("label.md-header__button[for=__search]")
        page.type(search_box, query, delay=20)
        page.wait_for_selector(result, timeout=10_000)
        links = page.locator(result).evaluate_all("links => links.map(l => l.href)")
        assert any(f"/people/{slug}/" in link for link in links), (query, links)
    assert problems == []
    outside = [request for request in requests if not request.startswith(url) and not request.startswith("data:")]
    assert outside == []


def test_light_mode_too(browser, site):
    _, url = site
    page, problems, _ = open_page(browser, url, "2026-11-23", color_scheme="light")
    assert page.get_attribute("body", "data-md-color-scheme") == "default"
    assert page.is_visible(".fu-heatmap svg") and problems == []


def test_js_days_are_exact_in_any_year_and_touches_outside_the_years_count_for_nothing(browser, site):
    import datetime as dt

    _, url = site
    page, problems, _ = open_page(browser, url, "2026-11-23")
    for iso in ("0099-06-01", "0001-01-01", "1899-12-31", "1970-01-01", "2024-02-29", "2200-12-31", "9999-12-31"):
        assert page.evaluate("iso => followup.dayNumber(iso)", iso) == \
            (dt.date.fromisoformat(iso) - dt.date(1970, 1, 1)).days, iso
    person = {"slug": "far", "name": "Far", "key": "far", "url": "people/far/", "cadence": [1, "years"],
              "touches": ["0099-06-01", "2026-01-10"], "next": None, "snooze": None, "channel": None, "reach": [],
              "inactive": False, "attempts": [], "promises": [], "yearly": []}
    data = {"built": "2026-11-23", "years": [1900, 2200], "soon_days": 7, "picks_per_day": 3, "dates_days": 30,
            "dashboard_rows": 50, "retry_days": 2, "people": [person]}
    due = page.evaluate("""data => { const r = followup.dashboard(data, followup.dayNumber("2026-11-23")).rows[0];
                                     return [r.due.status, followup.isoOf(r.due.last)]; }""", data)
    assert due == ["ok", "2026-01-10"]
    data["people"][0]["touches"] = ["0099-06-01"]  # the only touch is not a day followup works with
    assert page.evaluate("""data => followup.dashboard(data, followup.dayNumber("2026-11-23")).rows[0].due.last""",
                         data) is None
    assert problems == []


def test_no_link_in_notes_runs_script_when_clicked_and_no_image_loads_from_elsewhere(browser, journal):
    journal.write("x.md", "---\nname: Xena\ncadence: weekly\n---\n" + HOSTILE_NOTES)
    journal.commit("Xena")
    journal.build()
    server, url = serve(journal.root / "site")
    dialogs, loaded = [], []
    try:
        page = browser.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.on("request", lambda request: loaded.append(request.url))
        page.goto(url + "people/x/", wait_until="networkidle")
        assert [request for request in loaded if not request.startswith(url)] == []
        hostile = [name for name in page.eval_on_selector_all(".fu-notes a", "links => links.map(a => a.textContent)")
                   if name.startswith(("a", "r"))]  # the image links (i...) lead elsewhere, as links may
        for name in hostile:
            page.goto(url + "people/x/")
            page.click(f'.fu-notes a:text-is("{name}")', timeout=5000, no_wait_after=True)
            page.wait_for_timeout(100)
        page.close()
    finally:
        server.shutdown()
    assert len(hostile) >= 14 and dialogs == []


SECTION_SHAPE = """boxes => boxes.map(box => Array.from(box.querySelectorAll("*")).filter(e => !e.hidden &&
    !e.closest("[hidden]")).map(e => [e.tagName, e.className, e.getAttribute("href"),
    e.children.length ? "" : e.textContent.trim()].join("|")))"""


def test_the_script_redraws_exactly_what_jinja_drew(browser, site):
    """On the day the site was built, the dashboard redrawn by followup.js is the one Jinja drew: the rows,
    words and empty sentences are the page's own, not a second copy in the script."""
    _, url = site
    drawn_by_jinja = browser.new_context(java_script_enabled=False).new_page()
    drawn_by_jinja.goto(url)
    redrawn, problems, _ = open_page(browser, url, "2026-11-23", live=True)
    assert redrawn.evaluate("document.querySelector('[data-fu-section]').dataset.redrawn = 'yes'") == "yes"
    shapes = [page.eval_on_selector_all("[data-fu-section]", SECTION_SHAPE) for page in (drawn_by_jinja, redrawn)]
    assert shapes[0] == shapes[1] and sum(map(len, shapes[0])) > 20
    assert problems == []


def test_the_scripts_words_and_labels_are_pythons_on_a_later_day(browser, site):
    import datetime as dt

    from followup.formats.wording import labels, when

    journal, url = site
    day = "2026-12-23"
    page, problems, _ = open_page(browser, url, day, live=True)
    shown = page.eval_on_selector_all('[data-fu-section] li.fu-person:not(.fu-promise):not([data-date])', """
        items => items.map(i => [i.closest("[data-fu-section]").dataset.fuSection, i.dataset.slug,
                                 i.querySelector(".fu-when").textContent,
                                 Array.from(i.querySelectorAll(".fu-label")).map(l => l.textContent)])""")
    loaded = Journal.load(journal.root, today=dt.date.fromisoformat(day))
    picked = {person.slug for person in loaded.picks()}
    expected = [[section, person.slug, when(person), labels(person, section != "picks" and person.slug in picked)]
                for section, people in (("picks", loaded.picks()), ("overdue", loaded.with_status("overdue")),
                                        ("due", loaded.with_status("due")), ("soon", loaded.with_status("soon")))
                for person in people]
    assert shown == expected
    assert ["inactive", "tried once since 2026-11-01"] in [labels for *_, labels in shown]
    assert any("today's pick" in labels for section, *_, labels in shown if section == "overdue")
    assert problems == []


def test_people_are_sorted_by_any_column_and_filtered_as_you_type(browser, site):
    _, url = site
    page, problems, _ = open_page(browser, url + "people/", "2026-11-23")

    def names():
        return page.eval_on_selector_all("#fu-people-table tbody tr:not([hidden]) .fu-name",
                                         "links => links.map(a => a.textContent)")

    assert names() == ["Ana Ribeiro", "Bob Builder", "Cy Yearly", "Dee Never", "Ed Inactive"]
    page.click("#fu-people-table th:text-is('Status')")  # most urgent first: overdue, due, soon, ok
    assert names() == ["Ed Inactive", "Dee Never", "Bob Builder", "Ana Ribeiro", "Cy Yearly"]
    page.click("#fu-people-table th:text-is('Status')")  # and back (rows of one status keep their order)
    assert names() == ["Ana Ribeiro", "Cy Yearly", "Bob Builder", "Dee Never", "Ed Inactive"]
    page.click("#fu-people-table th:text-is('Last touch')")  # never first
    assert names() == ["Dee Never", "Cy Yearly", "Ana Ribeiro", "Ed Inactive", "Bob Builder"]
    page.fill("input.fu-filter", "clients")
    assert sorted(names()) == ["Bob Builder", "Cy Yearly", "Ed Inactive"]
    page.fill("input.fu-filter", "clients inactive")
    assert names() == ["Ed Inactive"]
    page.fill("input.fu-filter", "referred by Ana")  # a referral's source, to thank
    assert names() == ["Cy Yearly"]
    page.fill("input.fu-filter", "")
    assert len(names()) == 5 and problems == []


def test_an_owners_dashboard_is_redrawn_with_their_people_only(browser, journal):
    journal.settings("picks_per_day: 2")
    for slug, owner, cadence, last in (("ana", "hal", "weekly", "2026-11-10"), ("bob", "hal", "monthly", "2026-11-01"),
                                       ("cy", "mei", "weekly", "2026-11-01"), ("dee", None, "weekly", "2026-11-20")):
        journal.write(f"{slug}.md", f"---\nname: {slug.title()}\ncadence: {cadence}\nlast_touch: {last}\n"
                                    + (f"owner: {owner}\n" if owner else "") + "---\n")
    journal.commit("A firm")
    journal.build()
    server, url = serve(journal.root / "site")
    try:
        for owner, path in (("hal", "owners/hal/"), ("unowned", "owners/unowned/")):
            for day in ("2026-11-23", "2026-12-23"):
                page, problems, _ = open_page(browser, url + path, day, live=True)
                assert sections(page) == expected_sections(journal.root, day, owner), (owner, day)
                assert problems == []
        later, _, _ = open_page(browser, url + "owners/hal/", "2026-12-23", live=True)
        shown = later.eval_on_selector_all("[data-fu-section] [data-slug]", "items => items.map(i => i.dataset.slug)")
        assert set(shown) == {"ana", "bob"}
        # the redrawn names lead to the people's pages, two folders up from the owner's
        links = later.eval_on_selector_all("[data-fu-section] [data-slug] .fu-name",
                                           "links => links.map(a => [a.closest('[data-slug]').dataset.slug, a.href])")
        assert links and all(href == f"{url}people/{slug}/" for slug, href in links), links
    finally:
        server.shutdown()



@pytest.mark.parametrize("generator", GENERATORS)
def test_every_script_works_after_materials_instant_navigation(browser, journal, generator):
    """With `navigation.instant`, Material brings pages in without loading their scripts again: the table's
    sort and filter and the dashboard's redraw subscribe to its document$ and work on pages reached by a click."""
    server, url = build_and_serve(journal, generator)
    try:
        config = journal.root / "mkdocs.yml"  # instant navigation takes the links of the site's own address only
        config.write_text(config.read_text().replace("  name: material\n", "  name: material\n  features:\n"
                                                     "    - navigation.instant\n")
                          .replace("site_name:", f"site_url: {url}\nsite_name:"))
        trust(journal.root)  # the user's own change, which they trust
        rebuilt = journal.followup("build", "--generator", generator)
        assert rebuilt.returncode == 0, rebuilt.stderr
        page, problems, requests = open_page(browser, url + "people/ana/", "2026-12-08", live=True)
        # Material takes over a link's click once it has fetched the sitemap, which tells it the site's own pages: a
        # click before that (a busy machine) loads the page as any link would.
        page.wait_for_load_state("networkidle")
        page.evaluate("window.fuSamePage = true")
        page.locator("a.md-nav__link:visible", has_text="People").first.click()
        page.wait_for_url(url + "people/")
        assert page.evaluate("window.fuSamePage === true")  # brought in by Material, the page not loaded again
        page.fill("input.fu-filter", "clients inactive")
        assert page.eval_on_selector_all("#fu-people-table tbody tr:not([hidden]) .fu-name",
                                         "links => links.map(a => a.textContent)") == ["Ed Inactive"]
        page.click("#fu-people-table th:text-is('Last touch')")
        assert page.get_attribute("#fu-people-table th:text-is('Last touch')", "aria-sort") == "ascending"
        page.locator("a.md-nav__link:visible", has_text="Due").first.click()
        page.wait_for_url(url)
        page.wait_for_function("(document.querySelector('.fu-built') || {textContent: ''}).textContent"
                               ".includes('2026-12-08')")  # the page is brought in, then redrawn for the browser's day
        assert sections(page) == expected_sections(journal.root, "2026-12-08")
        assert problems == [] and all(request.startswith(url) for request in requests)
    finally:
        server.shutdown()


def test_replies_owed_are_redrawn_for_the_browsers_day_in_pythons_words(browser, journal):
    from followup.formats.wording import owed

    journal.write("fay.md", "---\nname: Fay Wrote\ncadence: monthly\nlast_touch: 2026-11-01\n---\n\n## Log\n"
                            "- 2026-11-19 Heard from (email): Re: the photos\n"
                            "- 2026-11-18 Missed call (phone): 09:14\n")
    journal.write("gus.md", "---\nname: Gus Later\ncadence: monthly\nlast_touch: 2026-11-01\n---\n\n## Log\n"
                            "- 2026-11-25 Heard from (text): are you around?\n")  # written after the build day
    journal.commit("Two who wrote", date="2026-11-20")
    journal.build()
    server, url = serve(journal.root / "site")
    try:
        drawn = browser.new_context(java_script_enabled=False).new_page()
        drawn.goto(url)
        said = "items => items.map(i => i.textContent.replace(/\\s+/g, ' ').trim())"
        on_the_day = drawn.eval_on_selector_all('[data-fu-section="replies"] li', said)
        later, problems, _ = open_page(browser, url, "2026-11-30", live=True)
        shown = later.eval_on_selector_all('[data-fu-section="replies"] li', said)
        loaded = Journal.load(journal.root, today=__import__("datetime").date(2026, 11, 30))
        assert shown == [owed(person, entry) for person, entry in loaded.replies()] and len(shown) == 3
        assert on_the_day == shown[:2] and problems == []
    finally:
        server.shutdown()
