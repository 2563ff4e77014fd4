"""One contact file: YAML front-matter plus Markdown notes and a dated log.

Parsing never raises on bad input: it returns what it could read and a list of
Problems that name the file and line, so one broken file never stops the journal.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
import yaml

from .cache import Compact
from .cadence import Cadence, CadenceError, parse_cadence
from .dates import DateError, YearlyDate, parse_date, parse_yearly
from .names import slugify

MAX_BYTES = 1_000_000
MAX_DEPTH = 20  # of lists and mappings in another key: deeper is an accident of an import, and unprintable

KNOWN_KEYS = (
    "name", "categories", "cadence", "last_touch", "channel", "phone", "email", "birthday",
    "dates", "status", "snooze_until", "next", "promises", "owner",
)
STATUSES = ("active", "inactive")

_BOUNDARY = frontmatter.YAMLHandler.FM_BOUNDARY
_LOG_HEADING = re.compile(r"^##[ \t]+log[ \t#]*$", re.IGNORECASE)
_SECTION_END = re.compile(r"^#{1,2}[ \t]")
_LIST_ENTRY = re.compile(r"^[-*+][ \t]+(\S+)(.*)$")
_HEADING_ENTRY = re.compile(r"^###[ \t]+(\S+)(.*)$")
_LOOKS_LIKE_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}[:,.;]?")


class ContactLoader(yaml.CSafeLoader):
    """libyaml's loader, keeping dates as text so a bad date is one field's problem, not the file's."""


ContactLoader.add_constructor("tag:yaml.org,2002:timestamp", ContactLoader.construct_yaml_str)


@dataclass(frozen=True, slots=True)
class Problem(Compact):
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"


@dataclass(frozen=True, slots=True)
class LogEntry(Compact):
    date: dt.date
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Promise(Compact):
    number: int
    due: dt.date
    what: str
    line: int


@dataclass(slots=True)
class Contact(Compact):
    slug: str
    path: str
    name: str
    categories: tuple[str, ...] = ()
    cadence: Cadence | None = None
    cadence_given: bool = False
    last_touch: dt.date | None = None
    channel: str | None = None
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    birthday: YearlyDate | None = None
    dates: dict[str, YearlyDate] = field(default_factory=dict)
    status: str = "active"
    snooze_until: dt.date | None = None
    next: dt.date | None = None
    promises: tuple[Promise, ...] = ()
    owner: str | None = None
    extra: dict[str, object] = field(default_factory=dict)
    notes: str = ""
    log: tuple[LogEntry, ...] = ()
    key_lines: dict[str, int] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return self.status == "active"

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, 1)


class UnreadableText(ValueError):
    """The file is not UTF-8 Markdown text; `line` says where, when one line is to blame."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


def read_text(data: bytes) -> str:
    """Decode a contact file: UTF-8 (a BOM is allowed), CRLF folded to LF for parsing."""
    if len(data) > MAX_BYTES:
        raise UnreadableText(f"file is {len(data) / 1e6:.1f} MB; a contact file is text under 1 MB")
    if b"\0" in data:
        raise UnreadableText("binary file, not a Markdown contact")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise UnreadableText(f"not UTF-8 text (byte 0x{data[error.start]:02x}); save the file as UTF-8", line) \
            from None
    text = text.replace("\r\n", "\n")
    if "\r" in text:
        line = text.count("\n", 0, text.index("\r")) + 1
        raise UnreadableText("old Mac line endings (a carriage return alone); save with LF or CRLF endings", line)
    return text


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(front matter, body, first line of body), or None when the file has no front matter."""
    if not text.startswith("---") or not _BOUNDARY.match(text):
        return None
    opening = _BOUNDARY.match(text)
    closing = _BOUNDARY.search(text, opening.end())
    if closing is None:
        return None
    front = text[text.index("\n", 0) + 1 if "\n" in text else len(text):closing.start()]
    body_start = text.find("\n", closing.start())
    body = text[body_start + 1:] if body_start >= 0 else ""
    body_line = text.count("\n", 0, body_start) + 2 if body_start >= 0 else text.count("\n") + 2
    return front, body, body_line


def parse_contact(text: str, path: str, stem: str) -> tuple[Contact | None, list[Problem]]:
    """Parse a contact file's text. `path` is how problems name the file."""
    problems: list[Problem] = []

    def problem(line: int | None, message: str) -> None:
        problems.append(Problem(path, line, message))

    parts = split_front_matter(text)
    if parts is None:
        if text.startswith("---"):
            problem(1, "the front matter is never closed: add a line '---' after the last key")
        elif not text.strip():
            problem(1, "empty file; a contact starts with '---', a line 'name: ...', and '---'")
        else:
            problem(1, "no front matter: a contact file starts with a '---' line, then 'name: ...', then '---'")
        return None, problems
    front, body, body_line = parts
    try:
        loader = ContactLoader(front)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except RecursionError:
        problem(2, "the front matter is nested too deeply to read")
        return None, problems
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        reason = getattr(error, "problem", None) or str(error)
        if "\t" in front and ("tab" in str(reason) or "'\\t'" in str(reason)):
            reason = "a tab is used for indentation; YAML needs spaces"
        problem(line, f"the front matter is not valid YAML: {reason}")
        return None, problems
    if data is None:
        problem(2, "the front matter is empty; add a line 'name: ...'")
        return None, problems
    if not isinstance(data, dict):
        problem(2, "the front matter must be 'key: value' lines, such as 'name: Ana Ribeiro'")
        return None, problems

    # Keys, categories, channels and statuses repeat across thousands of files: one shared string
    # each keeps a big journal, and its cache (pickle writes a shared object once), a few MB smaller.
    key_lines: dict[str, int] = {}
    for key_node, _ in root.value:
        key, line = sys.intern(str(key_node.value)), key_node.start_mark.line + 2
        if key in key_lines:
            problem(line, f"{key!r} is written twice (first on line {key_lines[key]}); the last one is used")
        key_lines[key] = line

    contact = Contact(slug=slugify(stem), path=path, name=stem, key_lines=key_lines)
    line = contact.line_of

    name = data.get("name")
    if isinstance(name, str) and name.strip():
        contact.name = " ".join(name.split())
    elif "name" not in data:
        problem(2, f"no name: add a line 'name: ...' (shown as {stem!r} until then)")
    else:
        problem(line("name"), f"name must be text, not {name!r} (shown as {stem!r} until then)")

    contact.categories = tuple(map(sys.intern, _text_list(data.get("categories"), "categories", line("categories"),
                                                          problem)))
    for category in contact.categories:
        if "/" in category:
            problem(line("categories"), f"category {category!r} has a '/'; it is listed as {slugify(category)!r}")

    if "cadence" in data:
        try:
            contact.cadence = parse_cadence(data["cadence"])
            contact.cadence_given = True
        except CadenceError as error:
            problem(line("cadence"), f"{error}; the category default is used until then")

    for key in ("last_touch", "snooze_until", "next"):
        if data.get(key) is not None:
            try:
                setattr(contact, key, parse_date(data[key]))
            except DateError as error:
                problem(line(key), f"{key}: {error}")

    channel = data.get("channel")
    if channel is not None:
        contact.channel = sys.intern(str(channel).strip()) or None
    contact.phones = _text_list(data.get("phone"), "phone", line("phone"), problem)
    contact.emails = _text_list(data.get("email"), "email", line("email"), problem)

    if data.get("birthday") is not None:
        try:
            contact.birthday = parse_yearly(data["birthday"])
        except DateError as error:
            problem(line("birthday"), f"birthday: {error}")
    contact.dates = _yearly_dates(data.get("dates"), line("dates"), problem)

    status = data.get("status", "active")
    if isinstance(status, str) and status.strip().lower() in STATUSES:
        contact.status = sys.intern(status.strip().lower())
    elif status is not None:
        problem(line("status"), f"status must be 'active' or 'inactive', not {status!r}")

    contact.promises = _promises(data.get("promises"), root, problem)
    owner = data.get("owner")
    contact.owner = str(owner).strip() if owner is not None and str(owner).strip() else None
    contact.extra = {}
    for key, value in data.items():
        if key in KNOWN_KEYS:
            continue
        if _depth(value) > MAX_DEPTH:
            problem(line(str(key)), f"{key!r} is nested more than {MAX_DEPTH} levels deep and is ignored")
        else:
            contact.extra[key] = value

    contact.notes, contact.log = _parse_body(body, body_line, problem)
    return contact, problems


def _depth(value, level: int = 0) -> int:
    """How deep lists and mappings nest, counting no further than just past the limit."""
    if level > MAX_DEPTH or not isinstance(value, (list, dict)):
        return level
    items = value.values() if isinstance(value, dict) else value
    return max((_depth(item, level + 1) for item in items), default=level + 1)


def _text_list(value, key, line, problem) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    texts = []
    for item in items:
        if isinstance(item, (str, int, float)) and not isinstance(item, bool) and str(item).strip():
            texts.append(str(item).strip())
        else:
            problem(line, f"{key}: {item!r} is not a text value and is ignored")
    return tuple(dict.fromkeys(texts))


def _yearly_dates(value, line, problem) -> dict[str, YearlyDate]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problem(line, "dates must be 'label: YYYY-MM-DD' pairs, such as {wedding anniversary: 2012-06-02}")
        return {}
    dates = {}
    for label, raw in value.items():
        try:
            dates[str(label)] = parse_yearly(raw)
        except DateError as error:
            problem(line, f"dates: {label}: {error}")
    return dates


def _promises(value, root, problem) -> tuple[Promise, ...]:
    if value is None:
        return ()
    node = next((v for k, v in root.value if k.value == "promises"), None)
    start = node.start_mark.line + 2 if node is not None else 1
    if not isinstance(value, list):
        problem(start, "promises must be a list of {due: YYYY-MM-DD, what: ...}")
        return ()
    item_nodes = node.value if isinstance(node, yaml.SequenceNode) else []
    promises = []
    for number, item in enumerate(value, start=1):
        line = item_nodes[number - 1].start_mark.line + 2 if number <= len(item_nodes) else start
        if not isinstance(item, dict) or not str(item.get("what") or "").strip():
            problem(line, f"promise {number} needs 'what:' (what you promised) and 'due:' (by when)")
            continue
        if item.get("due") is None:
            problem(line, f"promise {number} ({item['what']}) has no 'due:' date")
            continue
        try:
            promises.append(Promise(number, parse_date(item["due"]), str(item["what"]).strip(), line))
        except DateError as error:
            problem(line, f"promise {number}: due: {error}")
    return tuple(promises)


def find_log_section(lines: list[str]) -> tuple[int, int] | None:
    """(heading index, end index) of the '## Log' section among body lines, if there is one."""
    for index, line in enumerate(lines):
        if _LOG_HEADING.match(line):
            end = next((j for j in range(index + 1, len(lines)) if _SECTION_END.match(lines[j])), len(lines))
            return index, end
    return None


def entry_date_text(line: str) -> str | None:
    """The date a log entry line starts with, as written (a list item or a ### heading); else None."""
    match = _LIST_ENTRY.match(line) or _HEADING_ENTRY.match(line)
    if not match or not _LOOKS_LIKE_DATE.fullmatch(match.group(1)):
        return None
    return match.group(1).rstrip(":,.;")


def entry_end(lines: list[str], index: int, end: int) -> int:
    """The index after the entry starting at `index`: indented lines under a list item, the
    paragraph under a heading."""
    is_heading = lines[index].startswith("#")
    index += 1
    while index < end and lines[index].strip() and not _LIST_ENTRY.match(lines[index]) \
            and not lines[index].startswith("#") and (is_heading or lines[index][:1] in " \t"):
        index += 1
    return index


def _parse_body(body: str, body_line: int, problem) -> tuple[str, tuple[LogEntry, ...]]:
    lines = body.split("\n")
    section = find_log_section(lines)
    if section is None:
        return body.strip(), ()
    start, end = section
    notes = "\n".join(lines[:start] + lines[end:]).strip()
    entries = []
    index = start + 1
    while index < end:
        date_text = entry_date_text(lines[index])
        if date_text is None:
            index += 1
            continue
        after = entry_end(lines, index, end)
        match = _LIST_ENTRY.match(lines[index]) or _HEADING_ENTRY.match(lines[index])
        continuation = [line.strip() for line in lines[index + 1:after]]
        title = match.group(2).strip().lstrip(":-–—").strip()
        separator = " — " if lines[index].startswith("#") and title and continuation else " "
        text = separator.join(part for part in (title, " ".join(continuation)) if part)
        try:
            entries.append(LogEntry(parse_date(date_text), text, body_line + index))
        except DateError as error:
            problem(body_line + index, f"log entry: {error}")
        index = after
    return notes, tuple(entries)


def load_contact(file: Path, rel_path: str) -> tuple[Contact | None, list[Problem]]:
    """Read and parse one contact file from disk."""
    try:
        text = read_text(file.read_bytes())
    except OSError as error:
        return None, [Problem(rel_path, None, f"cannot be read: {error.strerror or error}")]
    except UnreadableText as error:
        return None, [Problem(rel_path, error.line, str(error))]
    return parse_contact(text, rel_path, file.stem)
