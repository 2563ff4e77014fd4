"""Touches that log themselves, part 2: meetings. Each .ics is written by the test as the named app exports it
(Google Calendar, Outlook, Apple Calendar, Thunderbird: their PRODIDs, time zones, line endings and folding), and
CalDAV is a real Radicale on 127.0.0.1 (tests/integration/conftest.py). Today is 2026-11-23."""

from __future__ import annotations

import subprocess

import pytest

from helpers import TempJournal, commits

ME = "tess@example.org"
PEOPLE = {
    "ana.md": "---\nname: Ana Ribeiro\nemail: ana@example.org\ncadence: monthly\nlast_touch: 2026-10-01\n"
              "next: 2026-12-01\nnext_note: Site visit\n---\n\n## Log\n- 2026-10-01 Coffee at Rosa's\n",
    "tom.md": "---\nname: Tom Okafor\nemail: tom@example.org\ncadence: weekly\nlast_touch: 2026-11-10\n---\n",
    "bea.md": "---\nname: Bea Santos\nemail: bea@example.org\ncadence: quarterly\n---\n",
}


def folded(line: str) -> list[str]:
    """RFC 5545 folding at 75 octets, never inside a UTF-8 sequence, as every one of these apps does it."""
    data, pieces, width = line.encode(), [], 75
    while len(data) > width:
        cut = width
        while data[cut] & 0xC0 == 0x80:
            cut -= 1
        pieces.append(data[:cut])
        data, width = data[cut:], 74
    return [piece.decode() if index == 0 else " " + piece.decode() for index, piece in enumerate([*pieces, data])]


def calendar(prodid: str, *components: list[str], header: tuple[str, ...] = ()) -> bytes:
    lines = ["BEGIN:VCALENDAR", f"PRODID:{prodid}", "VERSION:2.0", *header]
    lines += [line for component in components for line in component]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(one for line in lines for one in folded(line)) + "\r\n").encode()


def items(data: bytes) -> list[bytes]:
    """A calendar as a CalDAV client stores it: an object a UID (its time zones, its event and the event's moved
    occurrences), each PUT on its own."""
    text = data.decode().replace("\r\n ", "")  # unfolded, to be told apart; folded again below
    head, _, rest = text.partition("BEGIN:VEVENT")
    zones = head.split("BEGIN:VTIMEZONE")[1:]
    header = head.split("BEGIN:VTIMEZONE")[0].strip().split("\r\n")
    events: dict[str, list[list[str]]] = {}
    for chunk in ("BEGIN:VEVENT" + rest).split("BEGIN:VEVENT")[1:]:
        lines = ["BEGIN:VEVENT", *chunk.split("END:VEVENT")[0].strip().split("\r\n"), "END:VEVENT"]
        uid = next(line for line in lines if line.startswith("UID:"))
        events.setdefault(uid, []).append(lines)
    zone_lines = [line for zone in zones for line in ["BEGIN:VTIMEZONE", *zone.strip().split("\r\n")]]
    prodid = next(line for line in header if line.startswith("PRODID:"))[7:]
    rest_header = tuple(line for line in header if line.split(":")[0] not in ("BEGIN", "PRODID", "VERSION"))
    return [calendar(prodid, zone_lines, *found, header=rest_header) for found in events.values()]


def event(uid: str, *lines: str) -> list[str]:
    return ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20261201T101010Z", *lines, "END:VEVENT"]


def google() -> bytes:
    """Google Calendar's export: every time in UTC, the meeting link in X-GOOGLE-CONFERENCE."""
    def person(name: str, address: str, state: str = "ACCEPTED") -> str:
        return f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT={state};CN={name};X-NUM-GUESTS=0:mailto:" \
               f"{address}"

    me = [f"ORGANIZER;CN=Tess Tester:mailto:{ME}", person(ME, ME)]
    return calendar(
        "-//Google Inc//Google Calendar 70.9054//EN",
        event("lunch@google.com", "DTSTART:20261118T130000Z", "DTEND:20261118T140000Z", *me,
              person("Ana Ribeiro", "ana@example.org"), "LOCATION:Cais do Sodré", "SEQUENCE:0", "STATUS:CONFIRMED",
              "SUMMARY:Lunch at the docks", "TRANSP:OPAQUE"),
        event("review@google.com", "DTSTART:20261119T150000Z", "DTEND:20261119T153000Z", *me,
              person("Tom Okafor", "Tom@Example.org"), "X-GOOGLE-CONFERENCE:https://meet.google.com/abc-defg-hij",
              "DESCRIPTION:Join with Google Meet: https://meet.google.com/abc-defg-hij", "STATUS:CONFIRMED",
              "SUMMARY:Design review"),
        event("drinks@google.com", "DTSTART:20261120T023000Z", "DTEND:20261120T040000Z", *me,
              person("Bea Santos", "bea@example.org"), "STATUS:CONFIRMED", "SUMMARY:Drinks"),
        event("cancelled@google.com", "DTSTART:20261117T090000Z", "DTEND:20261117T100000Z", *me,
              person("Ana Ribeiro", "ana@example.org"), "STATUS:CANCELLED", "SUMMARY:Breakfast"),
        event("ahead@google.com", "DTSTART:20261210T123000Z", "DTEND:20261210T140000Z", *me,
              person("Tom Okafor", "tom@example.org", "NEEDS-ACTION"), "STATUS:CONFIRMED",
              "SUMMARY:Lunch at Rosa's"),
        event("later@google.com", "DTSTART:20261220T123000Z", "DTEND:20261220T140000Z", *me,
              person("Tom Okafor", "tom@example.org"), "SUMMARY:Year-end"),
        header=("CALSCALE:GREGORIAN", "METHOD:PUBLISH", f"X-WR-CALNAME:{ME}", "X-WR-TIMEZONE:Europe/Lisbon"))


WINDOWS_ZONE = ["BEGIN:VTIMEZONE", "TZID:W. Europe Standard Time", "BEGIN:STANDARD", "DTSTART:16011028T030000",
                "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "END:STANDARD",
                "BEGIN:DAYLIGHT", "DTSTART:16010325T020000", "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
                "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "END:DAYLIGHT", "END:VTIMEZONE"]


def outlook() -> bytes:
    """Outlook's "Save as iCalendar": a Windows zone name with its own VTIMEZONE, quoted CNs, a Teams link in the
    description."""
    return calendar(
        "-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN", WINDOWS_ZONE,
        event("040000008200E00074C5B7101A82E00800000000A1B2C3D4E5F6A701000000000000000010000000A9B8C7D6E5F4",
              'ATTENDEE;CN="Tom Okafor";RSVP=TRUE:mailto:tom@example.org',
              'ATTENDEE;CN="Bea Santos";PARTSTAT=DECLINED;RSVP=TRUE:mailto:bea@example.org', "CLASS:PUBLIC",
              "DESCRIPTION:________________________________________________________________________________\\n"
              "Microsoft Teams meeting\\nJoin on your computer\\, mobile app or room device\\nClick here to join the"
              " meeting<https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjA@thread.v2/0?context=%7b%7d>\\n",
              'DTEND;TZID="W. Europe Standard Time":20261116T170000',
              'DTSTART;TZID="W. Europe Standard Time":20261116T160000', "LOCATION:Microsoft Teams Meeting",
              f'ORGANIZER;CN="Tess Tester":mailto:{ME}', "PRIORITY:5", "SEQUENCE:0",
              "SUMMARY;LANGUAGE=en-us:Quarterly review", "TRANSP:OPAQUE", "X-MICROSOFT-CDO-BUSYSTATUS:BUSY",
              "X-MICROSOFT-CDO-IMPORTANCE:1"),
        header=("METHOD:PUBLISH", "X-MS-OLK-FORCEINSPECTOROPEN:TRUE"))


LISBON = ["BEGIN:VTIMEZONE", "TZID:Europe/Lisbon", "BEGIN:DAYLIGHT", "TZOFFSETFROM:+0000", "RRULE:FREQ=YEARLY;"
          "BYMONTH=3;BYDAY=-1SU", "DTSTART:19960331T010000", "TZNAME:WEST", "TZOFFSETTO:+0100", "END:DAYLIGHT",
          "BEGIN:STANDARD", "TZOFFSETFROM:+0100", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
          "DTSTART:19961027T020000", "TZNAME:WET", "TZOFFSETTO:+0000", "END:STANDARD", "END:VTIMEZONE"]


def apple() -> bytes:
    """Apple Calendar's export: an Olson TZID with its VTIMEZONE, a weekly coffee with one occurrence deleted
    (EXDATE) and one moved (an override with RECURRENCE-ID), attendees with EMAIL parameters."""
    who = ['ATTENDEE;CN="Ana Ribeiro";CUTYPE=INDIVIDUAL;EMAIL="ana@example.org";PARTSTAT=ACCEPTED;ROLE=REQ-PARTICI'
           'PANT:mailto:ana@example.org',
           f'ATTENDEE;CN="Tess Tester";CUTYPE=INDIVIDUAL;EMAIL="{ME}";PARTSTAT=ACCEPTED;ROLE=CHAIR:mailto:{ME}',
           f'ORGANIZER;CN="Tess Tester";EMAIL="{ME}":mailto:{ME}']
    return calendar(
        "-//Apple Inc.//macOS 15.1//EN", LISBON,
        event("5E8C1F5A-0D7B-4C1E-9A51-0B3F0D5B7C11", "TRANSP:OPAQUE", "DTEND;TZID=Europe/Lisbon:20261102T100000",
              "LOCATION:Rosa's", "SEQUENCE:1", "X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC", "SUMMARY:Coffee with Ana",
              "DTSTART;TZID=Europe/Lisbon:20261102T093000", "RRULE:FREQ=WEEKLY;UNTIL=20261122T235959Z",
              "EXDATE;TZID=Europe/Lisbon:20261109T093000", *who),
        event("5E8C1F5A-0D7B-4C1E-9A51-0B3F0D5B7C11", "RECURRENCE-ID;TZID=Europe/Lisbon:20261116T093000",
              "DTSTART;TZID=Europe/Lisbon:20261117T093000", "DTEND;TZID=Europe/Lisbon:20261117T100000",
              "SUMMARY:Coffee with Ana (moved)", "SEQUENCE:2", *who),
        event("9A0B-visit", "DTSTART;TZID=Europe/Lisbon:20261205T100000", "DTEND;TZID=Europe/Lisbon:20261205T120000",
              "SUMMARY:Studio visit", *who),
        header=("METHOD:PUBLISH", "X-WR-CALNAME:Work", "X-APPLE-CALENDAR-COLOR:#1BADF8",
                "X-WR-TIMEZONE:Europe/Lisbon", "CALSCALE:GREGORIAN"))


def thunderbird() -> bytes:
    """Thunderbird's "Export Calendar": an all-day event (VALUE=DATE) and a floating time (no zone at all)."""
    return calendar(
        "-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN",
        event("c0ffee00-1111-4a4a-9b9b-000000000001", "CREATED:20261101T100000Z", "LAST-MODIFIED:20261101T100000Z",
              "SUMMARY:Bea's birthday dinner", f"ORGANIZER;RSVP=TRUE;CN=Tess;PARTSTAT=ACCEPTED;ROLE=CHAIR:mailto:{ME}",
              "ATTENDEE;RSVP=TRUE;CN=Bea Santos;PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT:mailto:bea@example.org",
              "DTSTART;VALUE=DATE:20261121", "DTEND;VALUE=DATE:20261122", "TRANSP:TRANSPARENT",
              "X-MOZ-GENERATION:1"),
        event("c0ffee00-1111-4a4a-9b9b-000000000002", "SUMMARY:Late show", f"ORGANIZER;CN=Tess:mailto:{ME}",
              "ATTENDEE;CN=Tom Okafor;PARTSTAT=ACCEPTED:mailto:tom@example.org", "DTSTART:20261120T233000",
              "DTEND:20261121T010000"))


@pytest.fixture
def people(journal: TempJournal) -> TempJournal:
    for name, text in PEOPLE.items():
        journal.write(name, text)
    journal.settings("timezone: America/New_York")
    journal.commit("Three people")
    return journal


def harvest(journal: TempJournal, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return journal.followup("harvest", "--me", ME, *args, env=env)


def test_meetings_of_four_apps_are_touches_on_the_journals_days_and_those_ahead_bookings(people):
    for name, data in (("google.ics", google()), ("outlook.ics", outlook()), ("apple.ics", apple()),
                       ("thunderbird.ics", thunderbird())):
        (people.root / name).write_bytes(data)
    done = harvest(people, "google.ics", "outlook.ics", "apple.ics", "thunderbird.ics")
    assert done.returncode == 0, done.stderr
    assert people.log("ana.md") == ["- 2026-11-18 (in person) Lunch at the docks",
                                    "- 2026-11-17 (in person) Coffee with Ana (moved)",  # moved from the 16th
                                    "- 2026-11-02 (in person) Coffee with Ana",  # the 9th deleted, the 23rd past UNTIL
                                    "- 2026-10-01 Coffee at Rosa's"]  # the cancelled breakfast is none
    assert people.log("tom.md") == ["- 2026-11-20 (in person) Late show",  # floating: the journal's own day
                                    "- 2026-11-19 (video) Design review",  # a Meet link
                                    "- 2026-11-16 (video) Quarterly review"]  # Windows zone name; a Teams link
    # 02:30 UTC on the 20th is 21:30 on the 19th in New York; the dinner is all day on the 21st; Bea declined
    # the review
    assert people.log("bea.md") == ["- 2026-11-21 (in person) Bea's birthday dinner",
                                    "- 2026-11-19 (in person) Drinks"]
    tom, ana = people.fields("tom.md"), people.fields("ana.md")
    assert (str(tom["last_touch"]), str(tom["next"]), tom["next_note"]) == ("2026-11-20", "2026-12-10",
                                                                             "Lunch at Rosa's")
    assert (str(ana["next"]), ana["next_note"]) == ("2026-12-01", "Site visit")  # an earlier booking stays
    assert commits(people)[0] == "Harvest calendar: 8 touches, 0 heard from, 1 booked, 3 people " \
                                 "(google.ics, outlook.ics, apple.ics, thunderbird.ics)"
    again = harvest(people, "google.ics", "outlook.ics", "apple.ics", "thunderbird.ics")
    assert "skipped: 8 already harvested" in again.stdout and len(commits(people)) == 3
    assert people.followup("undo").returncode == 0 and people.fields("tom.md").get("next") is None


def test_a_booking_that_passes_becomes_the_touch(people):
    (people.root / "google.ics").write_bytes(google())
    assert harvest(people, "google.ics").returncode == 0
    shown = people.followup("show", "tom", env={"FOLLOWUP_TODAY": "2026-12-11"}).stdout
    assert "booked for 2026-12-10" in shown and "log how it went" in shown
    later = harvest(people, "google.ics", env={"FOLLOWUP_TODAY": "2026-12-11"})
    assert later.returncode == 0, later.stderr
    assert people.log("tom.md")[0] == "- 2026-12-10 (in person) Lunch at Rosa's"
    assert str(people.fields("tom.md")["last_touch"]) == "2026-12-10"
    assert str(people.fields("tom.md")["next"]) == "2026-12-20"  # the next one ahead
    assert "log how it went" not in people.followup("show", "tom", env={"FOLLOWUP_TODAY": "2026-12-11"}).stdout


def test_a_calendar_nothing_can_read_is_one_line_and_the_rest_is_harvested(people):
    (people.root / "broken.ics").write_bytes(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:2026-11-18\r\n"
                                             b"SUMMARY:no end\r\n")
    (people.root / "google.ics").write_bytes(google())
    (people.root / "odd.ics").write_bytes(calendar(
        "-//Odd//EN", event("no-start", "SUMMARY:Someday", "ATTENDEE:mailto:ana@example.org"),
        event("bad-rule", "DTSTART:20261101T100000Z", "RRULE:FREQ=SOMETIMES", "SUMMARY:Never",
              "ATTENDEE:mailto:ana@example.org")))
    done = harvest(people, "broken.ics", "odd.ics", "google.ics")
    assert done.returncode == 0, done.stderr
    assert "not read: broken.ics: holds no whole calendar" in done.stdout  # cut short
    assert "skipped: odd.ics: 'Someday': an event with no start" in done.stdout
    assert "skipped: odd.ics: 'Never': an event with a repeat rule that cannot be read" in done.stdout
    assert people.log("ana.md")[0] == "- 2026-11-18 (in person) Lunch at the docks"


def test_a_series_from_the_year_one_is_named_and_left_out_and_the_rest_is_harvested(people):
    """A weekly rule from 0001-01-01 (found by make fuzz: 8 s, as the library walks a series from its start for each
    span it is asked) is no calendar of meetings; a yearly one from 1604, as address books write birthdays, is."""
    (people.root / "odd.ics").write_bytes(calendar(
        "-//Odd//EN", event("forever", "DTSTART;VALUE=DATE:00010101", "RRULE:FREQ=WEEKLY;UNTIL=20261118",
                            "SUMMARY:Every week since the year 1", "ATTENDEE:mailto:ana@example.org"),
        event("birthday", "DTSTART;VALUE=DATE:16041117", "RRULE:FREQ=YEARLY", "SUMMARY:Ana's birthday tea",
              "ATTENDEE:mailto:ana@example.org")))
    done = harvest(people, "odd.ics")
    assert done.returncode == 0, done.stderr
    assert "skipped: odd.ics: 'Every week since the year 1': an event that repeats over 25,000 times" in done.stdout
    log = people.log("ana.md")
    assert log[:2] == ["- 2026-11-17 (in person) Ana's birthday tea", "- 2025-11-17 (in person) Ana's birthday tea"]
    assert not [line for line in log if "Every week" in line]


def test_a_caldav_calendar_on_a_real_server(people, caldav_server):
    caldav_server.calendar("work", *items(google()), *items(apple()))
    url = caldav_server.url("work")
    env = {**caldav_server.env, "FOLLOWUP_HARVEST_PASSWORD": "s3cret"}
    config = people.root / "mkdocs.yml"
    config.write_text(config.read_text() + "# changed by a pull\n")
    untrusted = harvest(people, url, env=env)
    assert untrusted.returncode == 2 and "followup trust" in untrusted.stderr  # it would reach a server
    assert people.followup("trust").returncode == 0
    done = harvest(people, url, env=env)
    assert done.returncode == 0, done.stderr
    assert people.log("ana.md")[:3] == ["- 2026-11-18 (in person) Lunch at the docks",
                                        "- 2026-11-17 (in person) Coffee with Ana (moved)",
                                        "- 2026-11-02 (in person) Coffee with Ana"]
    assert str(people.fields("tom.md")["next"]) == "2026-12-10"
    assert "from 9 events" in done.stdout
    wrong = harvest(people, url, env={**env, "FOLLOWUP_HARVEST_PASSWORD": "wrong"})
    assert wrong.returncode == 1 and "refused the user 'tess' or its password" in wrong.stderr
    plain = harvest(people, "http://tess@calendar.example/tess/work/", env=env)
    assert plain.returncode == 2 and "https only" in plain.stderr
