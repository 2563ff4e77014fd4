"""Safe edits of contact files: only the lines an edit means to change, written atomically.

Edits are splices into the file's own text, located with the YAML parser's marks, rather than
load-and-dump: comments, key order, quoting, unknown keys, line endings and the body stay byte
for byte. Every write goes to a temporary file that is fsynced and renamed over the original.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path

import yaml
from filelock import FileLock, Timeout

from .contact import Contact, entry_date_text, entry_end, log_layout, parse_contact, read_text, split_front_matter

LOCK_FILE = ".followup.lock"
TEMPORARY_SUFFIX = ".tmp"
BOM = "\ufeff"
_LINE = re.compile(r"[^\n]*\n|[^\n]+$")


class EditError(ValueError):
    """The edit cannot be made; nothing was written."""


class UnreadableContact(EditError):
    """The contact file does not parse, so it is not edited."""


def _temporary_copy(path: Path, data: bytes, sync: bool) -> str:
    """`data` in a hidden temporary file beside `path`, with `path`'s permissions, ready to be renamed over it."""
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o644
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            if sync:
                os.fsync(stream.fileno())
        os.chmod(temporary, mode)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return temporary


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def atomic_write(path: Path, data: bytes) -> None:
    """A crash at any moment leaves either the old file or the new one, never a mix."""
    temporary = _temporary_copy(path, data, sync=True)
    try:
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def atomic_write_many(files: list[tuple[Path, bytes]]) -> None:
    """Each file as atomic_write leaves it, with one flush to the disk for all of them rather than one
    each (2,000 imported files spent 13 s in fsync): every file is written, then synced, then renamed."""
    temporaries: list[tuple[str, Path]] = []
    renamed = 0
    try:
        for path, data in files:
            temporaries.append((_temporary_copy(path, data, sync=False), path))
        os.sync()
        for temporary, path in temporaries:
            os.replace(temporary, path)
            renamed += 1
    finally:
        for temporary, _ in temporaries[renamed:]:
            Path(temporary).unlink(missing_ok=True)
    for folder in {path.parent for path, _ in files}:
        _sync_folder(folder)


def clear_temporaries(folder: Path, name: str | None = None) -> None:
    """The temporary files that writers killed mid-write left for the file `name` in `folder`, or for any
    file below `folder` (call it under the journal lock: then nobody else is writing)."""
    found = folder.glob(f".{name}.*{TEMPORARY_SUFFIX}") if name else folder.rglob(f".*{TEMPORARY_SUFFIX}")
    for stale in found:
        stale.unlink(missing_ok=True)


@contextmanager
def journal_lock(root: Path, timeout: float = 60):
    """One writer at a time per journal, across processes: two touches at once both land."""
    try:
        with FileLock(root / LOCK_FILE, timeout=timeout):
            yield
    except Timeout:
        raise EditError(f"another followup command has held {root / LOCK_FILE} for {timeout:.0f} s") from None


class FrontMatterDumper(yaml.SafeDumper):
    """YAML as people write front matter: one 'key: value' line per key, lists inline ([friends, clients])."""


FrontMatterDumper.add_representer(
    list, lambda dumper, data: dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True))


def yaml_scalar(value: object) -> str:
    """A value as YAML writes it inline (quoted only when it must be)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=float("inf"))
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
        self.contact()

    @classmethod
    def read(cls, path: Path, name: str) -> ContactText:
        """`name` is how messages call the file (its path in the journal)."""
        try:
            return cls(path, path.read_bytes(), name)
        except OSError as error:
            raise UnreadableContact(f"{name}: {error.strerror}") from None
        except EditError:
            raise
        except ValueError as error:
            raise UnreadableContact(f"{name}: {error}; nothing was changed") from None

    def text(self) -> str:
        return "".join(self.lines).replace("\r\n", "\n")

    def to_bytes(self) -> bytes:
        return ((BOM if self.bom else "") + "".join(self.lines)).encode("utf-8")

    def contact(self) -> Contact:
        contact, problems = parse_contact(self.text(), self.name, self.path.stem)
        blocking = [problem for problem in problems if contact is None or problem.stops_edits]
        if blocking:
            raise UnreadableContact(f"{blocking[0]}; nothing was changed")
        return contact

    def _front(self) -> tuple[yaml.MappingNode, int]:
        """The front matter's root node and the index of its closing '---' line."""
        front, _, body_line = split_front_matter(self.text())
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
                while end > first + 1 and (not self.lines[end - 1].strip() or self.lines[end - 1].lstrip().startswith("#")):
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

    def _replace(self, first: int, end: int, new_lines: list[str]) -> None:
        if first > 0 and not self.lines[first - 1].endswith("\n"):
            self.lines[first - 1] += self.newline  # a file without a final newline, added to at the end
        self.lines[first:end] = [line + self.newline for line in new_lines]

    def _insert_front_lines(self, new_lines: list[str]) -> None:
        _, closing = self._front()
        self._replace(closing, closing, new_lines)

    def _log(self) -> tuple[int, list[str], tuple[int, int] | None, list[int]]:
        """(first body line, body lines, the Log section, indexes of its dated entries)."""
        _, closing = self._front()
        body = [line.rstrip("\r\n") for line in self.lines[closing + 1:]]
        section, entries = log_layout(body)
        return closing + 1, body, section, entries

    def newest_last(self) -> bool:
        _, body, _, entries = self._log()
        return len(entries) >= 2 and entry_date_text(body[entries[0]]) < entry_date_text(body[entries[-1]])

    def log_entries(self) -> list[tuple[str, ...]]:
        """Each dated entry of the Log section as its lines (the dated line and its continuation)."""
        _, body, section, entries = self._log()
        return [tuple(body[i:entry_end(body, i, section[1])]) for i in entries]

    def add_log_entry(self, *block: str) -> None:
        """Add a dated entry under '## Log' (made at the end if missing), in the order the log keeps."""
        body_start, body, section, entries = self._log()
        if not entries:
            self._into_empty_log(list(block))
            return
        at = entry_end(body, entries[-1], section[1]) if self.newest_last() else entries[0]
        self._replace(body_start + at, body_start + at, list(block))

    def set_log_entries(self, blocks: list[tuple[str, ...]]) -> None:
        """Replace the dated entries of the Log section by these; lines around them stay as they are."""
        body_start, body, section, entries = self._log()
        lines = [line for block in blocks for line in block]
        if not entries:
            self._into_empty_log(lines)
            return
        first, last = entries[0], entry_end(body, entries[-1], section[1])
        inside = {j for i in entries for j in range(i, entry_end(body, i, section[1]))}
        others = [body[j] for j in range(first, last) if j not in inside]
        self._replace(body_start + first, body_start + last, lines + others)

    def _into_empty_log(self, lines: list[str]) -> None:
        body_start, body, section, _ = self._log()
        if section is None:
            blank = [""] if body and body[-1].strip() else []
            self._replace(len(self.lines), len(self.lines), [*blank, "## Log", "", *lines])
        else:
            self._replace(body_start + section[0] + 1, body_start + section[0] + 1, ["", *lines])

    def save(self) -> None:
        self.contact()  # never write a file that would not read back
        atomic_write(self.path, self.to_bytes())
