"""Safe edits of contact files: only the lines an edit means to change, written atomically.

Edits are splices into the file's own text, located with the YAML parser's marks, rather than
load-and-dump: comments, key order, quoting, unknown keys, line endings and the body stay byte
for byte. Every write goes to a temporary file that is fsynced and renamed over the original.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml

from followup.core.contact import (
    Contact,
    LogLayout,
    entry_date_text,
    entry_end,
    log_layout,
    parse_contact,
    read_text,
    split_front_matter,
)
from followup.core.errors import NotARegularFile, UnreadableContact, UnreadableText
from followup.store.files import atomic_write, read_regular_file

BOM = "\ufeff"
_LINE = re.compile(r"[^\n]*\n|[^\n]+$")


class FrontMatterDumper(yaml.SafeDumper):
    """YAML as people write front matter: one 'key: value' line per key, lists inline ([friends, clients])."""


FrontMatterDumper.add_representer(
    list, lambda dumper, data: dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True))


def yaml_scalar(value: object) -> str:
    """A value as YAML writes it inline (quoted only when it must be), keys in the order they come."""
    if isinstance(value, dt.date):
        return value.isoformat()
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=float("inf"), sort_keys=False)
    return text.removesuffix("\n...\n").rstrip("\n")


class ContactText:
    """A contact file's lines, each with its own line ending, edited in place."""

    def __init__(self, path: Path, data: bytes, name: str):
        read_text(data)  # the same checks as reading the journal: size, binary, encoding
        self.path = path
        self.name = name
        self.bom = data.startswith(BOM.encode())
        raw = data.decode("utf-8-sig")
        self.newline = "\r\n" if "\r\n" in raw else "\n"
        self.lines = _LINE.findall(raw)
        self.as_read = self.contact()  # refused here when it does not read: an edit starts from a good file

    @classmethod
    def read(cls, path: Path, name: str) -> ContactText:
        """`name` is how messages call the file (its path in the journal)."""
        try:
            return cls(path, read_regular_file(path), name)
        except OSError as error:
            raise UnreadableContact(f"{name}: {error.strerror}") from None
        except (UnreadableText, NotARegularFile) as error:
            raise UnreadableContact(f"{name}: {error}; nothing was changed") from None

    def text(self) -> str:
        return "".join(self.lines).replace("\r\n", "\n")

    def to_bytes(self) -> bytes:
        return ((BOM if self.bom else "") + "".join(self.lines)).encode("utf-8")

    def contact(self) -> Contact:
        contact, problems = parse_contact(self.text(), self.name, self.path.stem)
        blocking = [problem for problem in problems if problem.stops_edits]
        if contact is None or blocking:
            raise UnreadableContact(f"{(blocking or problems)[0]}; nothing was changed")
        return contact

    def _front(self) -> tuple[yaml.MappingNode, int]:
        """The front matter's root node and the index of its closing '---' line."""
        parts = split_front_matter(self.text())
        if parts is None:
            raise UnreadableContact(f"{self.name}: the front matter is gone; nothing was changed")
        front, _, body_line = parts
        loader = yaml.CSafeLoader(front)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
        if isinstance(node, yaml.MappingNode) and node.flow_style:
            raise UnreadableContact(f"{self.name}: the front matter is one {{...}} mapping; write it as 'key: value' "
                                    "lines for followup to edit it; nothing was changed")
        if not isinstance(node, yaml.MappingNode):
            node = yaml.MappingNode("tag:yaml.org,2002:map", [])
        return node, body_line - 2

    def _key_span(self, key: str) -> tuple[yaml.Node, yaml.Node, int, int] | None:
        """(key node, value node, first line, end line) of a top-level key; file line indexes."""
        node, _ = self._front()
        for key_node, value_node in node.value:
            if key_node.value == key:
                first = key_node.start_mark.line + 1
                end = value_node.end_mark.line + 1 + (1 if value_node.end_mark.column > 0 else 0)
                end = max(end, first + 1)
                while end > first + 1 and (not self.lines[end - 1].strip()
                                           or self.lines[end - 1].lstrip().startswith("#")):
                    end -= 1
                return key_node, value_node, first, end
        return None

    def set_scalar(self, key: str, value: object) -> None:
        """Set `key: value`; a one-line scalar keeps its line's comment and everything around it."""
        rendered = yaml_scalar(value)
        span = self._key_span(key)
        if span is None:
            self._insert_front_lines([f"{key}: {rendered}"])
            return
        key_node, value_node, first, end = span
        same_line = value_node.start_mark.line == value_node.end_mark.line == key_node.start_mark.line
        if isinstance(value_node, yaml.ScalarNode) and same_line and value_node.value != "":
            quote = value_node.style if value_node.style in ("'", '"') else ""
            if quote and not set(rendered) & {"'", '"', "\\"}:
                rendered = quote + rendered + quote
            line = self.lines[first]
            start, stop = value_node.start_mark.column, value_node.end_mark.column
            self.lines[first] = line[:start] + rendered + line[stop:]
        else:
            self._replace(first, end, [f"{key}: {rendered}"])

    def set_block(self, key: str, lines: list[str]) -> None:
        """Replace a top-level key and its whole value with these lines (or add them)."""
        span = self._key_span(key)
        if span is None:
            self._insert_front_lines(lines)
        else:
            self._replace(span[2], span[3], lines)

    def remove_key(self, key: str) -> None:
        """Take a top-level key out, with its value (nothing when it is not there)."""
        span = self._key_span(key)
        if span is not None:
            self._replace(span[2], span[3], [])

    def _replace(self, first: int, end: int, new_lines: list[str]) -> None:
        if first > 0 and not self.lines[first - 1].endswith("\n"):
            self.lines[first - 1] += self.newline  # a file without a final newline, added to at the end
        self.lines[first:end] = [line + self.newline for line in new_lines]

    def _insert_front_lines(self, new_lines: list[str]) -> None:
        _, closing = self._front()
        self._replace(closing, closing, new_lines)

    def _log(self) -> tuple[int, list[str], LogLayout]:
        """(first body line, body lines, where the Log section and its entries are)."""
        _, closing = self._front()
        body = [line.rstrip("\r\n") for line in self.lines[closing + 1:]]
        return closing + 1, body, log_layout(body)

    def newest_last(self) -> bool:
        _, body, log = self._log()
        return len(log.entries) >= 2 and entry_date_text(body[log.entries[0]]) < entry_date_text(body[log.entries[-1]])

    def log_entries(self) -> list[tuple[str, ...]]:
        """Each dated entry of the Log section as its lines (the dated line and its continuation)."""
        _, body, log = self._log()
        return [tuple(body[i:entry_end(body, i, log.end)]) for i in log.entries]

    def add_log_entry(self, *block: str) -> None:
        """Add a dated entry under '## Log' (made at the end if missing), in the order the log keeps."""
        body_start, body, log = self._log()
        if not log.entries:
            self._into_empty_log(list(block))
            return
        at = entry_end(body, log.entries[-1], log.end) if self.newest_last() else log.entries[0]
        self._replace(body_start + at, body_start + at, list(block))

    def add_log_entries(self, lines: list[str]) -> None:
        """One-line entries, oldest first, each where add_log_entry would put it, in one pass over the file (a
        harvest adds hundreds to one person)."""
        body_start, body, log = self._log()
        if not log.entries:
            self._into_empty_log(lines[::-1])  # the log begun by the first, each next one on top
        elif self.newest_last():
            at = entry_end(body, log.entries[-1], log.end)
            self._replace(body_start + at, body_start + at, lines)
        else:
            self._replace(body_start + log.entries[0], body_start + log.entries[0], lines[::-1])

    def set_log_entries(self, blocks: list[tuple[str, ...]]) -> None:
        """Replace the dated entries of the Log section by these; lines around them stay as they are."""
        body_start, body, log = self._log()
        lines = [line for block in blocks for line in block]
        if not log.entries:
            self._into_empty_log(lines)
            return
        first, last = log.entries[0], entry_end(body, log.entries[-1], log.end)
        inside = {j for i in log.entries for j in range(i, entry_end(body, i, log.end))}
        others = [body[j] for j in range(first, last) if j not in inside]
        self._replace(body_start + first, body_start + last, lines + others)

    def _into_empty_log(self, lines: list[str]) -> None:
        body_start, body, log = self._log()
        if log.heading is None:
            blank = [""] if body and body[-1].strip() else []
            self._replace(len(self.lines), len(self.lines), [*blank, "## Log", "", *lines])
        else:
            self._replace(body_start + log.heading + 1, body_start + log.heading + 1, ["", *lines])

    def save(self) -> None:
        self.contact()  # never write a file that would not read back
        atomic_write(self.path, self.to_bytes())
