"""The daily routine through the real console script: the whole day's list, the verbs, the weekly review, and
lists that say why someone is on them."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys

import pytest

from followup.store.journal import Journal
from helpers import BIN, ROOT, commits, sign_commits, timeline


def records(journal, *args: str) -> dict[str, dict]:
    return {record["slug"]: record for record in json.loads(journal.followup(*args, "--json").stdout)}


@pytest.fixture
def day(journal):
    """A journal with one of everything the day's list shows, on Monday 2026-11-23."""
    journal.write("late-promise.md", "---\nname: Lena Promise\ncadence: monthly\nlast_touch: 2026-11-20\npromises:\n"
                                     "  - {due: 2026-11-18, what: send the quote}\n"
                                     "  - {due: 2026-11-23, what: call back}\n---\n")
    journal.write("booked.md", "---\nname: Bo Booked\ncadence: weekly\nlast_touch: 2026-11-01\nnext: 2026-11-23\n"
                               "next_note: lunch at Rosa's\n---\n")
    journal.write("passed.md", "---\nname: Pat Passed\ncadence: monthly\nlast_touch: 2026-11-01\nnext: 2026-11-20\n"
                               "next_note: coffee\n---\n")
    journal.write("late.md", "---\nname: Lou Late\ncadence: weekly\nlast_touch: 2026-10-01\nstatus: inactive\n---\n")
    journal.write("birthday.md", "---\nname: Bea Birthday\ncadence: yearly\nlast_touch: 2026-06-01\n"
                                 "birthday: 1984-11-23\ndates: {wedding: 2012-11-24}\n---\n")
    journal.commit("The day", date="2026-11-20")
    return journal


def test_today_is_the_whole_day_in_order(day):
    shown = day.followup("today")
    assert shown.returncode == 0, shown.stderr
    headings = [line for line in shown.stdout.splitlines() if line and not line.startswith(" ")]
    assert headings == ["Promises late", "Promises due today", "Booked today", "Booked, and passed: how did it go?",
                        "Today's picks", "Dates today", "Dates tomorrow"]
    text = shown.stdout
    assert "2026-11-18  Lena Promise: send the quote (5 days late)" in text
    assert "Lena Promise: call back" in text and "Bo Booked: lunch at Rosa's" in text
    assert "2026-11-20  Pat Passed: coffee: log it with followup touch passed" in text
    assert "Bea Birthday: birthday (42)" in text and "Bea Birthday: wedding (14)" in text
    items = json.loads(day.followup("today", "--json").stdout)
    assert [(item["kind"], item["slug"]) for item in items] == [
        ("promise-late", "late-promise"), ("promise-today", "late-promise"), ("booking", "booked"),
        ("booking-passed", "passed"), ("pick", "late"), ("date-today", "birthday"),
        ("date-tomorrow", "birthday")]
    assert items[3]["day"] == "2026-11-20" and items[3]["what"] == "coffee"
    assert day.followup("touch", "passed", "-m", "Coffee was good").returncode == 0
    kinds = [item["kind"] for item in json.loads(day.followup("today", "--json").stdout)]
    assert "booking-passed" not in kinds  # a touch since the booking answers "how did it go?"


def test_book_sets_the_next_touch_with_what_it_is(day):
    path = day.contacts / "late.md"
    booked = day.followup("book", "lou", "fri", "-m", "Lunch  at Rosa's")
    assert booked.returncode == 0 and booked.stdout.strip() == "Booked Lou Late for 2026-11-27: Lunch at Rosa's."
    assert "next: 2026-11-27\nnext_note: Lunch at Rosa's\n" in path.read_text()
    record = records(day, "due", "--all")["late"]
    assert (record["status"], record["next"], record["next_note"]) == ("booked", "2026-11-27", "Lunch at Rosa's")
    assert commits(day)[0] == "Book Lou Late for 2026-11-27: Lunch at Rosa's"
    assert day.followup("book", "lou", "2w").returncode == 0
    assert "next: 2026-12-07\n" in path.read_text() and "next_note" not in path.read_text()
    past = day.followup("book", "lou", "yesterday")
    assert past.returncode == 2 and "has passed" in past.stderr
    table = day.followup("due", "--all").stdout
    assert "booked 2026-12-07" in table and next(line for line in table.splitlines() if "Lou Late" in line).count(
        "2026-12-07") == 2  # the why and the next day are the booked day, not the cadence's


def test_inactive_clients_stay_due_and_every_list_says_so(day):
    assert day.followup("inactive", "bea").stdout.strip() == "Bea Birthday is inactive."
    assert "status: inactive" in (day.contacts / "birthday.md").read_text()
    assert day.followup("active", "lou").returncode == 0 and "status: active" in (day.contacts / "late.md").read_text()
    assert day.followup("inactive", "lou").returncode == 0
    due_text = day.followup("due").stdout
    assert next(line for line in due_text.splitlines() if "Lou Late" in line).split()[0] == "overdue"
    assert "; inactive" in next(line for line in due_text.splitlines() if "Lou Late" in line)
    day.build()
    people = day.page("people")
    assert "inactive" in people.select_one('tr[data-slug="late"] .fu-when').get_text()
    picks = day.page().select_one('[data-fu-section="picks"] li[data-slug="late"]')
    assert [label.get_text() for label in picks.select(".fu-label")] == ["inactive"]


def test_an_attempt_is_on_the_timeline_not_a_touch_and_they_come_due_again(day):
    path = day.contacts / "late.md"
    tried = day.followup("attempt", "lou", "-m", "voicemail", "--via", "phone")
    assert tried.returncode == 0, tried.stderr
    assert "- 2026-11-23 Tried (phone): voicemail" in path.read_text() and "last_touch: 2026-10-01" in path.read_text()
    assert timeline(day, "late")[0] == ("2026-11-23", "attempt", "Tried (phone): voicemail")
    assert commits(day)[0] == "Tried to reach Lou Late (phone): voicemail"
    record = records(day, "due", "--all")["late"]
    assert (record["status"], record["attempts"], record["retry_on"], record["last_touch"]) == (
        "tried", 1, "2026-11-25", "2026-10-01")
    assert "try again 2026-11-25; inactive; tried once since 2026-10-01" in day.followup("due", "--all").stdout
    picks = [item for item in json.loads(day.followup("today", "--json").stdout) if item["kind"] == "pick"]
    assert [item["status"] for item in picks if item["slug"] == "late"] == ["tried"]  # a pick stays one all day
    later = json.loads(day.followup("due", "--json", env={"FOLLOWUP_TODAY": "2026-11-25"}).stdout)
    assert {r["slug"]: r["status"] for r in later}["late"] == "overdue"
    day.settings("retry_days: 0")
    assert records(day, "due", "--all")["late"]["status"] == "overdue"
    assert day.followup("touch", "lou", "-m", "Got him").returncode == 0
    assert records(day, "due", "--all")["late"]["attempts"] == 0  # a touch ends the attempts


def test_one_touch_of_several_people_is_one_commit_and_again_adds_a_promise(day):
    before = len(commits(day))
    touched = day.followup("touch", "lou", "bea", "passed", "lou", "-m", "Dinner at Rosa's")
    assert touched.returncode == 0, touched.stderr
    assert touched.stdout.splitlines()[0] == "Touched Lou Late on 2026-11-23; next due 2026-11-30."
    assert len(commits(day)) == before + 1 and commits(day)[0] == "Dinner at Rosa's"
    shown = day.git("show", "--name-only", "--format=", "HEAD").stdout.split()
    assert sorted(shown) == ["contacts/birthday.md", "contacts/late.md", "contacts/passed.md"]
    for name in ("late", "birthday", "passed"):
        assert "- 2026-11-23 Dinner at Rosa's" in (day.contacts / f"{name}.md").read_text()
    again = day.followup("touch", "bo", "-m", "Surgery went fine", "--again", "3d")
    assert again.returncode == 0 and "Promised to check in again by 2026-11-26." in again.stdout
    assert "  - {due: 2026-11-26, what: 'check in again: Surgery went fine', made: 2026-11-23}" in \
        (day.contacts / "booked.md").read_text()
    unknown = day.followup("touch", "lou", "nobody-at-all")
    assert unknown.returncode == 2 and commits(day)[0] == "Surgery went fine"  # all or nothing


def test_show_is_the_card_promises_and_the_last_timeline_entries(day):
    for n in range(6):
        day.followup("attempt", "lena", "-m", f"try {n}")
    shown = day.followup("show", "lena")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0].startswith("Lena Promise: ") and "tried 6 times since 2026-11-20" in lines[0]
    assert "  cadence       monthly" in lines and "  file          contacts/late-promise.md" in lines
    assert "  1  send the quote  by 2026-11-18 (late)" in lines
    timeline_lines = lines[lines.index("Timeline (the last 5)") + 2:]
    assert len(timeline_lines) == 5 and "try 5" in timeline_lines[0]


EDITOR = """\
import sys
from pathlib import Path
script = Path(sys.argv[1])
path = Path(sys.argv[2])
steps = script.read_text().split("\\n===\\n")
done = int(script.with_suffix(".done").read_text()) if script.with_suffix(".done").exists() else 0
path.write_text(path.read_text().replace(*steps[done].split(" -> ")))
script.with_suffix(".done").write_text(str(done + 1))
"""


def editor(tmp_path, *replacements: str) -> dict[str, str]:
    """An $EDITOR that, each time it is opened, makes the next replacement ("old -> new") in the file."""
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "editor.py").write_text(EDITOR)
    (tmp_path / "steps.txt").write_text("\n===\n".join(replacements))
    return {"EDITOR": f"{shlex.quote(sys.executable)} {tmp_path / 'editor.py'} {tmp_path / 'steps.txt'}",
            "VISUAL": ""}


def test_edit_checks_on_save_and_loses_nothing(day, tmp_path):
    path = day.contacts / "late.md"
    draft = day.cache / "drafts" / "late.md"
    fine = day.followup("edit", "lou", env=editor(tmp_path / "a", "cadence: weekly -> cadence: monthly"))
    assert fine.returncode == 0 and "cadence: monthly" in path.read_text() and not draft.exists()
    assert commits(day)[0] == "Edit Lou Late"

    env = editor(tmp_path / "b", "cadence: monthly -> cadence: sometimes", "cadence: sometimes -> cadence: yearly")
    again = day.followup("edit", "lou", env=env, input="e\n")
    assert "contacts/late.md:3: unknown cadence 'sometimes'" in again.stdout and again.returncode == 0
    assert "cadence: yearly" in path.read_text() and commits(day)[0] == "Edit Lou Late"

    before = path.read_bytes()
    stopped = day.followup("edit", "lou", env=editor(tmp_path / "c", "name: Lou Late -> name: [Lou Late"), input="s\n")
    assert stopped.returncode == 1 and path.read_bytes() == before
    assert "name: [Lou" in draft.read_text()  # what was typed is kept aside
    assert Journal.load(day.root).problems == []  # and the journal does not read it
    resumed = day.followup("edit", "lou", env=editor(tmp_path / "d", "name: [Lou -> name: Louis"))
    assert f"Going on from your unsaved edit in {draft}." in resumed.stdout
    assert "name: Louis Late" in path.read_text() and not draft.exists()

    kept = day.followup("edit", "louis", env=editor(tmp_path / "e", "cadence: yearly -> cadence: often"), input="k\n")
    assert kept.returncode == 0 and "cadence: often" in path.read_text()  # the user chose to keep it so
    unchanged = day.followup("edit", "louis", env=editor(tmp_path / "f", "no such text -> anything"))
    assert unchanged.stdout.strip() == "No change." and not draft.exists()


def test_an_edit_is_refused_when_the_file_changed_meanwhile(day, tmp_path):
    script = tmp_path / "editor.sh"
    script.write_text(f"#!/bin/sh\nsed -i 's/weekly/monthly/' \"$1\"\n{BIN / 'followup'} touch lou -m Meanwhile\n")
    script.chmod(0o755)
    refused = day.followup("edit", "lou", env={"EDITOR": str(script), "VISUAL": ""})
    assert refused.returncode == 2 and "changed while you were editing it" in refused.stderr
    assert "cadence: weekly" in (day.contacts / "late.md").read_text()
    assert "cadence: monthly" in (day.cache / "drafts" / "late.md").read_text()


def test_undo_reverts_followups_last_change_and_nothing_else(day):
    path = day.contacts / "late.md"
    before = path.read_text()
    assert day.followup("touch", "lou", "-m", "A call to undo").returncode == 0
    undone = day.followup("undo")
    assert undone.returncode == 0 and undone.stdout.strip() == "Undone: A call to undo"
    assert path.read_text() == before and commits(day)[0] == "Undo: A call to undo"
    assert records(day, "due", "--all")["late"]["last_touch"] == "2026-10-01"
    assert day.followup("touch", "lou", "-m", "A second call").returncode == 0
    assert day.followup("touch", "lou", "-m", "A third call").returncode == 0
    assert day.followup("undo").stdout.strip() == "Undone: A third call"
    again = day.followup("undo")  # the change before, never the undo before: undo twice is not a redo
    assert again.stdout.strip() == "Undone: A second call (the change before the 1 undone already)"
    assert path.read_text() == before and commits(day)[:2] == ["Undo: A second call", "Undo: A third call"]
    third = day.followup("undo")
    assert third.returncode == 2 and "the last commit left to undo is not one followup made" in third.stderr
    day.followup("touch", "lou", "-m", "A call to keep")
    path.write_text(path.read_text() + "\nA note not committed.\n")
    dirty = day.followup("undo")
    assert dirty.returncode == 2 and "changes not committed" in dirty.stderr
    day.commit("A commit made by hand")
    not_ours = day.followup("undo")
    assert not_ours.returncode == 2 and "is not one followup made ('A commit made by hand')" in not_ours.stderr


def test_undo_when_the_user_signs_commits_and_shows_signatures(day, tmp_path):
    """With log.showSignature, git prints a verdict on each signature before the commit it asked for."""
    sign_commits(day, tmp_path)
    day.git("config", "log.showSignature", "true")
    assert day.followup("touch", "lou", "-m", "A signed call").returncode == 0
    assert "No signature" in day.git("log", "-1", "--format=%H").stdout  # git does print it
    undone = day.followup("undo")
    assert undone.returncode == 0 and undone.stdout.strip() == "Undone: A signed call", undone.stderr
    assert records(day, "due", "--all")["late"]["last_touch"] == "2026-10-01"


@pytest.mark.parametrize("args, field, expected", [
    (["promise", "lou", "call back", "--by", "tomorrow"], "promises", "2026-11-24"),
    (["promise", "lou", "call back", "--by", "fri"], "promises", "2026-11-27"),
    (["snooze", "lou", "--until", "2w"], "snooze_until", "2026-12-07"),
    (["snooze", "lou", "--for", "1m"], "snooze_until", "2026-12-23"),
    (["book", "lou", "3d"], "next", "2026-11-26"),
    (["touch", "lou", "--date", "yesterday"], "last_touch", "2026-11-22"),
])
def test_days_are_written_as_people_say_them(day, args, field, expected):
    result = day.followup(*args)
    assert result.returncode == 0, result.stderr
    record = records(day, "due", "--all")["late"]
    value = record[field][-1]["due"] if field == "promises" else record[field]
    assert value == expected


def test_the_weekly_review(day):
    day.settings("block: \"Fri 16:00-17:00\"")
    config = day.root / "mkdocs.yml"
    config.write_text("site_url: https://journal.example/\n" + config.read_text())
    for who, note in (("lou", "Lunch"), ("bea", "Birthday call")):
        assert day.followup("touch", who, "-m", note, "--date", "2026-11-21").returncode == 0
    assert day.followup("attempt", "bo", "-m", "voicemail").returncode == 0
    assert day.followup("promise", "bo", "send the photos", "--by", "3d").returncode == 0
    assert day.followup("kept", "lena", "2").returncode == 0
    assert day.followup("promise", "bea", "send the card", "--by", "2d").returncode == 0
    assert day.followup("kept", "bea").returncode == 0  # made and kept in the same week: made, all the same
    review = day.followup("review")
    assert review.returncode == 0, review.stderr
    text = review.stdout
    assert text.startswith("The last 7 days (2026-11-17 to 2026-11-23)")
    assert "  touches: 2\n    2026-11-21  Bea Birthday: Birthday call\n    2026-11-21  Lou Late: Lunch\n" in text
    assert "  attempts: 1\n    2026-11-23  Bo Booked: Tried: voicemail\n" in text
    assert "  promises kept: 2\n    2026-11-23  Bea Birthday: Kept promise: send the card (promised 2026-11-23)\n" \
           "    2026-11-23  Lena Promise: Kept promise: call back\n" in text
    assert "  promises made: 2\n    2026-11-23  Bea Birthday: send the card (kept 2026-11-23)\n" \
           "    2026-11-23  Bo Booked: send the photos (by 2026-11-26)\n" in text  # on the day made
    assert "  promises fallen late: 1\n    2026-11-18  Lena Promise: send the quote\n" in text
    plan = text[text.index("The next 7 days\n"):].splitlines()[1:]
    assert "  2026-11-23  Bo Booked: booked: lunch at Rosa's" in plan
    assert "  2026-11-24  Bea Birthday: wedding (14)" in plan
    assert [line.split()[0] for line in plan] == sorted(line.split()[0] for line in plan)  # soonest first
    data = json.loads(day.followup("review", "--json").stdout)
    assert [item["day"] for item in data["plan"]] == [line.split()[0] for line in plan]
    assert [item["text"] for item in data["promises_made"]] == ["send the card (kept 2026-11-23)",
                                                                "send the photos (by 2026-11-26)"]
    day.build()
    page = day.page("review")
    assert [li["data-slug"] for li in page.select('[data-fu-review="touches"] li')] == ["birthday", "late"]
    assert "Review" in [a.get_text(strip=True) for a in page.select("nav.md-nav--primary a.md-nav__link")]
    import vobject

    block = next(e for e in vobject.readOne(day.followup("ics").stdout).vevent_list if e.uid.value.startswith("block"))
    assert block.url.value == "https://journal.example/review/"


def test_lists_say_who_they_may_be_missing(day):
    day.write("broken.md", "---\nname: [Broken\n---\n")
    for args in (["due"], ["today"], ["review"]):
        assert day.followup(*args).stdout.rstrip().endswith("1 file(s) could not be read: run followup check"), args
    day.build()
    for page in ("people", "inactive"):
        assert "1 file could not be read" in day.page(page).select_one(".fu-warning").get_text(), page


def test_the_dashboard_says_why_a_person_is_listed_twice(day):
    day.build()
    page = day.page()
    picked = [li["data-slug"] for li in page.select('[data-fu-section="picks"] li')]
    again = page.select_one(f'[data-fu-section="overdue"] li[data-slug="{picked[0]}"]')
    assert "today's pick" in [label.get_text() for label in again.select(".fu-label")]


def test_the_first_run_as_the_readme_writes_it(tmp_path):
    """The README's 'Your own journal' block, run line by line in a shell on a machine with followup installed
    in the repository's .venv."""
    readme = (ROOT / "README.md").read_text()
    block = readme.split("## Your own journal", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    lines = [line.split("#")[0].strip() for line in block.splitlines()]
    lines = [line for line in lines if line and not line.startswith(("make", "followup serve"))]
    home = tmp_path / "home"
    home.mkdir()
    script = "set -e\n" + "\n".join(line.replace("$PWD/.venv/bin", str(BIN)) for line in lines)
    env = {**os.environ, "HOME": str(home), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(["bash", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Ana Ribeiro" in result.stdout and (home / "journal/contacts/ana-ribeiro.md").is_file()


def test_commits_are_dated_on_followup_today(day):
    """A journal run as of another day (FOLLOWUP_TODAY) writes no history dated after that day."""
    assert day.followup("touch", "lou", "-m", "A call").returncode == 0
    assert day.git("log", "-1", "--format=%ad %cd", "--date=short").stdout.split() == ["2026-11-23", "2026-11-23"]
    assert day.followup("undo").returncode == 0
    assert day.git("log", "-1", "--format=%ad %cd", "--date=short").stdout.split() == ["2026-11-23", "2026-11-23"]
    timeline = json.loads(day.followup("log", "lou", "--json").stdout)
    assert all(event["date"] <= "2026-11-23" for event in timeline)
