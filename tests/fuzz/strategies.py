"""Inputs as the files they stand for are built, with hostile values where values go: structure enough to get past
each format's first line, and anything at all inside it (lists in every structured component, every charset
declared or not, every line ending, quoted-printable everywhere, huge values, control characters)."""

from __future__ import annotations

import json
import string

import yaml
from hypothesis import strategies as st

from followup.core.contact import KNOWN_KEYS
from followup.core.settings import MAIL_NAMES, SETTING_NAMES

NEWLINES = ["\n", "\r\n", "\r", "\r\r\n"]
CONTROL = "".join(map(chr, [*range(32), 127, 0x85, 0x9B, 0x2028, 0xFEFF, 0xFFFE]))
HOSTILE_WORDS = [
    "", " ", "---", "...", "- ", "? ", ": ", "[", "]", "{", "}", "&a", "*a", "!!binary aGk=", "!!set {a, b}",
    "!!python/name:os.system",
    "|", ">-", "'", '"', "\\", "#", "%", "@", "`", "<script>", "=1+1", "+1 555 0100", "2026-02-30", "2026-11-23",
    "9999-12-31", "0001-01-01", "null", "~", "yes", "no", ".inf", ".nan", "0x1F", "1e400", "12345678901234567890123",
    "Søren Ølgaard", "王小明", "Мария", "مرحبا", "\u202eevil", "\x1b[2J", "\x1b]52;c;eA==\x07", "a\tb", "a\nb",
    "<<<<<<< ours", "=======", ">>>>>>> theirs", "## Log", "### 2026-11-01", "```", "~~~",
]
hostile_text = st.one_of(
    st.sampled_from(HOSTILE_WORDS),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
    st.text(alphabet=CONTROL + string.printable, max_size=20),
    st.builds(lambda word, times: word * times, st.sampled_from(["[", "{", "- ", "a", "é", "\n  - "]),
              st.integers(1, 3000)),
)
dates = st.one_of(
    st.dates().map(str),
    st.builds(lambda y, m, d: f"{y}-{m}-{d}", st.integers(0, 99999), st.integers(0, 99), st.integers(0, 99)),
    st.sampled_from(["2026-11-23", "2026-2-3", "26-11-23", "2026/11/23", "2026-11-23T10:00", "--11-23", "11-23"]),
)


def _encoded(text: str, encoding: str) -> bytes:
    if encoding == "utf-16-be-no-bom":
        return text.encode("utf-16-be")
    return text.encode(encoding, errors="replace")


encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-be-no-bom", "cp1252", "latin-1", "shift_jis"])


# ---- a contact file ---------------------------------------------------------------------------------------------

yaml_values = st.recursive(
    st.one_of(hostile_text, dates, st.integers(-2**70, 2**70), st.floats(), st.booleans(), st.none()),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(hostile_text, inner, max_size=4)),
    max_leaves=12,
)


@st.composite
def front_matter_line(draw) -> str:
    key = draw(st.one_of(st.sampled_from(KNOWN_KEYS), hostile_text))
    style = draw(st.sampled_from(["plain", "dumped", "raw"]))
    if style == "dumped":
        value = yaml.safe_dump(draw(yaml_values), default_flow_style=draw(st.booleans()), allow_unicode=True,
                               width=float("inf")).removesuffix("\n...\n").rstrip("\n")
        if "\n" in value:
            value = "\n" + "\n".join("  " + line for line in value.split("\n"))
    elif style == "plain":
        value = draw(st.one_of(dates, st.sampled_from(["weekly", "every 3 weeks", "0d", "none", "[a, b]"])))
    else:
        value = draw(hostile_text)
    return f"{key}: {value}"


@st.composite
def contact_file(draw) -> bytes:
    lines = ["---", "name: " + draw(hostile_text), *draw(st.lists(front_matter_line(), max_size=8)), "---"]
    lines += draw(st.lists(hostile_text, max_size=4))
    if draw(st.booleans()):
        lines += ["## Log"] + [draw(st.sampled_from(["- ", "* ", "### ", "  - "])) + draw(dates) + " "
                               + draw(hostile_text) for _ in range(draw(st.integers(0, 6)))]
    text = draw(st.sampled_from(NEWLINES[:2])).join(lines) + "\n"
    data = _encoded(text, draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "latin-1", "utf-16"])))
    if draw(st.integers(0, 9)) == 0:  # a few bytes anywhere
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(max_size=8)) + data[at:]
    return data


# ---- an address book ----------------------------------------------------------------------------------------------

VCARD_PROPERTIES = ["N", "FN", "ORG", "ADR", "EMAIL", "TEL", "NOTE", "CATEGORIES", "BDAY", "GENDER", "URL", "TITLE",
                    "PHOTO", "X-SOCIALPROFILE", "X-ABLABEL", "NICKNAME", "ANNIVERSARY", "item1.EMAIL", "LABEL"]
PARAMETERS = ["", ";CHARSET=UTF-8", ";CHARSET=SHIFT_JIS", ";CHARSET=ISO-8859-1", ";CHARSET=bogus",
              ";ENCODING=QUOTED-PRINTABLE", ";QUOTED-PRINTABLE", ";ENCODING=b", ";TYPE=work,voice", ';TYPE="a;b"',
              ";X-APPLE-OMIT-YEAR=1604", ";PREF=1", ";type=INTERNET;type=pref"]


@st.composite
def structured(draw) -> str:
    """A value of several components, each of several values: N:Perreault;Simon;;;ing. jr,M.Sc."""
    components = draw(st.lists(st.lists(hostile_text, max_size=3), max_size=7))
    return ";".join(",".join(part.replace("\\", "\\\\") for part in component) for component in components)


@st.composite
def vcard_file(draw) -> bytes:
    cards = []
    for _ in range(draw(st.integers(0, 3))):
        lines = ["BEGIN:VCARD", "VERSION:" + draw(st.sampled_from(["2.1", "3.0", "4.0", "9", ""]))]
        for _ in range(draw(st.integers(0, 8))):
            value = draw(st.one_of(structured(), hostile_text, dates))
            line = draw(st.sampled_from(VCARD_PROPERTIES)) + draw(st.sampled_from(PARAMETERS)) + ":" + value
            width = draw(st.sampled_from([0, 75, 20]))
            if width and len(line) > width:  # folded as exporters fold, or with quoted-printable's soft breaks
                joiner = draw(st.sampled_from(["\r\n ", "=\r\n", "\n\t"]))
                line = joiner.join(line[i:i + width] for i in range(0, len(line), width))
            lines.append(line)
        if draw(st.integers(0, 5)):
            lines.append("END:VCARD")
        cards += lines
    newline = draw(st.sampled_from(NEWLINES))
    return _encoded(newline.join(cards) + newline, draw(encodings))


CSV_HEADERS = [
    ["First Name", "Middle Name", "Last Name", "Organization Name", "Birthday", "Notes", "Labels",
     "E-mail 1 - Label", "E-mail 1 - Value", "Phone 1 - Label", "Phone 1 - Value"],
    ["Name", "Given Name", "Additional Name", "Family Name", "Birthday", "Notes", "Group Membership",
     "E-mail 1 - Type", "E-mail 1 - Value", "Phone 1 - Type", "Phone 1 - Value"],
    ["First Name", "Middle Name", "Last Name", "Company", "Job Title", "E-mail Address", "Mobile Phone", "Birthday",
     "Notes", "Categories"],
    ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"],
]


@st.composite
def csv_file(draw) -> bytes:
    header = draw(st.sampled_from(CSV_HEADERS))
    rows = draw(st.lists(st.lists(st.one_of(hostile_text, dates, st.just(" ::: ".join(["a@b.example", "x"]))),
                                  min_size=0, max_size=len(header) + 2), max_size=6))
    delimiter = draw(st.sampled_from([",", "\t"]))

    def cell(text: str) -> str:
        return '"' + text.replace('"', '""') + '"' if draw(st.booleans()) or delimiter in text or '"' in text \
            else text
    preface = draw(st.sampled_from(["", "Notes:\nWhen exporting your connection data...\n\n"]))
    newline = draw(st.sampled_from(NEWLINES[:2]))
    text = preface + newline.join(delimiter.join(map(cell, row)) for row in [header, *rows]) + newline
    return _encoded(text, draw(encodings))


# ---- git's log, three versions of a file, settings, a day -----------------------------------------------------

@st.composite
def git_log(draw) -> bytes:
    """`git log -p` output as followup asks for it (NUL-separated commit lines), with hostile names and values."""
    lines = []
    for _ in range(draw(st.integers(0, 5))):
        fields = [draw(st.sampled_from(["a" * 40, "b" * 40, ""])), draw(st.sampled_from(["abc1234", ""])),
                  draw(dates), draw(hostile_text), draw(hostile_text)]
        lines.append("\0" + draw(st.sampled_from([">", "-", ""])) + "\0".join(fields))
        for _ in range(draw(st.integers(0, 3))):
            old, new = draw(hostile_text) or "a.md", draw(hostile_text) or "b.md"
            quoted = draw(st.booleans())
            name = f'"\\303\\251{new}.md"' if quoted else f"{new}.md"
            lines += [f"diff --git a/{old}.md b/{new}.md", *draw(st.sets(st.sampled_from(
                [f"rename from {old}.md", f"rename to {new}.md", "new file mode 100644", "deleted file mode 100644",
                 "Binary files a/x.md and b/x.md differ", "similarity index 90%"]), max_size=3)),
                      draw(st.sampled_from([f"--- a/{old}.md", "--- /dev/null", f"--- {name}"])),
                      draw(st.sampled_from([f"+++ b/{new}.md", "+++ /dev/null", f"+++ {name}\t"])),
                      "@@ -1,2 +1,2 @@"]
            for _ in range(draw(st.integers(0, 4))):
                lines.append(draw(st.sampled_from(["+", "-", " ", "\\"])) + draw(st.one_of(
                    st.builds(lambda day: f"last_touch: {day}", dates),
                    st.builds(lambda day, text: f"- {day} {text}", dates, hostile_text),
                    st.sampled_from(["--- a/x.md", "+++ b/y.md", "last_touch:", "last_touch: '2026-11-01' # x"]),
                    hostile_text)))
    return "\n".join(lines).encode("utf-8", "surrogatepass")


BASE = ("---\nname: Ana Ribeiro\ncadence: monthly\nlast_touch: 2026-10-01\n---\nArchitect.\n\n## Log\n"
        "- 2026-10-01 Coffee\n- 2026-09-01 Walk\n")


@st.composite
def contact_version(draw, base: str) -> str:
    text = base
    for _ in range(draw(st.integers(0, 4))):
        change = draw(st.sampled_from(["touch", "entry", "field", "line", "conflict", "anything"]))
        if change == "touch":
            text = text.replace("last_touch: 2026-10-01", f"last_touch: {draw(dates)}", 1)
        elif change == "entry":
            text = text.replace("## Log\n", f"## Log\n- {draw(dates)} {draw(hostile_text)}\n", 1)
        elif change == "field":
            text = text.replace("---\nArchitect", f"{draw(front_matter_line())}\n---\nArchitect", 1)
        elif change == "line":
            lines = text.split("\n")
            lines.insert(draw(st.integers(0, len(lines))), draw(hostile_text))
            text = "\n".join(lines)
        elif change == "conflict":
            text += "<<<<<<< ours\nname: A\n=======\nname: B\n>>>>>>> theirs\n"
        else:
            text = draw(hostile_text)
    return text


@st.composite
def three_versions(draw) -> bytes:
    base = draw(st.one_of(st.just(BASE), contact_version(BASE)))
    return json.dumps([base, draw(contact_version(base)), draw(contact_version(base))]).encode()


@st.composite
def settings_file(draw) -> bytes:
    keys = draw(st.lists(st.one_of(st.sampled_from(sorted(SETTING_NAMES)), hostile_text), max_size=6))
    block = {key: draw(yaml_values) for key in keys}
    if draw(st.booleans()):
        block["mail"] = {key: draw(yaml_values) for key in draw(st.lists(st.sampled_from(sorted(MAIL_NAMES)),
                                                                         max_size=5))}
    if draw(st.booleans()):
        block["categories"] = draw(st.dictionaries(hostile_text, st.one_of(
            st.fixed_dictionaries({"cadence": yaml_values}), yaml_values), max_size=3))
    return yaml.safe_dump(block, allow_unicode=True).encode()


MAIL_HEADERS = ["From", "To", "Cc", "Bcc", "Date", "Subject", "Message-ID", "List-Id", "Precedence", "Auto-Submitted",
                "Content-Type", "X-Mozilla-Status"]
ADDRESSES = ["a@b.example", "Ana <ana@example.org>", '"Doe, John" <j@x.org>', "=?UTF-8?Q?Caf=C3=A9?= <c@x.org>",
             "undisclosed-recipients:;", "x (comment) <a@b>", "<>", "@", "a@", "<a@b", "a@b>, ,c@d"]


@st.composite
def mbox_file(draw) -> bytes:
    """An mbox as Thunderbird, Takeout or mutt writes one, with hostile headers and bodies."""
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        separator = draw(st.sampled_from(["From - Fri Nov 20 10:00:00 2026", "From a@b Fri Nov 20 10:00:00 2026",
                                          "From 17@xxx Fri Nov 20 09:11:12 +0000 2026", "From nobody", "From "]))
        values = st.one_of(st.sampled_from(ADDRESSES), hostile_text, dates)
        headers = [f"{draw(st.sampled_from(MAIL_HEADERS))}: {draw(values)}" for _ in range(draw(st.integers(0, 8)))]
        if draw(st.booleans()):
            headers.append(" folded " + draw(hostile_text))
        body = draw(st.lists(st.one_of(hostile_text, st.just("From the desk"), st.just(">From quoted"), st.just("")),
                             max_size=5))
        parts.append("\n".join([separator, *headers, "", *body, ""]))
    newline = draw(st.sampled_from(NEWLINES[:2]))
    text = "\n".join(parts).replace("\n", newline)
    data = text.encode("utf-8", "surrogatepass") if draw(st.booleans()) else text.encode("latin-1", "replace")
    if draw(st.integers(0, 5)) == 0:
        data = data[:draw(st.integers(0, len(data)))]  # truncated
    return data


ICS_LINES = [
    "DTSTART:20261118T130000Z", "DTSTART;VALUE=DATE:20261118", "DTSTART;TZID=Europe/Lisbon:20261118T100000",
    "DTSTART;TZID=Nowhere/Else:20261118T100000", 'DTSTART;TZID="W. Europe Standard Time":20261116T160000',
    "DTSTART:20261118T100000", "DTSTART:2026-11-18", "DTSTART:99991231T235959Z", "DTSTART;VALUE=DATE:00010101",
    "DTEND:20261118T140000Z", "DTEND;VALUE=DATE:20261119", "DTEND:20261117T000000Z", "DURATION:PT1H",
    "DURATION:-P1D", "DURATION:P99999999W", "RRULE:FREQ=WEEKLY;COUNT=3", "RRULE:FREQ=DAILY;UNTIL=20261130T000000Z",
    "RRULE:FREQ=YEARLY;BYMONTH=13", "RRULE:FREQ=SOMETIMES", "RRULE:FREQ=MINUTELY", "RRULE:FREQ=HOURLY;COUNT=5",
    "RRULE:FREQ=WEEKLY;UNTIL=20261118", "EXDATE:20261125T130000Z", "EXDATE;VALUE=DATE:20261125",
    "RDATE:20261201T100000Z", "RECURRENCE-ID:20261125T130000Z", "RECURRENCE-ID;VALUE=DATE:20261125",
    "STATUS:CANCELLED", "STATUS:CONFIRMED", "ORGANIZER:mailto:tess@example.org", "ATTENDEE:mailto:ana@example.org",
    "ATTENDEE;PARTSTAT=DECLINED:mailto:ana@example.org", 'ATTENDEE;CN="Ana, R";EMAIL=a@b:mailto:a@b',
    "ATTENDEE:", "ATTENDEE:mailto:", "ATTENDEE:urn:uuid:0", "UID:one", "UID:", "URL:https://zoom.us/j/1",
    "X-GOOGLE-CONFERENCE:https://meet.google.com/x", "SUMMARY:", "BEGIN:VALARM", "END:VALARM",
]


@st.composite
def ics_file(draw) -> bytes:
    """A calendar as the apps export one: zones, events, recurrences, overrides, with hostile values."""
    values = st.one_of(st.sampled_from(ICS_LINES),
                       st.builds(lambda key, text: f"{key}:{text}", st.sampled_from(
                           ["SUMMARY", "DTSTART", "DTEND", "RRULE", "ATTENDEE;CN=x", "LOCATION", "DESCRIPTION",
                            "EXDATE", "TZID", "DURATION"]), hostile_text))
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Fuzz//EN"]
    if draw(st.booleans()):
        lines += ["BEGIN:VTIMEZONE", "TZID:Europe/Lisbon", "BEGIN:STANDARD", "DTSTART:19701025T020000",
                  "TZOFFSETFROM:+0100", "TZOFFSETTO:+0000", "END:STANDARD", "END:VTIMEZONE"]
    for _ in range(draw(st.integers(0, 4))):
        lines += ["BEGIN:VEVENT", *draw(st.lists(values, max_size=10)), "END:VEVENT"]
    lines.append("END:VCALENDAR")
    newline = draw(st.sampled_from(NEWLINES))
    data = newline.join(lines).encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 5)) == 0:
        data = data[:draw(st.integers(0, len(data)))]
    return data


PHONE_ATTRIBUTES = {
    "call": ["number", "duration", "date", "type", "presentation", "contact_name"],
    "sms": ["address", "date", "type", "body", "contact_name"],
    "mms": ["address", "date", "msg_box", "m_id", "contact_name"],
}
PHONE_VALUES = ["+351912345678", "5550100123", "", "-1", "null", "(Unknown)", "insert-address-token", "1763600000000",
                "0", "-1763600000000", "99999999999999999999", "1", "2", "3", "5", "6", "7", "a~b~+15550100999",
                "&#55357;&#56832;", "&#0;", "&#x1F600;", "&amp;", "&lt;", "&#99999999;"]


@st.composite
def phone_export(draw) -> bytes:
    """An SMS Backup & Restore export: calls, texts, MMS with parts and addresses, with hostile attribute values,
    entity declarations now and then, and cut short now and then."""
    from xml.sax.saxutils import quoteattr

    value = st.one_of(st.sampled_from(PHONE_VALUES), hostile_text)
    root = draw(st.sampled_from(["calls", "smses"]))
    items = []
    for _ in range(draw(st.integers(0, 5))):
        tag = draw(st.sampled_from(["call", "sms", "mms"]))
        attributes = " ".join(f"{name}={quoteattr(draw(value))}" for name in PHONE_ATTRIBUTES[tag]
                              if draw(st.integers(0, 4)))
        if tag == "mms":
            kinds = st.sampled_from(["137", "151", "x"])
            addresses = "".join(f'<addr address={quoteattr(draw(value))} type="{draw(kinds)}" />'
                                for _ in range(draw(st.integers(0, 3))))
            items.append(f"<mms {attributes}><parts><part ct=\"image/jpeg\" data=\"/9j/\" /></parts>"
                         f"<addrs>{addresses}</addrs></mms>")
        else:
            items.append(f"<{tag} {attributes} />")
    head = "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
    if draw(st.integers(0, 6)) == 0:
        head += f'<!DOCTYPE {root} [<!ENTITY a "{draw(hostile_text)}">]>\n'
    text = head + f"<{root} count=\"{len(items)}\">\n" + "\n".join(items) + f"\n</{root}>\n"
    data = text.encode("utf-8", "surrogatepass")
    data = data.replace(b"&amp;#", b"&#") if draw(st.booleans()) else data  # the older app's raw references
    if draw(st.integers(0, 5)) == 0:
        data = data[:draw(st.integers(0, len(data)))]
    return data


CHAT_HEADS = ["20/11/2026, 09:14 - ", "11/20/26, 9:14\u202fPM - ", "20.11.26, 09:14 - ", "[20/11/2026, 09:14:05] ",
              "\u200e[20/11/2026, 09:14:05] ", "2026-11-20, 09:14 - ", "31/02/2026, 10:00 - ", "99/99/9999, 99:99 - ",
              "1/1/1, 0:00 - ", "13/13/13, 13:13 PM - ", "20/11/2026 09:14 - ", ""]
CHAT_AUTHORS = ["Ana: ", "Tess: ", "+1 555 010 0123: ", "Tom Okafor: ", "", ": ", "\u200eAna: "]


@st.composite
def chat_file(draw) -> bytes:
    """A WhatsApp chat export in the formats of several locales, with hostile heads, authors and texts."""
    lines = [draw(st.sampled_from(CHAT_HEADS)) + draw(st.sampled_from(CHAT_AUTHORS)) + draw(
        st.one_of(hostile_text, st.sampled_from(["\u200eMissed voice call", "<Media omitted>", "\u200e<attached: x>"])))
        for _ in range(draw(st.integers(0, 8)))]
    newline = draw(st.sampled_from(NEWLINES))
    return newline.join(lines).encode("utf-8", "surrogatepass")


day_text = st.one_of(
    dates, hostile_text,
    st.sampled_from(["today", "TOMORROW", " yesterday ", "fri", "friday", "fr", "3d", "2w", "1m", "1y", "36501d",
                     "99999999999999y", "0d", "-1d", "٣d", "２w", "2026-11-23 ", "mon day"]),
    st.builds(lambda n, unit: f"{n}{unit}", st.integers(0, 10**12), st.sampled_from("dwmy")),
).map(lambda text: text.encode("utf-8", "surrogatepass"))

STRATEGIES = {
    "contact": contact_file(), "vcard": vcard_file(), "csv": csv_file(), "history": git_log(),
    "merge": three_versions(), "settings": settings_file(), "day": day_text, "mbox": mbox_file(),
    "calendar": ics_file(), "phone": phone_export(), "chat": chat_file(),
}
