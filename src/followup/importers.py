"""Bring people in from address books: vCard 2.1/3.0/4.0, Google Contacts CSV, LinkedIn Connections.csv.

Readers turn a file into Person-like records (`Imported`) and report what they could not read by
position; `plan_import` matches them against the journal and each other (email, phone, folded
name) and says, for each, whether it will be created, merged or skipped and why.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from .dates import DateError, parse_yearly
from .journal import Journal, Person
from .names import fold

_SINGLE_TEXT = ("FN", "NOTE", "TITLE")
_SYSTEM_LABELS = ("mycontacts", "starred")  # Google's own groups, not the user's categories
# Only signs Python-Markdown can escape (raw HTML is already shown as text on the site).
_INLINE_SIGNS = re.compile(r"([\\`*_\[\]])")
_LINE_START_SIGNS = re.compile(r"^(\s*|\s*\d+)([#>+-]|(?<=\d)[.)])")


@dataclass
class Imported:
    name: str
    position: str  # "card 3 (line 41)", "row 7"
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    birthday: str | None = None
    organisation: str | None = None
    title: str | None = None
    notes: str | None = None
    categories: list[str] = field(default_factory=list)
    source: str = ""


@dataclass
class Unreadable:
    position: str
    reason: str


def decode(data: bytes) -> str:
    """UTF-8 as every modern exporter writes it; older Outlook and Windows exports are cp1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def phone_key(phone: str) -> str:
    """Digits only, the last nine: "+1 (555) 010-0123" and "555 010 0123" are the same phone."""
    digits = re.sub(r"\D", "", phone)
    return digits[-9:] if len(digits) >= 6 else ""


def markdown_text(text: str) -> str:
    """Imported text is data: every Markdown sign escaped, so it shows exactly as it was written."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(_LINE_START_SIGNS.sub(r"\1\\\2", _INLINE_SIGNS.sub(r"\\\1", line)) for line in lines)


def _vcard_blocks(text: str):
    """(first line number, lines) of each BEGIN:VCARD ... END:VCARD, photos dropped, QP soft breaks joined."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    block: list[str] | None = None
    start = 0
    index = 0
    while index < len(lines):
        line = lines[index]
        upper = line.upper()
        if upper.startswith("BEGIN:VCARD"):
            block, start = [line], index + 1
        elif block is not None:
            name = upper.split(":", 1)[0]
            if "QUOTED-PRINTABLE" in name:
                while line.endswith("=") and index + 1 < len(lines):  # vCard 2.1 soft line breaks
                    index += 1
                    line = line[:-1] + lines[index]
            if name.split(".")[-1].split(";")[0] in _SINGLE_TEXT and ":" in line:
                # One text each, so a comma is never a separator: exporters often leave it unescaped
                # (all of vCard 2.1 does), and the parser would keep only what stands before it.
                head, value = line.split(":", 1)
                line = head + ":" + re.sub(r"(?<!\\),", r"\,", value)
            if name.split(".")[-1].startswith("PHOTO"):  # pictures are skipped, with their folded lines
                while index + 1 < len(lines) and lines[index + 1][:1] in (" ", "\t"):
                    index += 1
                index += 1
                continue
            block.append(line)
            if upper.startswith("END:VCARD"):
                yield start, block
                block = None
        index += 1
    if block is not None:
        yield start, block + ["END:VCARD"]  # a last card cut short: let the parser judge it


def _values(card, key: str) -> list:
    return [line.value for line in card.contents.get(key, [])]


def _text(value) -> str:
    if isinstance(value, (list, tuple)):
        return " ".join(str(part) for part in value if part)
    return str(value or "").strip()


def read_vcards(data: bytes, source: str) -> list:
    import vobject  # here, not at the top: every command imports this module, and only import reads vCards

    found: list = []
    for number, (line, block) in enumerate(_vcard_blocks(decode(data)), start=1):
        position = f"card {number} (line {line})"
        try:
            card = vobject.readOne("\r\n".join(block) + "\r\n")
            name = _text(_values(card, "fn")[0]) if _values(card, "fn") else ""
            if not name and _values(card, "n"):
                parts = _values(card, "n")[0]
                name = " ".join(p for p in (parts.prefix, parts.given, parts.additional, parts.family, parts.suffix)
                                if p)
            organisation = _values(card, "org")
            birthday = _values(card, "bday")
            omitted = card.contents["bday"][0].params.get("X-APPLE-OMIT-YEAR", []) if birthday else []
            if birthday and omitted and str(birthday[0]).startswith(omitted[0]):
                birthday = ["--" + str(birthday[0])[len(omitted[0]):].lstrip("-")]  # Apple's "no year"
            categories = [c for value in _values(card, "categories") for c in (value if isinstance(value, list)
                          else str(value).split(",")) if str(c).strip()]
            found.append(Imported(
                name=" ".join(name.split()) or (_text(organisation[0]) if organisation else ""),
                position=position,
                emails=[_text(v) for v in _values(card, "email") if _text(v)],
                phones=[_text(v).removeprefix("tel:") for v in _values(card, "tel") if _text(v)],
                birthday=_text(birthday[0]) if birthday else None,
                organisation=_text(organisation[0]) if organisation else None,
                title=_text(_values(card, "title")[0]) if _values(card, "title") else None,
                notes="\n".join(_text(v) for v in _values(card, "note")) or None,
                categories=[str(c).strip() for c in categories if str(c).strip().casefold() not in _SYSTEM_LABELS],
                source=source,
            ))
        except Exception as error:  # vobject raises many kinds; any of them means this card only
            reason = re.sub(r"^At line \d+: ", "", str(error).splitlines()[0] if str(error) else type(error).__name__)
            found.append(Unreadable(position, f"not a readable vCard: {reason[:120]}"))
    return found


def _csv_rows(text: str, header_starts: tuple[str, ...]):
    """Rows of a CSV whose header line starts with one of `header_starts` (LinkedIn writes notes first)."""
    lines = text.splitlines(keepends=True)
    first = next((i for i, line in enumerate(lines) if line.lstrip("\ufeff").startswith(header_starts)), None)
    if first is None:
        return None, first
    return csv.DictReader(io.StringIO("".join(lines[first:]))), first


def read_google_csv(data: bytes, source: str) -> list:
    rows, header = _csv_rows(decode(data), ("Name,", "First Name,", '"Name"', '"First Name"'))
    if rows is None:
        return [Unreadable("file", "no Google Contacts header (Name or First Name) found")]
    found: list = []
    for number, row in enumerate(rows, start=1):
        position = f"row {number} (line {header + number + 1})"
        get = lambda *keys: next((row.get(k, "").strip() for k in keys if (row.get(k) or "").strip()), "")  # noqa: E731
        name = get("Name") or " ".join(p for p in (get("Given Name", "First Name"), get("Additional Name", "Middle Name"),
                                                   get("Family Name", "Last Name")) if p)
        emails = [row[k].strip() for k in row if k and re.match(r"E-mail \d+ - Value", k) and (row[k] or "").strip()]
        phones = [row[k].strip() for k in row if k and re.match(r"Phone \d+ - Value", k) and (row[k] or "").strip()]
        emails = [e.strip() for value in emails for e in value.split(":::") if e.strip()]
        phones = [p.strip() for value in phones for p in value.split(":::") if p.strip()]
        labels = get("Group Membership", "Labels")
        categories = [label.strip().lstrip("* ").strip() for label in labels.split(":::") if label.strip()]
        categories = [c for c in categories if c and c.casefold() not in _SYSTEM_LABELS]
        if not (name or emails or phones):
            found.append(Unreadable(position, "no name, email or phone"))
            continue
        found.append(Imported(name or (emails or phones)[0], position, emails, phones,
                              get("Birthday") or None, get("Organization 1 - Name", "Organization Name") or None,
                              get("Organization 1 - Title", "Organization Title") or None, get("Notes") or None,
                              categories, source))
    return found


def read_linkedin_csv(data: bytes, source: str) -> list:
    rows, header = _csv_rows(decode(data), ("First Name,",))
    if rows is None:
        return [Unreadable("file", "no LinkedIn header (First Name,Last Name,...) found")]
    found: list = []
    for number, row in enumerate(rows, start=1):
        position = f"row {number} (line {header + number + 1})"
        name = " ".join(p for p in ((row.get("First Name") or "").strip(), (row.get("Last Name") or "").strip()) if p)
        if not name:
            found.append(Unreadable(position, "no name"))
            continue
        email = (row.get("Email Address") or "").strip()
        connected = (row.get("Connected On") or "").strip()
        notes = "; ".join(p for p in (f"LinkedIn: {row['URL'].strip()}" if (row.get("URL") or "").strip() else "",
                                      f"connected on {connected}" if connected else "") if p)
        found.append(Imported(name, position, [email] if email else [], [], None,
                              (row.get("Company") or "").strip() or None, (row.get("Position") or "").strip() or None,
                              notes or None, [], source))
    return found


def read_file(name: str, data: bytes) -> list:
    """Records of any supported file, by what it holds rather than what it is called."""
    head = decode(data[:4096]).lstrip("\ufeff")
    if "BEGIN:VCARD" in head.upper():
        return read_vcards(data, name)
    if "First Name,Last Name,URL" in head or "First Name,Last Name,Email Address" in head:
        return read_linkedin_csv(data, name)
    if head.startswith(("Name,", "First Name,", '"Name"', '"First Name"')):
        return read_google_csv(data, name)
    return [Unreadable("file", "neither vCard nor a Google or LinkedIn CSV export")]


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


@dataclass
class Plan:
    create: list[Imported] = field(default_factory=list)
    merge: list[tuple[Imported, Person]] = field(default_factory=list)
    skip: list[tuple[str, str]] = field(default_factory=list)  # (what, why)


def plan_import(journal: Journal, records: list, merge: bool) -> Plan:
    """Match records against the journal and each other by email, phone and folded name."""
    plan = Plan()
    keys: dict[tuple[str, str], object] = {}

    def record_keys(emails, phones, name):
        found = [("email", e.casefold()) for e in emails]
        found += [("phone", phone_key(p)) for p in phones if phone_key(p)]
        return found + [("name", fold(" ".join(name.split())))]

    for person in journal.people:
        for key in record_keys(person.contact.emails, person.contact.phones, person.name):
            keys.setdefault(key, person)
    for record in records:
        if isinstance(record, Unreadable):
            plan.skip.append((record.position, record.reason))
            continue
        match = next(((key, keys[key]) for key in record_keys(record.emails, record.phones, record.name)
                      if key in keys), None)
        if match is None:
            plan.create.append(record)
            for key in record_keys(record.emails, record.phones, record.name):
                keys.setdefault(key, record)
            continue
        (kind, _), existing = match
        label = f"{record.position} {record.name}"
        if isinstance(existing, Imported):
            plan.skip.append((label, f"same {kind} as {existing.position} {existing.name} in this import"))
        elif merge:
            plan.merge.append((record, existing))
        else:
            plan.skip.append((label, f"same {kind} as {existing.contact.path}; --merge adds missing fields"))
    return plan
