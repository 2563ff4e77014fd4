"""git history as the contact log, against real repositories."""

import os
import shutil
import stat
import subprocess

from followup.store.history import GitEvent
from followup.store.journal import Journal
from helpers import TODAY, sign_commits


def timeline(journal, slug):
    loaded = Journal.load(journal.root)
    return [(str(e.date), e.kind, e.text) for e in loaded.timeline(loaded.by_slug[slug])], loaded


def ana(last_touch, log="", notes="Architect."):
    return f"---\nname: Ana Ribeiro\ncadence: monthly\nlast_touch: {last_touch}\n---\n{notes}\n\n## Log\n{log}"


def test_touches_edits_renames_and_deduplication(journal):
    journal.write("ana.md", ana("2026-09-01"))
    journal.commit("Add Ana", date="2026-09-01")
    journal.write("ana.md", ana("2026-09-01", notes="Architect.\n-- moved to Porto"))
    journal.commit("Ana's new address", date="2026-09-10")
    journal.write("ana.md", ana("2026-10-05", log="- 2026-10-05 Lunch at the docks\n",
                                notes="Architect.\n-- moved to Porto"))
    journal.commit("Lunch at the docks", date="2026-10-05")
    journal.write("ana.md", ana("2026-11-01", log="- 2026-10-05 Lunch at the docks\n",
                                notes="Architect."))
    journal.commit("Called about the move", date="2026-11-02")
    (journal.contacts / "friends").mkdir()
    journal.git("mv", "contacts/ana.md", "contacts/friends/ana-ribeiro.md")
    journal.commit("File Ana under friends", date="2026-11-03")

    events, loaded = timeline(journal, "ana-ribeiro")
    assert events == [
        ("2026-11-03", "edit", "File Ana under friends"),
        ("2026-11-01", "touch", "Called about the move"),
        ("2026-10-05", "log", "Lunch at the docks"),
        ("2026-09-10", "edit", "Ana's new address"),
        ("2026-09-01", "edit", "Add Ana"),  # adding a file is not a touch
    ]
    log_event = loaded.timeline(loaded.by_slug["ana-ribeiro"])[2]
    assert log_event.commit and log_event.author == "Tess Tester"
    assert str(loaded.by_slug["ana-ribeiro"].due.last_touch) == "2026-11-01"


def test_non_ascii_messages_and_odd_file_names(journal):
    for day in ("2026-09-01", "2026-10-01"):
        journal.write('Zoë "Z" O\'Brien.md', ana(day).replace("Ana Ribeiro", "Zoë O'Brien"))
        journal.write("tab\tname.md", ana(day).replace("Ana Ribeiro", "Tab Name"))
        journal.commit("Café com a Zoë ☕" if day == "2026-10-01" else "Add", date=day)
    events, _loaded = timeline(journal, "zoe-z-o-brien")
    assert events == [("2026-10-01", "touch", "Café com a Zoë ☕"), ("2026-09-01", "edit", "Add")]
    assert timeline(journal, "tab-name")[0] == events


def test_merges_bring_both_sides(journal):
    journal.write("ana.md", ana("2026-09-01"))
    journal.commit("Add Ana", date="2026-09-01")
    journal.git("checkout", "-q", "-b", "laptop")
    journal.write("ana.md", ana("2026-10-01"))
    journal.commit("Dinner on the laptop branch", date="2026-10-01")
    journal.git("checkout", "-q", "-")
    journal.write("bob.md", "---\nname: Bob\n---\n")
    journal.commit("Add Bob", date="2026-10-02")
    journal.git("merge", "-q", "--no-ff", "-m", "Merge laptop", "laptop")
    events, _ = timeline(journal, "ana")
    assert ("2026-10-01", "touch", "Dinner on the laptop branch") in events


def test_shallow_clone_and_no_git(journal, tmp_path):
    for day in ("2026-09-01", "2026-10-01", "2026-11-01"):
        journal.write("ana.md", ana(day))
        journal.commit(f"Touch {day}", date=day)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{journal.root}", str(clone)], check=True)
    loaded = Journal.load(clone)
    events = loaded.timeline(loaded.by_slug["ana"])
    assert [e.text for e in events] == ["Touch 2026-11-01"] and loaded.history.warning is None

    plain = tmp_path / "plain"
    shutil.copytree(journal.root, plain, ignore=shutil.ignore_patterns(".git"))
    loaded = Journal.load(plain)
    assert "not in a git repository" in loaded.history.warning
    assert str(loaded.by_slug["ana"].due.last_touch) == "2026-11-01"


def test_one_git_process_per_build(journal, tmp_path):
    for index in range(6):
        journal.write(f"p{index}.md", ana(f"2026-10-0{index + 1}").replace("Ana Ribeiro", f"P {index}"))
        journal.commit(f"Add p{index}")
    shim = tmp_path / "bin"
    shim.mkdir()
    calls = tmp_path / "git-calls"
    (shim / "git").write_text(f'#!/bin/sh\necho "$@" >> {calls}\nexec {shutil.which("git")} "$@"\n')
    (shim / "git").chmod(stat.S_IRWXU)
    env = {**os.environ, "PATH": f"{shim}{os.pathsep}{os.environ['PATH']}", "FOLLOWUP_TODAY": TODAY}
    result = subprocess.run([shutil.which("mkdocs", path=env["PATH"]), "build"], cwd=journal.root, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert calls.read_text().count(" log ") == 1


def events_of(history):
    return {path: [(e.kind, str(e.date), e.subject) for e in events] for path, events in history.events.items()}


def test_cached_history_reads_only_new_commits_and_equals_a_full_read(journal, tmp_path):
    from followup.store import cache, history
    from followup.store.history import read_history

    cache_file = tmp_path / "history.sqlite3"
    journal.write("ana.md", ana("2026-09-01"))
    journal.write("bob.md", ana("2026-09-02").replace("Ana Ribeiro", "Bob"))
    journal.commit("Add two", date="2026-09-01")
    first = read_history(journal.contacts, cache_file)
    assert cache_file.exists() and first.commits == 2
    journal.write("ana.md", ana("2026-10-01"))
    journal.commit("Touch Ana", date="2026-10-01")
    (journal.contacts / "friends").mkdir()
    journal.git("mv", "contacts/ana.md", "contacts/friends/ana.md")
    journal.commit("Move Ana", date="2026-10-02")
    # read_history holds nothing between calls: as in a new process, from the cache file alone
    incremental = read_history(journal.contacts, cache_file)
    assert incremental.commits == 4 and events_of(incremental) == events_of(read_history(journal.contacts))
    stored = cache.HistoryStore(cache_file, list[history.GitEvent]).events()
    assert stored.keys() == incremental.events.keys() and "ana.md" not in stored  # its rows moved with the file
    assert [e[2] for e in events_of(incremental)["friends/ana.md"]] == ["Move Ana", "Touch Ana", "Add two"]

    journal.git("reset", "-q", "--hard", "HEAD~2")  # history rewritten: the cached HEAD is gone
    journal.write("bob.md", ana("2026-11-01").replace("Ana Ribeiro", "Bob"))
    journal.commit("Touch Bob instead", date="2026-11-01")
    rewritten = read_history(journal.contacts, cache_file)
    assert events_of(rewritten) == events_of(read_history(journal.contacts))
    assert "friends/ana.md" not in rewritten.events and rewritten.commits == 3


def test_a_long_history_read_in_parallel_parts_equals_one_read(journal):
    """A full read is split along the first-parent line and read by concurrent git processes; renames, a
    revert and a merge that cross the cuts come out as from one read."""
    from followup.store.history import read_history

    for day in range(1, 13):
        journal.write("ana.md", ana(f"2026-09-{day:02d}"))
        journal.commit(f"Touch Ana {day}", date=f"2026-09-{day:02d}")
        if day == 4:
            (journal.contacts / "friends").mkdir()
            journal.git("mv", "contacts/ana.md", "contacts/friends/ana.md")
            journal.commit("Move Ana", date="2026-09-04")
            journal.git("mv", "contacts/friends/ana.md", "contacts/ana.md")
            journal.commit("Move Ana back", date="2026-09-04")
        if day == 7:
            journal.git("revert", "--no-edit", "HEAD")  # takes back the touch of the 7th, across a cut
        if day == 9:
            journal.git("checkout", "-q", "-b", "side")
            journal.write("bob.md", ana("2026-09-09").replace("Ana Ribeiro", "Bob"))
            journal.commit("Bob on a branch", date="2026-09-09")
            journal.git("checkout", "-q", "-")
            journal.git("merge", "-q", "--no-ff", "--no-edit", "side")
    whole = read_history(journal.contacts, parts=1)
    for parts in (2, 3, 4):
        split = read_history(journal.contacts, parts=parts, part_commits=3)
        assert split.commits == whole.commits and events_of(split) == events_of(whole), parts
    kinds = {subject: kind for kind, _, subject in events_of(whole)["ana.md"]}
    assert kinds["Touch Ana 7"] == "edit" and kinds["Touch Ana 8"] == "touch"


def test_parse_cache_notices_an_edit_of_the_same_size(journal):
    path = journal.write("ana.md", ana("2026-09-01"))
    journal.commit("Add Ana")
    assert Journal.load(journal.root).by_slug["ana"].contact.last_touch.isoformat() == "2026-09-01"
    assert (journal.cache / "contacts.sqlite3").exists()
    path.write_text(path.read_text().replace("2026-09-01", "2026-09-02"))
    assert Journal.load(journal.root).by_slug["ana"].contact.last_touch.isoformat() == "2026-09-02"


def test_parse_cache_keeps_no_parse_of_a_file_that_may_change_again_unseen(journal):
    """A save within the file system's timestamp granularity of the last keeps size, mtime and inode (git's
    "racily clean" file): a parse of a file changed that recently is used, never kept as matching it."""
    import os
    import time

    path = journal.write("ana.md", ana("2026-09-01"))
    journal.commit("Add Ana")
    recent = time.time_ns() + 60 * 10**9  # recent until a minute from now, however slow the machine
    os.utime(path, ns=(recent, recent))
    assert Journal.load(journal.root).by_slug["ana"].contact.last_touch.isoformat() == "2026-09-01"
    before = path.stat()
    with open(path, "r+") as same_file:  # the same inode and size, and the mtime put back
        same_file.write(ana("2026-09-02"))
    os.utime(path, ns=(recent, recent))
    assert (path.stat().st_size, path.stat().st_ino) == (before.st_size, before.st_ino)
    assert Journal.load(journal.root).by_slug["ana"].contact.last_touch.isoformat() == "2026-09-02"


def test_a_cache_laid_out_by_another_followup_is_replaced(journal):
    import sqlite3

    from followup.store import cache

    journal.write("ana.md", ana("2026-09-01"))
    journal.commit("Add Ana")
    for name in ("contacts", "history"):
        with sqlite3.connect(journal.cache / f"{name}.sqlite3") as older:
            older.execute("CREATE TABLE stamp (stamp TEXT)")
            older.execute("INSERT INTO stamp VALUES ('an older followup')")
            older.execute("CREATE TABLE files (path TEXT, size INTEGER)")
            older.execute("CREATE TABLE events (path TEXT, kind TEXT, day TEXT)")
    assert Journal.load(journal.root).by_slug["ana"].contact.last_touch.isoformat() == "2026-09-01"
    assert cache.ParseStore(journal.cache / "contacts.sqlite3").known().keys() == {"contacts/ana.md"}
    assert cache.HistoryStore(journal.cache / "history.sqlite3", list[GitEvent]).events().keys() >= {"ana.md"}


def test_the_users_git_settings_do_not_change_what_the_history_says(journal, tmp_path):
    """`git log -p` prints what the user's configuration asks (no a/ b/ prefixes, a text conversion of
    Markdown, colours, wider hunks, a check of each commit's signature): the history is read the same
    under any of them, and no signature is checked. Ana's folder is named "a", as git's prefix for the
    old side is."""
    public_key = sign_commits(journal, tmp_path)
    (journal.contacts / "a").mkdir()
    journal.write("a/ana.md", ana("2026-09-01"))
    journal.commit("Add Ana", date="2026-09-01")
    journal.write("a/ana.md", ana("2026-10-05", log="- 2026-10-05 Lunch at the docks\n"))
    journal.commit("Lunch at the docks", date="2026-10-05")
    journal.write("a/ana.md", ana("2026-11-01", log="- 2026-10-05 Lunch at the docks\n", notes="Architect, Porto."))
    journal.commit("Called about the move", date="2026-11-02")
    plain, _ = timeline(journal, "ana")
    assert [kind for _, kind, _ in plain] == ["touch", "log", "edit"]
    for key, value in [("diff.noprefix", "true"), ("diff.mnemonicPrefix", "true"), ("color.ui", "always"),
                       ("diff.context", "5"), ("diff.interHunkContext", "20"), ("diff.shout.textconv", "tr a-z A-Z"),
                       ("log.showSignature", "true"), ("diff.renames", "false")]:
        journal.git("config", key, value)
    signers, checker, checked = tmp_path / "signers", tmp_path / "checker", tmp_path / "checked"
    signers.write_text("* " + public_key.read_text())
    checker.write_text(f'#!/bin/sh\ntouch "{checked}"\nexec ssh-keygen "$@"\n')
    checker.chmod(0o755)
    journal.git("config", "gpg.ssh.allowedSignersFile", str(signers))
    journal.git("config", "gpg.ssh.program", str(checker))
    assert "Good \"git\" signature" in journal.git("log", "-1").stdout and checked.exists()  # git would check
    checked.unlink()
    (journal.root / ".git" / "info" / "attributes").write_text("*.md diff=shout\n")
    shutil.rmtree(journal.cache, ignore_errors=True)
    assert timeline(journal, "ana")[0] == plain and not checked.exists()
