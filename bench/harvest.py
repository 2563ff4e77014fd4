"""Benchmark: `followup harvest`, end to end through the console script, on a journal of 1,000 people.

    .venv/bin/python bench/harvest.py    # an mbox of 100,000 messages, 10,000 over IMAP, 200,000 calls and
                                         # texts, a 10-year calendar of 20,000 events
    .venv/bin/python bench/harvest.py --messages 20000 --imap 0 --phone 0 --events 0

The mbox is made here as Thunderbird writes a local folder: a third of its messages are mine to people of the
journal, a third theirs to me, the rest lists and strangers, each with a body (a few with an attachment). It is
harvested twice: the second time nothing is new. The IMAP folder is a real dovecot on 127.0.0.1 (Debian's
dovecot-imapd), its messages delivered by APPEND. The phone's calls and texts are SMS Backup & Restore's two
files (tests/integration/test_harvest_phones.py writes them as the app does), half of them with people of the
journal; the calendar is an Outlook-like .ics of ten years, a twentieth of its events weekly series with a
deleted and a moved occurrence. Wall time and peak memory of each run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
BIN = Path(sys.executable).parent
ME = "tess@example.org"
HOUR, DAY = dt.timedelta(hours=1), dt.timedelta(days=1)

from helpers import ImapServer, run_measured  # noqa: E402 (the tests' dovecot and measure)

sys.path.insert(0, str(HERE.parent / "tests" / "integration"))
from test_harvest_calendars import LISBON, calendar, event  # noqa: E402 (the .ics as the apps write it)
from test_harvest_phones import backup, call, sms  # noqa: E402 (the exports as the app writes them)


def mail(number: int, people: int, rng: random.Random) -> bytes:
    kind = number % 3
    person = f"person{rng.randrange(people)}@example.org"
    sender, to = (ME, person) if kind == 0 else (person, ME) if kind == 1 else (f"list{number % 7}@lists.example",
                                                                               ME)
    day = 1 + number % 28
    extra = "List-Id: <news.lists.example>\n" if kind == 2 else ""
    body = "Some words of a body.\n" * rng.randrange(2, 40)
    if number % 500 == 0:
        body += "Q" * 300_000 + "\n"  # an attachment now and then
    return (f"From - Fri Nov {day:02d} 10:00:00 2026\nX-Mozilla-Status: 0001\nMessage-ID: <m{number}@example.org>\n"
            f"Date: Fri, {day:02d} Nov 2026 10:{number % 60:02d}:00 +0000\nFrom: {sender}\nTo: {to}\n{extra}"
            f"Subject: Message {number}\nContent-Type: text/plain; charset=UTF-8\n\n{body}\n").encode()


def phone(number: int) -> str:
    return f"+1 212 555 {number:04d}"


def phone_exports(folder: Path, count: int, people: int, rng: random.Random) -> list[Path]:
    """Half calls, half texts, over two years; half of them with people of the journal, the rest with others."""
    start = dt.datetime(2024, 12, 1)
    calls, texts = [], []
    for number in range(count):
        who = phone(rng.randrange(people)) if number % 2 else f"+1 646 555 {rng.randrange(10_000):04d}"
        moment = (start + dt.timedelta(seconds=rng.randrange(730 * 86400))).isoformat()
        if number % 2:
            calls.append(call(who, moment, rng.choice((1, 2, 2, 3, 5)), rng.choice((0, 40, 300, 1200))))
        else:
            texts.append(sms(who, moment, rng.choice((1, 2)), "See you soon " * rng.randrange(1, 8)))
    paths = [folder / "calls-20261130.xml", folder / "sms-20261130.xml"]
    paths[0].write_bytes(backup("calls", calls))
    paths[1].write_bytes(backup("smses", texts))
    return paths


def year_calendar(path: Path, count: int, people: int, rng: random.Random) -> None:
    """Ten years of meetings: one in twenty a weekly series of 20 with a deleted and a moved occurrence."""
    events = []
    for number in range(count):
        begins = dt.datetime(2016, 12, 1, 9) + dt.timedelta(days=rng.randrange(3650), hours=rng.randrange(9))
        who = [f"ATTENDEE;CN=Person {one};PARTSTAT=ACCEPTED:mailto:person{one}@example.org"
               for one in rng.sample(range(people), rng.randrange(1, 4))]
        lines = [f"DTSTART;{lisbon(begins)}", f"DTEND;{lisbon(begins + HOUR)}", f"ORGANIZER;CN=Tess:mailto:{ME}",
                 *who, f"SUMMARY:Meeting {number}"]
        if number % 20 == 0:
            lines += ["RRULE:FREQ=WEEKLY;COUNT=20", f"EXDATE;{lisbon(begins + dt.timedelta(weeks=2))}"]
            events.append(event(f"series-{number}", *lines))
            moved = begins + dt.timedelta(weeks=3)
            events.append(event(f"series-{number}", f"RECURRENCE-ID;{lisbon(moved)}",
                                f"DTSTART;{lisbon(moved + DAY)}", f"DTEND;{lisbon(moved + DAY + HOUR)}", *who,
                                f"SUMMARY:Meeting {number} (moved)"))
        else:
            events.append(event(f"event-{number}", *lines))
    path.write_bytes(calendar("-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN", LISBON, *events))


def lisbon(moment: dt.datetime) -> str:
    return f"TZID=Europe/Lisbon:{moment:%Y%m%dT%H%M%S}"


def journal_of(folder: Path, people: int) -> Path:
    journal = folder / "journal"
    env = {**os.environ, "FOLLOWUP_TODAY": "2026-11-30"}
    subprocess.run([str(BIN / "followup"), "init", str(journal)], env=env, check=True, stdout=subprocess.DEVNULL)
    for number in range(people):
        (journal / "contacts" / f"person{number}.md").write_text(
            f"---\nname: Person {number}\nemail: person{number}@example.org\nphone: {phone(number)}\n"
            "cadence: monthly\n---\n")
    subprocess.run(["git", "add", "-A"], cwd=journal, check=True)
    subprocess.run(["git", "commit", "-qm", "People"], cwd=journal, check=True)
    return journal


def timed(args: list[str], cwd: Path) -> tuple[float, float]:
    start = time.perf_counter()
    done, peak = run_measured(args, cwd)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return time.perf_counter() - start, peak


def twice(label: str, journal: Path, *args: str) -> None:
    """A harvest, then the same again with nothing new."""
    harvest = [str(BIN / "followup"), "harvest", *args]
    first, first_mb = timed(harvest, journal)
    again, again_mb = timed(harvest, journal)
    print(f"{label}: harvest {first:.1f} s, {first_mb:.0f} MB peak; again, nothing new: {again:.1f} s, "
          f"{again_mb:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--imap", type=int, default=10_000)
    parser.add_argument("--phone", type=int, default=200_000, help="calls and texts")
    parser.add_argument("--events", type=int, default=20_000, help="events of a 10-year calendar")
    parser.add_argument("--people", type=int, default=1000)
    options = parser.parse_args()
    os.environ["FOLLOWUP_TODAY"] = "2026-11-30"
    rng = random.Random(20261130)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        journal = journal_of(folder, options.people)
        if options.messages:
            mbox = folder / "Local Folders" / "All"
            mbox.parent.mkdir()
            with mbox.open("wb") as stream:
                for number in range(options.messages):
                    stream.write(mail(number, options.people, rng))
            twice(f"mbox of {options.messages:,} messages ({mbox.stat().st_size / 1e6:.0f} MB)", journal,
                  str(mbox), "--me", ME)
        if options.phone:
            exports = phone_exports(folder, options.phone, options.people, rng)
            size = sum(path.stat().st_size for path in exports) / 1e6
            twice(f"phone, {options.phone:,} calls and texts ({size:.0f} MB)", journal, *map(str, exports))
        if options.events:
            ics = folder / "calendar.ics"
            year_calendar(ics, options.events, options.people, rng)
            twice(f"calendar, {options.events:,} events over 10 years ({ics.stat().st_size / 1e6:.0f} MB)", journal,
                  str(ics), "--me", ME)
        if options.imap:
            import trustme

            server = ImapServer(folder / "imap", trustme.CA())
            try:
                server.append(*(mail(options.messages + number, options.people, rng).split(b"\n", 1)[1]
                                for number in range(options.imap)))
                os.environ.update(server.env)
                os.environ["FOLLOWUP_HARVEST_PASSWORD"] = "s3cret"
                subprocess.run([str(BIN / "followup"), "trust"], cwd=journal, check=True, stdout=subprocess.DEVNULL)
                harvest = [str(BIN / "followup"), "harvest", f"imaps://tess@127.0.0.1:{server.imaps_port}/INBOX",
                           "--me", ME]
                first, first_mb = timed(harvest, journal)
                again, _ = timed(harvest, journal)
                print(f"IMAP, {options.imap:,} messages from dovecot on 127.0.0.1: harvest {first:.1f} s, "
                      f"{first_mb:.0f} MB peak; the next run, nothing new: {again:.1f} s")
            finally:
                server.stop()


if __name__ == "__main__":
    main()
