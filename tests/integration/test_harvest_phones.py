"""Touches that log themselves, part 2: calls and texts. Each export is written by the test as the app writes it:
SMS Backup & Restore's calls-*.xml and sms-*.xml (its attributes, its comment and stylesheet, an MMS with a picture
in base64, the surrogate references its older versions wrote for emoji) and WhatsApp's "Export chat" in the
formats of Android and iPhone locales. Today is 2026-11-23; the journal's zone is Lisbon's (UTC in November)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import subprocess
from xml.sax.saxutils import quoteattr

import pytest

from followup.store.places import state_folder
from helpers import BIN, TempJournal, commits, run_measured

PEOPLE = {
    "ana.md": "---\nname: Ana Ribeiro\nphone: +351 912 345 678\ncadence: monthly\nlast_touch: 2026-10-01\n---\n",
    "tom.md": "---\nname: Tom Okafor\nphone: (555) 010-0123\ncadence: weekly\nlast_touch: 2026-11-10\n---\n",
    "bea.md": "---\nname: Bea Santos\nphone: [\"+44 20 7946 0958\"]\ncadence: quarterly\n---\n",
}
ME_PHONE = "+15550100999"


def ms(moment: str) -> int:
    """Android's date: milliseconds since 1970, of a time written in UTC."""
    return int(dt.datetime.fromisoformat(moment).replace(tzinfo=dt.timezone.utc).timestamp() * 1000)


def readable(moment: str) -> str:
    return dt.datetime.fromisoformat(moment).strftime("%d %b %Y %H:%M:%S")


def call(number: str, moment: str, kind: int, seconds: int = 0, name: str = "(Unknown)",
         presentation: int = 1) -> str:
    return (f'  <call number={quoteattr(number)} duration="{seconds}" date="{ms(moment)}" type="{kind}" '
            f'presentation="{presentation}" subscription_id="89351060000123456789" post_dial_digits="" '
            'subscription_component_name="com.android.phone/com.android.services.telephony.TelephonyConnectionService"'
            f' readable_date="{readable(moment)}" contact_name={quoteattr(name)} />')


def backup(root: str, items: list[str]) -> bytes:
    """An SMS Backup & Restore file: its declaration, its comment, its stylesheet, the root and its count."""
    style = "calls.xsl" if root == "calls" else "sms.xsl"
    return ("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
            "<!--File Created By SMS Backup & Restore v10.20.002 on 23/11/2026 07:00:12-->\n"
            f'<?xml-stylesheet type="text/xsl" href="{style}"?>\n'
            f'<{root} count="{len(items)}" backup_set="5f1e2c34-8b9a-4d7e-a1b2-c3d4e5f6a7b8" '
            f'backup_date="{ms("2026-11-23T07:00:12")}" type="full">\n' + "\n".join(items) + f"\n</{root}>\n"
            ).encode()


def sms(address: str, moment: str, kind: int, body: str, name: str = "(Unknown)") -> str:
    return (f'  <sms protocol="0" address={quoteattr(address)} date="{ms(moment)}" type="{kind}" subject="null" '
            f'body={quoteattr(body)} toa="null" sc_toa="null" service_center="null" read="1" status="-1" locked="0" '
            f'date_sent="{ms(moment) - 2000}" sub_id="1" readable_date="{readable(moment)}" '
            f'contact_name={quoteattr(name)} />')


def mms(box: int, moment: str, parties: list[tuple[str, int]], text: str, picture: bytes = b"") -> str:
    """An MMS: its text and picture parts (the picture in base64, as the app writes it) and its addresses, 137
    the sender and 151 each recipient."""
    parts = ['    <part seq="-1" ct="application/smil" name="null" chset="null" cd="null" fn="null" '
             'cid="&lt;smil&gt;" cl="smil.xml" ctt_s="null" ctt_t="null" text="&lt;smil&gt;&lt;/smil&gt;" />',
             f'    <part seq="0" ct="text/plain" name="null" chset="106" cd="null" fn="null" cid="&lt;text0&gt;" '
             f'cl="text0.txt" ctt_s="null" ctt_t="null" text={quoteattr(text)} />']
    if picture:
        parts.append('    <part seq="0" ct="image/jpeg" name="IMG_2026.jpg" chset="null" cd="null" fn="null" '
                     'cid="&lt;IMG_2026&gt;" cl="IMG_2026.jpg" ctt_s="null" ctt_t="null" text="null" data="'
                     + base64.b64encode(picture).decode() + '" />')
    addresses = [f'    <addr address={quoteattr(number)} type="{kind}" charset="106" />' for number, kind in parties]
    others = "~".join(number for number, kind in parties if number != ME_PHONE)
    return (f'  <mms date="{ms(moment)}" rr="null" sub="null" ct_t="application/vnd.wap.multipart.related" '
            f'read_status="null" seen="1" msg_box="{box}" address={quoteattr(others)} sub_cs="null" resp_st="128" '
            f'retr_st="null" d_tm="null" text_only="{0 if picture else 1}" exp="null" locked="0" '
            f'm_id="mid-{ms(moment)}" st="null" retr_txt_cs="null" retr_txt="null" '
            f'creator="com.google.android.apps.messaging" date_sent="0" read="1" m_size="null" rpt_a="null" '
            f'ct_cls="null" pri="null" sub_id="1" tr_id="T{ms(moment):x}" resp_txt="null" ct_l="null" '
            f'm_cls="personal" d_rpt="129" v="18" _id="{ms(moment) % 1000}" m_type="{132 if box == 1 else 128}" '
            f'readable_date="{readable(moment)}" contact_name="(Unknown)">\n'
            '    <parts>\n' + "\n".join(parts) + '\n    </parts>\n    <addrs>\n' + "\n".join(addresses) +
            '\n    </addrs>\n  </mms>')


@pytest.fixture
def people(journal: TempJournal) -> TempJournal:
    for name, text in PEOPLE.items():
        journal.write(name, text)
    journal.settings(f"default_region: US\ntimezone: Europe/Lisbon\nme: {{phone: '{ME_PHONE}'}}")
    journal.commit("Three people")
    return journal


def harvest(journal: TempJournal, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return journal.followup("harvest", *args, env=env)


CALLS = [
    call("+351912345678", "2026-11-20T09:14:00", 2, 720, "Ana Ribeiro"),  # out, 12 min: a touch
    call("+351 91 234 5678", "2026-11-21T18:00:00", 1, 95, "Ana Ribeiro"),  # in, answered: a touch
    call("5550100123", "2026-11-21T10:00:00", 2, 0, "Tom Okafor"),  # out, 0 s: an attempt
    call("+442079460958", "2026-11-22T09:14:00", 3, 0, "Bea Santos"),  # missed
    call("+442079460958", "2026-11-22T18:30:00", 5, 0, "Bea Santos"),  # rejected
    call("", "2026-11-22T20:00:00", 3, 0, presentation=2),  # a hidden number
    call("0100123", "2026-11-22T12:00:00", 2, 60),  # Tom's last seven digits: someone else
    call("+15550100124", "2026-11-22T12:05:00", 2, 60),  # one digit off: someone else
    call("+15550100123", "2026-11-22T12:10:00", 6, 0),  # blocked
    *(call("+1 555 010 7777", f"2026-11-{day}T11:00:00", 2, 300, "Kai Short") for day in (16, 18, 19)),
]
TEXTS = [
    sms("+1 (555) 010-0123", "2026-11-19T08:00:00", 2, "Running late, 10 min", "Tom Okafor"),
    sms("+351912345678", "2026-11-22T21:00:00", 1, "Obrigada! Lunch Thursday? &#55357;&#56832;", "Ana Ribeiro"),
    sms("+351912345678", "2026-11-22T21:05:00", 3, "draft", "Ana Ribeiro"),
    mms(2, "2026-11-18T12:00:00", [(ME_PHONE, 137), ("+351912345678", 151), ("+15550100123", 151)], "Photos",
        b"\xff\xd8\xff\xe0" + bytes(3000)),
    mms(1, "2026-11-21T07:30:00", [("+442079460958", 137), (ME_PHONE, 151)], "Happy birthday!"),
]


def test_calls_are_touches_attempts_and_call_backs_owed_texts_touches_and_replies(people):
    (people.root / "calls-20261123070012.xml").write_bytes(backup("calls", CALLS))
    # the older app's emoji: two references to UTF-16 surrogates, which XML forbids
    (people.root / "sms-20261123070012.xml").write_bytes(backup("smses", TEXTS).replace(b"&amp;#", b"&#"))
    done = harvest(people, "calls-20261123070012.xml", "sms-20261123070012.xml")
    assert done.returncode == 0, done.stderr
    assert people.log("ana.md") == ["- 2026-11-22 Heard from (text)", "- 2026-11-21 (phone) call, 2 min",
                                    "- 2026-11-20 (phone) call, 12 min", "- 2026-11-18 (text)"]
    assert people.log("tom.md") == ["- 2026-11-21 Tried (phone): no answer", "- 2026-11-19 (text)",
                                    "- 2026-11-18 (text)"]
    assert people.log("bea.md") == ["- 2026-11-22 Missed call (phone): 09:14 (2 calls)",
                                    "- 2026-11-21 Heard from (text)"]
    assert str(people.fields("ana.md")["last_touch"]) == "2026-11-21"
    assert str(people.fields("tom.md")["last_touch"]) == "2026-11-19"
    assert "Obrigada" not in (people.contacts / "ana.md").read_text()  # a text's words stay on the phone
    assert commits(people)[0] == "Harvest calls, texts: 5 touches, 2 heard from, 1 tried, 1 missed call, " \
                                 "3 people (calls-20261123070012.xml, sms-20261123070012.xml)"
    assert "from 12 calls, 5 texts" in done.stdout and "skipped: 1 with a hidden number" in done.stdout
    today = json.loads(people.followup("today", "--json").stdout)
    assert [(item["kind"], item["slug"]) for item in today[:2]] == [("reply-owed", "bea"), ("reply-owed", "ana")]
    listed = people.followup("today").stdout
    assert "missed call from Bea Santos, 2026-11-22 09:14 (2 calls)" in listed
    assert people.followup("touch", "bea", "-m", "Called back").returncode == 0  # a touch settles the call back
    assert "Bea Santos" not in people.followup("today").stdout.split("\n\n")[0]
    before = commits(people)
    again = harvest(people, "calls-20261123070012.xml", "sms-20261123070012.xml")
    assert "skipped: 9 already harvested" in again.stdout and commits(people) == before


def test_a_backup_read_before_gives_what_reading_it_afresh_gives(people):
    """A second harvest of the same backup replays what the first found (formats/remembered.py): an undo in
    between, a backup that grew, a changed setting or a damaged record change nothing of what is written."""
    calls = people.root / "calls-1.xml"
    calls.write_bytes(backup("calls", CALLS))
    before = {name: people.log(name) for name in PEOPLE}
    assert harvest(people, str(calls)).returncode == 0
    first = {name: people.log(name) for name in PEOPLE}
    kept = list(state_folder(people.root).glob("harvest-*.msgpack"))
    assert first != before and len(kept) == 1
    assert people.followup("undo").returncode == 0 and {name: people.log(name) for name in PEOPLE} == before
    assert harvest(people, str(calls)).returncode == 0  # all of it written again, from what was kept
    assert {name: people.log(name) for name in PEOPLE} == first
    calls.write_bytes(backup("calls", [*CALLS, call("+351912345678", "2026-11-23T08:00:00", 2, 300, "Ana Ribeiro")]))
    grown = harvest(people, str(calls))
    assert grown.returncode == 0 and "1 touch, 0 heard from" in grown.stdout
    assert people.log("ana.md")[0] == "- 2026-11-23 (phone) call, 5 min"
    kept[0].write_bytes(kept[0].read_bytes()[:300] + b"\xc1" * 50)  # damaged: read afresh
    again = harvest(people, str(calls), "--dry-run")
    assert again.returncode == 0 and "0 touches" in again.stdout and "already harvested" in again.stdout
    people.settings("default_region: GB\ntimezone: Europe/Lisbon")  # Tom's number is no longer American
    regional = harvest(people, str(calls), "--dry-run")
    assert "Tried (phone)" not in regional.stdout and "already harvested" in regional.stdout


def test_suggest_lists_the_numbers_called_and_add_creates_them(people):
    (people.root / "calls.xml").write_bytes(backup("calls", CALLS))
    listed = harvest(people, "calls.xml", "--suggest", "--dry-run")
    assert "  Kai Short <+15550107777>: 3 times, last 2026-11-19" in listed.stdout
    assert "0100123" not in listed.stdout  # once is not enough
    assert harvest(people, "calls.xml", "--suggest", "--add").returncode == 0
    kai = people.fields("kai-short.md")
    assert (kai["phone"], str(kai["last_touch"])) == ("+15550107777", "2026-11-19")
    assert people.log("kai-short.md")[0] == "- 2026-11-19 (phone) call, 5 min"


def test_a_billion_laughs_is_refused_and_a_cut_export_keeps_what_came_before(people):
    laughs = ('<?xml version="1.0"?>\n<!DOCTYPE smses [\n <!ENTITY lol "lol">\n'
              + "".join(f' <!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10 if n > 1 else "&lol;" * 10}">\n'
                        for n in range(1, 10))
              + ']>\n<smses count="1">\n  <sms address="+351912345678" date="1763600000000" type="1" '
                'body="&lol9;" />\n</smses>\n').encode()
    (people.root / "sms-laughs.xml").write_bytes(laughs)
    cut = backup("calls", CALLS[:2])
    second = cut.index(b"  <call ", cut.index(b"  <call ") + 1)
    (people.root / "calls-cut.xml").write_bytes(cut[:second + 40])  # a copy cut short in the second call
    done = harvest(people, "sms-laughs.xml", "calls-cut.xml")
    assert done.returncode == 0, done.stderr
    assert "not read: sms-laughs.xml: refused: it declares entities" in done.stdout
    assert "not read: calls-cut.xml: not XML from " in done.stdout
    assert people.log("ana.md") == ["- 2026-11-20 (phone) call, 12 min"]


def test_a_backup_full_of_pictures_is_streamed(people):
    picture = bytes(range(256)) * 20_000  # 5 MB, 6.8 MB in base64
    with (people.root / "sms-pictures.xml").open("wb") as out:
        head = backup("smses", ["@"])
        out.write(head[:head.index(b"@")])
        for number in range(16):  # 110 MB
            out.write(mms(2, f"2026-11-{number + 1:02d}T12:00:00", [(ME_PHONE, 137), ("+351912345678", 151)],
                          "Look", picture).encode() + b"\n")
        out.write(head[head.index(b"@") + 1:])
    done, peak_mb = run_measured([str(BIN / "followup"), "harvest", "sms-pictures.xml"], people.root)
    assert done.returncode == 0, done.stderr
    assert len(people.log("ana.md")) == 16
    assert peak_mb < 110, peak_mb  # a picture at a time, never the file


# ---- WhatsApp ---------------------------------------------------------------------------------------------

ENCRYPTED = ("Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or "
             "listen to them. Tap to learn more.")


def test_whatsapp_chats_as_android_and_iphone_export_them_in_several_locales(people):
    import zipfile

    # Android, day first (United Kingdom): the file named after the other side, so the other author is me
    (people.root / "WhatsApp Chat with Ana Ribeiro.txt").write_text(
        f"20/11/2026, 09:14 - {ENCRYPTED}\n20/11/2026, 09:14 - Ana Ribeiro: See you at the docks?\n"
        "20/11/2026, 09:20 - Tess: Yes!\nBring the plans\n21/11/2026, 22:05 - Ana Ribeiro: <Media omitted>\n"
        "31/02/2026, 10:00 - Ana Ribeiro: a day no calendar has\n", encoding="utf-8")
    # Android, United States: month first, 12 hours with a narrow no-break space; 11/10 and 11/11 could be either
    # order, and the AM/PM says which
    (people.root / "WhatsApp Chat with Tom Okafor.txt").write_text(
        "11/10/26, 9:14\u202fPM - Tom Okafor: Running late\n11/11/26, 8:00\u202fAM - Tess: No worries\n",
        encoding="utf-8")
    # iPhone: a zip holding _chat.txt, the seconds, direction marks, a missed call written as the caller's line
    with zipfile.ZipFile(people.root / "WhatsApp Chat - Bea Santos.zip", "w") as archive:
        archive.writestr("_chat.txt", f"\u200e[20/11/2026, 09:14:05] Bea Santos: \u200e{ENCRYPTED}\n"
                                      "[20/11/2026, 09:14:05] Bea Santos: \u200eMissed voice call\n"
                                      "[20/11/2026, 09:15:10] Tess Tester: Sorry! Call you later\n"
                                      "\u200e[21/11/2026, 10:00:00] Tess Tester: \u200e<attached: 00000012-PHOTO-"
                                      "2026-11-21-10-00-00.jpg>\n")
    # Germany: dots, two-digit years; named by nothing, so whose side is mine comes from --me
    (people.root / "chat-de.txt").write_text("19.11.26, 18:00 - Tess: Bis morgen\n19.11.26, 18:02 - +44 20 7946 0958:"
                                             " Ja!\n", encoding="utf-8")
    (people.root / "group.txt").write_text("19/11/2026, 18:00 - Tess: Hi all\n19/11/2026, 18:01 - Ana Ribeiro: Hi\n"
                                           "19/11/2026, 18:02 - Tom Okafor: Hey\n", encoding="utf-8")
    done = harvest(people, "WhatsApp Chat with Ana Ribeiro.txt", "WhatsApp Chat with Tom Okafor.txt",
                   "WhatsApp Chat - Bea Santos.zip", "chat-de.txt", "group.txt", "--me", "Tess Tester",
                   "--me", "Tess")
    assert done.returncode == 0, done.stderr
    assert people.log("ana.md") == ["- 2026-11-21 Heard from (WhatsApp)", "- 2026-11-20 (WhatsApp)",
                                    "- 2026-11-20 Heard from (WhatsApp)"]  # a day's lines in the order they were
    assert people.log("tom.md") == ["- 2026-11-11 (WhatsApp)", "- 2026-11-10 Heard from (WhatsApp)"]
    assert people.log("bea.md") == ["- 2026-11-21 (WhatsApp)", "- 2026-11-20 (WhatsApp)",
                                    "- 2026-11-20 Missed call (WhatsApp): 09:14",
                                    "- 2026-11-19 Heard from (WhatsApp)", "- 2026-11-19 (WhatsApp)"]
    assert "skipped: WhatsApp Chat with Ana Ribeiro.txt: line 6: a line headed like a date that is none" \
        in done.stdout
    assert "skipped: group.txt: a group chat, which is a touch of nobody" in done.stdout
    assert "Bring the plans" not in (people.contacts / "ana.md").read_text()
    unknown = harvest(people, "chat-de.txt")  # no --me, and no name of mine in the settings
    assert "not read: chat-de.txt: whose messages are yours?" in unknown.stdout


def test_a_chat_zip_that_unpacks_into_gigabytes_is_one_line(people):
    """A few hundred kilobytes of zip whose _chat.txt would unpack to 66 MB: measured by what it unpacks to."""
    import zipfile

    line = b"20/11/2026, 09:14 - Ana Ribeiro: ok\n"
    with zipfile.ZipFile(people.root / "WhatsApp Chat - Ana.zip", "w", zipfile.ZIP_DEFLATED) as archive, \
            archive.open("_chat.txt", "w", force_zip64=True) as member:
        for _ in range(66 * 1024 * 1024 // (len(line) * 4096)):
            member.write(line * 4096)
    assert (people.root / "WhatsApp Chat - Ana.zip").stat().st_size < 2 * 1024 * 1024
    done, peak = run_measured([str(BIN / "followup"), "harvest", "WhatsApp Chat - Ana.zip", "--me", "Tess"],
                              people.root)
    assert done.returncode == 0, done.stderr
    assert "not read: WhatsApp Chat - Ana.zip: over 64 MB: not a chat export" in done.stdout
    assert peak < 100
