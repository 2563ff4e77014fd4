"""Every reader of followup, as one function of the bytes it is given: it returns, or raises only followup's own
documented error; anything else is a crash. The fuzz tests (test_fuzz.py) draw the bytes; the regression corpus
(corpus/<reader>/) replays every failure a fuzz run ever found.

A failing input is kept for the corpus by `record` (conftest.py writes the last one of a failed test there when
FOLLOWUP_FUZZ_SAVE is set, as `make fuzz` does: the last failing call is Hypothesis' shrunk example).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import tempfile
import tracemalloc
from collections.abc import Callable, Iterable
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from followup.core.contact import parse_contact, read_text
from followup.core.dates import parse_day
from followup.core.errors import DateError, FollowupError, NotAnAddressBook, SettingsError, UnreadableText
from followup.core.settings import settings_from_mapping
from followup.formats.address_books import Imported, Unreadable, read_file
from followup.store.contact_text import ContactText
from followup.store.history import _parse_log
from followup.store.merge import merge_contact

MEMORY_LIMIT = 256 * 1024 * 1024  # no input of the fuzz suite is over 1 MB: 256 times that is a runaway
TODAY = dt.date(2026, 11, 23)
LISBON = ZoneInfo("Europe/Lisbon")
# By reader, the last input it was given: when a fuzz test fails, Hypothesis ends by giving the reader the example
# it shrank the failure to, whether the reader raised or took longer than the deadline (which Hypothesis measures).
last_given: dict[str, bytes] = {}


def contact(data: bytes) -> None:
    try:
        text = read_text(data)
    except UnreadableText:
        return
    found, problems = parse_contact(text, "contacts/x.md", "x")
    lines = text.count("\n") + 2
    assert all(problem.line is None or 1 <= problem.line <= lines for problem in problems), problems
    assert found is not None or problems, "a file that is not read says why"
    if found is not None:
        assert "\n" not in found.name and all("\n" not in text for text in (*found.categories, found.owner or ""))


def address_book(data: bytes, name: str) -> None:
    try:
        records = list(read_file(name, data))
    except NotAnAddressBook:
        return
    for record in records:
        assert isinstance(record, (Imported, Unreadable))
        if isinstance(record, Imported):
            assert record.name.strip() and "\n" not in record.name


def vcard(data: bytes) -> None:
    address_book(data, "contacts.vcf")


def csv_export(data: bytes) -> None:
    address_book(data, "contacts.csv")


def history(data: bytes) -> None:
    segment = _parse_log(io.StringIO(data.decode("utf-8", "replace")))
    for path, events in segment.events.items():
        assert isinstance(path, str) and all(1900 <= event.date.year <= 2200 for event in events)


def merge(data: bytes) -> None:
    """Three versions of one contact file (base, ours, theirs), as JSON."""
    base, ours, theirs = (text.encode("utf-8", "surrogatepass") for text in json.loads(data))
    merged, clean = merge_contact(base, ours, theirs, "contacts/ana.md")
    assert isinstance(merged, bytes)
    if clean:
        try:
            sides = [ContactText(Path("ana.md"), version, "ana.md") for version in (ours, theirs)]
        except FollowupError:
            return  # a side that is not a readable contact was merged as plain text
        kept = set(ContactText(Path("ana.md"), merged, "ana.md").log_entries())
        assert all(set(side.log_entries()) <= kept for side in sides), "a log entry of one side was lost"


def _as_file(data: bytes, name: str, read: Callable[[Path], Iterable]) -> list:
    """What a reader of files makes of these bytes, written to a file of this name."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, name)
        path.write_bytes(data)
        return list(read(path))


def mbox(data: bytes) -> None:
    """An mbox file, as a harvest reads it: every message a Message or an Unread, never a crash."""
    from followup.formats.mailboxes import Message, Unread, read_mbox

    for found in _as_file(data, "mbox", lambda path: read_mbox(path, "mbox")):
        assert isinstance(found, (Message, Unread))
        if isinstance(found, Message):
            assert "\n" not in found.subject and all("\n" not in name for _, name in found.recipients)


def _harvested(found: list) -> None:
    """What a harvest reader gives: happenings with a day and one-line values, skips and unread files, and log
    lines that stay one line."""
    from followup.formats.harvesting import KINDS, Day, Happening, Skip, Unread

    for one in found:
        assert isinstance(one, (Happening, Skip, Unread))
        if isinstance(one, Happening):
            assert one.kind in KINDS and isinstance(one.at, dt.date) and one.who
            assert all("\n" not in text for text in (one.text, *(name for _, name in one.who)))
            day = Day(None, TODAY, one.kind, one.via, dt.datetime(2026, 11, 23, tzinfo=dt.timezone.utc),
                      [one.text], [one.key], one.seconds)
            assert "\n" not in day.line(True, LISBON)


def calendar(data: bytes) -> None:
    """An .ics file, its recurrences expanded."""
    from followup.formats.calendars import read_ics

    now = dt.datetime(2026, 11, 23, 12, tzinfo=dt.timezone.utc)
    _harvested(_as_file(data, "cal.ics", lambda path: read_ics(path, "cal.ics", {"tess@example.org"}, now, LISBON)))


def phone(data: bytes) -> None:
    """An SMS Backup & Restore export, calls or texts."""
    from followup.formats.phone_exports import read_export

    _harvested(_as_file(data, "sms.xml", lambda path: read_export(path, "sms.xml", "US", {"+15550100999"})))


def chat(data: bytes) -> None:
    """A WhatsApp chat export."""
    from followup.formats.chats import read_chat

    _harvested(_as_file(data, "WhatsApp Chat with Ana.txt",
                        lambda path: read_chat(path, "chat", ("Tess",), "US")))


def settings(data: bytes) -> None:
    """The followup plugin's options as mkdocs.yml writes them (YAML)."""
    try:
        block = yaml.safe_load(data.decode("utf-8", "replace"))
    except yaml.YAMLError:
        return  # MkDocs refuses the file before followup sees it
    try:
        settings_from_mapping(block, "contacts", "mkdocs.yml: plugins.followup", "https://journal.example/", True)
    except SettingsError:
        return


def day(data: bytes) -> None:
    try:
        found = parse_day(data.decode("utf-8", "replace"), TODAY)
    except DateError:
        return
    assert 1900 <= found.year <= 2200


READERS: dict[str, Callable[[bytes], None]] = {
    "contact": contact, "vcard": vcard, "csv": csv_export, "history": history, "merge": merge, "mbox": mbox,
    "settings": settings, "day": day, "calendar": calendar, "phone": phone, "chat": chat,
}


def run(reader: str, data: bytes) -> None:
    """One input through one reader, its memory watched."""
    last_given[reader] = data
    tracemalloc.start()
    try:
        READERS[reader](data)
        _, peak = tracemalloc.get_traced_memory()
        assert peak < MEMORY_LIMIT, f"{reader} took {peak / 1e6:.0f} MB for {len(data)} bytes"
    finally:
        tracemalloc.stop()
