"""`followup render`: the journal's pages as Markdown, built by generators that run no plugin (Zensical, MkDocs
without followup), at the same URLs as the plugin's, with nothing in them that the plugin's pages do not have."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from followup.store.trust import trust
from helpers import BIN, DOCS_TOOL, HOSTILE_NOTES, ROOT

pytestmark = pytest.mark.build  # also run under ProperDocs in CI


def pages(site: Path) -> set[str]:
    """The URL of every page of a built site (use_directory_urls: each is a folder's index.html)."""
    return {path.parent.relative_to(site).as_posix().removeprefix(".") for path in site.rglob("index.html")}


def zensical_build(folder: Path) -> Path:
    built = subprocess.run([str(BIN / "zensical"), "build", "--clean", "-f", str(folder / "mkdocs.yml")],
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stdout + built.stderr
    return folder / "site"


def content(site: Path, url: str, rendered: bool) -> BeautifulSoup:
    """What the page shows of the journal: the plugin's page body in Material's article, or the render's."""
    soup = BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")
    found = soup.select_one(".fu-rendered") if rendered else soup.select_one("article.md-content__inner")
    assert found is not None, url
    return found


def active(part: BeautifulSoup) -> list[tuple]:
    """Whatever in a page can run, load or send: elements that do, event handlers, and every URL, in order."""
    found = []
    for element in part.find_all(True):
        if element.name in ("script", "iframe", "object", "embed", "form", "style", "link", "meta", "base", "svg",
                            "img", "input", "button", "textarea", "template"):
            found.append((element.name,))
        for name, value in element.attrs.items():
            if name.startswith("on") or name in ("href", "src", "action", "formaction", "srcdoc", "style",
                                                 "xlink:href"):
                found.append((element.name, name, value))
    return found


def test_the_demo_renders_every_page_at_its_url_for_zensical_and_plain_mkdocs(tmp_path):
    trust(ROOT)  # the test's own trust store (XDG_CONFIG_HOME): the demo as the repository has it
    plugin_site = tmp_path / "plugin-site"
    built = subprocess.run([str(BIN / DOCS_TOOL), "build", "-f", "mkdocs.yml", "--site-dir", str(plugin_site)],
                           cwd=ROOT, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    rendered = tmp_path / "rendered"
    done = subprocess.run([str(BIN / "followup"), "--journal", str(ROOT), "render", str(rendered)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert not (ROOT / "site-src").exists()  # where it was told, nowhere else

    zensical = zensical_build(rendered)
    expected = pages(plugin_site) - {"search"}  # MkDocs' own search page
    assert {"", "people", "people/ana-ribeiro", "categories", "categories/clients", "inactive", "review",
            "problems"} <= expected
    assert expected <= pages(zensical)
    for url in ("", "people", "people/ana-ribeiro", "categories", "review"):
        assert content(zensical, url, True).get_text(" ", strip=True) == \
            content(plugin_site, url, False).get_text(" ", strip=True), url
    ana = content(zensical, "people/ana-ribeiro", True)
    assert ana.select(".fu-heatmap svg.fu-heat-year rect") and ana.select(".fu-card")
    assert "clinic near the river" in ana.get_text()
    for asset in ("assets/followup.js", "assets/followup-table.js", "assets/followup.css", "followup-data.js",
                  "followup.ics", "due.xml", "calendar/clients.ics"):
        assert (zensical / asset).is_file(), asset
    home = (zensical / "index.html").read_text()
    assert "assets/followup.js" in home and "assets/followup.css" in home
    assert "The followup demo journal, as of 2026-11-23" in home  # the demo's own overrides/ too

    plain = subprocess.run([str(BIN / DOCS_TOOL), "build", "-f", str(rendered / "mkdocs.yml"), "--site-dir",
                            str(tmp_path / "plain")], capture_output=True, text=True)
    assert plain.returncode == 0, plain.stderr
    assert expected <= pages(tmp_path / "plain")
    assert content(tmp_path / "plain", "people/ana-ribeiro", True).get_text(" ", strip=True) == \
        content(plugin_site, "people/ana-ribeiro", False).get_text(" ", strip=True)


HOSTILE_NAME = "Eve <img src=x onerror=alert(1)> *bold* `code` {{ 7*7 }} </div><script>alert(2)</script> &amp;"


def test_nothing_in_a_rendered_page_becomes_markup_the_plugins_page_does_not_have(journal, tmp_path):
    journal.write("eve.md", f"---\nname: '{HOSTILE_NAME}'\ncategories: ['<b>x</b>', '</div>\n\n# heading']\n"
                            "cadence: monthly\nlast_touch: 2026-11-01\n---\n" + HOSTILE_NOTES +
                            "\n\n    code with\n\n    a blank line\n\n<script>alert(3)</script>\n\n"
                            "<div markdown=1>*raw*</div>\n\n## Log\n- 2026-11-01 Lunch <img src=x onerror=alert(4)>\n")
    journal.write("ana.md", "---\nname: Ana\ncadence: weekly\n---\nPlain.\n")
    journal.commit("People")
    journal.build()
    done = journal.followup("build", "--generator", "zensical")
    assert done.returncode == 0, done.stderr
    # build --generator zensical: the render, built by Zensical, in place of the journal's site folder
    plugin_site = tmp_path / "plugin-site"
    os.rename(journal.root / "site", tmp_path / "zensical-site")
    journal.build("--site-dir", str(plugin_site))
    zensical = tmp_path / "zensical-site"
    assert pages(plugin_site) - {"search"} <= pages(zensical)
    for url in pages(plugin_site) - {"search"}:
        theirs, ours = content(zensical, url, True), content(plugin_site, url, False)
        assert active(theirs) == active(ours), url
        assert theirs.get_text(" ", strip=True) == ours.get_text(" ", strip=True), url
    eve = content(zensical, "people/eve", True)
    assert HOSTILE_NAME in eve.get_text()
    assert eve.select_one("pre").get_text() == "code with\n\na blank line\n"  # a blank line in code kept


def test_a_render_never_writes_through_a_link_nor_empties_a_folder_it_did_not_make(journal, tmp_path):
    journal.write("ana.md", "---\nname: Ana\ncadence: weekly\n---\n")
    journal.commit("Ana")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.md").write_text("years of work")
    refused = journal.followup("render", str(mine))
    assert refused.returncode != 0 and "did not write" in refused.stderr
    assert (mine / "thesis.md").read_text() == "years of work" and len(list(mine.iterdir())) == 1

    # A journal that arrives with site-src/ holding links (a commit can), the mark included
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("kept")
    rendered = journal.root / "site-src"
    rendered.mkdir()
    (rendered / ".followup-render").write_text("")
    (rendered / "docs").symlink_to(outside)
    (rendered / "site").symlink_to(journal.root)
    done = journal.followup("build", "--generator", "zensical")
    assert done.returncode == 0, done.stderr
    assert (outside / "keep.txt").read_text() == "kept" and sorted(os.listdir(outside)) == ["keep.txt"]
    assert (journal.root / "contacts" / "ana.md").is_file() and (journal.root / ".git").is_dir()
    assert (journal.root / "site" / "people" / "ana" / "index.html").is_file()

    # A render that removes a person takes their page away, and nothing else of the folder's
    (journal.contacts / "ana.md").unlink()
    journal.write("bo.md", "---\nname: Bo\ncadence: weekly\n---\n")
    journal.commit("Bo for Ana")
    assert journal.followup("render").returncode == 0
    assert (rendered / "docs/people/bo/index.md").is_file() and not (rendered / "docs/people/ana").exists()


def test_the_generator_setting_builds_with_zensical_and_serve_re_renders_on_save(journal):
    journal.write("ana.md", "---\nname: Ana\ncadence: weekly\n---\nFirst words.\n")
    journal.commit("Ana")
    journal.settings("generator: zensical")
    assert journal.followup("build").returncode == 0
    assert "First words." in journal.page("people/ana").get_text()
    assert journal.page("people/ana").select_one(".fu-rendered") is not None  # Zensical's, from the render
    bad = journal.followup("build", "--generator", "hugo")
    assert bad.returncode == 2 and "hugo" in bad.stderr
    journal.settings("generator: hugo")
    wrong = journal.followup("build")
    assert wrong.returncode != 0 and "generator must be one of mkdocs, zensical" in wrong.stderr
