"""Property tests: the parsers accept every documented form and reject the rest with their own error;
edits change only the lines they mean to."""

import contextlib
import datetime as dt
import re
import string
import tempfile
from collections import Counter
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from followup.core import due as rule
from followup.core.cadence import NAMED, Cadence, parse_cadence
from followup.core.contact import ContactLoader, parse_contact
from followup.core.dates import FIRST_YEAR, LAST_YEAR, parse_date, parse_yearly
from followup.core.errors import CadenceError, DateError
from followup.core.settings import Settings
from followup.store import actions
from followup.store.contact_text import ContactText
from followup.store.journal import Person

EXAMPLES = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
UNITS = {"day": "days", "week": "weeks", "month": "months", "year": "years"}
LIMIT = {"days": 36500, "weeks": 5200, "months": 1200, "years": 100}


def shuffle_case(draw, text):
    return "".join(c.upper() if draw(st.booleans()) else c for c in text)


@st.composite
def documented_cadence(draw):
    kind = draw(st.sampled_from(["named", "every", "short", "none"]))
    space = draw(st.sampled_from(["", " ", "  ", "\t"]))
    if kind == "named":
        word = draw(st.sampled_from(sorted(NAMED)))
        return space + shuffle_case(draw, word) + space, Cadence(*NAMED[word])
    if kind == "none":
        return shuffle_case(draw, "none"), None
    unit = draw(st.sampled_from(sorted(UNITS)))
    count = draw(st.integers(1, LIMIT[UNITS[unit]]))
    if kind == "every":
        text = f"every {count} {unit}{'s' if draw(st.booleans()) else ''}"
    else:
        text = f"{count}{unit[0]}"
    return space + shuffle_case(draw, text) + space, Cadence(count, UNITS[unit])


@EXAMPLES
@given(documented_cadence())
def test_every_documented_cadence_is_accepted(case):
    text, expected = case
    assert parse_cadence(text) == expected


@EXAMPLES
@given(st.one_of(st.text(), st.integers(), st.floats(), st.lists(st.text()), st.none(), st.booleans()))
def test_anything_else_is_a_cadence_error(value):
    try:
        result = parse_cadence(value)
    except CadenceError:
        return
    assert isinstance(value, str) and (result is None or isinstance(result, Cadence))
    assert result == parse_cadence(" ".join(value.split()).lower())


@EXAMPLES
@given(st.dates(min_value=dt.date(FIRST_YEAR, 1, 1), max_value=dt.date(LAST_YEAR, 12, 31)))
def test_every_real_date_of_the_years_followup_works_with_is_accepted(day):
    assert parse_date(day.isoformat()) == day
    assert parse_yearly(day.isoformat()).on_year(day.year) == day
    assert parse_yearly(day.strftime("%m-%d")).month == day.month


@EXAMPLES
@given(st.one_of(st.dates(max_value=dt.date(FIRST_YEAR - 1, 12, 31)), st.dates(min_value=dt.date(LAST_YEAR + 1, 1, 1))))
def test_dates_outside_those_years_are_date_errors(day):
    for parser in (parse_date, parse_yearly):
        for value in (day, day.isoformat()):
            try:
                parser(value)
            except DateError as error:
                assert "outside the years 1900-2200" in str(error)
            else:
                raise AssertionError(f"{parser.__name__} accepted {value!r}")


@EXAMPLES
@given(st.one_of(st.text(), st.from_regex(r"\d{4}-\d{2}-\d{2}", fullmatch=True), st.integers()))
def test_anything_else_is_a_date_error(value):
    for parser in (parse_date, parse_yearly):
        with contextlib.suppress(DateError):
            parser(value)


# ---- edits ---------------------------------------------------------------------------------

SAFE_TEXT = st.text(alphabet=string.ascii_letters + string.digits + " éçøß🌻'\":#-,.!?", min_size=1, max_size=30) \
    .map(str.strip).filter(bool)
KEY = st.from_regex(r"[a-z][a-z_]{1,10}", fullmatch=True).filter(lambda k: k not in (
    "name", "categories", "cadence", "last_touch", "channel", "phone", "email", "birthday", "dates", "status",
    "snooze_until", "next", "promises", "owner"))


@st.composite
def scalar(draw, value=None, flow=False):
    text = draw(SAFE_TEXT) if value is None else value
    # Plain scalars such as ":0" are valid in a block but not inside {...}: quote in flow context.
    style = draw(st.sampled_from(["single", "double"] if flow else ["plain", "single", "double"]))
    if style == "single":
        return "'" + text.replace("'", "''") + "'"
    if style == "double":
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    dumped = yaml.safe_dump(text, default_flow_style=True, width=1000).removesuffix("\n...\n").strip()
    return dumped


@st.composite
def contact_file(draw):
    lines = ["---", f"name: {draw(scalar())}"]
    if draw(st.booleans()):
        touched = draw(st.dates(dt.date(2020, 1, 1), dt.date(2026, 11, 23)))
        lines.append(f"last_touch: {draw(scalar(touched.isoformat()))}")
    lines.append(f"cadence: {draw(st.sampled_from(['monthly', 'every 3 weeks', '10d', 'none']))}")
    if draw(st.booleans()):
        due_days = st.dates(dt.date(2026, 1, 1), dt.date(2027, 1, 1))
        items = draw(st.lists(st.tuples(due_days, SAFE_TEXT), min_size=1, max_size=3))
        lines.append("promises:")
        lines += [f"  - {{due: {d}, what: {draw(scalar(w, flow=True))}}}" for d, w in items]
    keys = iter(draw(st.lists(KEY, min_size=4, max_size=4, unique=True)))  # a key twice stops edits: see test_cli
    for _ in range(draw(st.integers(0, 4))):
        choice = draw(st.sampled_from(["key", "comment", "key-comment", "blank"]))
        if choice == "comment":
            lines.append("# " + draw(SAFE_TEXT))
        elif choice == "blank":
            lines.append("")
        else:
            line = f"{next(keys)}: {draw(scalar())}"
            lines.append(line + ("   # " + draw(SAFE_TEXT) if choice == "key-comment" else ""))
    lines.append("---")
    body = draw(st.lists(st.one_of(SAFE_TEXT.map(lambda t: t.lstrip("#-*+ ") or "x"),
                                   st.just(""), st.just("## Log"),
                                   st.dates(dt.date(2020, 1, 1), dt.date(2026, 11, 23)).map(lambda d: f"- {d} note"),
                                   st.just("## Other")), max_size=8))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(lines + body) + (newline if draw(st.booleans()) else "")
    return text.encode()


def front_data(text: bytes) -> dict:
    decoded = text.decode().replace("\r\n", "\n")
    return yaml.load(decoded.split("\n---", 1)[0].removeprefix("---\n"), Loader=ContactLoader) or {}


TODAY = dt.date(2026, 11, 23)


@st.composite
def operation(draw):
    kind = draw(st.sampled_from(["touch", "snooze", "promise", "kept"]))
    if kind == "touch":
        return kind, {"day": draw(st.dates(dt.date(2020, 1, 1), TODAY)), "note": draw(SAFE_TEXT),
                      "via": draw(st.sampled_from([None, "phone", "in person"]))}
    if kind == "snooze":
        return kind, {"until": draw(st.dates(TODAY + dt.timedelta(days=1), dt.date(2030, 1, 1)))}
    if kind == "promise":
        return kind, {"what": draw(SAFE_TEXT), "by": draw(st.dates(TODAY, dt.date(2030, 1, 1)))}
    return kind, {}


CHANGED_KEYS = {"touch": {"last_touch"}, "snooze": {"snooze_until"}, "promise": {"promises"}, "kept": {"promises"}}


def key_lines(path: Path, keys: set[str]) -> set[int]:
    text = ContactText.read(path, path.name)
    found = set()
    for key in keys:
        span = text._key_span(key)
        if span:
            found.update(range(span[2], span[3]))
    return found


@EXAMPLES
@given(contact_file(), operation())
def test_edits_change_only_their_lines(original, op):
    kind, args = op
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        path = root / "contacts" / "someone.md"
        path.parent.mkdir()
        path.write_bytes(original)
        contact, problems = parse_contact(original.decode().replace("\r\n", "\n"), "contacts/someone.md", "someone")
        assert contact is not None, problems
        person = Person(contact, rule.assess(contact, Settings(), TODAY), "someone.md")
        if kind == "kept" and not contact.promises:
            return
        keys = CHANGED_KEYS[kind]
        before_lines = key_lines(path, keys)
        if kind == "touch":
            actions.touch(root, [person], TODAY, args["note"], args["day"], args["via"], commit=False)
        elif kind == "snooze":
            actions.snooze(root, person, args["until"], TODAY, commit=False)
        elif kind == "promise":
            actions.promise(root, person, args["what"], args["by"], TODAY, commit=False)
        else:
            actions.kept(root, person, TODAY, contact.promises[0].number, commit=False)
        edited = path.read_bytes()
        after_lines = key_lines(path, keys)

    # Outside the edited key's own lines, the edit only adds lines: the log entry, and the '## Log' heading
    # and blank lines around it when it makes the section. So the old lines are the new ones in order with
    # some taken out, and what was taken out is only such lines. (An old last line without a newline gets
    # one when something is added after it, hence lines compared without their ending.)
    old = [line.rstrip("\r\n") for i, line in enumerate(original.decode().splitlines(keepends=True))
           if i not in before_lines]
    new = [line.rstrip("\r\n") for j, line in enumerate(edited.decode().splitlines(keepends=True))
           if j not in after_lines]
    remaining = iter(new)
    assert all(any(line == later for later in remaining) for line in old), (old, new)
    added = Counter(new) - Counter(old)
    assert all(line in ("## Log", "") or re.match(r"- \d{4}-\d{2}-\d{2} ", line) for line in added), added

    before, after = front_data(original), front_data(edited)
    for key in set(before) | set(after):
        if key not in keys:
            assert before.get(key) == after.get(key), key
    reparsed, _ = parse_contact(edited.decode().replace("\r\n", "\n"), "contacts/someone.md", "someone")
    if kind == "touch":
        expected = max(contact.last_touch or args["day"], args["day"])
        assert reparsed.last_touch == expected
        assert len(reparsed.log) == len(contact.log) + 1
        assert {(e.date, e.text) for e in contact.log} <= {(e.date, e.text) for e in reparsed.log}
    elif kind == "snooze":
        assert reparsed.snooze_until == args["until"]
    elif kind == "promise":
        assert [(p.due, p.what) for p in reparsed.promises][-1] == (args["by"], " ".join(args["what"].split()))
        assert len(reparsed.promises) == len(contact.promises) + 1
    else:
        assert len(reparsed.promises) == len(contact.promises) - 1
    assert reparsed.notes == contact.notes or kind == "touch"
