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
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import yaml

from followup.core.contact import parse_contact, read_text
from followup.core.dates import parse_day
from followup.core.errors import DateError, FollowupError, NotAnAddressBook, SettingsError, UnreadableText
from followup.core.settings import settings_from_mapping
from followup.formats.address_books import Imported, Unreadable, read_file
from followup.store.edit import ContactText
from followup.store.history import _parse_log
from followup.store.merge import merge_contact

MEMORY_LIMIT = 256 * 1024 * 1024  # no input of the fuzz suite is over 1 MB: 256 times that is a runaway
TODAY = dt.date(2026, 11, 23)
failures: dict[str, bytes] = {}  # by reader: the last input that failed


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


def mbox(data: bytes) -> None:
    """An mbox file, as a harvest reads it: every message a Message or an Unread, never a crash."""
    import tempfile

    from followup.formats.mailboxes import Message, Unread, read_mbox

    with tempfile.NamedTemporaryFile() as file:
        file.write(data)
        file.flush()
        for found in read_mbox(Path(file.name), "mbox"):
            assert isinstance(found, (Message, Unread))
            if isinstance(found, Message):
                assert "\n" not in found.subject and all("\n" not in name for _, name in found.recipients)


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
    "settings": settings, "day": day,
}


def run(reader: str, data: bytes) -> None:
    """One input through one reader, its memory watched; the input is recorded if it fails."""
    tracemalloc.start()
    try:
        READERS[reader](data)
        _, peak = tracemalloc.get_traced_memory()
        assert peak < MEMORY_LIMIT, f"{reader} took {peak / 1e6:.0f} MB for {len(data)} bytes"
    except BaseException:
        failures[reader] = data
        raise
    finally:
        tracemalloc.stop()
