"""A WhatsApp chat as its "Export chat" writes it: a text file (Android: "WhatsApp Chat with Ana Ribeiro.txt"; iPhone:
"_chat.txt" inside a .zip), a line a message, each headed by its date and time as the phone's locale writes them:

    20/11/2026, 09:14 - Ana Ribeiro: See you at the docks        (Android, day first, 24 hours)
    11/20/26, 9:14 AM - Ana Ribeiro: See you at the docks        (Android, United States)
    20.11.26, 09:14 - Ana Ribeiro: Bis morgen                    (Android, Germany)
    [20/11/2026, 09:14:05] Ana Ribeiro: See you at the docks     (iPhone)

Which number is the day and which the month is told from the whole file: a number over 12, else the order in which
a chat's days must run. A line that is headed like a date but is none is named in the report; a line with no head
continues the message before it. The chat's two sides are the user (by the names of `me`, else the one the file is
not named after) and the other, whose messages are replies owed; the user's are touches of them. A group chat is
neither. Message texts are never copied into the journal.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from followup.core.names import fold
from followup.core.phones import number_key
from followup.core.shown import one_line
from followup.formats.harvesting import Found, Happening, Skip, Unread

_MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
_NUMBERS = r"(\d{1,4})([./-])(\d{1,2})[./-](\d{1,4})"
_TIME = r"(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?(?:[\s\u202f]*([AaPp])\.?\s?[Mm]\.?)?"
_HEADED = re.compile(rf"\[{_NUMBERS},?\s+{_TIME}\]\s(.*)|{_NUMBERS},?\s+{_TIME}\s[-\u2013]\s(.*)")
_LOOKS_HEADED = re.compile(r"\[?\d{1,4}[./-]\d{1,2}[./-]\d{1,4},?\s+\d{1,2}[:.]\d")
_MISSED_CALL = re.compile(r"missed (?:voice|video|group voice|group video) call", re.IGNORECASE)
_ATTACHED = re.compile(r"<attached: .*>|.* omitted", re.IGNORECASE)  # what the iPhone writes for a picture sent
_FILE_NAME = re.compile(r"WhatsApp Chat (?:with|-) (.+?)(?:\s*\(\d+\))?\.(?:txt|zip)$", re.IGNORECASE)
CHAT_MAX = 64 * 1024 * 1024  # a decade of a busy chat, without its media, is a few MB


@dataclass(frozen=True)
class _Line:
    number: int
    first: int
    separator: str
    second: int
    third: int
    hour: int
    minute: int
    second_of_minute: int
    half: str  # "a", "p" or ""
    author: str | None  # None: a notice of the app ("Messages and calls are end-to-end encrypted...")
    text: str
    by_the_app: bool  # the iPhone's mark (U+200E) of a line the app wrote: a notice, a picture, a missed call


def looks_like_chat(head: bytes) -> bool:
    text = head[:4096].decode("utf-8", "replace")
    return any(_HEADED.match(line.lstrip(_MARKS)) for line in text.splitlines()[:20])


def _lines(text_lines: Iterator[str]) -> Iterator[_Line | int]:
    """Each message's head, or the number of a line headed like a date that is none."""
    for number, raw in enumerate(text_lines, 1):
        line = raw.rstrip("\r\n").lstrip(_MARKS)
        match = _HEADED.match(line)
        if match is None:
            if _LOOKS_HEADED.match(line):
                yield number
            continue
        groups = match.groups()
        iphone = groups[0] is not None
        first, separator, second, third, hour, minute, seconds, half = groups[:8] if iphone else groups[9:17]
        rest = groups[8] if iphone else groups[17]
        author, colon, text = rest.partition(": ")
        yield _Line(number, int(first), separator, int(second), int(third), int(hour), int(minute),
                    int(seconds or 0), (half or "").lower(), author.strip(_MARKS + " ") if colon else None,
                    text.strip(_MARKS + " "), text.startswith("\u200e"))


def _orders(lines: list[_Line]) -> list[str]:
    """The orders of day, month and year the lines' dates can be read in, the likeliest first."""
    if lines and all(line.first > 31 for line in lines):
        return ["ymd"]
    possible = [order for order, (day, month) in (("dmy", (0, 1)), ("mdy", (1, 0)))
                if all(1 <= (line.first, line.second)[month] <= 12 and (line.first, line.second)[day] <= 31
                       for line in lines)]

    def backwards(order: str) -> int:  # a chat runs forward: the right order has its days in order
        days = [_day(line, order) for line in lines]
        return sum(1 for one, two in itertools.pairwise(days) if one and two and two < one)

    halves = any(line.half for line in lines)
    dots = any(line.separator == "." for line in lines)
    return sorted(possible, key=lambda order: (backwards(order), order != ("mdy" if halves and not dots else "dmy")))


def _day(line: _Line, order: str) -> dt.date | None:
    day, month, year = {"dmy": (line.first, line.second, line.third), "mdy": (line.second, line.first, line.third),
                        "ymd": (line.third, line.second, line.first)}[order]
    try:
        return dt.date(year + 2000 if year < 100 else year, month, day)
    except ValueError:
        return None


def _time(line: _Line) -> dt.time | None:
    hour = line.hour % 12 + (12 if line.half == "p" else 0) if line.half else line.hour
    try:
        return dt.time(hour, line.minute, line.second_of_minute)
    except ValueError:
        return None


def _chat_member(archive: zipfile.ZipFile) -> zipfile.ZipInfo | None:
    return next((info for info in archive.infolist() if info.filename.endswith(".txt")
                 and Path(info.filename).name.startswith(("_chat", "WhatsApp Chat"))), None)


def _text_size(path: Path) -> int:
    """The chat's size as text: an iPhone's zip is measured by what its chat unpacks to (the reader stops there),
    so that a small zip cannot unpack into gigabytes."""
    if not zipfile.is_zipfile(path):
        return path.stat().st_size
    with zipfile.ZipFile(path) as archive:
        member = _chat_member(archive)
        return member.file_size if member is not None else 0


def _text_lines(path: Path) -> Iterator[str]:
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            member = _chat_member(archive)
            if member is None:
                return
            with archive.open(member) as stream:
                yield from io.TextIOWrapper(stream, encoding="utf-8", errors="replace", newline="")
        return
    with path.open(encoding="utf-8", errors="replace", newline="") as stream:
        yield from stream


def _side(author: str, region: str | None) -> str:
    number = number_key(author, region) if re.fullmatch(r"[+\d\s().\-\u00a0]{7,}", author) else None
    return f"tel:{number}" if number else f"name:{fold(author)}"


def read_chat(path: Path, name: str, me: tuple[str, ...], region: str | None) -> Iterator[Found]:
    """The chat's messages as happenings (two passes over the file: its authors and date order, then its
    messages)."""
    if max(path.stat().st_size, _text_size(path)) > CHAT_MAX:
        yield Unread(name, f"over {CHAT_MAX // (1024 * 1024)} MB: not a chat export")
        return
    lines = [line for line in _lines(_text_lines(path)) if isinstance(line, _Line)]
    if not lines:
        yield Unread(name, "no line of a WhatsApp chat export (\"20/11/2026, 09:14 - Name: text\")")
        return
    orders = _orders(lines)
    if not orders:
        yield Unread(name, "its dates are neither day/month/year nor month/day/year")
        return
    authors = Counter(line.author for line in lines if line.author)
    mine = {fold(one) for one in me} & {fold(author) for author in authors}
    named = _FILE_NAME.search(path.name)
    if not mine and named and len(authors) == 2:
        mine = {fold(author) for author in authors if fold(author) != fold(named.group(1))}
    if len(mine) != 1:
        yield Unread(name, "whose messages are yours? give --me 'Your Name' as the chat writes it (or me: {name: "
                           "...} in the settings)")
        return
    others = [author for author in authors if fold(author) not in mine]
    if len(others) != 1:
        yield Skip("a group chat, which is a touch of nobody", name)
        return
    other = others[0]
    who = ((_side(other, region), one_line(other)),)
    order = orders[0]
    for line in _lines(_text_lines(path)):
        if isinstance(line, int):
            yield Skip("a line headed like a date that is none", f"{name}: line {line}")
            continue
        call = bool(_MISSED_CALL.fullmatch(line.text))  # a call the callee missed is written as the caller's line
        if line.author is None or (line.by_the_app and not call and not _ATTACHED.fullmatch(line.text)):
            continue  # the app's own notices: encryption, a changed number
        day, time = _day(line, order), _time(line)
        if day is None or time is None:
            yield Skip("a line headed like a date that is none", f"{name}: line {line.number}")
            continue
        at = dt.datetime.combine(day, time)  # the phone's own time: the journal's day
        key = hashlib.blake2b(f"whatsapp|{fold(line.author)}|{at.isoformat()}|{line.text}".encode(
            "utf-8", "surrogatepass"), digest_size=10).hexdigest()
        kind = ("attempt" if call else "touch") if fold(line.author) in mine else "missed" if call else "heard"
        yield Happening(key, at, kind, "WhatsApp", who, where=f"{name}: line {line.number}")
