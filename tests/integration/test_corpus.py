"""A corpus of bad and odd contact files: each is named with file and line, and the rest still builds."""

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from followup.store.journal import read_contacts
from helpers import BIN, CORPUS

# file -> (line, words of the message, is the person still in the journal)
BAD = {
    "yaml-unclosed-list.md": (4, "not valid YAML: did not find expected ',' or ']'", False),
    "yaml-tab-indent.md": (3, "this line has a tab where spaces are needed", False),
    "yaml-bad-colon.md": (2, "not valid YAML: mapping values are not allowed", False),
    "yaml-unclosed-quote.md": (4, "not valid YAML", False),
    "yaml-bad-indent.md": (3, "not valid YAML", False),
    "unclosed-front-matter.md": (1, "the front matter is never closed", False),
    "no-front-matter.md": (1, "no front matter", False),
    "empty.md": (1, "empty file", False),
    "only-whitespace.md": (1, "empty file", False),
    "front-matter-is-a-list.md": (2, "must be 'key: value' lines", False),
    "front-matter-is-text.md": (2, "must be 'key: value' lines", False),
    "front-matter-empty.md": (2, "the front matter is empty", False),
    "latin-1.md": (2, "not UTF-8 text (byte 0xe9)", False),
    "cr-only.md": (1, "old Mac line endings", False),
    "missing-name.md": (2, "no name: add a line 'name: ...'", True),
    "name-is-a-number.md": (2, "name must be text, not 42", True),
    "name-is-empty.md": (2, "name must be text", True),
    "name-is-a-list.md": (2, "name must be text", True),
    "cadence-is-a-mapping.md": (3, "cadence must be text such as 'monthly'", True),
    "cadence-unknown-word.md": (3, "unknown cadence 'now and then'", True),
    "cadence-zero.md": (3, "must be between 1 and 36500 days", True),
    "cadence-is-a-number.md": (3, "cadence must be text such as 'monthly', not 30", True),
    "last-touch-impossible.md": (4, "2026-02-30 is not a real day of the calendar", True),
    "last-touch-words.md": (4, "'last tuesday' is not a date written as YYYY-MM-DD", True),
    "last-touch-future.md": (4, "last_touch 2027-01-01 is in the future", True),
    "birthday-impossible.md": (3, "1984-13-01 is not a real day", True),
    "birthday-feb-29-no-leap.md": (3, "1983-02-29 is not a real day", True),
    "dates-not-a-mapping.md": (3, "dates must be 'label: YYYY-MM-DD' pairs", True),
    "dates-bad-value.md": (3, "anniversary: 'someday' is not a date", True),
    "status-unknown.md": (3, "status must be 'active' or 'inactive'", True),
    "snooze-bad.md": (3, "snooze_until: 'next week' is not a date", True),
    "next-bad.md": (3, "next: 2026-11-31 is not a real day", True),
    "promise-without-date.md": (4, "promise 1 (send the plans) has no 'due:' date", True),
    "promise-bad-date.md": (4, "promise 1: due: 2026-02-30 is not a real day", True),
    "promise-is-text.md": (4, "promise 1 needs 'what:'", True),
    "promises-not-a-list.md": (3, "promises must be a list", True),
    "categories-mapping.md": (3, "categories: {'a': 'b'} is not a text value", True),
    "categories-with-slash.md": (3, "category 'work/acme' has a '/'; it is listed as 'work-acme-", True),
    "phone-is-a-mapping.md": (3, "phone: {'home': 1} is not a text value", True),
    "duplicate-key.md": (4, "'name' is written twice (first on line 2)", True),
    "log-impossible-date.md": (6, "log entry: 2026-02-30 is not a real day", True),
    "deeply-nested.md": (3, "the front matter nests more than 20 levels deep", False),
    "b/duplicate-slug.md": (None, "the name 'duplicate-slug' is already used by contacts/a/duplicate-slug.md; "
                                  "this one is 'b-duplicate-slug' until one of the files is renamed", True),
    # made by the test: they cannot live in a git repository as they are
    "binary.md": (None, "binary file", False),
    "huge.md": (None, "file is 20.0 MB; a contact file is text under 1 MB", False),
    "link-to-outside.md": (None, "is a symbolic link", False),
    "link-to-a-contact.md": (None, "is a symbolic link", False),
    "loop/again": (None, "is a symbolic link, which followup does not follow; its files are not read", False),
}
# Odd but valid: no problem, and the person is shown.
GOOD = {"bom.md": "Bom Person", "crlf.md": "Crlf Person", "emoji-name.md": "Ana 🌻 Ribeiro",
        "rtl-name.md": "مريم الحداد", "hebrew-name.md": "דוד לוי", "index.md": "Index Person",
        "a/duplicate-slug.md": "First Duplicate"}


def make_corpus(folder: Path, outside: Path) -> None:
    shutil.copytree(CORPUS, folder, dirs_exist_ok=True)
    (folder / "binary.md").write_bytes(bytes(range(256)) * 4)
    (folder / "huge.md").write_bytes(b"---\nname: Huge\n---\n" + b"x" * 20_000_000)
    secret = outside / "secret.md"
    secret.write_text("---\nname: Not In The Journal\n---\nprivate\n")
    (folder / "link-to-outside.md").symlink_to(secret)
    (folder / "link-to-a-contact.md").symlink_to(folder / "bom.md")
    (folder / "loop").mkdir()
    (folder / "loop" / "again").symlink_to(folder / "loop", target_is_directory=True)


def test_the_corpus_is_large_enough():
    assert len(BAD) + len(GOOD) >= 40 and len(BAD) >= 40


@pytest.fixture(scope="module")
def corpus_result(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    make_corpus(root / "contacts", root)
    contacts, problems = read_contacts(root, root / "contacts", dt.date(2026, 11, 23))
    return {c.path.removeprefix("contacts/"): c for c in contacts}, problems


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_file_is_named_with_line_and_plain_message(corpus_result, name):
    contacts, problems = corpus_result
    mine = [p for p in problems if p.path == f"contacts/{name}"]
    line, words, kept = BAD[name]
    assert len(mine) == 1, problems
    assert mine[0].line == line and words in mine[0].message, str(mine[0])
    assert (name in contacts) == kept


@pytest.mark.parametrize("name", sorted(GOOD))
def test_odd_but_valid_file_reads(corpus_result, name):
    contacts, problems = corpus_result
    assert not [p for p in problems if p.path == f"contacts/{name}"]
    assert contacts[name].name == GOOD[name]


def test_check_and_problems_page_and_strict_on_the_whole_corpus(journal):
    make_corpus(journal.contacts, journal.root)
    journal.write("good.md", "---\nname: Good Person\ncadence: weekly\nlast_touch: 2026-11-20\n---\n")
    check = journal.followup("check")
    assert check.returncode == 1 and "Traceback" not in check.stdout + check.stderr
    reported = check.stdout.splitlines()
    for name, (line, words, _) in BAD.items():
        prefix = f"contacts/{name}:{line}: " if line else f"contacts/{name}: "
        assert any(r.startswith(prefix) and words in r for r in reported), name
    assert len(reported) == len(BAD)

    result = journal.build()
    assert "Traceback" not in result.stderr
    rows = journal.page("problems").select("tbody tr")
    assert len(rows) == len(BAD)
    shown = {tr.select_one(".fu-path").get_text(): tr.select_one(".fu-line").get_text() for tr in rows}
    assert shown == {f"contacts/{name}": str(line or "") for name, (line, _, _) in BAD.items()}
    site = journal.root / "site"
    assert (site / "people/good-person/index.html").exists() or (site / "people/good/index.html").exists()
    assert (site / "people/index_/index.html").exists()
    assert "Ana 🌻 Ribeiro" in journal.page("people/emoji-name").select_one("h1").get_text()
    built = [p for p in site.rglob("*") if p.is_file() and p.suffix in (".html", ".json", ".md")]
    assert not [p for p in built if p.suffix == ".md"]  # nothing from contacts/ is copied as it is
    assert not [p for p in built if "Not In The Journal" in p.read_text(errors="replace")]

    strict = journal.build("--strict", check=False)
    assert strict.returncode != 0 and "Traceback" not in strict.stderr


def test_gh_deploy_is_refused_unless_publish(journal):
    journal.write("ana.md", "---\nname: Ana\n---\n")
    journal.commit("Add Ana")
    refused = subprocess.run([str(BIN / "mkdocs"), "gh-deploy", "--no-history"], cwd=journal.root,
                             capture_output=True, text=True)
    assert refused.returncode != 0 and "refusing to publish a private journal" in refused.stderr
    assert "Traceback" not in refused.stderr
