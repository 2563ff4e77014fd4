"""What followup shows, anywhere: one choke point for every value it prints to a terminal, logs, or writes
into a page or a feed.

Control characters (C0 but newline, DEL, C1) drive terminals: an escape sequence in a name, a commit subject or
a file name would recolour, retitle or clear the terminal that lists it, and OSC 52 writes the clipboard in
several terminals. Each is shown as U+FFFD. A tab is a space: in a table it would spill into the next column.
"""

from __future__ import annotations

import re

REPLACEMENT = "\ufffd"
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # neither a tab nor a newline
_CONTROL_OR_TAB = re.compile("[\x00-\x1f\x7f-\x9f]")


def has_control(text: str) -> bool:
    return CONTROL.search(text) is not None


def visible(text: str) -> str:
    """`text` safe to show: control characters as U+FFFD, a tab as a space; newlines kept."""
    if not _CONTROL_OR_TAB.search(text.replace("\n", "")):
        return text
    return CONTROL.sub(REPLACEMENT, text.replace("\t", " "))


def one_line(text: str) -> str:
    """`text` safe to show on one line (a table cell, a log line): newlines as spaces too."""
    return visible(text.replace("\r\n", " ").replace("\n", " "))


def shown_value(value: object) -> object:
    """A template's value as it may be written (Jinja's `finalize`): text through visible(), of its own type,
    so a string that is already markup stays markup; anything else as it is, for the template to escape."""
    if isinstance(value, str):
        shown = visible(value)
        return value if shown is value else type(value)(shown)
    return value
