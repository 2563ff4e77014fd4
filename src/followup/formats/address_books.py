"""Bring people in from address books: vCard 2.1/3.0/4.0, Google Contacts CSV (both headers), Outlook CSV and
LinkedIn's Connections.csv.

Real exports are read as the bytes their tools write. vobject parses the vCard grammar; in front of it
this module does what it cannot: line endings of every kind (iCloud writes CR CR LF), UTF-16 files with a
BOM (macOS), each property decoded in its own declared CHARSET (Shift-JIS, cp1252, ISO-8859-x, UTF-8),
quoted-printable values whole across their soft line breaks, and a property that cannot be decoded lost
alone, with the card, the property and why in the report.

`plan_import` then decides, record by record, to create, merge into whom, or skip, and why.
"""

from __future__ import annotations

import codecs
import csv
import io
import quopri
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from followup.core.dates import parse_yearly
from followup.core.errors import DateError, NotAnAddressBook
from followup.core.names import fold, slugify
from followup.core.phones import MIN_DIGITS, e164
from followup.store.journal import Journal, Person

MAX_NOTES = 100_000  # characters: a contact file stays well under its 1 MB
# The most one value of a card or one cell of a CSV may hold, as written: what is longer is left out (said in the
# report) before any parser sees it. vobject took 4.4 GB for a NOTE of 30 MB; notes are cut at MAX_NOTES anyway.
MAX_VALUE = 256 * 1024
_BREAK = re.compile(rb"\r*\n|\r")  # LF, CRLF, a lone CR, and iCloud's CR CR LF
_BINARY = ("PHOTO", "LOGO", "SOUND", "KEY")
_SINGLE_TEXT = ("FN", "NOTE", "TITLE")
_PLUMBING_LABELS = {"mycontacts", "my contacts", "starred", "starred in android"}  # address-book groups, not ours
_EMAIL = re.compile(r"[^@\s:<>]+@[^@\s:<>]+\.[^@\s:<>]+")
_LINKEDIN = re.compile(r"^(?:https?://)?(?:[a-z]{2,3}\.)?linkedin\.com/(in|pub)/([^/?#\s]+)", re.IGNORECASE)
# Only signs Python-Markdown can escape (raw HTML is already shown as text on the site); '<' so that an
# imported line can never be read as a merge conflict marker.
_INLINE_SIGNS = re.compile(r"([\\`*_\[\]])")
_LINE_START_SIGNS = re.compile(r"^(\s*|\s*\d+)([#>+<|=-]|(?<=\d)[.)])")


@dataclass
class Imported:
    name: str
    position: str  # "contacts.vcf: card 3 (line 41)", "google.csv: row 7 (line 8)"
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    birthday: str | None = None
    organisation: str | None = None
    title: str | None = None
    notes: str | None = None
    categories: list[str] = field(default_factory=list)
    linkedin: str | None = None
    source: str = ""
    lost: list[str] = field(default_factory=list)  # properties that could not be read, and why
    also_from: list[str] = field(default_factory=list)  # the other files the same person came from, in one import

    @property
    def sources(self) -> list[str]:
        return list(dict.fromkeys([self.source, *self.also_from]))


@dataclass
class Unreadable:
    position: str
    reason: str


Record = Imported | Unreadable


# ---- text of many encodings ----------------------------------------------------------------------------

def _utf16_as_utf8(data: bytes) -> bytes:
    """macOS Address Book and Outlook write UTF-16, with a BOM or (some macOS exports, big-endian) without one,
    known then by the zero bytes of its ASCII letters; everything else here reads bytes as UTF-8-ish."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace").encode("utf-8")
    head = data[:64]
    if len(head) >= 4 and head[0::2].count(0) > len(head) // 4 and 0 not in head[1::2][:2]:
        return data.decode("utf-16-be", errors="replace").encode("utf-8")
    if len(head) >= 4 and head[1::2].count(0) > len(head) // 4 and 0 not in head[0::2][:2]:
        return data.decode("utf-16-le", errors="replace").encode("utf-8")
    return data.removeprefix(codecs.BOM_UTF8)


def _decode(raw: bytes, charset: str | None) -> str:
    """A value in its declared charset; undeclared, UTF-8, else cp1252 (older Windows exports).
    ValueError with a plain reason when it cannot be read."""
    if charset:
        try:
            return raw.decode(charset)
        except LookupError:
            raise ValueError(f"unknown CHARSET={charset}") from None
        except UnicodeDecodeError as error:
            raise ValueError(f"byte 0x{raw[error.start]:02x} is not {charset} text, as CHARSET= says") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError as error:
            raise ValueError(f"byte 0x{raw[error.start]:02x} is neither UTF-8 nor Windows text") from None


def markdown_text(text: str) -> str:
    """Imported text is data: every Markdown sign escaped, so it shows exactly as it was written."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(_LINE_START_SIGNS.sub(r"\1\\\2", _INLINE_SIGNS.sub(r"\\\1", line)) for line in lines)


# ---- vCard ------------------------------------------------------------------------------------------------

@dataclass
class _Property:
    line: int
    group: str
    name: str
    params: list[tuple[str, str]]  # (KEY, value) in order; a vCard 2.1 bare parameter as (TYPE|ENCODING, value)
    value: bytes

    def param(self, key: str) -> str | None:
        return next((value for name, value in self.params if name == key), None)


def _logical_lines(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(first line number, content line) with folded lines unfolded and quoted-printable soft breaks joined."""
    lines = _BREAK.split(data)
    index = 0
    while index < len(lines):
        number, pieces = index + 1, [lines[index]]  # joined once: a value folded 400,000 times stays linear
        quoted = b"QUOTED-PRINTABLE" in lines[index].split(b":", 1)[0].upper()
        index += 1
        while index < len(lines):
            following = lines[index]
            if following[:1] in (b" ", b"\t"):
                pieces.append(following[1:])
            elif quoted and pieces[-1].endswith(b"="):
                pieces[-1] = pieces[-1][:-1]  # vCard 2.1: '=' at the end of a line continues the value
                pieces.append(following)
            else:
                break
            index += 1
        line = b"".join(pieces)
        if line.strip():
            yield number, line


def _split_params(head: str) -> list[str]:
    """The ';'-separated parts of a property's name, quotes respected (TYPE="work,voice")."""
    return list(re.findall(r'(?:[^;"]|"[^"]*")+', head))


def _property(number: int, line: bytes) -> _Property | None:
    head_bytes, colon, value = line.partition(b":")
    if not colon:
        return None
    parts = _split_params(head_bytes.decode("ascii", "replace"))
    if not parts:
        return None
    group, _, name = parts[0].strip().rpartition(".")
    params = []
    for part in parts[1:]:
        key, equals, text = part.partition("=")
        if equals:
            params.append((key.strip().upper(), text.strip().strip('"')))
        elif key.strip().upper() in ("QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"):
            params.append(("ENCODING", key.strip()))
        else:
            params.append(("TYPE", key.strip()))
    return _Property(number, group, name.upper(), params, value)


def _clean_line(prop: _Property, version: str) -> str:
    """The property as a UTF-8 vCard line for vobject, its value decoded; ValueError when it cannot be."""
    raw = prop.value
    encoding = (prop.param("ENCODING") or "").upper()
    if encoding == "QUOTED-PRINTABLE":
        raw = quopri.decodestring(raw)
    text = _decode(raw, prop.param("CHARSET"))
    if encoding == "QUOTED-PRINTABLE" or version == "2.1":
        # vCard 2.1 values are not escaped as 3.0 reads them: a newline, and a comma in a single text
        # value (exporters leave it bare), would cut the value short.
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    if prop.name in _SINGLE_TEXT:
        text = re.sub(r"(?<!\\),", r"\\,", text)
    params = "".join(f";{key}={value}" if key != "TYPE" or "," not in value else f';{key}="{value}"'
                     for key, value in prop.params if key not in ("ENCODING", "CHARSET"))
    return f"{prop.group + '.' if prop.group else ''}{prop.name}{params}:{text}"


def _cards(data: bytes) -> Iterator[tuple[int, list[_Property], list[str]]]:
    """(first line, properties, what was lost) of each BEGIN:VCARD ... END:VCARD; pictures are skipped."""
    card: list[_Property] | None = None
    lost: list[str] = []
    start = 0
    for number, line in _logical_lines(data):
        upper = line[:12].upper()
        if upper.startswith(b"BEGIN:VCARD"):
            card, lost, start = [], [], number
            continue
        if card is None:
            continue
        if upper.startswith(b"END:VCARD"):
            yield start, card, lost
            card = None
            continue
        prop = _property(number, line)
        if prop is None:
            lost.append(f"line {number} is not a vCard property ({line[:30].decode('utf-8', 'replace')!r})")
        elif prop.name in _BINARY:
            continue
        elif len(prop.value) > MAX_VALUE:
            lost.append(f"{prop.name} (line {number}) holds {len(prop.value) / 1e6:.1f} MB, more than the "
                        f"{MAX_VALUE // 1024} KB a value may; it is left out")
        else:
            card.append(prop)
    if card is not None:
        lost.append("the file ends inside this card (no END:VCARD)")
        yield start, card, lost


def _vobject_card(props: list[_Property], lost: list[str]):
    """vobject's reading of the decoded card; a property it cannot read is dropped and said, the rest kept."""
    import vobject  # here, not at the top: every command imports this module, and only import reads vCards

    version = next((p.value.decode("ascii", "replace").strip() for p in props if p.name == "VERSION"), "3.0")
    lines: list[tuple[_Property, str]] = []
    for prop in props:
        if prop.name == "VERSION":
            continue
        try:
            lines.append((prop, _clean_line(prop, version)))
        except ValueError as error:
            lost.append(f"{prop.name} (line {prop.line}): {error}")

    def parse(chosen):
        return vobject.readOne("BEGIN:VCARD\r\nVERSION:3.0\r\n" + "".join(f"{text}\r\n" for _, text in chosen)
                               + "END:VCARD\r\n")

    try:
        return parse(lines)
    except Exception:  # vobject raises many kinds; the line to blame is found below
        kept = []
        for prop, text in lines:
            try:
                parse([(prop, text)])
                kept.append((prop, text))
            except Exception as error:
                first = str(error).splitlines()[0] if str(error) else type(error).__name__
                reason = re.sub(r"^At line \d+: ", "", first)
                lost.append(f"{prop.name} (line {prop.line}): not readable vCard ({reason[:80]})")
        return parse(kept)


def _values(card, key: str) -> list:
    return [line.value for line in card.contents.get(key, [])]


def _text(value) -> str:
    """A value as one line of text. Any component of a structured value may hold several values (RFC 6350's
    own `N:Perreault;Simon;;;ing. jr,M.Sc.`), as lists within lists: they are joined by ', '."""
    if isinstance(value, (list, tuple)):
        return ", ".join(text for part in value if (text := _text(part)))
    return " ".join(str(value or "").split())


def _emails(values: Iterable[str], lost: list[str], where: str) -> list[str]:
    found = []
    for value in values:
        value = value.strip().removeprefix("mailto:")
        if not value:
            continue
        if _EMAIL.fullmatch(value):
            found.append(value)
        else:
            lost.append(f"{where} {value[:60]!r} is not an email address")
    return list(dict.fromkeys(found))


def linkedin_profile(url: str | None) -> str | None:
    """A LinkedIn profile URL as one key ("linkedin.com/in/ana-ribeiro"), whatever its form; else None."""
    match = _LINKEDIN.match((url or "").strip())
    return f"linkedin.com/{match.group(1).lower()}/{match.group(2).lower()}" if match else None


def _categories(labels: Iterable[str]) -> list[str]:
    found = []
    for label in labels:
        label = label.strip().lstrip("*").strip()
        if label and fold(label) not in _PLUMBING_LABELS:
            found.append(label)
    return list(dict.fromkeys(found))


def _name(*candidates: str) -> str:
    return next((" ".join(c.split()) for c in candidates if c and c.strip()), "")


def read_vcards(data: bytes, source: str) -> Iterator[Record]:
    for number, (line, props, lost) in enumerate(_cards(data), start=1):
        position = f"{source}: card {number} (line {line})"
        card = _vobject_card(props, lost)
        n = _values(card, "n")
        given = " ".join(text for part in (n[0].prefix, n[0].given, n[0].additional, n[0].family, n[0].suffix)
                         if (text := _text(part))) if n else ""
        org = _values(card, "org")
        parts = [_text(part) for part in (org[0] if isinstance(org[0], list) else [org[0]])] if org else []
        organisation = ", ".join(part for part in parts if part) or None
        emails = _emails((_text(v) for v in _values(card, "email")), lost, "EMAIL")
        phones = list(dict.fromkeys(_text(v).removeprefix("tel:") for v in _values(card, "tel") if _text(v)))
        name = _name(_text(_values(card, "fn")[0]) if _values(card, "fn") else "", given, *parts[:1], *emails, *phones)
        if not name:
            yield Unreadable(position, "; ".join(["no name, organisation, email or phone (a picture only?)", *lost]))
            continue
        urls = [_text(v) for key in ("url", "x-socialprofile") for v in _values(card, key)]
        birthday = _values(card, "bday")
        omitted = card.contents["bday"][0].params.get("X-APPLE-OMIT-YEAR", []) if birthday else []
        if birthday and omitted and str(birthday[0]).startswith(omitted[0]):
            birthday = ["--" + str(birthday[0])[len(omitted[0]):].lstrip("-")]  # Apple's "no year"
        categories = [_text(c) for value in _values(card, "categories")
                      for c in (value if isinstance(value, list) else str(value).split(","))]
        notes = "\n".join(str(v).strip() for v in _values(card, "note") if str(v).strip()) or None
        yield Imported(
            name=name, position=position, emails=emails, phones=phones,
            birthday=_birthday(_text(birthday[0]) if birthday else None, lost),
            organisation=organisation if parts[:1] != [name] else None,
            title=_text(_values(card, "title")[0]) or None if _values(card, "title") else None,
            notes=_capped(notes, lost), categories=_categories(map(str, categories)),
            linkedin=next((url for url in urls if linkedin_profile(url)), None), source=source, lost=lost,
        )


# ---- CSV exports ------------------------------------------------------------------------------------------

# The columns of every CSV header followup reads: Google's current and older exports, Outlook's, LinkedIn's.
_COLUMNS = {
    "name": ("Name", "Display Name"),
    "first": ("First Name", "Given Name"),
    "middle": ("Middle Name", "Additional Name"),
    "last": ("Last Name", "Family Name", "Surname"),
    "organisation": ("Organization Name", "Organization 1 - Name", "Company"),
    "title": ("Organization Title", "Organization 1 - Title", "Job Title", "Position"),
    "birthday": ("Birthday",),
    "notes": ("Notes",),
    "labels": ("Labels", "Group Membership", "Categories"),
    "url": ("URL", "Profile URL"),
    "connected": ("Connected On",),
}
_EMAIL_COLUMN = re.compile(r"^(E-mail \d+ - Value|E-mail( \d+)? Address|Email Address|Email|E-mail)$", re.IGNORECASE)
_PHONE_COLUMN = re.compile(r"^(Phone \d+ - Value|(Home|Business|Mobile|Primary|Other|Car|Company Main) Phone( \d+)?)$",
                           re.IGNORECASE)


def _csv_text(data: bytes) -> str:
    text = _utf16_as_utf8(data)
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError:
        return text.decode("cp1252", errors="replace")


def _csv_rows(text: str) -> tuple[list[str], Iterator[list[str]], int] | None:
    """The header, the rows and the header's line, the header being the first row that names a person's
    columns (LinkedIn writes a few lines of notes first); None when there is none."""
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines[:20]):
        delimiter = "\t" if line.count("\t") > line.count(",") else ","
        header = next(csv.reader([line], delimiter=delimiter), [])
        names = {column.strip() for column in header}
        named = any(column in names for key in ("name", "first", "last") for column in _COLUMNS[key])
        reachable = any(_EMAIL_COLUMN.match(c) or _PHONE_COLUMN.match(c) for c in names) or "URL" in names
        if named and reachable:
            rows = csv.reader(io.StringIO("".join(lines[index + 1:]), newline=""), delimiter=delimiter)
            return [column.strip() for column in header], rows, index + 1
    return None


def _cell(row: dict[str, str], key: str) -> str:
    """The first non-empty of the columns that say `key` (_COLUMNS)."""
    return next((row[c].strip() for c in _COLUMNS[key] if (row.get(c) or "").strip()), "")


def _cells(row: dict[str, str], pattern: re.Pattern) -> list[str]:
    """Every value of every column whose name matches (E-mail 1 - Value, E-mail 2 Address...), Google's
    ' ::: '-joined values split."""
    return [part.strip() for column, value in row.items() if column and pattern.match(column)
            for part in (value or "").split(":::") if part.strip()]


def _readable(rows: Iterator[list[str]]) -> Iterator[list[str] | str]:
    """Each row, or why it could not be read (a stray carriage return...): the reader goes on past it."""
    while True:
        try:
            yield next(rows)
        except StopIteration:
            return
        except csv.Error as error:
            yield f"not readable CSV ({error})"


def read_csv(data: bytes, source: str) -> Iterator[Record]:
    text = _csv_text(data)
    # Python's csv stops at a cell over 128 KB with an error, and the rows after it with it: any cell the file
    # can hold is read, then one over MAX_VALUE is cut, and said.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    found = _csv_rows(text)
    if found is None:
        raise NotAnAddressBook(f"{source}: not a vCard, Google CSV or LinkedIn CSV export")
    header, rows, header_line = found
    linkedin = "Connected On" in header
    for number, cells in enumerate(_readable(rows), start=1):
        if isinstance(cells, str):
            yield Unreadable(f"{source}: row {number} (line {header_line + number})", cells)
            continue
        lost: list[str] = []
        for index, cell in enumerate(cells):
            if len(cell) > MAX_VALUE:
                column = header[index] if index < len(header) else f"column {index + 1}"
                lost.append(f"{column} holds {len(cell) / 1e6:.1f} MB, more than the {MAX_VALUE // 1024} KB a value "
                            "may; it is cut there")
                cells[index] = cell[:MAX_VALUE]
        row = dict(zip(header, cells, strict=False))  # a short row leaves the last columns empty
        position = f"{source}: row {number} (line {header_line + number})"
        emails = _emails(_cells(row, _EMAIL_COLUMN), lost, "email")
        phones = list(dict.fromkeys(_cells(row, _PHONE_COLUMN)))
        name = _name(_cell(row, "name"), " ".join(p for p in (_cell(row, "first"), _cell(row, "middle"),
                                                               _cell(row, "last")) if p),
                     _cell(row, "organisation"), *emails, *phones)
        if not name:
            if any((value or "").strip() for value in row.values()):
                yield Unreadable(position, "no name, organisation, email or phone")
            continue
        connected = _cell(row, "connected")
        notes = _cell(row, "notes")
        if linkedin and connected:
            notes = "; ".join(part for part in (notes, f"LinkedIn: connected on {connected}") if part)
        url = _cell(row, "url")
        yield Imported(name, position, emails, phones, _birthday(_cell(row, "birthday") or None, lost),
                       _cell(row, "organisation") or None, _cell(row, "title") or None, _capped(notes or None, lost),
                       _categories(re.split(r":::|;", _cell(row, "labels"))), url if linkedin_profile(url) else None,
                       source, lost)


# ---- files ----------------------------------------------------------------------------------------------

def read_file(name: str, data: bytes) -> Iterator[Record]:
    """Records of any supported file, by what it holds rather than what it is called; NotAnAddressBook
    when it is none of them (a picture, an empty file, a calendar, another CSV)."""
    text = _utf16_as_utf8(data)
    if re.search(rb"^BEGIN:VCARD", text[:65536], re.IGNORECASE | re.MULTILINE):
        return read_vcards(text, name)
    if b"\0" not in text[:4096] and text.strip():
        return read_csv(text, name)
    raise NotAnAddressBook(f"{name}: not a vCard, Google CSV or LinkedIn CSV export")


def normal_birthday(text: str | None) -> str | None:
    """vCard writes 19700315, 1970-03-15, --0315 or --03-15; the journal keeps YYYY-MM-DD or MM-DD."""
    if not text:
        return None
    digits = text.strip().split("T")[0]
    match = re.fullmatch(r"(\d{4})-?(\d{2})-?(\d{2})|--(\d{2})-?(\d{2})", digits)
    if not match:
        return None
    candidate = f"{match[1]}-{match[2]}-{match[3]}" if match[1] else f"{match[4]}-{match[5]}"
    try:
        return str(parse_yearly(candidate))
    except DateError:
        return None


def _birthday(text: str | None, lost: list[str]) -> str | None:
    if not text or not re.search(r"[1-9]", text):
        return None  # Outlook writes 0/0/00 for no birthday
    birthday = normal_birthday(text)
    if text and birthday is None:
        lost.append(f"birthday {text[:30]!r} is not a date followup can be sure of (YYYY-MM-DD or --MM-DD)")
    return birthday


def _capped(notes: str | None, lost: list[str]) -> str | None:
    if notes and len(notes) > MAX_NOTES:
        lost.append(f"the notes are cut at {MAX_NOTES:,} characters (they had {len(notes):,})")
        return notes[:MAX_NOTES]
    return notes


# ---- who is who ---------------------------------------------------------------------------------------------

def phone_key(phone: str, region: str | None = None) -> str | None:
    """One form for every writing of a number: E.164 ("+1 (555) 010-0123" and "001 555 010 0123" are
    +15550100123), a number without its country code read in the journal's default_region. One that cannot be
    told so is its digits as written, which match only the same digits; None for fewer than 7: never a match."""
    number = e164(phone, region)
    if number is not None:
        return number
    digits = "".join(char for char in phone if char.isdigit())
    return f"as written:{digits}" if len(digits) >= MIN_DIGITS else None


@dataclass
class _Identity:
    """What tells one person from another: emails, phones, a LinkedIn profile, and the folded name."""

    emails: set[str]
    phones: set[str]
    linkedin: str | None
    name: str

    @classmethod
    def of(cls, name: str, emails: Iterable[str], phones: Iterable[str], linkedin: str | None,
           region: str | None) -> _Identity:
        return cls({e.casefold() for e in emails}, {k for p in phones if (k := phone_key(p, region))},
                   linkedin_profile(linkedin), fold(name))

    def shared(self, other: _Identity) -> str | None:
        """Why the two are one person, or None: an email, a phone or a LinkedIn profile in common; or the
        same name when nothing else can be compared (a different email or profile makes two people)."""
        common = self.emails & other.emails
        if common:
            return f"same email {sorted(common)[0]}"
        if self.phones & other.phones:
            return "same phone"
        if self.linkedin and self.linkedin == other.linkedin:
            return "same LinkedIn profile"
        if not self.name or self.name != other.name:
            return None
        differs = (self.emails and other.emails) or (self.phones and other.phones) or \
            (self.linkedin and other.linkedin)
        return None if differs else "same name"


@dataclass
class Step:
    """What the import does with one record: "create" (at `path`), "merge" (into `path`), or "skip"."""

    action: str
    position: str
    name: str
    path: str = ""
    reason: str = ""
    record: Imported | None = None
    person: Person | None = None  # the journal's person a merge goes into
    lost: list[str] = field(default_factory=list)

    def as_data(self) -> dict:
        return {"action": self.action, "name": self.name, "position": self.position, "path": self.path or None,
                "reason": self.reason, "lost": self.lost}


@dataclass
class Plan:
    steps: list[Step] = field(default_factory=list)

    def of(self, action: str) -> list[Step]:
        return [step for step in self.steps if step.action == action]

    @property
    def counts(self) -> str:
        """What the import does, as the report and its commit both say it: "19 created, 1 merged, 2 skipped"."""
        return ", ".join(f"{len(self.of(action))} {done}" for action, done in
                         (("create", "created"), ("merge", "merged"), ("skip", "skipped")))

    def creations(self) -> list[tuple[Step, Imported]]:
        """The people to create, each with its record."""
        return [(step, step.record) for step in self.steps if step.action == "create" and step.record is not None]

    def merges(self) -> list[tuple[Step, Imported, Person]]:
        """The records to merge into people of the journal (--merge)."""
        return [(step, step.record, step.person) for step in self.steps
                if step.action == "merge" and step.record is not None and step.person is not None]


def plan_import(journal: Journal, records: Iterable[Record], merge: bool) -> Plan:
    """Match records against the journal and each other, and give each new person a free file name."""
    plan = Plan()
    folder = journal.settings.contacts.rstrip("/")
    taken = {Path(person.contact.path).stem.lower() for person in journal.people} | \
        {Path(problem.path).stem.lower() for problem in journal.problems}
    known: list[tuple[_Identity, Step | Person]] = []
    by_key: dict[str, list[int]] = defaultdict(list)  # an email, a phone, a profile, a name
    region = journal.settings.default_region

    def index(identity: _Identity, owner: Step | Person) -> None:
        known.append((identity, owner))
        for key in filter(None, [*identity.emails, *identity.phones, identity.linkedin, identity.name]):
            by_key[key].append(len(known) - 1)

    def match(identity: _Identity) -> tuple[Step | Person, str] | None:
        keys = [*identity.emails, *identity.phones, identity.linkedin, identity.name]
        for number in sorted({n for key in filter(None, keys) for n in by_key.get(key, ())}):
            reason = identity.shared(known[number][0])
            if reason:
                return known[number][1], reason
        return None

    for person in journal.people:
        contact = person.contact
        index(_Identity.of(contact.name, contact.emails, contact.phones, str(contact.extra.get("linkedin") or ""),
                           region), person)
    for record in records:
        if isinstance(record, Unreadable):
            plan.steps.append(Step("skip", record.position, "", reason=record.reason))
            continue
        identity = _Identity.of(record.name, record.emails, record.phones, record.linkedin, region)
        found = match(identity)
        if found is None:
            slug = slugify(record.name)
            candidate, number = slug, 1
            while candidate in taken:
                number += 1
                candidate = f"{slug}-{number}"
            taken.add(candidate)
            step = Step("create", record.position, record.name, f"{folder}/{candidate}.md", record=record,
                        lost=record.lost)
            plan.steps.append(step)
            index(identity, step)
            continue
        owner, reason = found
        if isinstance(owner, Step):  # twice in what is imported: one person, every detail kept
            if owner.record is not None:
                _absorb(owner.record, record)
            plan.steps.append(Step("merge", record.position, record.name, owner.path, f"{reason} as {owner.position}",
                                   lost=record.lost))
        elif merge:
            plan.steps.append(Step("merge", record.position, record.name, owner.contact.path, reason, record, owner,
                                   record.lost))
        else:
            plan.steps.append(Step("skip", record.position, record.name, owner.contact.path,
                                   f"{reason} as {owner.contact.path}; --merge adds what it lacks", lost=record.lost))
    return plan


def _absorb(kept: Imported, other: Imported) -> None:
    """The same person met twice in one import: the first record gains what only the second says."""
    kept.emails = list(dict.fromkeys([*kept.emails, *other.emails]))
    kept.phones = list(dict.fromkeys([*kept.phones, *other.phones]))
    kept.categories = list(dict.fromkeys([*kept.categories, *other.categories]))
    for key in ("birthday", "organisation", "title", "notes", "linkedin"):
        if not getattr(kept, key) and getattr(other, key):
            setattr(kept, key, getattr(other, key))
    kept.also_from = [source for source in other.sources if source not in kept.sources] + kept.also_from
