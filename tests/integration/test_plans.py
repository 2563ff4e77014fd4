"""Follow-up plans on a real journal: started and stopped from the command line, due by their open step, done by
touches, shown on the dashboard, the person page, /plans/, the calendar and the digest."""

from __future__ import annotations

import json

import pytest

from helpers import TODAY

pytestmark = pytest.mark.build


@pytest.fixture
def planned(journal):
    journal.settings("plans: {after-matter: [3d, 2w, 3m], event: [2d, 1w]}")
    journal.write("ana.md", "---\nname: Ana Ribeiro\ncadence: yearly\nlast_touch: 2026-11-01\nemail: ana@example.org\n"
                            "---\nArchitect.\n\n## Log\n- 2026-11-01 Signed the lease\n")
    journal.write("bo.md", "---\nname: Bo Berg\ncadence: monthly\nlast_touch: 2026-11-20\n---\n")
    journal.commit("Two", date="2026-11-20")
    return journal


def plans_of(journal, **env) -> dict:
    done = journal.followup("plans", "--json", env=env)
    assert done.returncode == 0, done.stderr
    return {record["slug"]: record for record in json.loads(done.stdout)}


def test_a_plan_runs_step_by_step_then_the_cadence_resumes(planned):
    journal = planned
    started = journal.followup("plan", "ana", "After-Matter", "--from", "2026-11-20")
    assert started.returncode == 0, started.stderr
    assert "step 1 of 3 due 2026-11-23" in started.stdout
    assert "plan: {name: after-matter, start: 2026-11-20}" in (journal.contacts / "ana.md").read_text()
    assert journal.git("log", "-1", "--format=%s").stdout.strip() == "Plan after-matter for Ana Ribeiro from 2026-11-20"
    ana = plans_of(journal)["ana"]
    assert (ana["step"], ana["steps"], ana["next_due"], ana["status"]) == (1, 3, "2026-11-23", "due")  # not yearly
    due = journal.followup("due")
    assert "after-matter, step 1 of 3" in due.stdout

    assert journal.followup("touch", "ana", "-m", "Checked in after the signing").returncode == 0
    ana = plans_of(journal)["ana"]
    assert (ana["step"], ana["next_due"], ana["status"]) == (2, "2026-12-04", "ok")
    later = {"FOLLOWUP_TODAY": "2027-01-10"}  # step 2 not done: due by it, not by the yearly cadence
    assert plans_of(journal, **later)["ana"]["status"] == "overdue"
    # A touch on or after the last step's day (2027-02-20) completes it and every open step before it: the end is
    # logged, the plan leaves the file, and the yearly cadence stands from that touch.
    ended = journal.followup("touch", "ana", "-m", "Yearly call booked", env={"FOLLOWUP_TODAY": "2027-02-21"})
    assert ended.returncode == 0, ended.stderr
    text = (journal.contacts / "ana.md").read_text()
    assert "plan:" not in text and "- 2027-02-21 Plan done: after-matter" in text
    assert plans_of(journal, FOLLOWUP_TODAY="2027-02-21") == {}
    shown = json.loads(journal.followup("due", "--all", "--json", env={"FOLLOWUP_TODAY": "2027-02-21"}).stdout)
    assert {record["slug"]: record["next_due"] for record in shown}["ana"] == "2028-02-21"


def test_a_plan_is_shown_on_the_site_the_calendar_and_the_digest(planned):
    journal = planned
    assert journal.followup("plan", "ana", "after-matter", "--from", "2026-11-20").returncode == 0
    journal.build("--strict")
    home = journal.page()
    row = home.select_one('[data-fu-section="due"] [data-slug="ana"]')
    assert row is not None and "after-matter, step 1 of 3" in row.get_text(" ")
    card = journal.page("people/ana").select_one(".fu-card .fu-plan").get_text(" ", strip=True)
    assert card.startswith("after-matter, step 1 of 3, due 2026-11-23")
    plans_page = journal.page("plans")
    assert [(tr["data-slug"], tr.select_one(".fu-step").get_text()) for tr in plans_page.select("tr.fu-person")] == \
        [("ana", "1 of 3")]
    assert plans_page.select_one(".fu-plan-steps").get_text(" ", strip=True) == \
        "after-matter : 3 days, 2 weeks, 3 months after its start event : 2 days, 1 week after its start"
    assert "Plans" in [item.get_text(strip=True) for item in home.select(".md-nav__link")]  # in the navigation
    feed = (journal.root / "site/followup.ics").read_text().replace("\r\n ", "")
    assert "SUMMARY:Reach Ana Ribeiro (after-matter\\, step 1 of 3)" in feed
    for number, day in ((2, "20261204"), (3, "20270220")):
        assert f"SUMMARY:Reach Ana Ribeiro (after-matter\\, step {number} of 3)" in feed
        assert f"DTSTART;VALUE=DATE:{day}" in feed
    digest = journal.followup("digest")
    assert "after-matter, step 1 of 3" in digest.stdout


def test_stopping_unknown_plans_and_plans_nobody_named(planned):
    journal = planned
    unknown = journal.followup("plan", "bo", "onboarding")
    assert unknown.returncode == 2
    assert "no plan 'onboarding' in the settings; known: after-matter, event" in unknown.stderr
    nothing = journal.followup("plan", "bo", "--stop")
    assert nothing.returncode != 0 and "Bo Berg has no plan to stop" in nothing.stderr
    assert journal.followup("plan", "bo", "event").returncode == 0  # from today: 2026-11-25, 2026-11-30
    stopped = journal.followup("plan", "bo", "--stop")
    assert stopped.returncode == 0, stopped.stderr
    text = (journal.contacts / "bo.md").read_text()
    assert "plan:" not in text and f"- {TODAY} Plan stopped: event (step 1 of 2 open)" in text
    journal.write("cy.md", "---\nname: Cy\ncadence: weekly\nplan: {name: after-mater, start: 2026-11-01}\n---\n")
    journal.commit("Cy")
    check = journal.followup("check")
    assert check.returncode == 1
    assert "contacts/cy.md:4: plan 'after-mater' is not one of the settings' plans (after-matter, event); did you " \
           "mean after-matter?" in check.stdout
    bad = journal.followup("plans")
    assert bad.returncode == 0 and "Cy" not in bad.stdout


def test_a_harvested_touch_past_the_last_step_ends_the_plan_as_a_typed_one_does(planned, tmp_path):
    journal = planned
    assert journal.followup("plan", "ana", "event", "--from", "2026-11-10").returncode == 0  # last step 2026-11-17
    mbox = tmp_path / "Sent"  # a mutt folder: a message I wrote to Ana after the last step's day
    mbox.write_bytes(b"From tess@example.org Fri Nov 20 10:00:00 2026\nMessage-ID: <p1@example.org>\n"
                     b"Date: Fri, 20 Nov 2026 10:00 +0000\nFrom: Tess <tess@example.org>\nTo: ana@example.org\n"
                     b"Subject: How is the new office?\n\nHello.\n\n")
    harvested = journal.followup("harvest", str(mbox), "--me", "tess@example.org")
    assert harvested.returncode == 0, harvested.stderr
    text = (journal.contacts / "ana.md").read_text()
    assert "plan:" not in text and "- 2026-11-20 Plan done: event" in text
    assert "- 2026-11-20 (email) How is the new office?" in text
    assert plans_of(journal) == {}
