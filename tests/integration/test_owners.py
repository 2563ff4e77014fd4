"""A firm's journal: owners' pages, calendars and digests, each lawyer's own lists by default, the partner's
view of everyone, and relationships handed over when someone leaves."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from icalendar import Calendar

pytestmark = pytest.mark.build  # also run under ProperDocs in CI


@pytest.fixture
def firm(journal):
    journal.settings("""
        picks_per_day: 3
        owners:
          hal: {name: Hal Jordan, email: hal@firm.example}
          mei: {name: Mei Chen}
          zed: {name: Zed New}
    """)
    journal.write("ana.md", "---\nname: Ana Ribeiro\ncategories: [clients]\ncadence: monthly\nlast_touch: 2026-09-01\n"
                            "owner: hal\npromises:\n  - {due: 2026-11-20, what: send the lease}\n---\n\n## Log\n"
                            "- 2026-11-10 Tried (phone): voicemail\n- 2026-09-01 Lunch\n")
    journal.write("bob.md", "---\nname: Bob Builder\ncategories: [clients]\ncadence: weekly\nlast_touch: 2026-11-16\n"
                            "owner: Hal\n---\n")
    journal.write("cy.md", "---\nname: Cy Family\ncategories: [friends]\ncadence: monthly\nlast_touch: 2026-11-20\n"
                           "owner: hal\n---\n")
    journal.write("dee.md", "---\nname: Dee Client\ncategories: [clients]\ncadence: quarterly\nlast_touch: 2026-11-20\n"
                            "owner: mei\n---\n\n## Log\n- 2026-11-20 Coffee\n- 2026-11-01 Call\n")
    journal.write("eve.md", "---\nname: Eve Nobody\ncadence: monthly\nlast_touch: 2026-08-01\n---\n")
    journal.commit("The firm's people", date="2026-11-20")
    return journal


def records(done) -> list[str]:
    assert done.returncode == 0, done.stderr
    return [record["slug"] for record in json.loads(done.stdout)]


# ---- the command line ---------------------------------------------------------------------------------------

def test_each_lawyer_sees_their_own_list_by_default_and_the_partner_everyones(firm):
    assert records(firm.followup("due", "--all", "--json")) == ["ana", "eve", "bob", "cy", "dee"]
    assert records(firm.followup("due", "--all", "--owner", "hal", "--json")) == ["ana", "bob", "cy"]
    assert records(firm.followup("due", "--all", "--owner", "Hal Jordan", "--json")) == ["ana", "bob", "cy"]
    assert records(firm.followup("due", "--all", "--owner", "unowned", "--json")) == ["eve"]
    mine = firm.followup("due", "--all", env={"FOLLOWUP_OWNER": "mei"})
    assert "Dee Client" in mine.stdout and "Ana Ribeiro" not in mine.stdout
    assert mine.stdout.rstrip().endswith("Showing Mei Chen's relationships (FOLLOWUP_OWNER); --all-owners for "
                                         "everyone's.")
    everyone = firm.followup("due", "--all", "--all-owners", env={"FOLLOWUP_OWNER": "mei"})
    assert "Ana Ribeiro" in everyone.stdout and "Showing" not in everyone.stdout
    firm.git("config", "followup.owner", "hal")
    assert records(firm.followup("due", "--all", "--json")) == ["ana", "bob", "cy"]
    assert records(firm.followup("due", "--all", "--json", env={"FOLLOWUP_OWNER": "mei"})) == ["dee"]  # env first
    assert records(firm.followup("due", "--all", "--owner", "zed", "--json")) == []  # listed, nobody yet


def test_an_unknown_owner_is_refused_with_the_owners_and_a_guess(firm):
    done = firm.followup("due", "--owner", "hall")
    assert done.returncode == 2
    assert "--owner hall: nobody is kept by 'hall': owners are hal, mei, zed; did you mean hal?" in done.stderr
    wrong = firm.followup("today", env={"FOLLOWUP_OWNER": "nobody-here"})
    assert wrong.returncode == 2 and wrong.stderr.startswith("followup: FOLLOWUP_OWNER nobody-here:")


def test_today_review_and_digest_of_one_owner(firm):
    today = firm.followup("today", "--owner", "hal", "--json")
    assert {item["slug"] for item in json.loads(today.stdout)} == {"ana", "bob"}
    review = firm.followup("review", "--owner", "mei")
    assert "2026-11-20  Dee Client: Coffee" in review.stdout and "Ana" not in review.stdout
    digest = firm.followup("digest", "--owner", "hal")
    assert digest.stdout.startswith("followup · Monday 23 November 2026 · Hal Jordan\n")
    assert "Ana Ribeiro: send the lease (late)" in digest.stdout and "Eve" not in digest.stdout
    assert "OVERDUE BY CATEGORY\n  clients  1\n" in digest.stdout


def test_owners_at_a_glance_from_the_command_line(firm):
    rows = json.loads(firm.followup("owners", "--json").stdout)
    assert [(row["name"], row["people"], row["overdue"], row["promises_late"], row["touches"], row["on_track"])
            for row in rows] == [("Hal Jordan", 3, 1, 1, 2, 67), ("Mei Chen", 1, 0, 0, 2, 100),
                                 ("Zed New", 0, 0, 0, 0, None), ("unowned", 1, 1, 0, 0, 0)]


def test_check_reports_an_owner_the_setting_does_not_list(firm):
    firm.write("typo.md", "---\nname: Tim Typo\nowner: hall\n---\n")
    firm.commit("A typo")
    done = firm.followup("check")
    assert done.returncode == 1
    assert "contacts/typo.md:3: owner 'hall' is not in the owners setting (hal, mei, zed); did you mean hal?" \
        in done.stdout


def test_handover_moves_only_the_owner_line_in_one_commit_on_each_timeline(firm):
    before = {name: (firm.contacts / name).read_text() for name in ("ana.md", "bob.md", "cy.md")}
    done = firm.followup("handover", "hal", "mei", "--category", "clients")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Hand over 2 people from Hal Jordan to Mei Chen: Ana Ribeiro, Bob Builder\n"
    assert (firm.contacts / "ana.md").read_text() == before["ana.md"].replace("owner: hal", "owner: mei")
    assert (firm.contacts / "bob.md").read_text() == before["bob.md"].replace("owner: Hal", "owner: mei")
    assert (firm.contacts / "cy.md").read_text() == before["cy.md"]  # friends, not clients: still Hal's
    subject = firm.git("log", "-1", "--format=%s").stdout
    assert subject == "Hand over 2 people from Hal Jordan to Mei Chen\n"
    assert firm.git("show", "--stat", "--format=", "HEAD").stdout.count("contacts/") == 2
    timeline = json.loads(firm.followup("log", "ana", "--json").stdout)
    assert timeline[0]["kind"] == "edit" and timeline[0]["text"] == "Hand over 2 people from Hal Jordan to Mei Chen"
    assert records(firm.followup("due", "--all", "--owner", "mei", "--json")) == ["ana", "bob", "dee"]


def test_handover_of_the_unowned_and_what_it_refuses(firm):
    assert firm.followup("handover", "unowned", "Zed New").stdout == \
        "Hand over 1 person from unowned to Zed New: Eve Nobody\n"
    assert "owner: Zed" not in (firm.contacts / "eve.md").read_text()  # the setting's own spelling
    assert "owner: zed" in (firm.contacts / "eve.md").read_text()
    for args, words in ((("hal", "hal"), "is not another owner"), (("hal", "sam"), "'sam' is not in the owners"),
                        (("mei", "hal", "--category", "friends"), "nobody kept by Mei Chen in friends"),
                        (("nobody", "hal"), "nobody is kept by 'nobody'")):
        refused = firm.followup("handover", *args)
        assert refused.returncode == 2 and words in refused.stderr, (args, refused.stderr)
    assert firm.git("status", "--porcelain").stdout == ""


def test_owners_setting_is_checked(journal):
    journal.settings("owners: {hal: {name: Hal, phone: 123}}")
    done = journal.followup("due")
    assert done.returncode == 1 and "owners.hal must be {name: ..., email: ...}" in done.stderr
    journal.settings("owners: {hal: {email: not-an-address}}")
    assert "is not a mail address" in journal.followup("due").stderr


# ---- the site -----------------------------------------------------------------------------------------------

def test_the_owners_page_shows_how_each_is_keeping_in_touch(firm):
    firm.build()
    page = firm.page("owners")
    rows = {tr["data-owner"]: [td.get_text(strip=True) for td in tr.select("td")[:6]] for tr in page.select("tbody tr")}
    assert rows == {"hal": ["Hal Jordan", "3", "1", "1", "2", "67%"], "mei": ["Mei Chen", "1", "0", "0", "2", "100%"],
                    "zed": ["Zed New", "0", "0", "0", "0", "–"], "unowned": ["unowned", "1", "1", "0", "0", "0%"]}
    assert page.select_one('tr[data-owner="hal"] a')["href"] == "./hal/"
    assert (firm.root / "site/owners/hal/index.html").is_file()
    assert page.select_one('tr[data-owner="hal"] .fu-trend svg.fu-spark') is not None
    nav = [a.get_text(strip=True) for a in firm.page("").select(".md-nav--primary .md-nav__link")]
    assert "Owners" in nav and nav.index("Owners") == nav.index("Problems") - 1


def test_an_owners_page_is_their_dashboard_and_calendar(firm):
    firm.build()
    page = firm.page("owners/hal")
    assert page.select_one("h1").get_text() == "Hal Jordan"
    listed = {item["data-slug"] for item in page.select("[data-fu-section] [data-slug]")}
    assert listed == {"ana", "bob"}  # overdue, due; Cy is fine
    assert page.select_one("#fu-rows")["data-owner"] == "hal"
    assert firm.page("").select_one("#fu-rows").get("data-owner") is None
    assert firm.page("owners/unowned").select_one("#fu-rows")["data-owner"] == ""
    assert page.select_one(".fu-subscribe a")["href"] == "../hal.ics"
    feed = Calendar.from_ical((firm.root / "site/owners/hal.ics").read_bytes())
    assert {str(event["uid"]).split("-")[1].split("@")[0] for event in feed.walk("VEVENT")} == {"ana", "bob", "cy"}
    assert str(feed["x-wr-calname"]) == "followup: Hal Jordan"


def test_a_personal_journal_has_no_owners_in_its_navigation(journal):
    journal.write("ana.md", "---\nname: Ana Ribeiro\ncadence: monthly\n---\n")
    journal.commit("Ana")
    journal.build()
    nav = [a.get_text(strip=True) for a in journal.page("").select(".md-nav--primary .md-nav__link")]
    assert "Owners" not in nav and "Problems" in nav
    assert "No owners yet" in journal.page("owners").get_text()


def test_a_digest_for_an_owner_goes_to_their_address(firm, mail_server):
    start, trust = mail_server
    inbox, port = start()
    config = firm.root / "mkdocs.yml"
    mail = f"{{host: 127.0.0.1, port: {port}, user: tess@example.org, to: desk@firm.example}}"
    config.write_text(config.read_text().replace("      owners:", f"      mail: {mail}\n      owners:"))
    firm.followup("trust")
    env = {**trust, "FOLLOWUP_SMTP_PASSWORD": "s3cret"}
    assert firm.followup("digest", "--owner", "hal", "--send", env=env).returncode == 0
    assert firm.followup("digest", "--owner", "unowned", "--send", env=env).returncode == 0  # no address: the desk's
    assert [envelope.rcpt_tos for envelope in inbox.messages] == [["hal@firm.example"], ["desk@firm.example"]]
    assert "(Hal Jordan)" in inbox.messages[0].content.decode()


# ---- one owner's list, read from their files alone ---------------------------------------------------------------

SEEN_BY = """
import json, sys
from followup.store.journal import Journal
root, owner, mode = sys.argv[1:]
whole = Journal.load(root)
journal = Journal.load(root, owner=owner) if mode == "alone" else whole.of_owner(whole.find_owner(owner))
print(json.dumps({
    "owner": journal.owner,
    "people": [[p.slug, repr(p.due), [repr(e) for e in journal.timeline(p)]] for p in journal.ranked],
    "problems": sorted(str(problem) for problem in journal.problems if problem.path in
                       {p.contact.path for p in journal.people} | {"contacts/broken.md", "contacts/clients/dee.md"}),
    "unread": journal.unread,
}))
"""


def seen_by(journal, owner: str, mode: str) -> dict:
    """The journal of one owner in a fresh process (nothing held from an earlier load but the caches on disk)."""
    done = subprocess.run([sys.executable, "-c", SEEN_BY.replace("whole = Journal.load(root)\n", "")
                           if mode == "alone" else SEEN_BY, str(journal.root), owner, mode],
                          capture_output=True, text=True, env={**os.environ, "FOLLOWUP_TODAY": "2026-11-23"})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_one_owners_journal_read_alone_is_the_firms_seen_through_them(firm):
    firm.followup("due", "--all-owners")  # fills the caches
    (firm.contacts / "cy.md").write_text((firm.contacts / "cy.md").read_text().replace("owner: hal", "owner: mei"))
    firm.write("fay.md", "---\nname: Fay New\ncadence: weekly\nlast_touch: 2026-11-01\nowner: HAL\n---\n")
    firm.write("broken.md", "---\nname: [unclosed\n---\n")
    (firm.contacts / "clients").mkdir()
    firm.write("clients/dee.md", "---\nname: Dee Again\nowner: hal\n---\n")  # a second "dee": clients-dee, Hal's
    firm.write("ana.md", (firm.contacts / "ana.md").read_text().replace("last_touch: 2026-09-01",
                                                                         "last_touch: 2026-11-21"))
    firm.commit("Lunch with Ana", date="2026-11-21")
    firm.git("mv", "contacts/bob.md", "contacts/clients/bob.md")
    firm.commit("File Bob under clients", date="2026-11-22")
    for owner in ("hal", "Mei Chen", "unowned", "zed"):
        alone = seen_by(firm, owner, "alone")  # the history cache is behind HEAD: new commits read for these files
        assert alone == seen_by(firm, owner, "whole"), owner  # ... which brings the caches up to HEAD
        assert seen_by(firm, owner, "alone") == alone, owner  # the history of these files, from the cache
    hal = seen_by(firm, "hal", "alone")
    assert [slug for slug, _, _ in hal["people"]] == ["fay", "bob", "ana", "clients-dee"] and hal["unread"] == 1
    assert any("Lunch with Ana" in event for event in hal["people"][2][2])
    assert any("File Bob under clients" in event for event in hal["people"][1][2])
    assert any("'dee' is already used" in problem for problem in seen_by(firm, "mei", "alone")["problems"])
    listed = firm.followup("due", "--owner", "hal")
    assert "Fay New" in listed.stdout and "Cy Family" not in listed.stdout
    assert "1 file(s) could not be read: run followup check" in listed.stdout  # broken.md


def test_a_firm_of_many_owners_is_not_listed_whole_in_a_message(journal):
    for number in range(30):
        journal.write(f"p{number}.md", f"---\nname: Person {number}\nowner: lawyer-{number:02d}\n---\n")
    journal.commit("Thirty lawyers' people")
    done = journal.followup("due", "--owner", "lawyer-3")
    assert done.returncode == 2
    assert "owners are lawyer-00, lawyer-01" in done.stderr and "lawyer-29" not in done.stderr
    assert "(30 in all: followup owners lists them); did you mean lawyer-" in done.stderr
