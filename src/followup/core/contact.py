"""One contact file: YAML front-matter plus Markdown notes and a dated log.

Parsing never raises on bad input: it returns what it could read and a list of
Problems that name the file and line, so one broken file never stops the journal.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

import yaml

from followup.core.cadence import Cadence, parse_cadence
from followup.core.dates import YearlyDate, parse_date, parse_yearly
from followup.core.errors import CadenceError, DateError, UnreadableText
from followup.core.names import category_key, slugify
from followup.core.shown import CONTROL, REPLACEMENT, visible

MAX_BYTES = 1_000_000
# What YAML and Markdown are given is bounded before they see it: libyaml's composer recurses once a
# level (40 KB of '[' overflowed the C stack), an alias can expand without end (360 bytes took 5.5 GB),
# and Python-Markdown scans forward from every '[' (20,000 of them took 41 s).
MAX_FRONT_MATTER = 64 * 1024
MAX_DEPTH = 20
MAX_NOTE_BRACKETS = 1000

KNOWN_KEYS = (
    "name", "categories", "cadence", "last_touch", "channel", "phone", "email", "birthday",
    "dates", "status", "snooze_until", "next", "next_note", "promises", "owner", "plan", "relations", "organisation",
)
STATUSES = ("active", "inactive")

_BOUNDARY = re.compile(r"^-{3,}[ \t]*$", re.MULTILINE)  # a front matter delimiter, as Jekyll and MkDocs read it
_LOG_HEADING = re.compile(r"^##[ \t]+log[ \t#]*$", re.IGNORECASE)
_SECTION_END = re.compile(r"^#{1,2}[ \t]")
_LIST_ENTRY = re.compile(r"^[-*+][ \t]+(\S+)(.*)$")
_HEADING_ENTRY = re.compile(r"^###[ \t]+(\S+)(.*)$")
_LOOKS_LIKE_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}[:,.;]?", re.ASCII)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CONFLICT_MARKER = re.compile(r"^(<{7}|\|{7}|={7}|>{7})(?:[ \t]|$)")
# A log entry that is not a touch says so in its first words: keeping a promise is not reaching someone.
# Someone reaching you (a mail, a text, a call you missed) is not a touch either: it opens a reply owed (due.py).
ENTRY_KINDS = {"Kept promise:": "kept", "Tried:": "attempt", "Tried (": "attempt", "Heard from": "heard",
               "Missed call": "missed", "Plan done:": "plan", "Plan stopped:": "plan"}
CONTROL_PROBLEM = "holds a control character, which could drive a terminal; it is shown as \ufffd"


class ContactLoader(yaml.CSafeLoader):
    """libyaml's loader, keeping dates as text so a bad date is one field's problem, not the file's, and
    every text free of control characters (YAML lets an escape such as "\\e" write one), noting their lines."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.control_lines: list[int] = []

    def construct_scalar(self, node):
        value = super().construct_scalar(node)
        if isinstance(value, str) and CONTROL.search(value):
            self.control_lines.append(node.start_mark.line + 2)
            value = CONTROL.sub(REPLACEMENT, value)
        return value


def _as_text(loader: yaml.SafeLoader, node: yaml.Node) -> object:
    return loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else None


ContactLoader.add_constructor("tag:yaml.org,2002:timestamp", _as_text)


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    line: int | None
    message: str
    stops_edits: bool = False  # the file needs a hand first: a command would edit the wrong copy or a conflict

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"


@dataclass(frozen=True, slots=True)
class LogEntry:
    date: dt.date
    text: str
    line: int
    kind: str = "touch"

    @property
    def is_touch(self) -> bool:
        return self.kind == "touch"


@dataclass(frozen=True, slots=True)
class Promise:
    number: int
    due: dt.date
    what: str
    line: int
    made: dt.date | None = None  # written by `followup promise`; unknown for a promise written by hand


@dataclass(frozen=True, slots=True)
class PlanRun:
    """A follow-up plan of the settings (`plans:`) running for someone since `start`: `plan: {name: after-matter,
    start: 2026-11-20}`."""

    name: str
    start: dt.date


@dataclass(frozen=True, slots=True)
class Mention:
    """`[[someone]]` written in a person's notes or a log entry: whom it names (a slug or a name, as written), on
    which line, the entry's day (None in the notes) and the entry's or the notes line's text."""

    target: str
    line: int
    day: dt.date | None
    text: str


# [[tom-okafor]] or [[Tom Okafor]]; not inside `code`, which shows what it holds
MENTION = re.compile(r"\[\[([^\[\]\n`]{1,100})\]\]")
_CODE_SPAN = re.compile(r"`+[^`]*`+")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")


def mentioned(text: str) -> list[str]:
    """Whom a line names with [[...]], in order, outside inline code."""
    return [match.group(1).strip() for match in MENTION.finditer(_CODE_SPAN.sub("", text)) if match.group(1).strip()]


@dataclass(slots=True)
class Contact:
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
    next_note: str | None = None  # what the booked touch is: "lunch at Rosa's"
    promises: tuple[Promise, ...] = ()
    owner: str | None = None
    organisation: str | None = None  # the company (a client that is a company has several people)
    plan: PlanRun | None = None
    # relations: {spouse: tom-okafor, colleague: [a, b]}: each label as written, with the slugs it names
    relations: dict[str, tuple[str, ...]] = field(default_factory=dict)
    extra: dict[str, object] = field(default_factory=dict)
    notes: str = ""
    notes_as_text: bool = False  # notes Markdown could not render in reasonable time: shown as written
    log: tuple[LogEntry, ...] = ()
    mentions: tuple[Mention, ...] = ()
    key_lines: dict[str, int] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return self.status == "active"

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, 1)


def read_text(data: bytes) -> str:
    """Decode a contact file: UTF-8 (a BOM is allowed), CRLF folded to LF for parsing."""
    if len(data) > MAX_BYTES:
        raise too_big(len(data))
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


def too_big(size: int) -> UnreadableText:
    return UnreadableText(f"file is {size / 1e6:.1f} MB; a contact file is text under {MAX_BYTES / 1e6:.0f} MB")


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(front matter, body, first line of body), or None when the file has no front matter."""
    opening = _BOUNDARY.match(text) if text.startswith("---") else None
    if opening is None:
        return None
    closing = _BOUNDARY.search(text, opening.end())
    if closing is None:
        return None
    front = text[text.index("\n", 0) + 1 if "\n" in text else len(text):closing.start()]
    body_start = text.find("\n", closing.start())
    body = text[body_start + 1:] if body_start >= 0 else ""
    body_line = text.count("\n", 0, body_start) + 2 if body_start >= 0 else text.count("\n") + 2
    return front, body, body_line


Report = Callable[..., None]  # problem(line, message, stops_edits=False)


def conflict_problems(text: str, path: str) -> list[Problem]:
    """One problem per block of unresolved merge conflict markers (<<<<<<< ... >>>>>>>) left by git."""
    found: list[Problem] = []
    start = None
    for number, line in enumerate(text.split("\n"), start=1):
        marker = _CONFLICT_MARKER.match(line)
        if marker is None or (start is None and not marker.group(1).startswith("<")):
            continue  # seven '=' alone underline a Markdown heading; only '<<<<<<<' opens a conflict
        if start is None:
            start = number
        if marker.group(1).startswith(">"):
            found.append(Problem(path, start, f"unresolved merge conflict (lines {start}-{number}): keep what is "
                                              "right, delete the <<<<<<<, ======= and >>>>>>> lines", True))
            start = None
    if start is not None:
        found.append(Problem(path, start, "unresolved merge conflict: keep what is right, delete the <<<<<<<, "
                                          "======= and >>>>>>> lines", True))
    return found


_BLOCK_SCALAR = re.compile(r"[|>][0-9+-]*[ \t]*(?:#.*)?$")  # a value written as a | or > block below it
_KEY = re.compile(r"""(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"\[\]{},][^#]*?):(?:[ \t]+|$)""")
DEEP = f"the front matter nests more than {MAX_DEPTH} levels deep"


def _deep_line(front: str) -> int | None:
    """The line where the front matter first nests more than MAX_DEPTH levels, found in the text alone: YAML
    never sees a deeper document (PyYAML's own limit and words change between releases; 6.0.4 stops at 1,000
    levels with a message of its own). Block collections are counted by indentation ('- ' and 'key:' that open
    one on the same line included) and flow ones by their brackets outside quotes and comments; a count a level
    or so too high on odd layouts only matters past 20 levels, which no contact needs."""
    blocks: list[tuple[int, bool]] = []  # the open block collections: (indentation, is a sequence)
    flow = 0
    quote = ""  # a quoted value still open at the end of the last line
    scalar_under: int | None = None  # inside a | or > block: the lines indented deeper than this are its text
    for number, line in enumerate(front.split("\n"), start=2):
        start = 0
        if not quote and not flow:
            text = line.lstrip(" ")
            indent = len(line) - len(text)
            if scalar_under is not None and (not text.strip() or indent > scalar_under):
                continue
            scalar_under = None
            if not text.strip() or text.startswith("#"):
                continue
            entry = text[:2] in ("- ", "? ") or text.rstrip() in ("-", "?")
            while blocks and blocks[-1][0] > indent:
                blocks.pop()
            if blocks and blocks[-1][0] == indent and blocks[-1][1] and not entry:
                blocks.pop()  # a sequence written at its key's indentation ends at the next key
            if not blocks or blocks[-1][0] < indent or (entry and not blocks[-1][1]):
                blocks.append((indent, entry))
            column = indent
            while True:  # "- - x", "- key: value", "key: value": what opens on this line
                if text[:2] in ("- ", "? "):
                    skipped = len(text) - len(text[2:].lstrip(" \t"))
                    column, text = column + skipped, text[skipped:]
                    if text[:2] in ("- ", "? ") or _KEY.match(text):
                        blocks.append((column, text[:2] in ("- ", "? ")))
                    continue
                key = _KEY.match(text)
                if key is None:
                    break
                column, text = column + key.end(), text[key.end():]
                if _BLOCK_SCALAR.match(text):
                    scalar_under = indent
                break
            if len(blocks) > MAX_DEPTH:
                return number
            start = len(line) - len(text)
            if text[:1] not in ("[", "{", '"', "'"):
                continue
        index = start
        while index < len(line):
            char = line[index]
            if quote:
                if char == "\\" and quote == '"':
                    index += 1
                elif char == quote:
                    if quote == "'" and line[index + 1:index + 2] == "'":
                        index += 1
                    else:
                        quote = ""
            elif char in "[{":
                flow += 1
                if len(blocks) + flow > MAX_DEPTH:
                    return number
            elif char in "]}":
                flow = max(flow - 1, 0)
            elif char in "\"'" and (index == start or line[index - 1] in " \t[{,:"):
                quote = char
            elif char == "#" and (index == 0 or line[index - 1] in " \t"):
                break
            index += 1
    return None


def _front_matter_shape(front: str) -> tuple[int, str] | None:
    """(line, reason) when the front matter is beyond what a contact needs: too big, too deep, or using
    anchors and aliases; libyaml's event parser reads it without recursion or expansion."""
    if len(front) > MAX_FRONT_MATTER:
        return 2, f"the front matter is {len(front) // 1024} KB; a contact's is under {MAX_FRONT_MATTER // 1024} KB"
    # Every collection opens with an indicator of its own ('-', ':', '?', '[', '{'), so a text with few of
    # them cannot nest deeply, and one without '&' and '*' has no anchor or alias: most cards need no pass.
    if "&" not in front and "*" not in front and sum(map(front.count, "-:?[{")) <= MAX_DEPTH:
        return None
    deep = _deep_line(front)
    if deep is not None:
        return deep, DEEP
    loader = yaml.CSafeLoader(front)
    depth = 0
    try:
        while (event := loader.get_event()) is not None:
            kind = type(event)
            line = event.start_mark.line + 2 if event.start_mark is not None else 2
            if kind is yaml.AliasEvent or getattr(event, "anchor", None):
                return line, "anchors and aliases (&name, *name) are not read in a contact file; write the value out"
            if kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                depth += 1
                if depth > MAX_DEPTH:
                    return line, DEEP
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                depth -= 1
    except yaml.YAMLError:
        return None  # the loader says it with its own words and line
    finally:
        loader.dispose()
    return None


def parse_contact(text: str, path: str, stem: str) -> tuple[Contact | None, list[Problem]]:
    """Parse a contact file's text. `path` is how problems name the file."""
    problems: list[Problem] = conflict_problems(text, path)

    def problem(line: int | None, message: str, stops_edits: bool = False) -> None:
        problems.append(Problem(path, line, message, stops_edits))

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
    if any(problem.line is not None and problem.line < body_line for problem in problems):
        return None, problems  # the markers make the YAML unreadable; they are the problem to fix
    root, data = _load_front_matter(front, problem)
    if root is None:
        return None, problems
    if not isinstance(data, dict) or not isinstance(root, yaml.MappingNode):
        problem(2, "the front matter must be 'key: value' lines, such as 'name: Ana Ribeiro'")
        return None, problems

    # Keys, categories, channels and statuses repeat across thousands of files: one shared string
    # each keeps a big journal a few MB smaller.
    key_lines: dict[str, int] = {}
    for key_node, _ in root.value:
        key, line = sys.intern(str(key_node.value)), key_node.start_mark.line + 2
        if key in key_lines:
            problem(line, f"{key!r} is written twice (first on line {key_lines[key]}); the last one is used", True)
        key_lines[key] = line

    contact = Contact(slug=slugify(stem), path=path, name=visible(stem), key_lines=key_lines)
    if "name" not in data:
        problem(2, f"no name: add a line 'name: ...' (shown as {stem!r} until then)")
    for key, value in data.items():
        read = _FIELDS.get(key)
        if read is not None:
            read(contact, value, contact.line_of(key), problem)
        elif key not in KNOWN_KEYS:
            contact.extra[str(key)] = plain(value)
    contact.promises = _promises(data.get("promises"), root, problem)
    contact.notes, contact.log, contact.mentions = _parse_body(body, body_line, problem)
    brackets = contact.notes.count("[")
    if brackets > MAX_NOTE_BRACKETS:
        contact.notes_as_text = True
        problem(body_line, f"the notes hold {brackets} '[' (links are read up to {MAX_NOTE_BRACKETS}); "
                           "they are shown as plain text")
    return contact, problems


def _load_front_matter(front: str, problem: Report) -> tuple[yaml.Node | None, object]:
    """The front matter's root node and its data; (None, None) after reporting why it cannot be read."""
    shape = _front_matter_shape(front)
    if shape is not None:
        problem(*shape)
        return None, None
    try:
        loader = ContactLoader(front)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
        for line in sorted(set(loader.control_lines)):
            problem(line, f"a value {CONTROL_PROBLEM}")
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        lines = front.split("\n")
        if mark is not None and mark.line < len(lines) and "\t" in lines[mark.line]:
            # libyaml says "found character that cannot start any token", which names neither the tab nor the fix.
            problem(line, "this line has a tab where spaces are needed: YAML indents with spaces, never tabs")
            return None, None
        reason = getattr(error, "problem", None) or str(error)
        problem(line, f"the front matter is not valid YAML: {reason}")
        return None, None
    if root is None or data is None:
        problem(2, "the front matter is empty; add a line 'name: ...'")
        return None, None
    return root, data


# ---- one reader per known key: (contact, value, line, problem) -------------------------------------

def _read_name(contact: Contact, value: object, line: int, problem: Report) -> None:
    if isinstance(value, str) and value.strip():
        contact.name = " ".join(value.split())
    else:
        problem(line, f"name must be text, not {value!r} (shown as {contact.name!r} until then)")


def _read_categories(contact: Contact, value: object, line: int, problem: Report) -> None:
    contact.categories = tuple(map(sys.intern, _text_list(value, "categories", line, problem)))
    for category in contact.categories:
        if "/" in category:
            problem(line, f"category {category!r} has a '/'; it is listed as {category_key(category)!r}")


def _read_cadence(contact: Contact, value: object, line: int, problem: Report) -> None:
    try:
        contact.cadence = parse_cadence(value)
        contact.cadence_given = True
    except CadenceError as error:
        problem(line, f"{error}; the category default is used until then")


def _date_reader(key: str) -> Callable[[Contact, object, int, Report], None]:
    def read(contact: Contact, value: object, line: int, problem: Report) -> None:
        if value is None:
            return
        try:
            setattr(contact, key, parse_date(value))
        except DateError as error:
            problem(line, f"{key}: {error}")
    return read


def _read_channel(contact: Contact, value: object, line: int, problem: Report) -> None:
    channel = _one_text(value, "channel", line, problem)
    contact.channel = sys.intern(channel) if channel else None


def _list_reader(key: str, attribute: str) -> Callable[[Contact, object, int, Report], None]:
    def read(contact: Contact, value: object, line: int, problem: Report) -> None:
        setattr(contact, attribute, _text_list(value, key, line, problem))
    return read


def _read_birthday(contact: Contact, value: object, line: int, problem: Report) -> None:
    if value is None:
        return
    try:
        contact.birthday = parse_yearly(value)
    except DateError as error:
        problem(line, f"birthday: {error}")


def _read_dates(contact: Contact, value: object, line: int, problem: Report) -> None:
    if value is None:
        return
    if not isinstance(value, dict):
        problem(line, "dates must be 'label: YYYY-MM-DD' pairs, such as {wedding anniversary: 2012-06-02}")
        return
    for label, raw in value.items():
        try:
            contact.dates[str(label)] = parse_yearly(raw)
        except DateError as error:
            problem(line, f"dates: {label}: {error}")


def _read_status(contact: Contact, value: object, line: int, problem: Report) -> None:
    if isinstance(value, str) and value.strip().lower() in STATUSES:
        contact.status = sys.intern(value.strip().lower())
    elif value is not None:
        problem(line, f"status must be 'active' or 'inactive', not {value!r}")


def _read_owner(contact: Contact, value: object, line: int, problem: Report) -> None:
    contact.owner = _one_text(value, "owner", line, problem)


def _read_organisation(contact: Contact, value: object, line: int, problem: Report) -> None:
    contact.organisation = _one_text(value, "organisation", line, problem)


def _read_next_note(contact: Contact, value: object, line: int, problem: Report) -> None:
    note = value if isinstance(value, str) else _one_text(value, "next_note", line, problem)
    contact.next_note = " ".join(note.split()) if note and note.strip() else None  # a note may span lines


def _read_plan(contact: Contact, value: object, line: int, problem: Report) -> None:
    if value is None:
        return
    if not isinstance(value, dict) or set(map(str, value)) != {"name", "start"}:
        problem(line, "plan must be {name: a plan of the settings, start: YYYY-MM-DD}, such as "
                      "{name: after-matter, start: 2026-11-20}; it is ignored")
        return
    name = _one_text(value["name"], "plan name", line, problem)
    try:
        start = parse_date(value["start"])
    except DateError as error:
        problem(line, f"plan start: {error}; the plan is ignored")
        return
    if name:
        contact.plan = PlanRun(name, start)


def _read_relations(contact: Contact, value: object, line: int, problem: Report) -> None:
    if value is None:
        return
    if not isinstance(value, dict):
        problem(line, "relations must map a label to whom it names, such as {spouse: tom-okafor, colleague: "
                      "[priya-nair, omar-haddad]}; they are ignored")
        return
    for label, whom in value.items():
        name = _one_text(label, "a relation's label", line, problem)
        slugs = _text_list(whom, f"relations: {label}", line, problem)
        if name and slugs:
            contact.relations[name] = contact.relations.get(name, ()) + slugs


_FIELDS: dict[str, Callable[[Contact, object, int, Report], None]] = {
    "name": _read_name,
    "categories": _read_categories,
    "cadence": _read_cadence,
    "last_touch": _date_reader("last_touch"),
    "snooze_until": _date_reader("snooze_until"),
    "next": _date_reader("next"),
    "channel": _read_channel,
    "phone": _list_reader("phone", "phones"),
    "email": _list_reader("email", "emails"),
    "birthday": _read_birthday,
    "dates": _read_dates,
    "status": _read_status,
    "owner": _read_owner,
    "next_note": _read_next_note,
    "plan": _read_plan,
    "relations": _read_relations,
    "organisation": _read_organisation,
}  # and promises, read with the node of each item for its line (_promises)
assert set(_FIELDS) | {"promises"} == set(KNOWN_KEYS)


def plain(value: object) -> object:
    """A value of another key as JSON would hold it, whatever YAML made of it: text keys, lists for sets,
    ordered maps and pairs, text for binary data and for numbers too big for 64 bits. The card shows it so,
    and the caches keep it so."""
    if isinstance(value, dict):
        return {key if isinstance(key, str) else str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((plain(item) for item in value), key=str)
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, int) and not isinstance(value, bool) and not -2**63 <= value < 2**64:
        return str(value)
    return value


def _one_line(text: str, key: str, line: int, problem: Report) -> str:
    """`text` on one line: a value that names something (a category, an owner, a phone) is a line of a table, of
    a calendar, of a mail header. One written over several lines (a YAML block, an import) is read with its
    lines joined by spaces, and said."""
    folded = " ".join(text.split())
    if any(char in text for char in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"):
        problem(line, f"{key}: {folded[:60]!r} is written over several lines; it is read as one")
    return folded


def _one_text(value: object, key: str, line: int, problem: Report) -> str | None:
    """A single text value (a number is its text), on one line; None when there is none."""
    if value is None:
        return None
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        problem(line, f"{key} must be one value, such as {key}: text; not {_shown_value(value)}; it is ignored")
        return None
    return _one_line(str(value), key, line, problem) or None


def _shown_value(value: object) -> str:
    return repr(value)[:80] + ("..." if len(repr(value)) > 80 else "")


def _text_list(value: object, key: str, line: int, problem: Report) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    texts = []
    for item in items:
        if isinstance(item, (str, int, float)) and not isinstance(item, bool) and str(item).strip():
            texts.append(_one_line(str(item), key, line, problem))
        else:
            problem(line, f"{key}: {_shown_value(item)} is not a text value and is ignored")
    return tuple(dict.fromkeys(texts))


def _promises(value: object, root: yaml.MappingNode, problem: Report) -> tuple[Promise, ...]:
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
        what = _one_text(item.get("what"), f"promise {number}: what", line, problem) if isinstance(item, dict) else None
        if what is None:
            problem(line, f"promise {number} needs 'what:' (what you promised) and 'due:' (by when)")
            continue
        if item.get("due") is None:
            problem(line, f"promise {number} ({what}) has no 'due:' date")
            continue
        try:
            due = parse_date(item["due"])
        except DateError as error:
            problem(line, f"promise {number}: due: {error}")
            continue
        made = None
        if item.get("made") is not None:
            try:
                made = parse_date(item["made"])
            except DateError as error:
                problem(line, f"promise {number}: made: {error}")
        promises.append(Promise(number, due, what, line, made))
    return tuple(promises)


# ---- the body: notes, and the dated entries of the '## Log' section --------------------------------

def outside_fences(lines: list[str]) -> list[bool]:
    """For each line, whether it is Markdown text rather than inside a fenced code block (``` or ~~~):
    a '## Log' or a dated line shown as code is not the log."""
    plain = []
    fence = None
    for line in lines:
        opening = _FENCE.match(line)
        if fence is None:
            if opening:
                fence = opening.group(1)
            plain.append(fence is None)
        else:
            plain.append(False)
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence) \
                    and not line.strip().lstrip(fence[0]):
                fence = None
    return plain


@dataclass(frozen=True, slots=True)
class LogLayout:
    """Where the '## Log' section is among a body's lines: its heading (None when there is none), the line
    after it, and the line of each dated entry in it."""

    heading: int | None
    end: int
    entries: list[int]


def log_layout(lines: list[str]) -> LogLayout:
    """The Log section of these body lines; fenced code is skipped."""
    plain = outside_fences(lines)
    heading = next((i for i, line in enumerate(lines) if plain[i] and _LOG_HEADING.match(line)), None)
    if heading is None:
        return LogLayout(None, len(lines), [])
    end = next((j for j in range(heading + 1, len(lines)) if plain[j] and _SECTION_END.match(lines[j])), len(lines))
    return LogLayout(heading, end, [i for i in range(heading + 1, end) if plain[i] and entry_date_text(lines[i])])


def entry_date_text(line: str) -> str:
    """The date a log entry line starts with, as written (a list item or a ### heading); "" for another line."""
    match = _LIST_ENTRY.match(line) or _HEADING_ENTRY.match(line)
    if not match or not _LOOKS_LIKE_DATE.fullmatch(match.group(1)):
        return ""
    return match.group(1).rstrip(":,.;")


def entry_kind(text: str) -> str:
    """What a log entry records, from its first words (ENTRY_KINDS); a touch unless it says otherwise."""
    return next((kind for prefix, kind in ENTRY_KINDS.items() if text.startswith(prefix)), "touch")


def entry_end(lines: list[str], index: int, end: int) -> int:
    """The index after the entry starting at `index`: indented lines under a list item, the
    paragraph under a heading."""
    is_heading = lines[index].startswith("#")
    index += 1
    while index < end and lines[index].strip() and not _LIST_ENTRY.match(lines[index]) \
            and not lines[index].startswith("#") and (is_heading or lines[index][:1] in " \t"):
        index += 1
    return index


def _notes_mentions(lines: list[str], body_line: int, log: range) -> list[Mention]:
    """The [[...]] of the notes' lines (the log's lines aside), outside fenced code."""
    found, fenced = [], False
    for index, line in enumerate(lines):
        if index in log:
            continue
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and "[[" in line:
            found += [Mention(target, body_line + index, None, line.strip()) for target in mentioned(line)]
    return found


def _parse_body(body: str, body_line: int, problem: Report) -> tuple[str, tuple[LogEntry, ...], tuple[Mention, ...]]:
    lines = body.split("\n")
    for index, line in enumerate(lines):
        if CONTROL.search(line):
            problem(body_line + index, f"this line {CONTROL_PROBLEM}")
            lines[index] = CONTROL.sub(REPLACEMENT, line)
    layout = log_layout(lines)
    if layout.heading is None:
        return body.strip(), (), tuple(_notes_mentions(lines, body_line, range(0)))
    start, end = layout.heading, layout.end
    notes = "\n".join(lines[:start] + lines[end:]).strip()
    entries = []
    for index in layout.entries:
        after = entry_end(lines, index, end)
        match = _LIST_ENTRY.match(lines[index]) or _HEADING_ENTRY.match(lines[index])
        if match is None:  # log_layout gave only entry lines
            continue
        continuation = [line.strip() for line in lines[index + 1:after]]
        title = match.group(2).strip().lstrip(":-–—").strip()
        separator = " — " if lines[index].startswith("#") and title and continuation else " "
        text = separator.join(part for part in (title, " ".join(continuation)) if part)
        try:
            entries.append(LogEntry(parse_date(entry_date_text(lines[index])), text, body_line + index,
                                    entry_kind(title)))
        except DateError as error:
            problem(body_line + index, f"log entry: {error}")
    mentions = _notes_mentions(lines, body_line, range(start, end))
    mentions += [Mention(target, entry.line, entry.date, entry.text) for entry in entries
                 for target in mentioned(entry.text)]
    return notes, tuple(entries), tuple(mentions)
