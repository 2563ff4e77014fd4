"""followup as a MkDocs plugin: the forms a journal's mkdocs.yml may take, old and new, and live reload."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import textwrap
import time
from pathlib import Path

import pytest

from helpers import BIN, ROOT, TempJournal, free_port, wait_for

pytestmark = pytest.mark.build

ANA = "---\nname: Ana Ribeiro\ncadence: weekly\nlast_touch: 2026-11-01\n---\nArchitect.\n"
BEA = "---\nname: Bea Booked\ncadence: weekly\nlast_touch: 2026-11-20\n---\n"
# The hook file as followup init copied it into journals before the plugin existed, word for word.
OLD_HOOK = '''"""MkDocs hook that turns the contacts folder into the followup site.

It only connects MkDocs to the followup package, where the journal and its views live.
"""

import sys
from pathlib import Path

# MkDocs registers this file as the module "followup" and puts its folder first on sys.path,
# which would hide the followup package of the same name: step aside before importing it.
sys.modules.pop(__name__, None)
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).parent.resolve()]

# Every event the package handles, so a journal's copy of this file keeps working as followup grows.
from followup.site import *  # noqa: E402,F401,F403
'''


def journal_of(tmp_path: Path, config: str, hook: str | None = None) -> TempJournal:
    root = tmp_path / "journal"
    (root / "contacts").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(textwrap.dedent(config))
    if hook is not None:
        (root / "hooks").mkdir()
        (root / "hooks/followup.py").write_text(hook)
    journal = TempJournal(root)
    journal.git("init", "-q")
    journal.write("ana.md", ANA)
    journal.write("bea.md", BEA)
    journal.commit("Two people", date="2026-11-20")
    return journal


def test_plugins_search_followup_is_all_a_journal_needs(tmp_path):
    journal = journal_of(tmp_path, "site_name: Mine\ndocs_dir: contacts\ntheme: {name: material}\n"
                                   "plugins: [search, followup]\n")
    result = journal.build("--strict")
    assert "extra.followup" not in result.stderr
    assert [li["data-slug"] for li in journal.page().select('[data-fu-section="overdue"] li')] == ["ana"]
    assert journal.page("people/ana").select_one("h1").get_text() == "Ana Ribeiro"
    assert journal.followup("check").returncode == 0  # the command line finds the same journal and settings


@pytest.mark.parametrize("hook", [OLD_HOOK, (ROOT / "hooks/followup.py").read_text()], ids=["old copy", "today's"])
def test_journals_with_the_hook_file_and_extra_followup_build_unchanged(tmp_path, hook):
    journal = journal_of(tmp_path, """\
        site_name: Made before the plugin
        docs_dir: contacts
        theme:
          name: material
        hooks:
          - hooks/followup.py
        plugins:
          - search
        extra:
          followup:
            soon_days: 30
        """, hook)
    result = journal.build("--strict")  # the deprecation note must not fail strict builds of old journals
    assert "the extra.followup block of mkdocs.yml is read as before; it is deprecated" in result.stderr
    assert [li["data-slug"] for li in journal.page().select('[data-fu-section="soon"] li')] == ["bea"]  # soon_days
    record = {r["slug"]: r for r in json.loads(journal.followup("due", "--all", "--json").stdout)}["bea"]
    assert record["status"] == "soon"


def test_a_journal_listing_both_the_hook_and_the_plugin_gets_each_page_once(tmp_path):
    journal = journal_of(tmp_path, """\
        site_name: Both
        docs_dir: contacts
        theme: {name: material}
        hooks: [hooks/followup.py]
        plugins:
          - search
          - followup: {soon_days: 30}
        """, (ROOT / "hooks/followup.py").read_text())
    result = journal.build("--strict")
    assert "deprecated" not in result.stderr
    page = journal.page()
    assert len(page.select('[data-fu-section="soon"] li[data-slug="bea"]')) == 1
    assert page.text.count("Ana Ribeiro") == page.select_one("article").text.count("Ana Ribeiro")


def test_plugin_options_are_typed_and_checked(tmp_path):
    journal = journal_of(tmp_path, "site_name: x\ndocs_dir: contacts\ntheme: {name: material}\n"
                                   "plugins:\n  - followup: {picks_per_day: many}\n")
    result = journal.build(check=False)
    assert result.returncode != 0 and "Plugin 'followup' option 'picks_per_day'" in result.stderr


def test_editing_a_page_template_of_ones_own_reloads_the_served_page(journal):
    config = journal.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  name: material\n", "  name: material\n  custom_dir: overrides\n"))
    template = journal.root / "overrides/followup/person.html"
    template.parent.mkdir(parents=True)
    template.write_text("<h1>{{ subject.name }}</h1><p class=mine>first look</p>\n")
    journal.write("ana.md", ANA)
    journal.commit("Ana")
    assert journal.followup("trust").returncode == 0  # templates run as code: the user trusts their own
    port = free_port()
    server = subprocess.Popen([str(BIN / "followup"), "serve", "--port", str(port)], cwd=journal.root,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/people/ana/"
        wait_for(lambda: "first look" in (fetch(url) or ""))
        template.write_text("<h1>{{ subject.name }}</h1><p class=mine>second look</p>\n")
        time.sleep(2)  # the rebuild of the change is refused: the template is not trusted as it is now (MkDocs
        assert "second look" not in (fetch(url) or "")  # holds requests until a build succeeds)
        assert journal.followup("trust").returncode == 0  # and serve builds again once it is
        assert wait_for(lambda: "second look" in (fetch(url) or ""), 60)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def fetch(url: str) -> str | None:
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode()
    except OSError:
        return None


def test_a_properdocs_yml_is_a_journal_too(tmp_path):
    journal = journal_of(tmp_path, "site_name: x\ndocs_dir: contacts\ntheme: {name: material}\n"
                                   "plugins:\n  - followup: {soon_days: 30}\n")
    (journal.root / "mkdocs.yml").rename(journal.root / "properdocs.yml")
    journal.followup("trust")
    records = {r["slug"]: r["status"] for r in json.loads(journal.followup("due", "--all", "--json").stdout)}
    assert records == {"ana": "overdue", "bea": "soon"}
    built = journal.followup("build")  # with ProperDocs when it is installed, else MkDocs given -f properdocs.yml
    assert built.returncode == 0, built.stderr
    assert (journal.root / "site/people/bea/index.html").is_file()


def test_the_readme_settings_block_builds_strictly_and_reads_the_same_on_the_command_line(tmp_path):
    """Every option the README lists is one the plugin declares: an option known to the core but not to MkDocs
    is "Unrecognised" to MkDocs, a warning that fails --strict."""
    readme = (ROOT / "README.md").read_text()
    block = readme.split("## Settings", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    journal = journal_of(tmp_path, "site_name: x\ntheme: {name: material}\n" + block)
    result = journal.build("--strict")
    assert "Unrecognised" not in result.stderr
    assert journal.followup("check").returncode == 0


# Hooks that change every page's HTML, one before followup's own on_page_content and one after it.
BEFORE_HOOK = """from mkdocs.plugins import event_priority

@event_priority(100)
def on_page_content(html, page, config, files):
    return "<div class='banner'>Draft</div>" + html
"""
AFTER_HOOK = """def on_page_content(html, page, config, files):
    return html.replace("harbour", "HARBOUR") + "<p>Reviewed.</p>"
"""


def test_other_plugins_and_hooks_that_rewrite_pages_leave_followups_pages_whole(tmp_path):
    """Material's tags plugin, a minifier after everything, and hooks that rewrite a page's content before and
    after followup: the person page is still drawn from the notes followup read, the lists and the dashboard's
    data are whole, and search holds each person once, with their words."""
    journal = journal_of(tmp_path, "site_name: x\ndocs_dir: contacts\ntheme: {name: material}\n"
                                   "hooks: [hooks/before.py, hooks/after.py]\n"
                                   "plugins: [search, tags, followup, {minify: {minify_html: true, minify_js: true, "
                                   "minify_css: true}}]\n")
    journal.write("ana.md", ANA.replace("Architect.", "Architect of the harbour museum.\n\n## Log\n- 2026-11-01 Tea"))
    (journal.root / "hooks").mkdir()
    (journal.root / "hooks/before.py").write_text(BEFORE_HOOK)
    (journal.root / "hooks/after.py").write_text(AFTER_HOOK)
    journal.commit("Notes and hooks")
    journal.build("--strict")
    ana = journal.page("people/ana")
    assert ana.select_one(".fu-notes").get_text(" ", strip=True) == "Draft Architect of the harbour museum."
    assert ana.select_one(".fu-card") and ana.select(".fu-heatmap svg") and \
        "Tea" in [li.select_one(".fu-text").get_text() for li in ana.select(".fu-timeline li")]
    assert [li["data-slug"] for li in journal.page().select('[data-fu-section="overdue"] li')] == ["ana"]
    assert [row["data-slug"] for row in journal.page("people").select("tr.fu-person")] == ["ana", "bea"]
    data = (journal.root / "site/followup-data.js").read_text()
    assert data.startswith("window.followupData = ") and json.loads(data.removeprefix("window.followupData = ")
                                                                     .rstrip().rstrip(";"))["people"]
    index = json.loads((journal.root / "site/search/search_index.json").read_text())
    pages = {entry["location"].split("#")[0] for entry in index["docs"]}
    assert pages == {"people/ana/", "people/bea/"}
    assert any("harbour museum" in entry["text"].lower() for entry in index["docs"] if entry["location"] ==
               "people/ana/")
    # the minifier did run over followup's pages
    assert "\n\n" not in (journal.root / "site/people/ana/index.html").read_text()
