"""A git merge driver for contact files: two touches of the same person merge without hand-editing.

The touch parts (last_touch and the dated log entries) are merged by meaning: the later
last_touch wins and the log keeps the entries of both sides. Everything else goes through git's
own three-way merge, so a real conflict (both sides renamed the person) is still a conflict.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from followup.core.contact import entry_date_text
from followup.core.errors import FollowupError
from followup.store.edit import ContactText


def _merge_logs(ours: list[tuple[str, ...]], theirs: list[tuple[str, ...]], newest_last: bool) -> list:
    """Our entries in our order, with each of theirs that we lack placed by its date."""
    merged = list(ours)
    for block in theirs:
        if block in merged:
            continue
        date = entry_date_text(block[0])
        position = next((i for i, mine in enumerate(merged)
                         if (entry_date_text(mine[0]) > date if newest_last else entry_date_text(mine[0]) < date)),
                        len(merged))
        merged.insert(position, block)
    return merged


def _git_merge_file(ours: bytes, base: bytes, theirs: bytes) -> tuple[bytes, bool]:
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for name, data in (("ours", ours), ("base", base), ("theirs", theirs)):
            path = Path(folder) / name
            path.write_bytes(data)
            paths.append(str(path))
        result = subprocess.run(["git", "merge-file", "-p", "-L", "ours", "-L", "base", "-L", "theirs", *paths],
                                capture_output=True)
    if result.returncode < 0 or result.returncode > 127:
        raise RuntimeError(result.stderr.decode(errors="replace"))
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
