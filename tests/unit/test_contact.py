"""Parsing contact files: fields, the log, and problems that name the line."""

import datetime as dt
import pickle

from followup.core.contact import parse_contact
from followup.store.files import load_contact

EXAMPLE = """\
---
name: Ana Ribeiro                  # required
categories: [friends, six-pack]
cadence: quarterly
last_touch: 2026-09-14
channel: phone
phone: "+1 555 0100"
email: ana@example.org
birthday: 1984-04-12
dates: {wedding anniversary: 2012-06-02}
status: active
snooze_until: 2026-12-01
next: 2026-12-20
promises:
  - {due: 2026-11-25, what: send the lease comparables}
owner: hal
favourite_tea: genmaicha
---
Free notes in Markdown.

## Log
- 2026-09-14 Coffee at Rosa's; she starts at the clinic in October.
- 2026-06-02: Called for their anniversary.
  She sounded tired.

### 2026-03-01 Dinner
Long talk about the move.

## Later
Notes again.
"""


def parse(text, stem="ana"):
    return parse_contact(text, f"contacts/{stem}.md", stem)


def test_the_documented_example():
    contact, problems = parse(EXAMPLE)
    assert problems == []
    assert contact.name == "Ana Ribeiro" and contact.slug == "ana"
    assert contact.categories == ("friends", "six-pack")
    assert str(contact.cadence) == "quarterly"
    assert contact.last_touch == dt.date(2026, 9, 14)
    assert contact.phones == ("+1 555 0100",) and contact.emails == ("ana@example.org",)
    assert str(contact.birthday) == "1984-04-12"
    assert str(contact.dates["wedding anniversary"]) == "2012-06-02"
    assert contact.snooze_until == dt.date(2026, 12, 1) and contact.next == dt.date(2026, 12, 20)
    assert [(p.due, p.what) for p in contact.promises] == [(dt.date(2026, 11, 25), "send the lease comparables")]
    assert contact.owner == "hal"
    assert contact.extra == {"favourite_tea": "genmaicha"}
    assert [(e.date, e.text, e.line) for e in contact.log] == [
        (dt.date(2026, 9, 14), "Coffee at Rosa's; she starts at the clinic in October.", 22),
        (dt.date(2026, 6, 2), "Called for their anniversary. She sounded tired.", 23),
        (dt.date(2026, 3, 1), "Dinner — Long talk about the move.", 26),
    ]
    assert contact.notes == "Free notes in Markdown.\n\n## Later\nNotes again."


def test_a_contact_comes_back_whole_from_the_parse_cache():
    contact, problems = parse(EXAMPLE.replace("status: active", "status: nonsense"))
    assert problems and contact.promises and contact.log and contact.birthday and contact.cadence
    assert pickle.loads(pickle.dumps((contact, problems))) == (contact, problems)


def test_categories_may_be_one_string():
    contact, _ = parse("---\nname: A\ncategories: clients\n---\n")
    assert contact.categories == ("clients",)


def problems_of(text):
    return [(p.line, p.message) for p in parse(text)[1]]


def test_field_problems_name_the_line_and_keep_the_contact():
    text = "---\nname: Ana\ncadence: sometimes\nlast_touch: 2026-02-30\nstatus: gone\n---\n"
    contact, problems = parse(text)
    assert contact is not None and contact.cadence_given is False
    lines = [(p.line, p.message.split(";")[0].split(":")[0]) for p in problems]
    assert [line for line, _ in lines] == [3, 4, 5]
    assert "unknown cadence 'sometimes'" in problems[0].message
    assert "2026-02-30 is not a real day" in problems[1].message
    assert str(problems[0]).startswith("contacts/ana.md:3: ")


def test_structural_problems_drop_the_file_with_a_plain_message():
    assert problems_of("") == [(1, "empty file; a contact starts with '---', a line 'name: ...', and '---'")]
    assert "no front matter" in problems_of("Just notes\n")[0][1]
    assert "never closed" in problems_of("---\nname: A\n")[0][1]
    line, message = problems_of("---\nname: A\ncategories: [a, b\ncadence: weekly\n---\n")[0]
    assert line in (3, 4, 5) and "not valid YAML" in message
    tab = "this line has a tab where spaces are needed: YAML indents with spaces, never tabs"
    assert problems_of("---\nname: A\n\tcadence: weekly\n---\n")[0] == (3, tab)
    assert problems_of("---\nname: A\ncategories:\n\t- friends\n---\n")[0] == (4, tab)  # in a list, too
    assert problems_of("---\nname: A\ncategories:\n  - a\n  -\tb\n---\n")[0] == (5, tab)
    assert "key: value" in problems_of("---\n- a list\n---\n")[0][1]


def test_missing_or_wrong_name_falls_back_to_the_file_name():
    contact, problems = parse("---\ncadence: weekly\n---\n", stem="bob")
    assert contact.name == "bob" and "no name" in problems[0].message
    contact, problems = parse("---\nname: 42\n---\n", stem="bob")
    assert problems[0].line == 2 and "name must be text" in problems[0].message


def test_promise_without_a_date_is_reported_on_its_line():
    text = "---\nname: A\npromises:\n  - {due: 2026-11-25, what: one}\n  - {what: two}\n---\n"
    contact, problems = parse(text)
    assert [p.what for p in contact.promises] == ["one"]
    assert (problems[0].line, problems[0].message) == (5, "promise 2 (two) has no 'due:' date")


def test_bad_log_date_is_reported_and_skipped():
    contact, problems = parse("---\nname: A\n---\n\n## Log\n- 2026-02-30 nope\n- 2026-02-28 yes\n")
    assert [e.text for e in contact.log] == ["yes"]
    assert (problems[0].line, "not a real day" in problems[0].message) == (6, True)


def test_file_encodings(tmp_path):
    crlf = tmp_path / "crlf.md"
    crlf.write_bytes(b"---\r\nname: Crlf\r\ncadence: weekly\r\n---\r\nnotes\r\n")
    bom = tmp_path / "bom.md"
    bom.write_bytes("\ufeff---\nname: Bom\n---\n".encode())
    latin = tmp_path / "latin.md"
    latin.write_bytes("---\nname: Jos\xe9\n---\n".encode("latin-1"))
    binary = tmp_path / "binary.md"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\0\0")
    assert load_contact(crlf, "crlf.md")[0].name == "Crlf"
    assert load_contact(bom, "bom.md")[0].name == "Bom"
    contact, problems = load_contact(latin, "latin.md")
    assert contact is None and (problems[0].line, problems[0].message) == (
        2, "not UTF-8 text (byte 0xe9); save the file as UTF-8")
    assert "binary file" in load_contact(binary, "binary.md")[1][0].message


DEEP_LAYOUTS = {
    "flow brackets": "x: " + "[" * 5000,
    "flow braces, one a line": "x:\n" + "{a:\n" * 2000,
    "nested keys": "x:\n" + "".join(" " * i + "k:\n" for i in range(1, 350)),
    "sequences of sequences": "x:\n" + "- " * 3000 + "a\n",
    "sequences at their key's indentation": "x:\n" + "".join("  " * i + "- b:\n" for i in range(150)),
}


def test_deep_front_matter_is_refused_in_our_words_whatever_pyyaml_says():
    """PyYAML 6.0.4 stops at 1,000 levels with a message of its own ("exceeded maximum nesting depth"); the
    depth is judged on the text before YAML sees it, so every release says the same."""
    for layout, front in DEEP_LAYOUTS.items():
        _, problems = parse_contact(f"---\nname: Deep\n{front}\n---\n", "deep.md", "deep")
        assert [problem.message for problem in problems] == ["the front matter nests more than 20 levels deep"], layout
        assert problems[0].line is not None and problems[0].line <= 25, layout


def test_what_a_contact_writes_is_never_taken_for_deep_nesting():
    text = EXAMPLE.replace("owner: hal", "owner: hal\nnote: |\n  [[[[[[[[[[[[[[[[[[[[[[[[[[[[\n"
                                          "title: \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"  # {{{{{{{{{{{{{{{{{{{{{{\n"
                                          "motto: Ana [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n"
                                          "quoted: '[[[[[[[[[[[[[''[[[[[[[[[[[[[[[[['\n")
    contact, problems = parse_contact(text, "ana.md", "ana")
    assert problems == [] and contact is not None and contact.extra["motto"].startswith("Ana [[")
