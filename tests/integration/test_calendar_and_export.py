"""Import from real-shaped address-book exports, the iCalendar feed read back by a second parser, and export."""

import csv
import io
import json
import shutil

import pytest
import vobject

from helpers import FIXTURES


@pytest.fixture
def existing(journal):
    journal.write("ana-ribeiro.md", "---\nname: Ana Ribeiro   # from school\nemail: ana@example.org\n"
                                    "categories: [friends]\n---\nNotes.\n")
    journal.commit("Add Ana")
    for name in ("google.vcf", "apple.vcf", "outlook.vcf", "mixed-4.0.vcf", "google.csv", "Connections.csv"):
        shutil.copy(FIXTURES / name, journal.root / name)
    return journal


ALL = ("google.vcf", "apple.vcf", "outlook.vcf", "mixed-4.0.vcf", "google.csv", "Connections.csv")


def front(journal, slug):
    import yaml
    text = (journal.contacts / f"{slug}.md").read_text()
    return yaml.safe_load(text.split("---")[1]), text.split("---", 2)[2]


def test_import_creates_skips_and_reports(existing):
    result = existing.followup("import", *ALL, "--category", "imported")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "9 created, 0 merged, 4 skipped"
    assert "skip: Ana Ribeiro (google.vcf: card 1 (line 1)): same email ana@example.org as contacts/ana-ribeiro.md; " \
           "--merge adds what it lacks" in lines
    assert any(line.startswith("skip: Ana Ribeiro (google.csv: row 2 (line 3)): same email") for line in lines)
    assert "skip: mixed-4.0.vcf: card 2 (line 8): no name, organisation, email or phone (a picture only?); line 10 " \
           "is not a vCard property ('FN;BROKEN PARAM'); line 11 is not a vCard property ('this line is not a " \
           "property at')" in lines
    assert "skip: Connections.csv: row 3 (line 7): no name, organisation, email or phone" in lines
    assert "create contacts/jurgen-muller.md: Jürgen Müller (outlook.vcf: card 1 (line 1))" in lines

    jurgen, notes = front(existing, "jurgen-muller")
    assert jurgen == {"name": "Jürgen Müller", "categories": ["imported"], "email": "juergen@mueller-soehne.example",
                      "phone": "+49 30 5550 1234", "birthday": __import__("datetime").date(1970, 3, 15),
                      "organisation": "Müller & Söhne GmbH", "source": "outlook.vcf"}
    assert "Trade fair contact, stand B12.\nPrefers calls before 10 or after 4." in notes
    tom, _ = front(existing, "tom-okafor")
    assert tom["birthday"] == "11-30" and tom["categories"] == ["friends", "six-pack", "imported"]
    assert tom["phone"] == "+1 (555) 010-0177" and tom["organisation"] == "Okafor Running Club"
    elif_, notes = front(existing, "elif-yilmaz")
    assert elif_["email"] == ["elif@yilmaz-hotels.example", "elif.y@example.org"] and elif_["title"] == "Owner"
    assert elif_["categories"] == ["Clients", "imported"]
    bea, notes = front(existing, "beatriz-santos")
    assert bea["organisation"] == "Santos Engineering" and bea["title"] == "Structural Engineer"
    assert bea["linkedin"] == "https://www.linkedin.com/in/beatriz-santos"
    assert "LinkedIn: connected on 14 Mar 2019" in notes
    assert front(existing, "sofia-lind")[0]["birthday"] == "10-01"
    assert front(existing, "priya-nair")[0]["phone"] == "+1-555-010-0188"
    log = existing.git("log", "--format=%s").stdout.splitlines()
    assert log[0] == "Import: 9 created, 0 merged, 4 skipped" and log[1] == "Add Ana"
    assert existing.followup("check").returncode == 0


def test_dry_run_writes_nothing(existing):
    before = sorted(p.name for p in existing.contacts.rglob("*.md"))
    result = existing.followup("import", *ALL, "--dry-run")
    assert result.returncode == 0 and "would create contacts/jurgen-muller.md: Jürgen Müller" in result.stdout
    assert result.stdout.splitlines()[-1] == "9 created, 0 merged, 4 skipped (dry run: nothing written)"
    assert sorted(p.name for p in existing.contacts.rglob("*.md")) == before
    assert existing.git("log", "--format=%s").stdout.splitlines() == ["Add Ana", "Start a followup journal"]


def test_merge_only_adds_missing_fields(existing):
    original = (existing.contacts / "ana-ribeiro.md").read_text()
    result = existing.followup("import", "google.vcf", "--merge")
    assert result.returncode == 0
    assert "merge into contacts/ana-ribeiro.md: Ana Ribeiro (google.vcf: card 1 (line 1)): same email ana@example.org" \
        in result.stdout
    text = (existing.contacts / "ana-ribeiro.md").read_text()
    assert text.startswith(original.split("---\nNotes.")[0])  # every existing line unchanged, in place
    added = text.split("---\nNotes.")[0][len(original.split("---\nNotes.")[0]):]
    assert added == ("phone: +1 555-010-0100\nbirthday: 1984-04-12\norganisation: Riverside Clinic\n"
                     "title: Physiotherapist\nsource: google.vcf\n")  # where it came from, kept too
    assert text.endswith("---\nNotes.\n")


def test_round_trip_through_export(existing):
    existing.followup("import", "outlook.vcf", "google.csv")
    records = {r["slug"]: r for r in json.loads(existing.followup("export", "--format", "json").stdout)}
    assert records["jurgen-muller"]["email"] == "juergen@mueller-soehne.example"
    assert records["jurgen-muller"]["phone"] == "+49 30 5550 1234"
    assert records["elif-yilmaz"]["email"] == "elif@yilmaz-hotels.example"
    assert records["elif-yilmaz"]["categories"] == ["Clients"]
    exported = existing.followup("export", "--format", "csv").stdout
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(exported))}
    assert rows.keys() == records.keys()
    assert rows["elif-yilmaz"]["name"] == "Elif Yilmaz" and rows["elif-yilmaz"]["categories"] == "Clients"
    assert rows["ana-ribeiro"]["status"] == records["ana-ribeiro"]["status"]


def test_imported_text_is_escaped_on_the_site(existing):
    existing.followup("import", "mixed-4.0.vcf")
    existing.build()
    page = existing.page("people/img-src-x-onerror-alert-1")
    assert page.select_one("h1").get_text() == "<img src=x onerror=alert(1)>"
    notes = page.select_one(".fu-notes")
    assert notes.get_text().strip() == "# heading? *bold* [click](javascript:alert(2)) <script>alert(3)</script>"
    assert not notes.find(["script", "a", "h1", "em", "strong"])


def test_javascript_links_written_by_hand_lose_their_target(journal):
    journal.write("x.md", "---\nname: X\n---\n[click](javascript:alert(1)) and [fine](https://example.org)\n")
    journal.build()
    links = journal.page("people/x").select(".fu-notes a[href]")
    assert [(a.get_text(), a.get("href")) for a in links] == [("fine", "https://example.org")]
    assert "click" in journal.page("people/x").select_one(".fu-notes").get_text()


@pytest.fixture
def planned(journal):
    journal.settings("""
        block: "Fri 16:00-17:00"
        categories: {friends: {cadence: monthly}}
    """)
    journal.write("ana.md", "---\nname: Ana Ribeiro\ncategories: [friends]\nlast_touch: 2026-11-01\n"
                            "birthday: 1984-04-12\ndates: {anniversary: 2012-06-02}\nchannel: phone\n"
                            "promises:\n  - {due: 2026-11-25, what: send the comparables}\n---\nPrivate notes.\n")
    journal.write("leap.md", "---\nname: Leo Leap\nbirthday: 2000-02-29\ncadence: none\n---\n")
    journal.commit("Plan")
    return journal


def events_of(feed: str) -> dict:
    calendar = vobject.readOne(feed)
    return {event.uid.value: event for event in calendar.vevent_list}


def test_calendar_feed_read_back_by_vobject(planned):
    feed = planned.followup("ics").stdout
    events = events_of(feed)
    assert set(events) == {"touch-ana@followup.invalid", "birthday-ana@followup.invalid",
                           "date-ana-anniversary@followup.invalid", "birthday-leap@followup.invalid",
                           "block@followup.invalid"} | {uid for uid in events if uid.startswith("promise-ana-")}
    touch = events["touch-ana@followup.invalid"]
    assert str(touch.dtstart.value) == "2026-12-01" and touch.summary.value == "Reach Ana Ribeiro (phone)"
    promise = next(e for uid, e in events.items() if uid.startswith("promise-ana-"))
    assert str(promise.dtstart.value) == "2026-11-25" and "send the comparables" in promise.summary.value
    birthday = events["birthday-ana@followup.invalid"]
    assert str(birthday.dtstart.value) == "1984-04-12" and birthday.rrule.value == "FREQ=YEARLY"
    assert "BYMONTHDAY=-1" in events["birthday-leap@followup.invalid"].rrule.value
    block = events["block@followup.invalid"]
    assert block.dtstart.value.isoformat() == "2026-11-27T16:00:00" and block.dtend.value.hour == 17
    assert block.rrule.value == "FREQ=WEEKLY;BYDAY=FR"
    assert "Private notes" not in feed


def test_uids_are_stable_and_notes_opt_in(planned):
    first = events_of(planned.followup("ics").stdout)
    assert planned.followup("touch", "ana", "-m", "Call").returncode == 0
    second = events_of(planned.followup("ics").stdout)
    assert set(first) == set(second)
    assert str(second["touch-ana@followup.invalid"].dtstart.value) == "2026-12-23"
    planned.settings("""
        calendar_notes: true
        categories: {friends: {cadence: monthly}}
    """)
    assert "Private notes" in planned.followup("ics").stdout


def test_a_feed_from_the_cache_is_stamped_with_its_own_day(planned):
    planned.followup("ics")  # fills the journal's cache on the 23rd
    next_day = {"FOLLOWUP_TODAY": "2026-11-24"}
    cached = planned.followup("ics", env=next_day).stdout
    shutil.rmtree(planned.cache)
    assert cached == planned.followup("ics", env=next_day).stdout
    assert {str(event.dtstamp.value) for event in events_of(cached).values()} == {"2026-11-24 00:00:00+00:00"}


def test_the_site_serves_the_same_feed(planned):
    planned.build()
    built = (planned.root / "site/followup.ics").read_text()
    assert events_of(built).keys() == events_of(planned.followup("ics").stdout).keys()


def test_bad_block_setting(planned):
    planned.settings('block: "Someday 5pm"')
    result = planned.followup("ics")
    assert result.returncode == 1 and "plugins.followup.block: 'Someday 5pm' is not a weekly slot" in result.stderr
