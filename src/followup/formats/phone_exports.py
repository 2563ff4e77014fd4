"""Calls and texts as an Android phone exports them through "SMS Backup & Restore": calls-*.xml (<calls> of
<call number duration date type .../>) and sms-*.xml (<smses> of <sms> and <mms>, an MMS with its <parts>, pictures
in base64, and its <addrs>).

The XML is parsed by defusedxml, which refuses entity declarations outright (a "billion laughs" file is refused at
its DTD, before anything is expanded), and streamed: each element is read and dropped at its end tag, each part of
an MMS (a picture) at its own, so a 500 MB backup is read with the memory of one message. Numbers are matched in
E.164 (core/phones.py), with the journal's default_region for those written without a country code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from followup.core.phones import number_key
from followup.core.shown import one_line
from followup.formats.harvesting import Found, Happening, Skip, Unread

# Android's CallLog.Calls.TYPE
INCOMING, OUTGOING, MISSED, VOICEMAIL, REJECTED, BLOCKED, ANSWERED_ELSEWHERE = 1, 2, 3, 4, 5, 6, 7
# Telephony.Sms.TYPE (sms) and MESSAGE_BOX (mms): received, sent; the rest are drafts, failed and queued texts
RECEIVED, SENT = 1, 2
MMS_FROM, MMS_RECIPIENTS = "137", {"151", "130", "129"}  # PduHeaders: FROM, TO, CC, BCC
_NOBODY = {"", "null", "(unknown)", "-1", "-2", "-3", "insert-address-token"}
# Older versions of the app wrote an emoji as two numeric references to UTF-16 surrogates (&#55357;&#56832;), which
# no XML parser takes: such references, and those to the other characters XML forbids, are read as U+FFFD.
_BAD_REFERENCE = re.compile(rb"&#(?:(\d{1,8})|x([0-9a-fA-F]{1,7}));")
# expat (before 2.6) parses a token cut across reads again from its start at each read: a picture's 7 MB of base64
# read 64 KB at a time is scanned a hundred times over (11 s for 110 MB); 1 MB at a time, 1.3 s.
_CHUNK = 1 << 20


def kind_of_export(head: bytes) -> str | None:
    """"calls" or "texts" when the start of a file is an SMS Backup & Restore export."""
    start = head[:4096]
    if b"<calls" in start:
        return "calls"
    if b"<smses" in start:
        return "texts"
    return None


class _Mended:
    """The file, read with references to characters XML forbids made into U+FFFD's (a file-like for the parser)."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.held = b""

    def read(self, size: int = _CHUNK) -> bytes:
        while True:  # more than once only when all that was read is the start of a reference
            chunk = self.stream.read(max(size, _CHUNK))
            data, self.held = self.held + chunk, b""
            cut = data.rfind(b"&", max(0, len(data) - 16))
            if chunk and cut >= 0 and b";" not in data[cut:]:  # a reference cut in two waits for its end
                data, self.held = data[:cut], data[cut:]
            if data or not chunk:
                return _BAD_REFERENCE.sub(_mended, data)


def _mended(match: re.Match) -> bytes:
    code = int(match.group(1)) if match.group(1) else int(match.group(2), 16)
    allowed = code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or \
        0x10000 <= code <= 0x10FFFF
    return match.group(0) if allowed else b"&#xFFFD;"


def _moment(value: str | None) -> dt.datetime | None:
    """Milliseconds since 1970 (seconds, in some MMS), as an aware time."""
    try:
        number = int(value or "")
        return dt.datetime.fromtimestamp(number / 1000 if number > 10**11 else number, tz=dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        return None


def _digest(*parts: object) -> str:
    return hashlib.blake2b("|".join(map(str, parts)).encode("utf-8", "surrogatepass"), digest_size=10).hexdigest()


class ExportReading:
    """One export's elements, as happenings; `region` for numbers written without a country code, `mine` the
    keys (number_key) of the user's own numbers, left out of a group text's people."""

    def __init__(self, path: Path, name: str, region: str | None, mine: set[str]) -> None:
        self.path, self.name, self.region, self.mine = path, name, region, mine
        self.counts = {"call": 0, "sms": 0, "mms": 0}

    def __iter__(self) -> Iterator[Found]:
        from xml.etree.ElementTree import ParseError

        from defusedxml import DefusedXmlException
        from defusedxml.ElementTree import iterparse

        try:
            with self.path.open("rb") as stream:
                root = None
                for event, element in iterparse(_Mended(stream), events=("start", "end")):
                    if event == "start":
                        root = root if root is not None else element
                        continue
                    tag = element.tag
                    if tag == "part":
                        element.clear()  # a picture is dropped as soon as it is read past
                    elif tag in self.counts and root is not None:
                        self.counts[tag] += 1
                        yield self._found(tag, element)
                        root.clear()
        except DefusedXmlException as error:
            yield Unread(self.name, f"refused: it declares entities or a DTD, which no phone export does ({error})")
        except ParseError as error:
            yield Unread(self.name, f"not XML from {error}; what came before it was read")

    def _who(self, numbers: list[str], names: list[str]) -> tuple[tuple[str, str], ...]:
        people = []
        for index, number in enumerate(numbers):
            key = None if number.strip().casefold() in _NOBODY else number_key(number, self.region)
            if key is not None and key not in self.mine:
                name = names[index] if index < len(names) else ""
                people.append(("tel:" + key, "" if name.casefold() in _NOBODY else one_line(name)))
        return tuple(dict.fromkeys(people))

    def _found(self, tag: str, element) -> Found:
        where = f"{self.name}: {tag} {self.counts[tag]}"
        get = element.get
        at = _moment(get("date"))
        if at is None:
            return Skip("no date that can be read", where)
        if tag == "call":
            return self._call(get, at, where)
        if tag == "sms":
            return self._text(get("type"), get("address") or "", get("contact_name") or "", at, where,
                              ("sms", get("address"), get("date"), get("type"), _digest(get("body"))))
        return self._mms(element, at, where)

    def _call(self, get, at: dt.datetime, where: str) -> Found:
        who = self._who([get("number") or ""], [get("contact_name") or ""])
        if not who:
            return Skip("with a hidden number")
        try:
            kind, seconds = int(get("type") or ""), max(0, int(get("duration") or "0"))
        except ValueError:
            return Skip("of a kind not known", where)
        key = _digest("call", get("number"), get("date"), kind)  # as written: a new default_region re-keys nothing
        if kind in (INCOMING, ANSWERED_ELSEWHERE) or (kind == OUTGOING and seconds > 0):
            return Happening(key, at, "touch", "phone", who, seconds=seconds, where=where)
        if kind == OUTGOING:
            return Happening(key, at, "attempt", "phone", who, where=where)
        if kind in (MISSED, VOICEMAIL, REJECTED):
            return Happening(key, at, "missed", "phone", who, where=where)
        return Skip("blocked" if kind == BLOCKED else "of a kind not known")

    def _text(self, box: str | None, address: str, names: str, at: dt.datetime, where: str,
              identity: tuple) -> Found:
        if box not in (str(RECEIVED), str(SENT)):
            return Skip("a draft, or not sent")
        who = self._who(address.split("~"), names.split(","))
        if not who:
            return Skip("with a hidden number")
        return Happening(_digest(*identity), at, "heard" if box == str(RECEIVED) else "touch", "text", who,
                         where=where)

    def _mms(self, element, at: dt.datetime, where: str) -> Found:
        box = element.get("msg_box")
        addresses = [(addr.get("address") or "", addr.get("type") or "") for addr in element.iter("addr")]
        wanted = {MMS_FROM} if box == str(RECEIVED) else MMS_RECIPIENTS
        numbers = [address for address, kind in addresses if kind in wanted] or \
            (element.get("address") or "").split("~")
        identity = ("mms", element.get("m_id") or element.get("tr_id") or element.get("address"), element.get("date"),
                    box)
        return self._text(box, "~".join(numbers), element.get("contact_name") or "", at, where, identity)


def read_export(path: Path, name: str, region: str | None, mine: set[str]) -> Iterator[Found]:
    return iter(ExportReading(path, name, region, mine))
