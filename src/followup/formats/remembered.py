"""What an export on this machine gave the last harvest, kept for the next harvest of the same bytes.

A phone backup or a calendar export is read whole on every run (a 66 MB backup takes seconds in the XML parser,
an 8 MB calendar seconds in icalendar), while a daily harvest mostly meets a file it has read before. What the
reader found is kept in the journal's cache folder, outside the working tree, as typed MessagePack (store/cache.py:
data, never code), by the file's path: it is used again only for the same bytes, the same "me", zone and region, on
the same day, and before the first meeting ahead begins (until then no occurrence changes from booked to under way,
or from under way to past). Everything found is replayed, not skipped, so what the harvest makes of it (nothing
twice, --suggest, --since, an undo in between) is decided afresh, exactly as from the file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path

import msgspec

from followup.formats.harvesting import Found, Happening, Skip, Unread
from followup.store import cache


class _Happened(msgspec.Struct, tag="h", array_like=True):
    key: str
    at: str  # "D" and a day, or "T" and an ISO time (with its offset when it has one)
    kind: str
    via: str
    who: list[tuple[str, str]]
    text: str
    seconds: int
    where: str


class _Skipped(msgspec.Struct, tag="s", array_like=True):
    reason: str
    where: str


class _Unread(msgspec.Struct, tag="u", array_like=True):
    where: str
    reason: str


class _Reading(msgspec.Struct, array_like=True):
    digest: str
    context: str
    until: str  # an ISO time: the first meeting ahead; "" when there is none
    found: list[_Happened | _Skipped | _Unread]


def _kept(one: Found) -> _Happened | _Skipped | _Unread:
    if isinstance(one, Happening):
        at = f"T{one.at.isoformat()}" if isinstance(one.at, dt.datetime) else f"D{one.at.isoformat()}"
        return _Happened(one.key, at, one.kind, one.via, list(one.who), one.text, one.seconds, one.where)
    return _Skipped(one.reason, one.where) if isinstance(one, Skip) else _Unread(one.where, one.reason)


def _found(one: _Happened | _Skipped | _Unread) -> Found:
    if isinstance(one, _Happened):
        at = dt.datetime.fromisoformat(one.at[1:]) if one.at.startswith("T") else dt.date.fromisoformat(one.at[1:])
        return Happening(one.key, at, one.kind, one.via, tuple(one.who), one.text, one.seconds, one.where)
    return Skip(one.reason, one.where) if isinstance(one, _Skipped) else Unread(one.where, one.reason)


def _digest(path: Path) -> str:
    hashed = hashlib.blake2b(digest_size=20)
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            hashed.update(chunk)
    return hashed.hexdigest()


def remembered(root: Path, path: Path, context: str, now: dt.datetime, local: dt.tzinfo | None,
               read: Callable[[], Iterator[Found]]) -> Iterator[Found]:
    """What `read` finds in the file at `path`: from the cache when the file and `context` (what else the reading
    depends on) are as they were the last time, on the same day and before its first meeting ahead."""
    from followup.formats.calendars import UNDER_WAY, compared

    where = cache.CacheFile(cache.cache_path(root, "harvest-" + hashlib.blake2b(
        str(path.resolve()).encode("utf-8", "surrogatepass"), digest_size=10).hexdigest()), _Reading)
    digest, context = _digest(path), f"{context}|{now.date()}"
    last = where.load()
    if last is not None and (last.digest, last.context) == (digest, context) and \
            (not last.until or now < dt.datetime.fromisoformat(last.until)):
        yield from map(_found, last.found)
        return
    kept: list[_Happened | _Skipped | _Unread] = []
    ahead: list[dt.datetime] = []
    for one in read():
        kept.append(_kept(one))
        if isinstance(one, Happening) and one.kind == "booking":
            ahead.append(compared(one.at, local))
        elif isinstance(one, Skip) and one.reason == UNDER_WAY:
            ahead.append(now)  # read again next time
        yield one
    where.save(_Reading(digest, context, min(ahead).isoformat() if ahead else "", kept))
