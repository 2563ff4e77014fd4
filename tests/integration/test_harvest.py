"""Touches that log themselves, part 1: mail. Every mailbox is written by the test as the named program writes
it (Thunderbird's local folders, Google Takeout, mutt, mbsync's Maildir, .eml files), and IMAP is a real dovecot
on 127.0.0.1 (tests/integration/conftest.py)."""

from __future__ import annotations

import json
import subprocess

import pytest

from helpers import BIN, TempJournal, commits, run_measured

ME = "tess@example.org"
PEOPLE = {
    "ana.md": "---\nname: Ana Ribeiro\nemail: [ana@example.org, ana.r@work.example]\ncadence: monthly\n"
              "last_touch: 2026-10-01\n---\nArchitect.\n\n## Log\n- 2026-10-01 Coffee at Rosa's\n",
    "tom.md": "---\nname: Tom Okafor\nemail: Tom@Example.org\ncadence: weekly\nlast_touch: 2026-11-22\n---\n",
    "bea.md": "---\nname: Bea Santos\nemail: bea@example.org\ncadence: quarterly\n---\n",
}


def message(sender: str, to: str, subject: str, date: str, ident: str | None = None, *, cc: str = "",
            extra: tuple[str, ...] = (), body: str = "Hello.\n", newline: str = "\n") -> bytes:
    """A message as mail programs write it: headers, a blank line, a body."""
    headers = [f"Message-ID: <{ident}>" if ident else "", f"Date: {date}" if date else "", f"From: {sender}",
               f"To: {to}", f"Cc: {cc}" if cc else "", f"Subject: {subject}", "MIME-Version: 1.0",
               "Content-Type: text/plain; charset=UTF-8; format=flowed", "Content-Transfer-Encoding: 8bit", *extra]
    text = "\n".join(line for line in headers if line) + "\n\n" + body
    return text.replace("\n", newline).encode("utf-8")


def thunderbird(*messages: bytes) -> bytes:
    """A Thunderbird local folder (Linux): "From - date" separators, its own status headers, ">From " quoting."""
    out = b""
    for number, data in enumerate(messages):
        head, _, body = data.partition(b"\n\n")
        body = b"\n".join(b">" + line if line.startswith(b"From ") else line for line in body.split(b"\n"))
        out += (f"From - Fri Nov {10 + number} 10:00:00 2026\nX-Mozilla-Status: 0001\nX-Mozilla-Status2: 00000000\n"
                "X-Mozilla-Keys:                                                                                 \n"
                ).encode() + head + b"\n\n" + body + b"\n"
    return out


def takeout(*messages: bytes) -> bytes:
    """Google Takeout's All mail mbox: "From <id>@xxx" separators, Gmail's labels, CRLF inside each message,
    mboxrd quoting (">From ", ">>From ")."""
    out = b""
    for number, data in enumerate(messages):
        lines = []
        head, _, body = data.replace(b"\r\n", b"\n").partition(b"\n\n")
        for line in body.split(b"\n"):
            stripped = line.lstrip(b">")
            lines.append(b">" + line if stripped.startswith(b"From ") else line)
        text = f"X-GM-THRID: 17832541398746328{number:02d}\nX-Gmail-Labels: Sent,Opened\n".encode() + head + b"\n\n" + \
            b"\n".join(lines)
        out += f"From 17832541398746328{number:02d}@xxx Fri Nov 20 09:11:12 +0000 2026\n".encode() + \
            text.replace(b"\n", b"\r\n") + b"\r\n\r\n"
    return out


def mutt(*messages: bytes) -> bytes:
    return b"".join(f"From {ME} Fri Nov 20 10:00:00 2026\n".encode() + data + b"\n" for data in messages)


@pytest.fixture
def mailbox(journal: TempJournal) -> TempJournal:
    for name, text in PEOPLE.items():
        journal.write(name, text)
    journal.commit("Three people")
    return journal


def harvest(journal: TempJournal, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return journal.followup("harvest", *args, env=env)


# ---- what a message becomes ----------------------------------------------------------------------------------

def test_mine_are_touches_theirs_are_replies_owed_in_one_commit_that_undo_takes_back(mailbox):
    sent = thunderbird(
        message(f"Tess Tester <{ME}>", "Ana Ribeiro <Ana@Example.org>", "Re: lease comparables",
                "Fri, 20 Nov 2026 10:00:00 +0100", "a1@example.org"),
        message(ME, "ana.r@work.example", "The numbers", "Fri, 20 Nov 2026 15:00:00 +0100", "a2@example.org",
                body="From the desk: the numbers.\n"),
        message(ME, "tom@example.org", "Lunch?", "Thu, 19 Nov 2026 09:00:00 +0100", "t1@example.org",
                cc="ana@example.org"),
        message(ME, "stranger@example.net", "Hello stranger", "Thu, 19 Nov 2026 09:00:00 +0100", "s1@example.org"),
        message("Ana Ribeiro <ana@example.org>", ME, "=?UTF-8?Q?Caf=C3=A9_on_Friday?=",
                "Sat, 21 Nov 2026 08:00:00 +0000", "a3@example.org"),
        message("Bea <bea@example.org>", ME, "News", "Sat, 21 Nov 2026 08:00:00 +0000", "b1@example.org",
                extra=("List-Id: <friends.lists.example.org>",)),
        message("bea@example.org", ME, "Out of office", "Sat, 21 Nov 2026 08:00:00 +0000", "b2@example.org",
                extra=("Auto-Submitted: auto-replied",)),
        message("bea@example.org", ME, "Weekly digest", "Sat, 21 Nov 2026 08:00:00 +0000", "b3@example.org",
                extra=("Precedence: bulk",)))
    (mailbox.root / "Sent").write_bytes(sent)
    done = harvest(mailbox, "Sent", "--me", ME)
    assert done.returncode == 0, done.stderr
    assert mailbox.log("ana.md") == ["- 2026-11-21 Heard from (email): Café on Friday",
                                      "- 2026-11-20 (email) Re: lease comparables (2 messages)",
                                      "- 2026-11-19 (email) Lunch?", "- 2026-10-01 Coffee at Rosa's"]
    assert mailbox.fields("ana.md")["last_touch"].isoformat() == "2026-11-20"
    assert mailbox.log("tom.md") == ["- 2026-11-19 (email) Lunch?"]
    assert mailbox.fields("tom.md")["last_touch"].isoformat() == "2026-11-22"  # never back
    assert mailbox.log("bea.md") == []  # a list, an automatic reply, bulk mail: neither
    assert "stranger" not in "".join(path.read_text() for path in mailbox.contacts.glob("*.md"))
    assert commits(mailbox)[0] == "Harvest mail: 3 touches, 1 heard from, 2 people (Sent)"
    today = json.loads(mailbox.followup("today", "--json").stdout)
    assert (today[0]["kind"], today[0]["slug"], today[0]["what"]) == \
        ("reply-owed", "ana", "Heard from (email): Café on Friday")
    assert mailbox.followup("today").stdout.startswith("Replies owed\n  Ana Ribeiro wrote 2026-11-21: Café on Friday")
    before = (mailbox.contacts / "ana.md").read_text()
    assert mailbox.followup("undo").returncode == 0
    assert (mailbox.contacts / "ana.md").read_text() == PEOPLE["ana.md"] and before != PEOPLE["ana.md"]
    assert not (mailbox.root / "harvested.txt").exists()


def test_a_touch_on_or_after_the_day_settles_the_reply(mailbox):
    (mailbox.root / "in.mbox").write_bytes(mutt(message("tom@example.org", ME, "Call me",
                                                        "Mon, 23 Nov 2026 08:00 +0000", "c1@example.org")))
    harvest(mailbox, "in.mbox", "--me", ME)
    assert [item["kind"] for item in json.loads(mailbox.followup("today", "--json").stdout)][:1] == ["reply-owed"]
    assert mailbox.followup("touch", "tom", "-m", "Called back").returncode == 0  # the same day settles it
    assert "reply-owed" not in [item["kind"] for item in json.loads(mailbox.followup("today", "--json").stdout)]


def test_subjects_can_be_left_out_for_a_shared_journal(mailbox):
    mailbox.settings("harvest: {subjects: false}")
    (mailbox.root / "Sent").write_bytes(thunderbird(
        message(ME, "ana@example.org", "Confidential: the merger", "Fri, 20 Nov 2026 10:00:00 +0100", "m1@x"),
        message("ana@example.org", ME, "Re: the merger", "Fri, 20 Nov 2026 12:00:00 +0100", "m2@x")))
    assert harvest(mailbox, "Sent", "--me", ME).returncode == 0
    assert mailbox.log("ana.md")[:2] == ["- 2026-11-20 Heard from (email)", "- 2026-11-20 (email)"]
    assert "merger" not in (mailbox.contacts / "ana.md").read_text()


def test_me_comes_from_the_option_the_settings_or_git_and_else_nothing_is_read(mailbox):
    (mailbox.root / "Sent").write_bytes(mutt(message("other@example.org", "ana@example.org", "Hi",
                                                     "Fri, 20 Nov 2026 10:00 +0000", "o1@x")))
    mailbox.git("config", "user.email", "other@example.org")
    assert "1 touch, " in harvest(mailbox, "Sent", "--dry-run").stdout  # git's user.email
    mailbox.settings("me: {email: [nobody@example.org]}")
    assert "0 touches" in harvest(mailbox, "Sent", "--dry-run").stdout  # the setting comes first
    mailbox.settings("")
    mailbox.git("config", "--unset", "user.email")
    refused = harvest(mailbox, "Sent", env={"GIT_AUTHOR_EMAIL": "", "GIT_COMMITTER_EMAIL": "", "EMAIL": ""})
    assert refused.returncode == 2 and "who is 'me'" in refused.stderr and refused.stdout == ""


def test_a_source_that_is_no_mail_is_refused_naming_it(mailbox):
    (mailbox.root / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0JFIF")
    (mailbox.root / "empty").mkdir()
    for source in ("photo.jpg", "empty", "missing.mbox", "imaps://host.example/INBOX", "ftp://x"):
        refused = harvest(mailbox, source, "--me", ME)
        assert refused.returncode == 2 and source.split("/")[0].split(":")[0] in refused.stderr, source
    assert len(commits(mailbox)) == 2  # nothing written


# ---- nothing twice -------------------------------------------------------------------------------------------

def test_nothing_twice_across_runs_newer_exports_and_clones(mailbox, tmp_path):
    first = [message(ME, "ana@example.org", "One", "Fri, 20 Nov 2026 10:00 +0000", "n1@x"),
             message(ME, "ana@example.org", "Two", "Fri, 20 Nov 2026 11:00 +0000")]  # no Message-ID
    (mailbox.root / "Sent").write_bytes(takeout(*first))
    assert harvest(mailbox, "Sent", "--me", ME).returncode == 0
    again = harvest(mailbox, "Sent", "--me", ME)
    assert "skipped: 2 already harvested" in again.stdout and len(mailbox.log("ana.md")) == 2
    (mailbox.root / "Sent").write_bytes(takeout(*first, message(ME, "ana@example.org", "Three",
                                                                "Sat, 21 Nov 2026 10:00 +0000", "n3@x")))
    assert harvest(mailbox, "Sent", "--me", ME).returncode == 0
    assert mailbox.log("ana.md")[:2] == ["- 2026-11-21 (email) Three", "- 2026-11-20 (email) One (2 messages)"]
    clone = tmp_path / "laptop"
    subprocess.run(["git", "clone", "-q", str(mailbox.root), str(clone)], check=True)
    (clone / "Sent").write_bytes((mailbox.root / "Sent").read_bytes())
    in_clone = subprocess.run([str(BIN / "followup"), "harvest", "Sent", "--me", ME], cwd=clone,
                              capture_output=True, text=True)
    assert "skipped: 3 already harvested" in in_clone.stdout
    assert subprocess.run(["git", "-C", str(clone), "status", "--porcelain"], capture_output=True,
                          text=True).stdout.strip() == "?? Sent"


def test_hand_written_lines_stay_as_they_are(mailbox):
    original = (mailbox.contacts / "ana.md").read_text()
    (mailbox.root / "Sent").write_bytes(mutt(message(ME, "ana@example.org", "Hi", "Fri, 20 Nov 2026 10:00 +0000",
                                                     "h1@x")))
    harvest(mailbox, "Sent", "--me", ME)
    text = (mailbox.contacts / "ana.md").read_text()
    kept = [line for line in original.splitlines() if not line.startswith("last_touch:")]
    assert [line for line in text.splitlines() if line in kept] == kept  # every other line, in its order
    assert set(text.splitlines()) - set(kept) == {"- 2026-11-20 (email) Hi", "last_touch: 2026-11-20"}


# ---- who is missing --------------------------------------------------------------------------------------------

def test_suggest_lists_who_i_write_to_and_add_creates_them_with_their_touches(mailbox):
    messages = [message(ME, "Kai Short <kai@example.net>", f"Plan {n}", f"Fri, {10 + n} Nov 2026 10:00 +0000",
                        f"k{n}@x") for n in range(4)]
    messages += [message(ME, "once@example.net", "Once", "Fri, 13 Nov 2026 10:00 +0000", "w1@x"),
                 message(ME, "old@example.net", "Old", "Fri, 13 Nov 2024 10:00 +0000", "x1@x"),
                 message(ME, "old@example.net", "Old", "Fri, 14 Nov 2024 10:00 +0000", "x2@x"),
                 message(ME, "old@example.net", "Old", "Fri, 15 Nov 2024 10:00 +0000", "x3@x")]
    (mailbox.root / "Sent").write_bytes(thunderbird(*messages))
    listed = harvest(mailbox, "Sent", "--me", ME, "--suggest", "--dry-run")
    assert "  Kai Short <kai@example.net>: 4 times, last 2026-11-13" in listed.stdout
    assert "once@" not in listed.stdout and "old@" not in listed.stdout  # under 3, or over a year ago
    added = harvest(mailbox, "Sent", "--me", ME, "--suggest", "--add")
    assert added.returncode == 0 and "(added)" in added.stdout
    kai = mailbox.fields("kai-short.md")
    assert kai["email"] == "kai@example.net" and kai["last_touch"].isoformat() == "2026-11-13"
    assert mailbox.log("kai-short.md")[0] == "- 2026-11-13 (email) Plan 3"
    assert len(commits(mailbox)) == 3  # the same commit


# ---- bad input -------------------------------------------------------------------------------------------------

def test_broken_mail_is_a_line_of_the_report_and_the_rest_is_harvested(mailbox):
    raw_8bit = b"Message-ID: <r1@x>\nDate: Fri, 20 Nov 2026 10:00 +0000\nFrom: tess@example.org\n" \
               b"To: ana@example.org\nSubject: Caf\xc3\xa9 \xe9t\xe9\n\nx\n"
    latin = message(ME, "ana@example.org", "=?ISO-8859-1?Q?=E9t=E9?= =?SHIFT_JIS?B?g2WDWINn?=",
                    "Sat, 21 Nov 2026 10:00 +0000", "l1@x")
    broken = b"Message-ID: <b1@x>\nDate: Sun, 22 Nov 2026 10:00 +0000\nFrom: tess@example.org\nTo: ana@example.org\n" \
             b"Subject: =?UTF-8?B?broken=?=\nContent-Type: multipart/mixed; boundary=\n\n--\n"
    undated = message(ME, "ana@example.org", "No date", "", "u1@x")
    bad_date = message(ME, "ana@example.org", "Bad date", "Someday in November", "u2@x")
    future = message(ME, "ana@example.org", "From the future", "Fri, 20 Nov 2099 10:00 +0000", "f1@x")
    attachment = message(ME, "ana@example.org", "The plans", "Mon, 23 Nov 2026 08:00 +0000", "p1@x",
                         body="--x\n" + ("QUJDRA" * 13 + "\n") * 680_000)  # a 50 MB attachment, base64
    truncated = b"Message-ID: <t1@x>\nDate: Mon, 23 Nov 2026 09:00 +0000\nFrom: tess@example.org\nTo: tom"
    (mailbox.root / "All.mbox").write_bytes(mutt(raw_8bit, latin, broken, undated, bad_date, future, attachment,
                                                 truncated))
    done, peak_mb = run_measured([str(BIN / "followup"), "harvest", "All.mbox", "--me", ME], mailbox.root)
    assert done.returncode == 0, done.stderr
    written = mailbox.log("ana.md")
    assert written[0] == "- 2026-11-23 (email) The plans" and written[1].startswith("- 2026-11-22 (email) ")
    assert written[2:4] == ["- 2026-11-21 (email) étéテスト", "- 2026-11-20 (email) Café \ufffdt\ufffd"]
    assert "skipped: All.mbox: message 4 (line " in done.stdout and "no date that can be read" in done.stdout
    assert "skipped: 1 dated after today" in done.stdout
    assert "not read: All.mbox: message 8 (line " in done.stdout and "truncated" in done.stdout
    assert peak_mb < 200, peak_mb  # the attachment's 50 MB are streamed past, never held


def test_a_maildir_with_stray_files_and_a_folder_of_eml_files(mailbox, tmp_path):
    maildir = tmp_path / "Maildir"
    for folder in ("cur", "new", "tmp"):
        (maildir / folder).mkdir(parents=True)
    (maildir / "cur" / "1700000000.12345_1.laptop,U=3:2,S").write_bytes(
        message(ME, "tom@example.org", "Sent from mbsync", "Fri, 20 Nov 2026 10:00 +0000", "d1@x", newline="\r\n"))
    (maildir / "new" / "1700000001.12346_1.laptop").write_bytes(
        message("tom@example.org", ME, "New one", "Sat, 21 Nov 2026 10:00 +0000", "d2@x"))
    (maildir / "cur" / "notes.txt").write_text("not a message at all\n")
    (maildir / "tmp" / "1700000002.half").write_bytes(b"From: half")
    (maildir / "dovecot-uidlist").write_text("3 V1700000000 N4\n")
    done = harvest(mailbox, str(maildir), "--me", ME)
    assert done.returncode == 0, done.stderr
    assert mailbox.log("tom.md") == ["- 2026-11-21 Heard from (email): New one",
                                      "- 2026-11-20 (email) Sent from mbsync"]
    assert "not read: Maildir: cur/notes.txt: not a mail message" in done.stdout
    eml = tmp_path / "exported"
    eml.mkdir()
    (eml / "Re lunch.eml").write_bytes(message(ME, "bea@example.org", "Lunch", "Fri, 20 Nov 2026 10:00 +0000", "e1@x",
                                               newline="\r\n"))
    assert harvest(mailbox, str(eml), "--me", ME).returncode == 0
    assert mailbox.log("bea.md") == ["- 2026-11-20 (email) Lunch"]


# ---- IMAP, for real ----------------------------------------------------------------------------------------------

def test_imap_reads_headers_only_new_ones_the_next_time_and_marks_nothing_read(mailbox, imap_server):
    server = imap_server()
    server.append(message(ME, "ana@example.org", "Over IMAP", "Fri, 20 Nov 2026 10:00 +0000", "i1@x",
                          body="Body that must never reach the journal.\n"))
    server.append(message("tom@example.org", ME, "From Tom", "Sat, 21 Nov 2026 10:00 +0000", "i2@x"))
    mailbox.settings("harvest: {password_env: TEST_IMAP_PASSWORD}")
    env = {**server.env, "TEST_IMAP_PASSWORD": "s3cret"}
    url = f"imaps://tess@127.0.0.1:{server.imaps_port}/INBOX"
    done = harvest(mailbox, url, "--me", ME, env=env)
    assert done.returncode == 0, done.stderr
    assert mailbox.log("ana.md")[0] == "- 2026-11-20 (email) Over IMAP"
    assert mailbox.log("tom.md")[0] == "- 2026-11-21 Heard from (email): From Tom"
    assert "must never" not in "".join(path.read_text() for path in mailbox.contacts.glob("*.md"))
    assert server.unseen() == 2  # BODY.PEEK: nothing marked read
    assert "from 0 messages" in harvest(mailbox, url, "--me", ME, env=env).stdout  # only what is new is fetched
    server.append(message(ME, "bea@example.org", "Third", "Sun, 22 Nov 2026 10:00 +0000", "i3@x"))
    assert "from 1 message" in harvest(mailbox, url, "--me", ME, env=env).stdout
    plain = harvest(mailbox, f"imap://tess@127.0.0.1:{server.imap_port}/INBOX", "--me", ME, env=env)
    assert plain.returncode == 0 and "from 3 messages" in plain.stdout  # STARTTLS, a folder of its own state


def test_imap_wrong_password_and_a_dropped_connection(mailbox, imap_server):
    server = imap_server()
    server.append(*(message(ME, "ana@example.org", f"Message {number}", "Fri, 20 Nov 2026 10:00 +0000",
                            f"m{number}@x") for number in range(1200)))
    mailbox.settings("harvest: {password_env: TEST_IMAP_PASSWORD}")
    url = f"imaps://tess@127.0.0.1:{server.imaps_port}/INBOX"
    wrong = harvest(mailbox, url, "--me", ME, env={**server.env, "TEST_IMAP_PASSWORD": "nope"})
    assert wrong.returncode == 1
    assert wrong.stderr.strip() == f"followup: 127.0.0.1:{server.imaps_port} refused the user 'tess' or its password"
    relay = server.dropping_relay(after_bytes=200_000)  # the server goes away during the second batch of 500
    dropped = harvest(mailbox, f"imaps://tess@127.0.0.1:{relay}/INBOX", "--me", ME,
                      env={**server.env, "TEST_IMAP_PASSWORD": "s3cret"})
    assert dropped.returncode == 1 and "dropped the connection" in dropped.stderr
    written = mailbox.log("ana.md")[0]
    assert written.startswith("- 2026-11-20 (email) Message 0 (") and written.endswith(" messages)")
    done = harvest(mailbox, f"imaps://tess@127.0.0.1:{relay}/INBOX", "--me", ME,
                   env={**server.env, "TEST_IMAP_PASSWORD": "s3cret"})
    assert done.returncode == 0, done.stderr  # the next run goes on from there
    counts = [int(line.rsplit("(", 1)[1].split()[0]) for line in mailbox.log("ana.md") if "Message" in line]
    assert sum(counts) == 1200
