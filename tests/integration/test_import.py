"""Real address books come in whole: the exports of iPhone/iCloud, macOS, Android, Outlook, Google and LinkedIn,
as the bytes those tools write (built by helpers.py), imported through the real console script."""

from __future__ import annotations

import json
import os
import pty
import subprocess

import pytest
import yaml

from helpers import BIN, PHOTO, card, commits, csv_bytes, fold, iphone_card, many_cards, quoted_printable, vcf


def imported(journal, name: str, data: bytes, *args: str) -> subprocess.CompletedProcess:
    (journal.root / name).write_bytes(data)
    return journal.followup("import", name, *args)


def people(journal) -> dict[str, dict]:
    """Each contact file's front matter and notes, by file name."""
    found = {}
    for path in sorted(journal.contacts.rglob("*.md")):
        _, front, body = path.read_text(encoding="utf-8").split("---", 2)
        found[path.stem] = {**yaml.safe_load(front), "notes": body.split("## Log")[0].strip()}
    return found


# ---- line endings, encodings, charsets -------------------------------------------------------------------

@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r", "\r\r\n"], ids=["CRLF", "LF", "CR", "CRCRLF"])
def test_every_line_ending_reads_the_same_even_with_folded_photos(journal, newline):
    data = vcf(iphone_card("Ana", "Ribeiro", "ana@example.org", "+1 555 0100", "Met at the clinic"),
               iphone_card("Bruno", "Costa", "bruno@example.org"), newline=newline)
    result = imported(journal, "iCloud.vcf", data)
    assert result.returncode == 0 and result.stdout.splitlines()[-1] == "2 created, 0 merged, 0 skipped", result.stdout
    found = people(journal)
    assert found["ana-ribeiro"]["email"] == "ana@example.org" and found["ana-ribeiro"]["phone"] == "+1 555 0100"
    assert found["ana-ribeiro"]["notes"] == "Met at the clinic" and found["bruno-costa"]["name"] == "Bruno Costa"
    assert PHOTO[:40] not in "".join(path.read_text() for path in journal.contacts.glob("*.md"))


def test_a_declared_charset_is_honoured_on_every_property_raw_or_quoted_printable(journal):
    shift_jis = "山田太郎".encode("shift_jis")
    lines = [
        b"BEGIN:VCARD", b"VERSION:2.1",
        b"N;CHARSET=SHIFT_JIS:" + "山田".encode("shift_jis") + b";" + "太郎".encode("shift_jis") + b";;;",
        b"FN;CHARSET=SHIFT_JIS;ENCODING=QUOTED-PRINTABLE:" + quoted_printable(shift_jis, first_width=10),
        b"ORG;CHARSET=SHIFT_JIS:" + "山田商事".encode("shift_jis"), b"TEL;CELL:090-1234-5678", b"END:VCARD",
        b"BEGIN:VCARD", b"VERSION:2.1", b"FN;CHARSET=WINDOWS-1252:J\xfcrgen M\xfcller",
        b"NOTE;CHARSET=windows-1252;QUOTED-PRINTABLE:Caf=E9 au march=E9", b"END:VCARD",
        b"BEGIN:VCARD", b"VERSION:2.1", b"FN;CHARSET=ISO-8859-2:" + "Łukasz Żółć".encode("iso-8859-2"), b"END:VCARD",
        b"BEGIN:VCARD", b"VERSION:3.0", b"FN;CHARSET=UTF-8:Zo\xc3\xab O'Brien", b"END:VCARD",
        b"BEGIN:VCARD", b"VERSION:2.1", b"FN:Se\xf1ora Pe\xf1a", b"EMAIL:pena@example.org", b"END:VCARD",  # no charset
        b"BEGIN:VCARD", b"VERSION:2.1", b"FN;ENCODING=QUOTED-PRINTABLE:Jos=E9 Ib=E1=F1ez", b"END:VCARD",
    ]
    result = imported(journal, "old-phone.vcf", b"\r\n".join(lines) + b"\r\n")
    assert result.returncode == 0 and result.stdout.splitlines()[-1] == "6 created, 0 merged, 0 skipped", result.stdout
    names = {record["name"] for record in people(journal).values()}
    assert names == {"山田太郎", "Jürgen Müller", "Łukasz Żółć", "Zoë O'Brien", "Señora Peña", "José Ibáñez"}
    yamada = next(r for r in people(journal).values() if r["name"] == "山田太郎")
    assert yamada["organisation"] == "山田商事" and yamada["phone"] == "090-1234-5678"
    assert next(r for r in people(journal).values() if r["name"] == "Jürgen Müller")["notes"] == "Café au marché"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_files_with_a_bom_as_macos_writes_them(journal, encoding):
    text = "\r\n".join(card("N:Ølgaard;Søren;;;", "FN:Søren Ølgaard", "EMAIL;type=INTERNET:soren@example.dk")) + "\r\n"
    data = text.encode(encoding)
    if encoding != "utf-16":  # the BOM the codec adds for plain utf-16, written by hand for the others
        data = ("\ufeff" + text).encode(encoding)
    result = imported(journal, "Address Book.vcf", data)
    assert result.returncode == 0 and result.stdout.splitlines()[-1] == "1 created, 0 merged, 0 skipped", result.stdout
    assert people(journal)["soren-olgaard"]["email"] == "soren@example.dk"


def test_one_undecodable_byte_loses_that_property_only_and_says_so(journal):
    data = (b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Ana Ribeiro\r\nEMAIL:ana@example.org\r\n"
            b"ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Caf=C3=A9 Central =80\r\nTITLE:Owner\r\nEND:VCARD\r\n"
            b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN;CHARSET=KLINGON-8:Worf\r\nEMAIL:worf@example.org\r\nEND:VCARD\r\n")
    result = imported(journal, "cards.vcf", data)
    assert result.returncode == 0 and result.stdout.splitlines()[-1] == "2 created, 0 merged, 0 skipped"
    assert "  lost: ORG (line 5): byte 0x80 is not UTF-8 text, as CHARSET= says" in result.stdout.splitlines()
    assert "  lost: FN (line 10): unknown CHARSET=KLINGON-8" in result.stdout.splitlines()
    ana = people(journal)["ana-ribeiro"]
    assert ana["title"] == "Owner" and ana["email"] == "ana@example.org" and "organisation" not in ana
    assert people(journal)["worf-example-org"]["email"] == "worf@example.org"  # named by its email instead


def test_quoted_printable_soft_breaks_and_escaped_commas_keep_the_whole_note(journal):
    note = "Met at the trade fair in Lisbon, stand B12. Prefers calls before 10, or after 4; never on Fridays.\n" \
           "Daughter: Inês, plays the cello."
    encoded = quoted_printable(note.encode("utf-8")).replace(b",", b"=2C")
    assert encoded.count(b"=\r\n") >= 2 and b"=0D=0A" in encoded and b"=2C" in encoded
    data = b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Ana Ribeiro\r\nNOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:" + encoded \
        + b"\r\nEMAIL;INTERNET:ana@example.org\r\nEND:VCARD\r\n"
    assert imported(journal, "android.vcf", data).returncode == 0
    ana = people(journal)["ana-ribeiro"]
    assert ana["notes"] == note and ana["email"] == "ana@example.org"


# ---- cards without a name, files that are not address books ------------------------------------------------

def test_a_card_is_named_from_fn_else_n_else_org_else_email_else_phone_or_skipped(journal):
    data = vcf(card("FN:", "N:Lind;Sofia;;;"), card("FN:", "ORG:Santos Engineering;Structures"),
               card("EMAIL:first@example.org"), card("EMAIL:second@example.org"), card("TEL:+44 20 7946 0000"),
               card(*fold(f"PHOTO;ENCODING=b;TYPE=JPEG:{PHOTO}")))
    result = imported(journal, "nameless.vcf", data)
    assert result.stdout.splitlines()[-1] == "5 created, 0 merged, 1 skipped", result.stdout
    assert "skip: nameless.vcf: card 6 (line 23): no name, organisation, email or phone (a picture only?)" \
        in result.stdout
    assert sorted(r["name"] for r in people(journal).values()) == [
        "+44 20 7946 0000", "Santos Engineering", "Sofia Lind", "first@example.org", "second@example.org"]
    assert journal.followup("check").returncode == 0


NOT_ADDRESS_BOOKS = {
    "photo.png": b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89",
    "empty.vcf": b"",
    "blank.vcf": b"\r\n  \r\n",
    "calendar.ics": b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:Lunch\r\nEND:VEVENT\r\n"
                    b"END:VCALENDAR\r\n",
    "bank.csv": b"Date,Description,Amount\r\n2026-11-01,Coffee,-3.50\r\n",
}


@pytest.mark.parametrize("name", sorted(NOT_ADDRESS_BOOKS))
def test_a_file_that_is_not_an_address_book_is_refused_and_nothing_is_written(journal, name):
    (journal.root / "good.vcf").write_bytes(vcf(card("FN:Ana Ribeiro")))
    (journal.root / name).write_bytes(NOT_ADDRESS_BOOKS[name])
    result = journal.followup("import", "good.vcf", name)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"{name}: not a vCard, Google CSV or LinkedIn CSV export" in result.stderr
    assert not list(journal.contacts.glob("*.md")) and commits(journal) == ["Start a followup journal"]


# ---- CSV exports --------------------------------------------------------------------------------------------

GOOGLE_NOW = ["First Name", "Middle Name", "Last Name", "Phonetic First Name", "Phonetic Middle Name",
              "Phonetic Last Name", "Name Prefix", "Name Suffix", "Nickname", "File As", "Organization Name",
              "Organization Title", "Organization Department", "Birthday", "Notes", "Photo", "Labels",
              "E-mail 1 - Label", "E-mail 1 - Value", "E-mail 2 - Label", "E-mail 2 - Value", "Phone 1 - Label",
              "Phone 1 - Value", "Address 1 - Label", "Address 1 - Formatted"]
GOOGLE_BEFORE = ["Name", "Given Name", "Additional Name", "Family Name", "Yomi Name", "Birthday", "Notes", "Photo",
                 "Group Membership", "E-mail 1 - Type", "E-mail 1 - Value", "Phone 1 - Type", "Phone 1 - Value",
                 "Organization 1 - Type", "Organization 1 - Name", "Organization 1 - Title"]
OUTLOOK = ["First Name", "Middle Name", "Last Name", "Title", "Suffix", "Nickname", "Given Yomi", "Surname Yomi",
           "E-mail Address", "E-mail 2 Address", "E-mail 3 Address", "Home Phone", "Home Phone 2", "Business Phone",
           "Business Phone 2", "Mobile Phone", "Car Phone", "Other Phone", "Primary Phone", "Pager", "Business Fax",
           "Job Title", "Department", "Company", "Office Location", "Birthday", "Anniversary", "Notes", "Categories"]
LINKEDIN = ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]
LINKEDIN_PREFACE = ('Notes:\r\n"When exporting your connection data, you may notice that some of the email addresses '
                    'are missing."\r\n\r\n')


def test_googles_current_and_older_csv_headers_and_its_labels(journal):
    now = csv_bytes(GOOGLE_NOW, [
        {"First Name": "Elif", "Last Name": "Yilmaz", "Organization Name": "Yilmaz Hotels",
         "Organization Title": "Owner", "Birthday": "1988-07-09", "Notes": "Boutique hotels.\nCall on Mondays.",
         "Labels": "* myContacts ::: * starred ::: Clients", "E-mail 1 - Label": "* Work",
         "E-mail 1 - Value": "elif@yilmaz-hotels.example ::: elif.y@example.org", "Phone 1 - Label": "Mobile",
         "Phone 1 - Value": "+90 212 555 0105"}])
    before = csv_bytes(GOOGLE_BEFORE, [
        {"Name": "Kenji Watanabe", "Given Name": "Kenji", "Family Name": "Watanabe", "Birthday": "--11-30",
         "Group Membership": "* My Contacts ::: Friends", "E-mail 1 - Type": "* Home",
         "E-mail 1 - Value": "kenji@example.jp", "Organization 1 - Name": "Watanabe Design",
         "Organization 1 - Title": "Partner"}])
    assert imported(journal, "contacts.csv", now).returncode == 0
    result = imported(journal, "google-2019.csv", before)
    assert result.returncode == 0 and result.stdout.splitlines()[-1] == "1 created, 0 merged, 0 skipped"
    elif_, kenji = people(journal)["elif-yilmaz"], people(journal)["kenji-watanabe"]
    assert elif_["email"] == ["elif@yilmaz-hotels.example", "elif.y@example.org"] and elif_["categories"] == ["Clients"]
    assert (elif_["organisation"], elif_["title"], elif_["phone"]) == ("Yilmaz Hotels", "Owner", "+90 212 555 0105")
    assert elif_["notes"] == "Boutique hotels.\nCall on Mondays." and str(elif_["birthday"]) == "1988-07-09"
    assert kenji["categories"] == ["Friends"] and kenji["birthday"] == "11-30" and kenji["title"] == "Partner"


def test_outlooks_csv_export(journal):
    data = csv_bytes(OUTLOOK, [
        {"First Name": "Jürgen", "Last Name": "Müller", "Title": "Herr", "E-mail Address": "juergen@mueller.example",
         "Business Phone": "+49 30 5550 1234", "Mobile Phone": "+49 170 555 0101", "Job Title": "Geschäftsführer",
         "Company": "Müller & Söhne GmbH", "Birthday": "0/0/00", "Notes": "Trade fair contact.",
         "Categories": "Clients;Germany"}], encoding="cp1252")
    result = imported(journal, "outlook.CSV", data)
    assert result.returncode == 0 and result.stdout.splitlines()[-1] == "1 created, 0 merged, 0 skipped", result.stdout
    jurgen = people(journal)["jurgen-muller"]
    assert (jurgen["name"], jurgen["title"], jurgen["organisation"]) == ("Jürgen Müller", "Geschäftsführer",
                                                                         "Müller & Söhne GmbH")
    assert jurgen["phone"] == ["+49 30 5550 1234", "+49 170 555 0101"] and "birthday" not in jurgen
    assert jurgen["categories"] == ["Clients", "Germany"] and jurgen["notes"] == "Trade fair contact."


def test_linkedin_connections_with_profiles_and_no_member_urns_as_emails(journal):
    data = csv_bytes(LINKEDIN, [
        {"First Name": "Beatriz", "Last Name": "Santos", "URL": "https://www.linkedin.com/in/beatriz-santos",
         "Email Address": "bea@example.net", "Company": "Santos Engineering", "Position": "Structural Engineer",
         "Connected On": "14 Mar 2019"},
        {"First Name": "Omar", "Last Name": "Haddad", "URL": "https://www.linkedin.com/in/omarhaddad",
         "Email Address": "urn:li:member:123456789", "Company": "Haddad & Partners", "Connected On": "02 Oct 2024"}],
        preface=LINKEDIN_PREFACE)
    result = imported(journal, "Connections.csv", data)
    assert result.returncode == 0 and result.stdout.splitlines()[-1] == "2 created, 0 merged, 0 skipped"
    omar = people(journal)["omar-haddad"]
    assert "email" not in omar and omar["linkedin"] == "https://www.linkedin.com/in/omarhaddad"
    assert "  lost: email 'urn:li:member:123456789' is not an email address" in result.stdout.splitlines()
    assert people(journal)["beatriz-santos"]["notes"] == "LinkedIn: connected on 14 Mar 2019"


def test_androids_my_contacts_and_starred_groups_are_not_categories(journal):
    data = vcf(card("FN:Ana Ribeiro", "CATEGORIES:My Contacts,starred,Friends", "EMAIL:ana@example.org"))
    assert imported(journal, "android.vcf", data).returncode == 0
    assert people(journal)["ana-ribeiro"]["categories"] == ["Friends"]


# ---- who is the same person --------------------------------------------------------------------------------

def test_the_same_person_by_email_phone_or_profile_and_two_people_of_one_name(journal):
    journal.write("ana-ribeiro.md", "---\nname: Ana Ribeiro\nemail: Ana@Example.org\n---\n")
    journal.write("tom.md", "---\nname: Tom Okafor\nphone: +1 (555) 010-0177\n---\n")
    journal.write("bea.md", "---\nname: Beatriz Santos\nlinkedin: https://www.linkedin.com/in/beatriz-santos/\n---\n")
    journal.write("alison-hill.md", "---\nname: Alison Hill\nemail: alison@first.example\n---\n")
    journal.write("kai.md", "---\nname: Kai Short\nphone: '0100'\n---\n")
    journal.write("nora.md", "---\nname: Nora Berg\n---\n")
    journal.settings("default_region: US")  # Tommy's number is written without its country code
    journal.commit("Six people")
    data = vcf(card("FN:Ana R.", "EMAIL:ana@example.ORG"),
               card("FN:Tommy", "TEL:555-010-0177"),
               card("FN:Bea S", "URL:linkedin.com/in/Beatriz-Santos"),
               card("FN:Alison Hill", "EMAIL:alison@second.example"),
               card("FN:Karl Short", "TEL:0100"),
               card("FN:Nora Berg", "EMAIL:nora@example.org"))
    result = imported(journal, "phone.vcf", data, "--dry-run")
    lines = result.stdout.splitlines()
    assert lines[:6] == [
        "skip: Ana R. (phone.vcf: card 1 (line 1)): same email ana@example.org as contacts/ana-ribeiro.md; "
        "--merge adds what it lacks",
        "skip: Tommy (phone.vcf: card 2 (line 6)): same phone as contacts/tom.md; --merge adds what it lacks",
        "skip: Bea S (phone.vcf: card 3 (line 11)): same LinkedIn profile as contacts/bea.md; "
        "--merge adds what it lacks",
        "would create contacts/alison-hill-2.md: Alison Hill (phone.vcf: card 4 (line 16))",
        "would create contacts/karl-short.md: Karl Short (phone.vcf: card 5 (line 21))",
        "skip: Nora Berg (phone.vcf: card 6 (line 26)): same name as contacts/nora.md; --merge adds what it lacks",
    ]
    plan = json.loads(journal.followup("import", "phone.vcf", "--dry-run", "--merge", "--json").stdout)
    assert [(step["action"], step["path"], step["reason"]) for step in plan] == [
        ("merge", "contacts/ana-ribeiro.md", "same email ana@example.org"), ("merge", "contacts/tom.md", "same phone"),
        ("merge", "contacts/bea.md", "same LinkedIn profile"), ("create", "contacts/alison-hill-2.md", ""),
        ("create", "contacts/karl-short.md", ""), ("merge", "contacts/nora.md", "same name")]
    assert sorted(p.name for p in journal.contacts.glob("*.md")) == ["alison-hill.md", "ana-ribeiro.md", "bea.md",
                                                                     "kai.md", "nora.md", "tom.md"]


def test_twice_in_one_import_is_one_person_with_every_detail(journal):
    data = vcf(card("FN:Ana Ribeiro", "EMAIL:ana@example.org"), card("FN:Ana", "EMAIL:ANA@example.org",
                                                                     "TEL:+351 21 555 0100", "TITLE:Architect"))
    result = imported(journal, "twice.vcf", data)
    assert result.stdout.splitlines()[-1] == "1 created, 1 merged, 0 skipped"
    ana = people(journal)["ana-ribeiro"]
    assert ana["phone"] == "+351 21 555 0100" and ana["title"] == "Architect"


def test_a_second_import_creates_nobody_and_the_site_builds_with_no_problems(journal):
    data = vcf(*(iphone_card(given, family, f"{given.lower()}@example.org") for given, family in
                 (("Søren", "Ølgaard"), ("Łukasz", "Żółć"), ("Мария", "Иванова"), ("小明", "王"))), newline="\r\r\n")
    first = imported(journal, "iCloud.vcf", data)
    assert first.stdout.splitlines()[-1] == "4 created, 0 merged, 0 skipped"
    second = imported(journal, "iCloud.vcf", data)
    assert second.stdout.splitlines()[-1] == "0 created, 0 merged, 4 skipped"
    assert commits(journal)[0] == "Import: 4 created, 0 merged, 0 skipped"
    journal.build("--strict")
    assert journal.page("problems").select_one(".fu-empty") is not None


def test_new_refuses_a_twin_unless_forced(journal):
    assert journal.followup("new", "Ana Ribeiro", "--email", "ana@example.org").returncode == 0
    twin = journal.followup("new", "ana  ribeiro")
    assert twin.returncode == 2 and "contacts/ana-ribeiro.md already has the same name (Ana Ribeiro)" in twin.stderr
    by_email = journal.followup("new", "Ana R.", "--email", "ANA@example.org")
    assert by_email.returncode == 2 and "already has the email ANA@example.org" in by_email.stderr
    forced = journal.followup("new", "Ana Ribeiro", "--force")
    assert forced.returncode == 0 and forced.stdout.strip() == "contacts/ana-ribeiro-2.md"


# ---- the names of the world ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name, slug", [
    ("Søren Ølgaard", "soren-olgaard"), ("Łukasz Żółć", "lukasz-zolc"), ("Мария Иванова", "mariya-ivanova"),
    ("王小明", "wang-xiao-ming"), ("Γιώργος Παπαδόπουλος", "giorgos-papadopoylos"), ("مريم الحداد", "mrym-lhdd"),
    ("김민준", "gim-min-jun"), ("José Ñúñez", "jose-nunez"), ("Straße", "strasse"),
])
def test_slugs_transliterate_every_script(journal, name, slug):
    result = journal.followup("new", name)
    assert result.returncode == 0 and result.stdout.strip() == f"contacts/{slug}.md"


def test_existing_files_keep_their_names(journal):
    journal.write("sren-lgaard.md", "---\nname: Søren Ølgaard\ncadence: weekly\n---\n")
    journal.commit("Made by an older followup")
    assert journal.followup("touch", "soren", "-m", "Call").returncode == 0
    assert [p.name for p in journal.contacts.glob("*.md")] == ["sren-lgaard.md"]


def test_who_is_found_by_folded_forms_and_the_start_of_a_word_wins(journal):
    for name in ("Søren Ølgaard", "Łukasz Żółć", "Мария Иванова", "Ana Ribeiro", "Yuki Tanaka", "Anabel Ruiz"):
        journal.followup("new", name)
    found = {}
    for who in ("soren", "olgaard", "ØLGAARD", "lukasz", "zolc", "мария", "Мария", "mariya", "ivanova", "tanaka",
                "ribeiro", "ana-ribeiro", "yuki-tanaka"):
        result = journal.followup("log", who)
        assert result.returncode == 0, (who, result.stderr)
        found[who] = result.stdout.splitlines()[0].split(" (")[0]
    assert found == {"soren": "Søren Ølgaard", "olgaard": "Søren Ølgaard", "ØLGAARD": "Søren Ølgaard",
                     "lukasz": "Łukasz Żółć", "zolc": "Łukasz Żółć", "мария": "Мария Иванова",
                     "Мария": "Мария Иванова", "mariya": "Мария Иванова", "ivanova": "Мария Иванова",
                     "tanaka": "Yuki Tanaka", "ribeiro": "Ana Ribeiro", "ana-ribeiro": "Ana Ribeiro",
                     "yuki-tanaka": "Yuki Tanaka"}
    ambiguous = journal.followup("touch", "ana")  # Ana Ribeiro and Anabel Ruiz both start with it
    assert ambiguous.returncode == 2 and "Ana Ribeiro (ana-ribeiro)" in ambiguous.stderr
    assert "Yuki" not in ambiguous.stderr
    assert journal.followup("touch", "ana rib").returncode == 0


def test_ana_is_ana_not_tanaka(journal):
    for name in ("Ana Ribeiro", "Yuki Tanaka"):
        journal.followup("new", name)
    touched = journal.followup("touch", "ana", "-m", "Call")
    assert touched.returncode == 0 and touched.stdout.startswith("Touched Ana Ribeiro")


# ---- feedback ---------------------------------------------------------------------------------------------

def test_a_big_import_shows_a_progress_bar_on_a_terminal_and_nothing_when_piped(journal):
    (journal.root / "big.vcf").write_bytes(many_cards(600, with_photos=False))
    piped = journal.followup("import", "big.vcf", "--dry-run")
    assert "Reading" not in piped.stdout + piped.stderr and piped.stdout.splitlines()[-1].startswith("600 created")
    primary, secondary = pty.openpty()
    process = subprocess.Popen([str(BIN / "followup"), "import", "big.vcf", "--dry-run"], cwd=journal.root,
                               stdin=secondary, stdout=secondary, stderr=secondary)
    os.close(secondary)
    shown = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the terminal closes when the process ends
            break
        if not chunk:
            break
        shown += chunk
    process.wait(timeout=60)
    os.close(primary)
    assert process.returncode == 0 and b"Reading big.vcf" in shown and b"100%" in shown
