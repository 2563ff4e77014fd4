"""Reminders that reach the user without a server: the morning digest (printed, and mailed through a real SMTP
server over STARTTLS), the calendar feeds read back by icalendar, and the Atom feed read by an XML parser and
by feedparser, as a feed reader would."""

from __future__ import annotations

import email
import email.policy
import xml.etree.ElementTree as ElementTree

import feedparser
import pytest
from bs4 import BeautifulSoup
from icalendar import Calendar

pytestmark = pytest.mark.build  # also run under ProperDocs in CI

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE_NAME = "<script>alert(1)</script> O'Neil & Co"


@pytest.fixture
def day_of_reminders(journal):
    """Today (2026-11-23) holds something of every kind a reminder carries."""
    journal.settings("""
        picks_per_day: 5
    """)
    journal.write("ana.md", "---\nname: Ana Ribeiro\ncategories: [friends]\ncadence: monthly\nlast_touch: 2026-10-01\n"
                            "channel: phone\nphone: '+1 555 0100'\nemail: ana@example.org\n"
                            "promises:\n  - {due: 2026-11-20, what: send the comparables}\n"
                            "  - {due: 2026-11-26, what: book the table}\n---\n")
    journal.write("bob.md", "---\nname: Bob Builder\ncategories: [clients]\ncadence: weekly\nlast_touch: 2026-11-16\n"
                            "email: bob@example.org\nbirthday: 1980-11-25\n---\n")
    journal.write("cy.md", "---\nname: Cy Booked\ncategories: [clients]\ncadence: monthly\nlast_touch: 2026-10-01\n"
                           "next: 2026-11-23\nnext_note: lunch at Rosa's\n---\n")
    journal.write("dee.md", "---\nname: Dee Passed\ncadence: monthly\nlast_touch: 2026-09-01\nnext: 2026-11-20\n---\n")
    journal.write("ed.md", "---\nname: Ed Tried\ncategories: [clients]\ncadence: weekly\nlast_touch: 2026-11-01\n"
                           "phone: '+1 555 0199'\n---\n\n## Log\n- 2026-11-22 Tried (phone): voicemail\n")
    journal.write("odd.md", f"---\nname: \"{HOSTILE_NAME}\"\ncategories: [clients]\ncadence: weekly\n"
                            "last_touch: 2026-11-01\nemail: odd@example.org\n---\n")
    journal.write("fay.md", "---\nname: Fay Fine\ncategories: [friends]\ncadence: yearly\n"
                            "last_touch: 2026-06-01\n---\n")
    journal.commit("The people", date="2026-11-20")
    return journal


# ---- the digest -----------------------------------------------------------------------------------------------

def test_the_digest_as_text_holds_the_whole_morning(day_of_reminders):
    done = day_of_reminders.followup("digest")
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert text.startswith("followup · Monday 23 November 2026\n3 overdue · 1 due today · 2 promises near\n")
    sections = [line for line in text.splitlines() if line.isupper() or line.startswith(("TODAY'S", "DATES IN"))]
    assert sections == ["PROMISES", "BOOKED", "TODAY'S PICKS", "OVERDUE BY CATEGORY", "DATES IN THE NEXT 7 DAYS"]
    assert "  2026-11-20  Ana Ribeiro: send the comparables (late)\n  2026-11-26  Ana Ribeiro: book the table\n" in text
    assert "  2026-11-23  Cy Booked: today (lunch at Rosa's)\n" in text
    assert "  2026-11-20  Dee Passed: booked for 2026-11-20 — log how it went\n" in text
    # one-tap links a phone's mail app opens: tel:, sms:, mailto:
    assert "    Call tel:+1-5550100  Text sms:+15550100  Mail mailto:ana@example.org\n" in text
    # Ed was tried yesterday: not overdue until the day to try again
    assert "OVERDUE BY CATEGORY\n  clients      1\n  friends      1\n  no category  1\n" in text
    assert "  2026-11-25  Bob Builder: birthday (46)\n" in text
    assert "Ed Tried" not in text.split("TODAY'S PICKS")[1].split("OVERDUE")[0]


def test_the_digest_looks_ahead_as_many_days_as_asked(day_of_reminders):
    assert "DATES IN" not in day_of_reminders.followup("digest", "--days", "1").stdout
    assert "DATES IN THE NEXT 2 DAYS" in day_of_reminders.followup("digest", "--days", "2").stdout


def test_the_digest_says_nothing_due_in_one_line_and_succeeds(journal):
    journal.write("fay.md", "---\nname: Fay Fine\ncadence: yearly\nlast_touch: 2026-06-01\n---\n")
    journal.commit("Fay")
    done = journal.followup("digest")
    assert (done.returncode, done.stdout, done.stderr) == (0, "nothing due\n", "")
    page = BeautifulSoup(journal.followup("digest", "--html").stdout, "html.parser")
    assert "Nothing due today." in page.get_text()


def test_the_html_digest_is_self_contained_and_escaped(day_of_reminders):
    done = day_of_reminders.followup("digest", "--html")
    assert done.returncode == 0
    page = BeautifulSoup(done.stdout, "html.parser")
    assert page.find("script") is None and page.find("img") is None and page.find("link") is None
    assert not page.select("[src]") and not page.select("[style*=url]")
    assert any(HOSTILE_NAME in item.get_text() for item in page.select(".pick, .promise, .booking"))
    assert {a["href"].split(":")[0] for a in page.select("a[href]")} <= {"tel", "sms", "mailto"}
    ana = next(pick for pick in page.select(".pick") if "Ana Ribeiro" in pick.get_text())
    assert [(a.get_text(), a["href"]) for a in ana.select("a.reach")] == \
        [("Call", "tel:+1-5550100"), ("Text", "sms:+15550100"), ("Mail", "mailto:ana@example.org")]
    assert [row.get_text(" ", strip=True) for row in page.select("tr.category")] == \
        ["clients 1", "friends 1", "no category 1"]


def test_the_digest_links_each_pick_to_its_page_when_the_site_has_an_address(day_of_reminders):
    config = day_of_reminders.root / "mkdocs.yml"
    config.write_text("site_url: https://journal.example/crm\n" + config.read_text())
    text = day_of_reminders.followup("digest").stdout
    assert "    https://journal.example/crm/people/ana/\n" in text and text.endswith("The site: https://journal.example/crm/\n")
    page = BeautifulSoup(day_of_reminders.followup("digest", "--html").stdout, "html.parser")
    assert "https://journal.example/crm/people/ana/" in [a["href"] for a in page.select(".pick a")]


# ---- the digest by mail ----------------------------------------------------------------------------------------

def mail_settings(journal, port: int, **extra: str) -> None:
    lines = "\n".join(f"  {key}: {value}" for key, value in extra.items())
    journal.settings(f"""
        picks_per_day: 5
        mail:
          host: 127.0.0.1
          port: {port}
          user: tess@example.org
          to: [me@example.org, assistant@example.org]
        {lines}
    """)


def test_digest_send_mails_text_and_html_over_starttls(day_of_reminders, mail_server):
    start, trust = mail_server
    inbox, port = start()
    secret = day_of_reminders.root.parent / "secret.sh"
    secret.write_text("#!/bin/sh\necho s3cret\necho 'second line, never read'\n")
    secret.chmod(0o700)
    mail_settings(day_of_reminders, port, password_command=str(secret))
    done = day_of_reminders.followup("digest", "--send", env=trust)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ("sent to me@example.org, assistant@example.org: followup, Mon 23 Nov: 3 overdue, "
                           "1 due today, 2 promises\n")
    [envelope] = inbox.messages
    assert envelope.mail_from == "tess@example.org" and envelope.rcpt_tos == ["me@example.org", "assistant@example.org"]
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert message["Subject"] == "followup, Mon 23 Nov: 3 overdue, 1 due today, 2 promises"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert text.replace("\r\n", "\n") == day_of_reminders.followup("digest").stdout
    assert "send the comparables" in text and HOSTILE_NAME in BeautifulSoup(html, "html.parser").get_text()


def test_digest_send_takes_the_password_from_the_environment(day_of_reminders, mail_server):
    start, trust = mail_server
    inbox, port = start()
    mail_settings(day_of_reminders, port)
    done = day_of_reminders.followup("digest", "--send", env={**trust, "FOLLOWUP_SMTP_PASSWORD": "s3cret"})
    assert done.returncode == 0 and len(inbox.messages) == 1, done.stderr
    wrong = day_of_reminders.followup("digest", "--send", env={**trust, "FOLLOWUP_SMTP_PASSWORD": "guess"})
    assert wrong.returncode == 1 and "127.0.0.1" in wrong.stderr and "refused the user 'tess@example.org'" \
        in wrong.stderr and "Traceback" not in wrong.stderr
    missing = day_of_reminders.followup("digest", "--send", env=trust)
    assert missing.returncode == 1 and "set FOLLOWUP_SMTP_PASSWORD, or password_command" in missing.stderr
    assert len(inbox.messages) == 1


def test_digest_send_refuses_a_server_without_starttls_before_any_password(day_of_reminders, mail_server):
    start, trust = mail_server
    inbox, port = start(starttls=False)
    mail_settings(day_of_reminders, port)
    done = day_of_reminders.followup("digest", "--send", env={**trust, "FOLLOWUP_SMTP_PASSWORD": "s3cret"})
    assert done.returncode == 1 and "does not offer STARTTLS; nothing was sent" in done.stderr
    assert inbox.messages == []


def test_digest_send_on_a_quiet_day_sends_nothing(journal, mail_server):
    start, trust = mail_server
    inbox, port = start()
    mail_settings(journal, port)
    done = journal.followup("digest", "--send", env={**trust, "FOLLOWUP_SMTP_PASSWORD": "s3cret"})
    assert (done.returncode, done.stdout) == (0, "nothing due (nothing sent)\n") and inbox.messages == []


@pytest.mark.parametrize(("block", "words"), [
    ("{host: smtp.example.com, user: me@example.com, password: hunter2}", "never kept in the journal's settings"),
    ("{host: smtp.example.com, user: me@example.com, security: none}", "would send the password in the clear"),
    ("{host: smtp.example.com, user: me@example.com, security: [tls]}", "security must be one of"),
    ("{host: smtp.example.com, user: me@example.com, port: 99999}", "port must be a port number"),
    ("{host: smtp.example.com, user: me@example.com, to: 'a@b, c@d'}", "is not a mail address"),
    ("{host: smtp.example.com}", "who sends the digest"),
    ("{user: me@example.com}", "host must be one line of text"),
])
def test_mail_settings_are_checked_and_the_password_never_lives_in_them(journal, block, words):
    journal.settings(f"mail: {block}")
    done = journal.followup("digest", "--send")
    assert done.returncode == 1 and words in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert "hunter2" not in done.stderr
    assert journal.followup("digest", "--send").returncode == journal.build(check=False).returncode == 1


def test_digest_send_without_mail_settings_says_what_to_add(journal):
    done = journal.followup("digest", "--send")
    assert done.returncode == 1 and "needs the mail settings" in done.stderr


# ---- the calendar feeds ---------------------------------------------------------------------------------------

def events(feed: bytes) -> dict:
    return {str(event["uid"]): event for event in Calendar.from_ical(feed).walk("VEVENT")}


def test_a_due_touch_carries_an_alarm_a_link_and_the_ways_to_reach_them(day_of_reminders):
    journal = day_of_reminders
    config = journal.root / "mkdocs.yml"
    config.write_text("site_url: https://journal.example/\n" + config.read_text())
    journal.build()
    feed = events((journal.root / "site/followup.ics").read_bytes())
    ana = feed["touch-ana@followup.invalid"]
    assert str(ana["summary"]) == "Reach Ana Ribeiro (phone): 22 days late"
    # due on 2026-11-01: shown today, where one looks, not on a past day
    assert ana.decoded("dtstart").isoformat() == "2026-11-23"
    assert str(ana["url"]) == "https://journal.example/people/ana/"
    assert "Phone: +1 555 0100" in str(ana["description"]) and "Email: ana@example.org" in str(ana["description"])
    [alarm] = ana.walk("VALARM")
    assert str(alarm["action"]) == "DISPLAY" and alarm.decoded("trigger").total_seconds() == 9 * 3600
    # tried yesterday: shown on the day to try again; a touch not yet due stays on its due day
    assert feed["touch-ed@followup.invalid"].decoded("dtstart").isoformat() == "2026-11-24"
    assert feed["touch-fay@followup.invalid"].decoded("dtstart").isoformat() == "2027-06-01"
    # a late promise is shown today too, and a booking keeps its day
    late = next(e for e in feed.values() if "send the comparables" in str(e["summary"]))
    assert late.decoded("dtstart").isoformat() == "2026-11-23" and "late: due 2026-11-20" in str(late["summary"])
    booked = feed["booked-cy@followup.invalid"]
    assert booked.decoded("dtstart").isoformat() == "2026-11-23" and "lunch at Rosa's" in str(booked["description"])
    # the page the URL names is the one the site built
    assert (journal.root / "site/people/ana/index.html").is_file()


@pytest.mark.parametrize(("settings", "seconds"), [
    ('remind_at: "07:30"', 7 * 3600 + 30 * 60),
    ('block: "Fri 16:00-17:00"', 16 * 3600),
    ('{remind_at: "08:15", block: "Fri 16:00-17:00"}', 8 * 3600 + 15 * 60),
])
def test_the_alarm_rings_at_remind_at_else_at_the_blocks_start(day_of_reminders, settings, seconds):
    day_of_reminders.settings(settings if not settings.startswith("{") else settings[1:-1].replace(", ", "\n"))
    feed = events(day_of_reminders.followup("ics").stdout.encode())
    [alarm] = feed["touch-ana@followup.invalid"].walk("VALARM")
    assert alarm.decoded("trigger").total_seconds() == seconds


def test_remind_at_written_without_quotes_gets_a_plain_message(journal):
    journal.settings("remind_at: 9:00")  # YAML reads this as the number 540
    done = journal.followup("ics")
    assert done.returncode == 1 and 'write it in quotes, like "09:00"' in done.stderr


def test_each_category_has_its_own_calendar(day_of_reminders):
    journal = day_of_reminders
    journal.build()
    site = journal.root / "site"
    clients = events((site / "calendar/clients.ics").read_bytes())
    assert {uid.split("-")[1].split("@")[0] for uid in clients} == {"bob", "cy", "ed", "odd"}
    assert str(Calendar.from_ical((site / "calendar/clients.ics").read_bytes())["x-wr-calname"]) == \
        "followup: clients"
    assert "block@followup.invalid" not in clients
    assert set(events((site / "calendar/friends.ics").read_bytes())) >= {"touch-ana@followup.invalid"}
    assert journal.followup("ics", "--category", "clients", "-o", "clients.ics").returncode == 0
    assert (journal.root / "clients.ics").read_bytes() == (site / "calendar/clients.ics").read_bytes()
    unknown = journal.followup("ics", "--category", "nobody")
    assert unknown.returncode == 2 and "no category 'nobody'" in unknown.stderr and "clients" in unknown.stderr
    # each category's page says where its calendar is
    link = journal.page("categories/clients").select_one(".fu-subscribe a")
    assert link["href"] == "../../calendar/clients.ics"


# ---- the Atom feed -------------------------------------------------------------------------------------------

def entries(journal) -> dict[str, tuple[str, str, str]]:
    """The feed's entries by title's name: (id, updated, link), read by ElementTree; feedparser must agree."""
    data = (journal.root / "site/due.xml").read_bytes()
    root = ElementTree.fromstring(data)
    assert root.tag == f"{ATOM}feed"
    found = {entry.findtext(f"{ATOM}title").split(":")[0]: (entry.findtext(f"{ATOM}id"),
                                                             entry.findtext(f"{ATOM}updated"),
                                                             entry.find(f"{ATOM}link").get("href"))
             for entry in root.iter(f"{ATOM}entry")}
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert sorted(entry.id for entry in parsed.entries) == sorted(value[0] for value in found.values())
    return found


def test_the_feed_has_an_entry_per_person_due_with_ids_that_hold_until_they_are_touched(day_of_reminders,
                                                                                          monkeypatch):
    journal = day_of_reminders
    journal.build()
    first = entries(journal)
    # due: Bob (today); overdue: Ana, Dee, the hostile name; Ed was tried and waits; Cy is booked; Fay is fine
    assert set(first) == {"Ana Ribeiro", "Bob Builder", "Dee Passed", HOSTILE_NAME.split(":")[0]}
    assert first["Bob Builder"][1] == "2026-11-23T00:00:00Z" and first["Ana Ribeiro"][1] == "2026-11-02T00:00:00Z"
    assert first["Dee Passed"][1] == "2026-11-21T00:00:00Z"  # overdue since the booked day passed
    assert first["Ana Ribeiro"][2] == "people/ana/" and (journal.root / "site/people/ana/index.html").is_file()
    monkeypatch.setenv("FOLLOWUP_TODAY", "2026-11-24")
    journal.build()
    second = entries(journal)
    assert second["Bob Builder"][0] == first["Bob Builder"][0]  # the same entry: a reader does not notify twice
    assert second["Bob Builder"][1] == "2026-11-24T00:00:00Z"  # due, now overdue: updated
    assert second["Ana Ribeiro"] == first["Ana Ribeiro"]
    assert second["Ed Tried"][1] == "2026-11-24T00:00:00Z"  # the day to try again came
    assert journal.followup("touch", "bob", "-m", "Coffee").returncode == 0
    journal.build()
    assert "Bob Builder" not in entries(journal)
    monkeypatch.setenv("FOLLOWUP_TODAY", "2026-12-01")
    journal.build()
    assert entries(journal)["Bob Builder"][0] != first["Bob Builder"][0]  # due again: a new entry, a new notice


def test_the_feed_stays_valid_xml_whatever_a_name_holds(journal):
    journal.write("ctl.md", '---\nname: "Bell\\a and \\x1b[31mred"\ncadence: weekly\n---\n')
    journal.commit("A name with control characters")
    journal.build()
    titles = list(entries(journal))
    assert titles == ["Bell\ufffd and \ufffd[31mred"]
    assert "holds a control character" in journal.followup("check").stdout


def test_the_site_names_its_feed_and_its_calendar(day_of_reminders):
    journal = day_of_reminders
    config = journal.root / "mkdocs.yml"
    config.write_text("site_url: https://journal.example/\n" + config.read_text())
    journal.build()
    page = journal.page("")
    assert page.select_one('link[rel=alternate][type="application/atom+xml"]')["href"] == "due.xml"
    assert [a["href"] for a in page.select(".fu-subscribe a")] == ["followup.ics", "due.xml"]
    feed = ElementTree.fromstring((journal.root / "site/due.xml").read_bytes())
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "https://journal.example/due.xml"
    assert {entry.find(f"{ATOM}link").get("href") for entry in feed.iter(f"{ATOM}entry")} >= \
        {"https://journal.example/people/ana/"}


def test_bad_site_url_is_refused(journal):
    config = journal.root / "mkdocs.yml"
    config.write_text("site_url: javascript:alert(1)\n" + config.read_text())
    done = journal.followup("digest")
    assert done.returncode == 1 and "site_url must be the site's web address" in done.stderr
