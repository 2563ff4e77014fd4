"""What someone trying found in minutes, each a test: files, exports and commits written by the test as real
tools write them. Each case is one problem or one clear line; the rest of the journal works and nothing is lost.
(The fuzz suite in tests/fuzz/ looks for the next ones.)"""

from __future__ import annotations

import os
import resource
import signal
import subprocess

from bs4 import BeautifulSoup

from followup.store.journal import Journal
from helpers import BIN, card, csv_bytes, run_measured, vcf

ANA = "---\nname: Ana Ribeiro\ncategories: [friends]\ncadence: monthly\nlast_touch: 2026-11-01\n---\nArchitect.\n"
ESC, BEL = "\x1b", "\x07"
HOSTILE = f"Call {ESC}]52;c;Y3VybA=={BEL}{ESC}[2J done"  # OSC 52 writes the clipboard; CSI 2J clears the screen


def no_control(text: str) -> bool:
    return ESC not in text and BEL not in text and "\x9b" not in text


def test_a_link_that_points_at_itself_is_one_problem(journal):
    journal.write("ana.md", ANA)
    (journal.contacts / "loop.md").symlink_to("loop.md")
    (journal.contacts / "loops").symlink_to("loops")
    check = journal.followup("check")
    assert check.returncode == 1 and "Traceback" not in check.stderr
    assert check.stdout.splitlines() == ["contacts/loop.md: is a symbolic link, which followup does not follow; "
                                         "only regular files are read"]
    journal.build()
    assert (journal.root / "site/people/ana/index.html").is_file()


# ---- address books --------------------------------------------------------------------------------------------

def test_structured_vcard_values_may_hold_lists_in_any_component(journal):
    data = vcf(card("N:Perreault;Simon;;;ing. jr,M.Sc.", "FN:Simon Perreault",
                    "ORG:ABC\\, Inc.;North American Division;Marketing",
                    "ADR;TYPE=work:;;123 Main St,Suite 4;Montréal;QC;H2X 1Y4;Canada", "GENDER:M;boss,mentor",
                    version="4.0"),
               card("N:Lee;Ann,Mary;;Dr.,Prof.;", "ORG:Big,Small;Unit", "CATEGORIES:friends,clients",
                    "EMAIL:ann@example.org", version="4.0"))
    (journal.root / "rfc.vcf").write_bytes(data)
    done = journal.followup("import", "rfc.vcf")
    assert done.returncode == 0, done.stderr
    assert "2 created" in done.stdout
    people = {person.slug: person.contact for person in Journal.load(journal.root).people}
    assert people["simon-perreault"].name == "Simon Perreault"
    assert people["dr-prof-ann-mary-lee"].name == "Dr., Prof. Ann, Mary Lee"
    assert people["dr-prof-ann-mary-lee"].categories == ("friends", "clients")


def test_a_macos_export_in_utf16_big_endian_without_a_bom(journal):
    text = "\r\n".join(["BEGIN:VCARD", "VERSION:3.0", "N:Ølgaard;Søren;;;", "FN:Søren Ølgaard",
                        "EMAIL;type=INTERNET:soren@example.dk", "END:VCARD"]) + "\r\n"
    (journal.root / "Contacts.vcf").write_bytes(text.encode("utf-16-be"))
    done = journal.followup("import", "Contacts.vcf")
    assert done.returncode == 0 and "1 created" in done.stdout, done.stderr
    assert Journal.load(journal.root).by_slug["soren-olgaard"].contact.emails == ("soren@example.dk",)


def test_a_huge_value_is_left_out_and_said_and_the_rest_imported(journal):
    note = "A very long note. " * 1_700_000  # 30 MB, folded at 75 columns as exporters fold
    folded = [f"NOTE:{note[:70]}", *(" " + note[i:i + 74] for i in range(70, len(note), 74))]
    data = vcf(card("FN:Long Note", "EMAIL:long@example.org", *folded), card("FN:Short Note", "EMAIL:s@example.org"))
    (journal.root / "big.vcf").write_bytes(data)
    done, peak_mb = run_measured([str(BIN / "followup"), "import", "big.vcf"], journal.root)
    assert done.returncode == 0 and "2 created" in done.stdout, done.stderr
    assert "NOTE (line 5) holds 30.6 MB, more than the 256 KB a value may; it is left out" in done.stdout
    assert peak_mb < 600, peak_mb  # 4.4 GB before: the value never reaches the vCard parser

    header = ["First Name", "Last Name", "E-mail 1 - Value", "Notes"]
    rows = [{"First Name": "Big", "Last Name": "Cell", "E-mail 1 - Value": "big@example.org", "Notes": "x" * 300_000},
            {"First Name": "After", "Last Name": "It", "E-mail 1 - Value": "after@example.org"}]
    (journal.root / "google.csv").write_bytes(csv_bytes(header, rows))
    done = journal.followup("import", "google.csv")
    assert done.returncode == 0 and "2 created" in done.stdout, done.stderr
    assert "Notes holds 0.3 MB, more than the 256 KB a value may; it is cut there" in done.stdout


def test_numbers_dial_with_their_extension_and_match_by_e164(journal):
    journal.write("ana.md", ANA.replace("---\nArchitect", "phone: 555-0100 ext 12\n---\nArchitect"))
    journal.write("bo.md", "---\nname: Bo Berg\nphone: '+46 8 123 456 78'\ncadence: weekly\n---\n")
    journal.settings("default_region: US")
    journal.commit("Two")
    journal.build()
    ana = BeautifulSoup((journal.root / "site/people/ana/index.html").read_text(), "html.parser")
    assert ana.select_one("a.fu-reach-phone")["href"] == "tel:+1-5550100;ext=12"
    (journal.root / "phone.vcf").write_bytes(vcf(card("FN:Bo", "TEL;TYPE=CELL:08-123 456 78"),
                                                 card("FN:Ana R", "TEL:+1 555 0100")))
    planned = journal.followup("import", "phone.vcf", "--dry-run").stdout
    assert "Bo (phone.vcf: card 1 (line 1))" in planned and "would create" in planned  # in Sweden; not by digits
    assert "skip: Ana R (phone.vcf: card 2 (line 6)): same phone as contacts/ana.md" in planned
    journal.settings("default_region: SE")
    assert "skip: Bo (phone.vcf: card 1 (line 1)): same phone as contacts/bo.md" in \
        journal.followup("import", "phone.vcf", "--dry-run").stdout
    journal.settings("default_region: Sweden")
    refused = journal.followup("due")
    assert refused.returncode == 1 and "default_region must be a country's two-letter code" in refused.stderr


# ---- values over several lines --------------------------------------------------------------------------------

def test_a_category_or_an_owner_over_several_lines_is_read_as_one(journal, mail_server):
    journal.write("ana.md", "---\nname: Ana Ribeiro\ncategories: [\"book\\nclub\"]\ncadence: weekly\n"
                            "last_touch: 2026-11-01\nowner: |\n  hal\n  jordan\n---\n")
    journal.write("tom.md", "---\nname: Tom Okafor\ncategories: book club\ncadence: weekly\nowner: hal jordan\n---\n")
    journal.commit("Two")
    check = journal.followup("check")
    assert check.stdout.splitlines() == [
        "contacts/ana.md:3: categories: 'book club' is written over several lines; it is read as one",
        "contacts/ana.md:6: owner: 'hal jordan' is written over several lines; it is read as one"]
    assert journal.followup("ics").returncode == 0
    journal.build()
    assert len(Journal.load(journal.root).categories["book club"]) == 2
    start, certificates = mail_server
    inbox, port = start()
    journal.settings(f"mail: {{host: 127.0.0.1, port: {port}, user: tess@example.org}}")
    sent = journal.followup("digest", "--send", "--owner", "hal jordan",
                            env={**certificates, "FOLLOWUP_SMTP_PASSWORD": "s3cret"})
    assert sent.returncode == 0, sent.stderr
    assert len(inbox.messages) == 1


# ---- what reaches a terminal, a page or a feed -----------------------------------------------------------------

def test_no_escape_sequence_reaches_a_terminal_a_page_or_a_feed(journal):
    journal.write("ana.md", ANA + "\n## Log\n- 2026-11-01 Coffee\n")
    journal.commit("Ana")
    odd = journal.write(f"odd{ESC}[31mname.md", "---\ncadence: weekly\n---\n")  # no name: shown by its file name
    journal.write("broken.md", f"---\nname: [{ESC}]0;pwned{BEL}\n---\n")
    touched = ANA.replace("2026-11-01", "2026-11-20")
    (journal.contacts / "ana.md").write_text(touched + "\n## Log\n- 2026-11-01 Coffee\n")
    subprocess.run(["git", "-C", str(journal.root), "add", "-A"], check=True)
    env = {**os.environ, "GIT_AUTHOR_NAME": f"Mallory{ESC}[8m\tTab", "GIT_COMMITTER_NAME": "Mallory"}
    subprocess.run(["git", "-C", str(journal.root), "commit", "-q", "-m", HOSTILE], check=True, env=env)
    (journal.root / "odd.vcf").write_bytes(vcf(card(f"FN:Eve {ESC}[2J{BEL}", "EMAIL:eve@example.org")))
    outputs = [journal.followup(*command) for command in (
        ["log", "ana"], ["show", "ana"], ["review"], ["check"], ["import", "odd.vcf", "--dry-run"], ["due", "--all"],
        ["log", "ana", "--json"], ["digest"], ["ics"], ["build"])]
    for done in outputs:
        assert no_control(done.stdout + done.stderr), done.args
    [call] = [line for line in journal.followup("log", "ana").stdout.splitlines() if "Call" in line]
    assert call.split()[-1] == journal.git("log", "-1", "--format=%h").stdout.strip()  # the commit column holds
    assert "Call \ufffd]52;c;Y3VybA==\ufffd\ufffd[2J done" in call
    assert odd.stem.replace(ESC, "\ufffd") in journal.followup("due", "--all").stdout
    for page in (journal.root / "site").rglob("*"):
        if page.suffix in (".html", ".js", ".json", ".ics", ".xml"):
            assert no_control(page.read_text(encoding="utf-8")), page


# ---- names and pages ------------------------------------------------------------------------------------------

def test_every_file_keeps_a_page_of_its_own(journal):
    journal.write("index.md", "---\nname: Index\ncadence: weekly\n---\n")
    journal.write("index-page.md", "---\nname: Index Page\ncadence: weekly\n---\n")
    journal.write("a/same.md", "---\nname: Same A\ncadence: weekly\n---\n")
    journal.write("b/same.md", "---\nname: Same B\ncadence: weekly\n---\n")
    journal.commit("Four")
    check = journal.followup("check")
    assert check.stdout.splitlines() == ["contacts/b/same.md: the name 'same' is already used by contacts/a/same.md; "
                                         "this one is 'b-same' until one of the files is renamed"]
    journal.build()
    people = BeautifulSoup((journal.root / "site/people/index.html").read_text(), "html.parser")
    links = {a.get_text(strip=True): a["href"] for a in people.select("td a[href]") if "Call" not in a.get_text()}
    names = ["Index", "Index Page", "Same A", "Same B"]
    assert len({links[name] for name in names}) == 4
    for name in names:
        page = BeautifulSoup((journal.root / "site/people" / links[name] / "index.html").read_text(), "html.parser")
        assert page.h1.get_text(strip=True) == name
    assert journal.followup("show", "b-same").stdout.startswith("Same B")


def test_categories_that_slug_alike_keep_pages_and_feeds_of_their_own(journal):
    journal.write("ana.md", "---\nname: Ana\ncategories: [C++, C#]\ncadence: weekly\n---\n")
    journal.write("bo.md", "---\nname: Bo\ncategories: [C#, Book Club]\ncadence: weekly\n---\n")
    journal.write("cy.md", "---\nname: Cy\ncategories: [c++, book club, book-club]\ncadence: weekly\n---\n")
    journal.commit("Three")
    journal.build()
    categories = Journal.load(journal.root).categories
    assert {name: [person.slug for person in people] for name, people in categories.items()} == \
        {"Book Club": ["bo", "cy"], "C#": ["ana", "bo"], "C++": ["ana", "cy"]}
    sharp = journal.followup("ics", "--category", "C#").stdout
    assert "Reach Ana" in sharp and "Reach Bo" in sharp and "Reach Cy" not in sharp
    hit_list = BeautifulSoup((journal.root / "site/categories/index.html").read_text(), "html.parser")
    pages = [a["href"] for a in hit_list.select("td a[href$='/']")]
    assert len(pages) == len(set(pages)) == 3


def test_an_image_path_that_decodes_outside_the_site_is_not_shown(journal):
    journal.write("ana.md", ANA + "\n![p](%2e%2e/%2e%2e/%2e%2e/escaped.png) ![q](%2E%2e/x.png)\n")
    journal.commit("Ana")
    journal.build()
    page = BeautifulSoup((journal.root / "site/people/ana/index.html").read_text(), "html.parser")
    sources = [image.get("src") for image in page.select(".fu-notes img")]
    assert sources == [None, "%2E%2e/x.png"]


# ---- the disk ---------------------------------------------------------------------------------------------------

def full_disk_after(size: int):
    """Files may grow to `size` bytes and no further, as on a disk that is full: a write past it fails with
    EFBIG (File too large) instead of killing the writer."""
    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    return limit


def test_a_build_on_a_full_disk_keeps_the_last_good_site_and_says_one_line(journal):
    for number in range(30):
        journal.write(f"p{number}.md", f"---\nname: Person {number}\ncadence: weekly\n---\n" + "Notes. " * 400)
    journal.commit("Thirty")
    assert journal.followup("build").returncode == 0
    before = {path.relative_to(journal.root): path.read_bytes() for path in (journal.root / "site").rglob("*.html")}
    journal.write("p0.md", "---\nname: Person Zero\ncadence: weekly\n---\nChanged.\n")
    failed = subprocess.run([str(BIN / "followup"), "build"], cwd=journal.root, capture_output=True, text=True,
                            preexec_fn=full_disk_after(20_000))
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    last = failed.stderr.strip().splitlines()[-1]
    assert last.startswith("followup: the build stopped: OSError: [Errno 27] File too large")
    assert last.endswith("the last good site is kept")
    after = {path.relative_to(journal.root): path.read_bytes() for path in (journal.root / "site").rglob("*.html")}
    assert after == before
    assert not [path for path in journal.root.iterdir() if path.name.startswith(".site-")]


# ---- git ---------------------------------------------------------------------------------------------------------

def test_the_merge_driver_is_linear_in_the_entries_of_each_side(tmp_path):
    from followup.store.merge import merge_contact

    base = "---\nname: Ana\nlast_touch: 2000-01-01\n---\n\n## Log\n"

    def side(offset: int) -> bytes:
        days = [f"{2000 + (2 * n + offset) // 360:04d}-{(2 * n + offset) % 360 // 30 + 1:02d}-"
                f"{(2 * n + offset) % 30 + 1:02d}" for n in range(2000)]
        return (base + "".join(f"- {day} Call {offset}-{n}\n" for n, day in reversed(list(enumerate(days))))).encode()

    merged, clean = merge_contact(base.encode(), side(0), side(1))
    entries = [line for line in merged.decode().splitlines() if line.startswith("- ")]
    assert clean and len(entries) == 4000
    assert entries == sorted(entries, key=lambda line: line.split()[1], reverse=True)  # newest first, as both keep

