"""A git merge driver for contact files: two touches of the same person merge without hand-editing.

The touch parts (last_touch and the dated log entries) are merged by meaning: the later
last_touch wins and the log keeps the entries of both sides. Everything else goes through git's
own three-way merge, so a real conflict (both sides renamed the person) is still a conflict.
"""

from __future__ import annotations

import bisect
import itertools
import subprocess
import tempfile
from pathlib import Path

from followup.core.contact import entry_date_text
from followup.core.errors import FollowupError
from followup.store.contact_text import ContactText


def _merge_logs(ours: list[tuple[str, ...]], theirs: list[tuple[str, ...]], newest_last: bool) -> list:
    """Our entries in our order, with each of theirs that we lack placed by its date: before the first of ours
    that comes after it in the log's order, theirs at one place in their date order. Linear but for sorting:
    logs of thousands of entries merge in a blink (inserting one at a time was quadratic)."""
    mine = set(ours)
    missing = [block for block in dict.fromkeys(theirs) if block not in mine]
    if not missing:
        return list(ours)
    sign = 1 if newest_last else -1  # in the log's order, a later place has a greater key

    def key(block: tuple[str, ...]) -> tuple[int, ...]:
        return tuple(sign * int(part) for part in entry_date_text(block[0]).split("-"))

    # The first of ours past a date is where the greatest key so far first passes it: that only grows, so the
    # place is found by bisection even in a log whose order was broken by hand.
    greatest = list(itertools.accumulate(map(key, ours), max))
    places: dict[int, list[tuple[str, ...]]] = {}
    for block in sorted(missing, key=key):
        places.setdefault(bisect.bisect_right(greatest, key(block)), []).append(block)
    merged: list[tuple[str, ...]] = []
    for index, block in enumerate(ours):
        merged += places.get(index, [])
        merged.append(block)
    return merged + places.get(len(ours), [])


def _git_merge_file(ours: bytes, base: bytes, theirs: bytes) -> tuple[bytes, bool]:
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for name, data in (("ours", ours), ("base", base), ("theirs", theirs)):
            path = Path(folder) / name
            path.write_bytes(data)
            paths.append(str(path))
        result = subprocess.run(["git", "merge-file", "-p", "-L", "ours", "-L", "base", "-L", "theirs", *paths],
                                capture_output=True)
    if result.returncode < 0 or result.returncode > 127:  # not text to git (a NUL byte): ours stays, a conflict
        return ours, False
    return result.stdout, result.returncode == 0


def merge_contact(base: bytes, ours: bytes, theirs: bytes, name: str = "contact") -> tuple[bytes, bool]:
    """The merged file and whether it merged cleanly.

    The touches are merged first and written into all three versions, so git's own merge sees no
    difference in them: they land whether or not another field conflicts (both renamed the person)."""
    try:
        texts = [ContactText(Path(name), data, name) for data in (base, ours, theirs)]
    except FollowupError:
        return _git_merge_file(ours, base, theirs)  # not a readable contact on some side: plain text merge
    base_text, our_text, their_text = texts
    entries = _merge_logs(our_text.log_entries(), their_text.log_entries(), our_text.newest_last())
    touches = [day for text in (our_text, their_text) if (day := text.contact().last_touch) is not None]
    for text in texts:
        if touches:
            text.set_scalar("last_touch", max(touches))
        text.set_log_entries(entries)
    return _git_merge_file(our_text.to_bytes(), base_text.to_bytes(), their_text.to_bytes())
