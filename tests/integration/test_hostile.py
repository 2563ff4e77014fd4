"""Everything that reaches followup is input, and hostile until checked: working files, every old version in
git history, merges, imports, arguments, the environment and the disk. Each case is written by the test,
byte for byte; each ends in a clear message naming the file and line, the rest builds, nothing is lost,
run or fetched."""

from __future__ import annotations

import csv
import io
import json
import os
import posixpath
import random
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from followup.store.journal import Journal
from helpers import (
    ALLOWED_SCHEMES,
    BIN,
    HOSTILE_NOTES,
    ROOT,
    answers,
    as_browser_reads,
    clone,
    commits,
    free_port,
    many_cards,
    run,
    timeline,
    wait_for,
)

ANA = "---\nname: Ana Ribeiro\ncadence: monthly\nlast_touch: {}\n---\nNotes.\n\n## Log\n- 2026-10-01 Coffee\n"


# ---- git history is input ---------------------------------------------------------------------------

def test_a_bad_date_once_committed_breaks_nothing_and_needs_no_history_rewrite(journal):
    bad_dates = ["2026-02-30", "2026-13-01", "soon", "0099-06-01"]  # one person each, in one history
    paths = [journal.write(f"ana{number}.md", ANA.format("2026-10-01")) for number in range(len(bad_dates))]
    journal.commit("Add Ana", date="2026-10-01")
    for path, bad in zip(paths, bad_dates, strict=True):
        path.write_text(ANA.format(bad))
    journal.commit("A typo", date="2026-10-02")
    for path in paths:
        path.write_text(ANA.format("2026-11-02"))
    journal.commit("Lunch, typo fixed", date="2026-11-02")
    for args in (["check"], ["check", "--strict"], ["due", "--all"], ["today"], ["log", "ana0"], ["build"], ["ics"]):
        result = journal.followup(*args)
        assert result.returncode == 0 and "Traceback" not in result.stderr, (args, result.stderr)
    build = journal.build("--strict")  # an old value is no problem of today's journal: not even a warning
    assert "WARNING" not in build.stderr
    for number, bad in enumerate(bad_dates):
        assert f"last_touch {bad!r} in commit" in build.stderr, bad
        assert timeline(journal, f"ana{number}") == [
            ("2026-11-02", "touch", "Lunch, typo fixed"), ("2026-10-02", "edit", "A typo"),
            ("2026-10-01", "edit", "Add Ana"), ("2026-10-01", "log", "Coffee")], bad


def test_a_reverted_touch_is_undone_everywhere(journal):
    journal.write("ana.md", ANA.format("2026-10-01"))
    journal.commit("Add Ana", date="2026-10-01")
    assert journal.followup("touch", "ana", "-m", "Lunch at Rosa's").returncode == 0
    journal.git("revert", "--no-edit", "HEAD")
    record = json.loads(journal.followup("due", "--all", "--json").stdout)[0]
    assert (record["last_touch"], record["status"]) == ("2026-10-01", "overdue")
    events = timeline(journal, "ana")
    assert [kind for _, kind, _ in events if kind in ("touch", "log")] == ["log"]  # only Coffee
    assert {text for _, kind, text in events if kind == "edit"} >= {"Lunch at Rosa's", 'Revert "Lunch at Rosa\'s"'}
    journal.build()
    page = journal.page("people/ana")
    assert page.select_one(".fu-last-touch").get_text() == "2026-10-01"
    assert not page.select('.fu-timeline li[data-kind="touch"]')
    assert [cell["data-date"] for cell in page.select(".fu-heat-year rect[data-date]")] == ["2026-10-01"]


def test_a_hand_correction_that_moves_last_touch_back_is_not_a_touch(journal):
    path = journal.write("ana.md", ANA.format("2026-11-20"))
    journal.commit("Add Ana", date="2026-11-20")
    path.write_text(ANA.format("2026-11-21"))
    journal.commit("Call", date="2026-11-21")
    path.write_text(ANA.format("2026-11-05"))
    journal.commit("No, that call was Anna Lima", date="2026-11-22")
    assert timeline(journal, "ana")[:2] == [("2026-11-22", "edit", "No, that call was Anna Lima"),
                                            ("2026-11-21", "edit", "Call")]
    assert Journal.load(journal.root).by_slug["ana"].due.last_touch.isoformat() == "2026-11-05"


def test_adding_files_is_not_a_touch_and_a_kept_promise_is_logged_once(journal):
    journal.write("a.md", "---\nname: Ada\ncadence: weekly\nlast_touch: 2026-11-01\npromises:\n"
                          "  - {due: 2026-11-30, what: send the plans}\n---\n")
    journal.write("b.md", "---\nname: Ben\ncadence: weekly\nlast_touch: 2026-11-02\n---\n")
    journal.commit("A batch written by hand", date="2026-11-20")
    assert journal.followup("kept", "ada").returncode == 0
    assert timeline(journal, "a") == [("2026-11-23", "kept", "Kept promise: send the plans"),
                                      ("2026-11-20", "edit", "A batch written by hand")]
    assert timeline(journal, "b") == [("2026-11-20", "edit", "A batch written by hand")]
    ada = Journal.load(journal.root).by_slug["a"]
    assert ada.due.last_touch.isoformat() == "2026-11-01"  # keeping a promise is not a touch


def test_a_relative_config_path_keeps_the_git_history(journal):
    path = journal.write("ana.md", ANA.format("2026-10-01"))
    journal.commit("Add Ana", date="2026-10-01")
    path.write_text(ANA.format("2026-11-02").replace("Notes.", "Notes, longer."))
    journal.commit("Called about the move", date="2026-11-02")
    result = subprocess.run([str(BIN / "mkdocs"), "build", "-f", "mkdocs.yml"], cwd=journal.root,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    texts = [li.select_one(".fu-text").get_text() for li in journal.page("people/ana").select(".fu-timeline li")]
    assert texts == ["Called about the move", "Add Ana", "Coffee"]


def test_unresolved_conflict_markers_are_a_problem_on_their_line_and_stop_edits(journal):
    ana = journal.write("ana.md", "---\nname: Ana\ncadence: weekly\n---\nNotes.\n\n## Log\n<<<<<<< ours\n"
                                  "- 2026-11-01 Tea\n=======\n- 2026-11-02 Coffee\n>>>>>>> theirs\n")
    journal.write("bob.md", "---\n<<<<<<< HEAD\nname: Bob\n=======\nname: Robert\n>>>>>>> 1a2b3c4\n"
                            "cadence: weekly\n---\n")
    journal.write("cy.md", "---\nname: Cy\n---\nA heading\n=======\n\n> > > > > > > quoted\n")
    check = journal.followup("check")
    assert check.returncode == 1
    assert "contacts/ana.md:8: unresolved merge conflict (lines 8-12)" in check.stdout
    assert "contacts/bob.md:2: unresolved merge conflict (lines 2-6)" in check.stdout
    assert "cy.md" not in check.stdout  # seven '=' under a heading are Markdown
    before = ana.read_bytes()
    for who in ("ana", "bob"):
        refused = journal.followup("touch", who, "-m", "Call")
        assert refused.returncode in (1, 2) and "unresolved merge conflict" in refused.stderr, refused.stderr
    assert ana.read_bytes() == before
    journal.build()
    paths = [cell.get_text() for cell in journal.page("problems").select(".fu-path")]
    assert paths == ["contacts/ana.md", "contacts/bob.md"]


def test_control_characters_in_a_name_never_reach_a_terminal(journal):
    journal.write("esc.md", '---\nname: "Eve \\e]0;owned\\a \\e[2J"\ncadence: weekly\n---\n\n## Log\n'
                            "- 2026-11-01 Called \x1b[31mred\n")
    journal.commit("Eve")
    listed = journal.followup("due", "--all")
    assert listed.returncode == 0 and "\x1b" not in listed.stdout and "\x07" not in listed.stdout
    assert "Eve \ufffd]0;owned\ufffd \ufffd[2J" in listed.stdout
    check = journal.followup("check")
    assert "contacts/esc.md:2: a value holds a control character" in check.stdout
    assert "contacts/esc.md:7: this line holds a control character" in check.stdout
    shown = journal.followup("show", "esc")
    assert "\x1b" not in shown.stdout and "Called \ufffd[31mred" in shown.stdout


# ---- script, request and markup safety in notes -----------------------------------------------------

@pytest.fixture
def hostile_notes(journal):
    journal.write("x.md", "---\nname: Xena\ncadence: weekly\n---\n" + HOSTILE_NOTES)
    journal.commit("Xena")
    journal.build()
    return journal


def test_links_keep_their_target_only_for_safe_schemes_and_images_only_from_inside_the_site(hostile_notes):
    notes = hostile_notes.page("people/x").select_one(".fu-notes")
    for link in notes.select("a[href]"):
        seen = as_browser_reads(link["href"])
        scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", seen)
        assert scheme is None or scheme.group(1).lower() in ALLOWED_SCHEMES, link
    kept = {a.get_text(): a["href"] for a in notes.select("a[href]") if not a.get_text().startswith("i")}
    assert kept == {"fine": "https://example.org", "mail": "mailto:ana@example.org", "call": "tel:+15550100",
                    "text": "sms:+15550100", "up": "../"}
    texts = notes.get_text()
    for name in ["a1", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "a10", "r1", "r2", "r3", "r5"]:
        assert name in texts  # the text stays, the target goes
    for image in notes.select("img[src]"):
        resolved = posixpath.normpath(posixpath.join("people/x", as_browser_reads(image["src"])))
        assert not resolved.startswith(("..", "/")) and ":" not in resolved, image
    assert "evil.example" not in "".join(str(img) for img in notes.select("img"))


def test_event_handlers_and_styles_never_survive_a_markdown_extension(journal):
    config = journal.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("plugins:", "markdown_extensions:\n  - attr_list\n  - def_list\n"
                                                 "  - footnotes\n  - toc:\n      permalink: true\nplugins:"))
    journal.write("x.md", '---\nname: Xena\n---\nHover me\n{: onmouseover="alert(1)" style="position:fixed" }\n\n'
                          '## Heading {: onclick="alert(2)" #about }\n\n'
                          '[link](https://example.org){: onclick="alert(3)" onfocus="alert(4)" }\n\n'
                          'A note[^1].\n\n[^1]: With a footnote{: onclick="alert(5)" }\n')
    journal.commit("Xena")
    journal.build()
    notes = journal.page("people/x").select_one(".fu-notes")
    for element in notes.find_all(True):
        assert not [name for name in element.attrs if name.startswith("on") or name == "style"], element
    assert notes.select_one("h2#about") and notes.select_one('a[href="https://example.org"]')


def test_notes_opening_with_a_heading_keep_the_name_as_the_search_title(journal):
    journal.write("ana.md", "---\nname: Ana Ribeiro\ncadence: weekly\n---\n# About\nArchitect in Porto.\n")
    journal.commit("Ana")
    journal.build()
    index = json.loads((journal.root / "site/search/search_index.json").read_text())
    titles = {doc["location"]: doc["title"] for doc in index["docs"] if doc["location"].startswith("people/ana/")}
    assert titles["people/ana/"] == "Ana Ribeiro"
    assert any("Architect in Porto" in doc["text"] for doc in index["docs"])


def test_csv_export_cells_never_start_a_formula(journal):
    journal.write("x.md", '---\nname: "=HYPERLINK(\\"http://evil.example\\", \\"Ana\\")"\ncategories: ["\\t=1+1"]\n'
                          'phone: "+1 555 0100"\nemail: "@SUM(A1:A9)"\nowner: "-2+3"\n---\n')
    journal.commit("X")
    rows = list(csv.DictReader(io.StringIO(journal.followup("export", "--format", "csv").stdout)))
    row = rows[0]
    for key in ("name", "categories", "email", "owner"):
        assert row[key].startswith("'"), (key, row[key])
    assert row["name"] == "'=HYPERLINK(\"http://evil.example\", \"Ana\")"
    assert row["phone"] == "+1 555 0100" and row["active"] == "true"  # a number runs nothing; true as JSON says


# ---- files that crashed or hung the build -------------------------------------------------------------

BOMBS = {
    "brackets-in-front.md": "---\nname: Brackets\nx: " + "[" * 40_000 + "\n---\n",
    "alias-bomb.md": '---\nname: Bomb\na: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
                     "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
                     "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n---\n",
    # Block style, no bracket: each level opens with its own ':'.
    "deep-front.md": "---\nname: Deep Front\nx:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 30)) + "---\n",
    "deep-list.md": "---\nname: Deep List\n---\n" + "\n".join("    " * i + "- x" for i in range(250)) + "\n",
    "brackets-in-notes.md": "---\nname: Many Brackets\n---\n" + "[" * 20_000 + "\n",
    "nested-emphasis.md": "---\nname: Emphasis\n---\n" + "*a " * 5000 + "b*" * 5000 + "\n",
    "nested-numbers.md": "---\nname: Numbers\n---\n" + "1. " * 3000 + "x\n",
}
# file -> (line, words of the problem, still shown as a person)
BOMB_PROBLEMS = {
    "brackets-in-front.md": (3, "the front matter nests more than 20 levels deep", False),
    "deep-front.md": (23, "the front matter nests more than 20 levels deep", False),
    "alias-bomb.md": (3, "anchors and aliases (&name, *name) are not read", False),
    "deep-list.md": (None, "the notes could not be rendered (nested too deeply)", True),
    "brackets-in-notes.md": (4, "the notes hold 20000 '['", True),
    "nested-emphasis.md": (None, "the notes could not be rendered", True),
    "nested-numbers.md": (None, "the notes could not be rendered", True),
    "fifo.md": (None, "is not a regular file (a FIFO, device or socket)", False),
}
RENDERED_BY_OLDER_MARKDOWN = {"nested-emphasis.md"}  # Markdown 3.7 renders it; later versions recurse too deep


def test_files_that_crashed_or_hung_are_each_one_problem_and_the_rest_builds(journal):
    for name, text in BOMBS.items():
        journal.write(name, text)
    journal.write("good.md", "---\nname: Good Person\ncadence: weekly\n---\nFine notes.\n")
    journal.commit("The bombs")
    os.mkfifo(journal.contacts / "fifo.md")  # nobody ever writes to it: a read would wait for ever
    check = subprocess.run([str(BIN / "followup"), "check"], cwd=journal.root, capture_output=True, text=True,
                           timeout=120)
    assert check.returncode == 1 and "Traceback" not in check.stderr
    build = subprocess.run([str(BIN / "mkdocs"), "build"], cwd=journal.root, capture_output=True, text=True,
                           timeout=120)
    assert build.returncode == 0 and "Traceback" not in build.stderr, build.stderr[-3000:]
    rows = {tr.select_one(".fu-path").get_text(): (tr.select_one(".fu-line").get_text(),
                                                   tr.select_one(".fu-message").get_text())
            for tr in journal.page("problems").select("tbody tr")}
    always = {f"contacts/{name}" for name in BOMB_PROBLEMS.keys() - RENDERED_BY_OLDER_MARKDOWN}
    assert always <= set(rows) <= {f"contacts/{name}" for name in BOMB_PROBLEMS}
    for name, (line, words, shown) in BOMB_PROBLEMS.items():
        if f"contacts/{name}" not in rows:  # rendered: then as notes, whole
            assert journal.page(f"people/{name.removesuffix('.md')}").select_one(".fu-notes em") is not None
            continue
        assert rows[f"contacts/{name}"][0] == str(line or "") and words in rows[f"contacts/{name}"][1], name
        if "could not be rendered" not in words:  # found while reading; the rest while the site renders notes
            assert (f"contacts/{name}:{line}: " if line else f"contacts/{name}: ") in check.stdout, name
        assert (journal.root / f"site/people/{name.removesuffix('.md')}/index.html").exists() == shown, name
    assert "Fine notes." in journal.page("people/good").select_one(".fu-notes").get_text()
    deep = journal.page("people/deep-list").select_one(".fu-notes pre")
    assert deep is not None and deep.get_text().count("- x") == 250  # shown as written, nothing lost


FAR_DATES = {"last_touch": "0099-06-01", "next": "0001-01-01", "birthday": "9999-12-31",
             "dates": "{founding: 9999-12-31}", "promises": "[{due: 9999-12-31, what: someday}]",
             "snooze_until": "2201-01-01"}


def test_dates_outside_1900_to_2200_are_one_problem_and_the_feeds_still_build(journal):
    for key, value in FAR_DATES.items():  # one person each
        journal.write(f"far-{key.replace('_', '-')}.md",
                      f"---\nname: Far {key}\ncadence: weekly\n{key}: {value}\n---\n")
    journal.write("near.md", "---\nname: Near\ncadence: weekly\nlast_touch: 2026-11-20\n---\n")
    journal.commit("Far")
    check = journal.followup("check")
    assert check.returncode == 1
    for key in FAR_DATES:
        assert f"contacts/far-{key.replace('_', '-')}.md:4: " in check.stdout, key
    assert check.stdout.count("outside the years 1900-2200") == len(FAR_DATES)
    for args in (["ics"], ["due", "--all", "--json"], ["export", "--format", "csv"]):
        result = journal.followup(*args)
        assert result.returncode == 0 and "Traceback" not in result.stderr, (args, result.stderr)
    records = {r["slug"]: r for r in json.loads(journal.followup("due", "--all", "--json").stdout)}
    for key in FAR_DATES:  # the bad date counts for nothing
        record = records[f"far-{key.replace('_', '-')}"]
        assert (record["status"], record["last_touch"]) == ("due", None), key
    journal.build()


def test_duplicate_keys_tags_and_anchors_are_refused_or_edited_right(journal):
    twice = journal.write("twice.md", "---\nname: Twice\nlast_touch: 2026-01-01\ncadence: weekly\n"
                                      "last_touch: 2026-11-01\n---\n")
    tagged = journal.write("tagged.md", "---\nname: Tagged\nlast_touch: !!str 2026-01-01   # keep me\n"
                                        "cadence: !!str weekly\n---\n")
    anchored = journal.write("anchored.md", "---\nname: &n Anchored\nalias: *n\ncadence: weekly\n---\n")
    journal.commit("Three")
    before = twice.read_bytes()
    refused = journal.followup("touch", "twice", "-m", "Call")
    assert refused.returncode == 1 and "'last_touch' is written twice (first on line 3)" in refused.stderr
    assert twice.read_bytes() == before
    assert journal.followup("touch", "tagged", "-m", "Call").returncode == 0
    assert tagged.read_text() == ("---\nname: Tagged\nlast_touch: 2026-11-23   # keep me\ncadence: !!str weekly\n"
                                  "---\n## Log\n\n- 2026-11-23 Call\n")
    before = anchored.read_bytes()
    refused = journal.followup("touch", "anchored")
    assert refused.returncode == 2 and "anchors and aliases" in refused.stderr and "Traceback" not in refused.stderr
    assert anchored.read_bytes() == before


def test_a_log_heading_inside_fenced_code_is_not_the_log(journal):
    path = journal.write("ana.md", "---\nname: Ana\ncadence: weekly\n---\nHow I keep notes:\n\n```markdown\n"
                                   "## Log\n- 2026-01-01 an example, not a touch\n```\n\n~~~~\n## Log\n~~~~\n\n"
                                   "## Log\n- 2026-11-01 Tea\n")
    journal.commit("Ana")
    assert timeline(journal, "ana")[-1:] == [("2026-11-01", "log", "Tea")]
    assert journal.followup("touch", "ana", "-m", "Call").returncode == 0
    text = path.read_text()
    assert text.endswith("## Log\n- 2026-11-23 Call\n- 2026-11-01 Tea\n")
    assert "## Log\n- 2026-01-01 an example, not a touch\n```" in text
    assert [t for _, kind, t in timeline(journal, "ana") if kind == "log"] == ["Call", "Tea"]


def test_arguments_that_are_not_utf8_are_refused_with_nothing_written(journal):
    journal.write("ana.md", ANA.format("2026-10-01"))
    journal.commit("Add Ana")
    before = sorted(p.name for p in journal.contacts.iterdir()), (journal.contacts / "ana.md").read_bytes()
    for args in (["new", b"Bad \xff Name"], ["touch", "ana", "-m", b"caf\xe9"], ["promise", "ana", b"\xfe", "--by",
                                                                                "2026-12-01"]):
        result = subprocess.run([str(BIN / "followup"), *args], cwd=journal.root, capture_output=True)
        assert result.returncode == 2 and b"is not UTF-8 text" in result.stderr and b"Traceback" not in result.stderr
    assert (sorted(p.name for p in journal.contacts.iterdir()), (journal.contacts / "ana.md").read_bytes()) == before
    assert commits(journal)[0] == "Add Ana"


def test_init_without_git_or_an_identity_makes_nothing(tmp_path):
    nogit = subprocess.run([str(BIN / "followup"), "init", str(tmp_path / "a")], capture_output=True, text=True,
                           env={**os.environ, "PATH": str(BIN)})
    assert nogit.returncode == 1 and "git is not installed" in nogit.stderr and "Traceback" not in nogit.stderr
    config = tmp_path / "gitconfig"
    config.write_text("[user]\n\tuseConfigOnly = true\n")  # as a machine where git cannot guess a name
    env = {key: value for key, value in os.environ.items() if not key.startswith(("GIT_AUTHOR", "GIT_COMMITTER"))}
    noid = subprocess.run([str(BIN / "followup"), "init", str(tmp_path / "b" / "journal")], capture_output=True,
                          text=True, env={**env, "GIT_CONFIG_GLOBAL": str(config), "EMAIL": ""})
    assert noid.returncode == 1 and "git does not know who you are" in noid.stderr and "Traceback" not in noid.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gitconfig"]  # not even the parent folder stays


@pytest.fixture
def small_disk(tmp_path):
    """A 2 MB file system of its own (tmpfs; the suite runs as root, as in CI), to fill up or make read-only."""
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], check=True)
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=True)


def test_a_full_or_read_only_disk_is_a_clear_error_and_loses_nothing(journal, small_disk):
    journal.write("ana.md", ANA.format("2026-10-01"))
    journal.commit("Add Ana")
    root = small_disk / "journal"
    shutil.copytree(journal.root, root, symlinks=True)
    ana = root / "contacts/ana.md"
    before = ana.read_bytes()
    with (small_disk / "filler").open("wb") as filler:
        try:
            while True:
                filler.write(b"x" * 65536)
                filler.flush()
        except OSError:
            pass
    for args in (["touch", "ana", "-m", "Call"], ["new", "Bruno Costa"]):
        full = journal.followup("--journal", str(root), *args)
        assert full.returncode == 1 and "No space left on device" in full.stderr, full.stderr
        assert "Traceback" not in full.stderr
    assert ana.read_bytes() == before and not list((root / "contacts").glob(".*.tmp"))
    assert not (root / "contacts/bruno-costa.md").exists()
    (small_disk / "filler").unlink()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    read_only = journal.followup("--journal", str(root), "touch", "ana", "-m", "Call")
    assert read_only.returncode == 1 and "Read-only file system" in read_only.stderr, read_only.stderr
    assert "Traceback" not in read_only.stderr and ana.read_bytes() == before


def test_check_strict_fails_in_a_repository_with_no_commits(tmp_path):
    root = tmp_path / "journal"
    (root / "contacts").mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    (root / "contacts/ana.md").write_text("---\nname: Ana\ncadence: weekly\n---\n")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    run = lambda *args: subprocess.run([str(BIN / "followup"), *args], cwd=root, capture_output=True, text=True)  # noqa: E731
    assert run("check").returncode == 0
    strict = run("check", "--strict")
    assert strict.returncode == 1 and "no commits yet" in strict.stderr


def test_a_symlinked_contacts_folder_is_reported_and_nothing_is_read_through_it(journal, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.md").write_text("---\nname: Not In The Journal\n---\nprivate\n")
    shutil.rmtree(journal.contacts)
    journal.contacts.symlink_to(outside, target_is_directory=True)
    check = journal.followup("check")
    assert check.returncode == 1 and check.stdout.startswith("contacts: is a symbolic link")
    journal.build()
    assert not [p for p in (journal.root / "site").rglob("*.html") if "Not In The Journal" in p.read_text()]


# ---- merges and imports that lost work ------------------------------------------------------------------

def test_two_clones_touching_and_renaming_one_person_keep_both_touches_in_the_conflict(journal, tmp_path):
    journal.write("ana.md", "---\nname: Ana\ncadence: weekly\nlast_touch: 2026-11-01\n---\n\n"
                            "## Log\n- 2026-11-01 Tea\n")
    journal.commit("Add Ana")
    laptop, phone = clone(journal, tmp_path, "laptop"), clone(journal, tmp_path, "phone")
    for folder, name, day in ((laptop, "Ana Ribeiro", "2026-11-20"), (phone, "Ana Lima", "2026-11-10")):
        path = folder / "contacts/ana.md"
        path.write_text(path.read_text().replace("name: Ana", f"name: {name}"))
        run(folder, "git", "commit", "-qam", f"Rename to {name}")
        run(folder, "followup", "touch", "ana", "-m", f"Call from the {folder.name}", "--date", day)
    run(laptop, "git", "push", "-q", "origin", "HEAD")
    pulled = run(phone, "git", "pull", "-q", "--no-rebase", "--no-edit", check=False)
    assert pulled.returncode != 0  # both renamed her: a real conflict, left to the user
    text = (phone / "contacts/ana.md").read_text()
    assert "<<<<<<<" in text and "name: Ana Ribeiro" in text and "name: Ana Lima" in text
    assert "last_touch: 2026-11-20" in text and "last_touch: 2026-11-10" not in text
    assert "- 2026-11-20 Call from the laptop\n- 2026-11-10 Call from the phone\n- 2026-11-01 Tea\n" in text


IMPORT_SIZE = 400


def test_an_import_killed_at_any_moment_is_finished_by_the_next_one(journal):
    (journal.root / "big.vcf").write_bytes(many_cards(IMPORT_SIZE, newline="\r\n"))
    randomness = random.Random(20261123)
    for _trial in range(3):
        process = subprocess.Popen([str(BIN / "followup"), "import", "big.vcf"], cwd=journal.root,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(randomness.uniform(0.3, 2.5))
        process.send_signal(signal.SIGKILL)
        process.wait()
        loaded = Journal.load(journal.root)
        assert loaded.problems == [], loaded.problems[:3]  # every file whole
    finished = journal.followup("import", "big.vcf")
    assert finished.returncode == 0, finished.stderr
    again = journal.followup("import", "big.vcf")
    assert again.stdout.splitlines()[-1] == f"0 created, 0 merged, {IMPORT_SIZE} skipped"
    names = [person.name for person in Journal.load(journal.root).people]
    assert len(names) == IMPORT_SIZE and len(set(names)) == IMPORT_SIZE  # everyone, once
    assert journal.git("status", "--porcelain", "contacts").stdout == ""  # all of it committed
    assert not list(journal.contacts.glob(".*.tmp"))
    assert not Path(journal.root, ".git", "followup-import.json").exists()


def test_a_very_long_name_is_imported_under_a_shorter_file_name(journal):
    long_name = "Maria " + " ".join(["Anunciação"] * 30)
    (journal.root / "long.vcf").write_bytes(("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:" + long_name +
                                             "\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Next Person\r\n"
                                             "END:VCARD\r\n").encode())
    result = journal.followup("import", "long.vcf")
    assert result.returncode == 0 and result.stdout.splitlines()[-1] == "2 created, 0 merged, 0 skipped"
    names = sorted(p.name for p in journal.contacts.glob("*.md"))
    assert len(names) == 2 and all(len(name) <= 83 for name in names)
    assert {p.name for p in Journal.load(journal.root).people} == {long_name, "Next Person"}


def test_two_promises_of_the_same_words_are_two_calendar_events(journal):
    journal.write("ana.md", "---\nname: Ana\ncadence: weekly\npromises:\n  - {due: 2026-11-25, what: call back}\n"
                            "  - {due: 2026-12-02, what: call back}\n---\n")
    journal.commit("Ana")
    import vobject
    events = vobject.readOne(journal.followup("ics").stdout).vevent_list
    promises = sorted((str(e.dtstart.value), e.uid.value) for e in events if e.uid.value.startswith("promise-"))
    assert [day for day, _ in promises] == ["2026-11-25", "2026-12-02"] and len({uid for _, uid in promises}) == 2


# ---- the server ---------------------------------------------------------------------------------------------

def test_sigterm_stops_the_server_and_a_busy_port_is_a_clear_error(journal):
    journal.write("ana.md", ANA.format("2026-10-01"))
    journal.commit("Add Ana")
    port = free_port()
    server = subprocess.Popen([str(BIN / "followup"), "serve", "--port", str(port)], cwd=journal.root,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_for(lambda: answers(port))
        busy = journal.followup("serve", "--port", str(port))
        assert busy.returncode == 2 and f"port {port} is in use: try --port {port + 1}" in busy.stderr
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        assert wait_for(lambda: not answers(port), 30)  # nothing left behind still answering
    finally:
        if server.poll() is None:
            server.kill()
