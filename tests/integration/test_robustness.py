"""Crashes and concurrent clones: a killed writer never leaves a partial file; two clones merge touches."""

import random
import signal
import subprocess
import sys
import time

from followup.store.journal import Journal
from followup.store.merge import merge_contact
from helpers import clone, run

WRITER = """
import sys
from pathlib import Path
from followup.store.files import atomic_write
path = Path(sys.argv[1]); versions = [Path(sys.argv[2]).read_bytes(), Path(sys.argv[3]).read_bytes()]
sys.stdout.write("ready\\n"); sys.stdout.flush()
n = 0
while True:
    atomic_write(path, versions[n % 2]); n += 1
"""


def test_a_writer_killed_at_random_moments_leaves_old_or_new(tmp_path):
    before = b"---\nname: Before\n---\n" + b"old line\n" * 200_000
    after = b"---\nname: After\n---\n" + b"new line\n" * 200_000
    (tmp_path / "a").write_bytes(before)
    (tmp_path / "b").write_bytes(after)
    target = tmp_path / "contact.md"
    seen = {before: 0, after: 0}
    randomness = random.Random(20261123)
    for trial in range(60):  # each lands on either side of a rename about as often: all on one is 2^-59
        target.write_bytes(before)
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(target), str(tmp_path / "a"), str(tmp_path / "b")],
                                  stdout=subprocess.PIPE)
        writer.stdout.readline()
        time.sleep(randomness.uniform(0, 0.03))
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        content = target.read_bytes()
        assert content in seen, f"trial {trial}: a partial file of {len(content)} bytes"
        seen[content] += 1
    assert seen[before] and seen[after]  # the kills landed on both sides of a rename


def test_killed_touch_leaves_the_file_as_before_or_after(journal):
    path = journal.write("ana.md", "---\nname: Ana\ncadence: weekly\n---\n\n## Log\n- 2026-11-01 Tea\n")
    journal.commit("Add Ana")
    original = path.read_bytes()
    randomness = random.Random(7)
    for trial in range(20):
        path.write_bytes(original)
        process = subprocess.Popen(["followup", "touch", "ana", "-m", "Call", "--no-commit"], cwd=journal.root,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(randomness.uniform(0.05, 0.6))
        process.send_signal(signal.SIGKILL)
        process.wait()
        content = path.read_bytes()
        assert content == original or content == original.replace(b"weekly\n", b"weekly\nlast_touch: 2026-11-23\n") \
            .replace(b"## Log\n", b"## Log\n- 2026-11-23 Call\n"), (trial, content)
    assert Journal.load(journal.root).problems == []
    assert journal.followup("touch", "ana", "-m", "After the crashes").returncode == 0
    assert not list(journal.contacts.glob(".*.tmp"))  # left-overs of killed writers are cleared


def test_two_clones_touch_the_same_person_and_merge_cleanly(journal, tmp_path):
    journal.write("ana.md", "---\nname: Ana   # friend\ncadence: weekly\nlast_touch: 2026-11-01\n---\n"
                            "Notes.\n\n## Log\n- 2026-11-01 Tea\n")
    journal.commit("Add Ana")
    laptop, phone = clone(journal, tmp_path, "laptop"), clone(journal, tmp_path, "phone")
    run(laptop, "followup", "touch", "ana", "-m", "Call from the laptop", "--date", "2026-11-20")
    run(phone, "followup", "touch", "ana", "-m", "Lunch, noted on the phone")
    run(phone, "followup", "promise", "ana", "send the photos", "--by", "2026-11-30")
    run(laptop, "git", "push", "-q", "origin", "HEAD")
    pulled = run(phone, "git", "pull", "-q", "--no-rebase", "--no-edit", check=False)
    assert pulled.returncode == 0, pulled.stdout + pulled.stderr
    text = (phone / "contacts/ana.md").read_text()
    assert text == ("---\nname: Ana   # friend\ncadence: weekly\nlast_touch: 2026-11-23\n"
                    "promises:\n  - {due: 2026-11-30, what: send the photos, made: 2026-11-23}\n---\nNotes.\n\n## Log\n"
                    "- 2026-11-23 Lunch, noted on the phone\n- 2026-11-20 Call from the laptop\n- 2026-11-01 Tea\n")
    run(phone, "git", "push", "-q", "origin", "HEAD")
    back = run(laptop, "git", "pull", "-q", "--no-rebase", "--no-edit", check=False)
    assert back.returncode == 0 and (laptop / "contacts/ana.md").read_text() == text


def test_real_conflicts_stay_conflicts(journal, tmp_path):
    journal.write("ana.md", "---\nname: Ana\ncadence: weekly\n---\n")
    journal.commit("Add Ana")
    laptop, phone = clone(journal, tmp_path, "laptop"), clone(journal, tmp_path, "phone")
    for folder, name in ((laptop, "Ana Ribeiro"), (phone, "Ana Lima")):
        (folder / "contacts/ana.md").write_text(f"---\nname: {name}\ncadence: weekly\n---\n")
        run(folder, "git", "commit", "-qam", f"Rename to {name}")
    run(laptop, "git", "push", "-q", "origin", "HEAD")
    pulled = run(phone, "git", "pull", "-q", "--no-rebase", "--no-edit", check=False)
    assert pulled.returncode != 0
    assert "<<<<<<< ours" in (phone / "contacts/ana.md").read_text()


def test_merge_keeps_newest_last_logs_and_other_edits():
    base = b"---\nname: Ana\nlast_touch: 2026-11-01\n---\nNotes.\n\n## Log\n- 2026-10-01 a\n- 2026-11-01 b\n"
    ours = base.replace(b"Notes.", b"Notes, longer.").replace(b"2026-11-01\n---", b"2026-11-10\n---") + \
        b"- 2026-11-10 ours\n"
    theirs = base.replace(b"2026-11-01\n---", b"2026-11-05\n---").replace(b"- 2026-11-01 b\n",
                                                                         b"- 2026-11-01 b\n- 2026-11-05 theirs\n")
    merged, clean = merge_contact(base, ours, theirs)
    assert clean
    assert merged == (b"---\nname: Ana\nlast_touch: 2026-11-10\n---\nNotes, longer.\n\n## Log\n- 2026-10-01 a\n"
                      b"- 2026-11-01 b\n- 2026-11-05 theirs\n- 2026-11-10 ours\n")
    broken, clean = merge_contact(base, b"not a contact\n", theirs)
    assert not clean and b"<<<<<<<" in broken
