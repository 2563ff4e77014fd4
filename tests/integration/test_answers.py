"""A read command's --json answer is kept with what it was drawn from (store/answers.py): asked again with
nothing changed, it is given without loading the journal; any change draws it afresh, and a kept answer is
always the answer a fresh run gives."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

from helpers import TODAY


def settled(journal) -> None:
    """The contact files as a journal's are when one asks: not changed in the last seconds (a file changed this
    recently is never answered from a kept answer). Each call gives them a time of their own."""
    then = time.time_ns() - 3_600_000_000_000
    for path in journal.contacts.rglob("*"):
        os.utime(path, ns=(then, then), follow_symlinks=False)


def asked(journal, *args: str, env: dict | None = None) -> str:
    done = journal.followup(*args, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def fresh(journal, *args: str, env: dict | None = None) -> str:
    """The answer of a run with no kept answers and no caches at all."""
    shutil.rmtree(journal.cache, ignore_errors=True)
    return asked(journal, *args, env=env)


def test_a_kept_answer_is_what_a_fresh_run_says_after_every_kind_of_change(journal):
    journal.write("ana.md", "---\nname: Ana\ncategories: [friends]\ncadence: weekly\nlast_touch: 2026-11-01\n"
                            "owner: hal\n---\n")
    journal.write("bo.md", "---\nname: Bo\ncadence: monthly\nlast_touch: 2026-11-20\nowner: mei\n---\n")
    journal.commit("Two", date="2026-11-20")
    questions = [("due", "--json", "--all"), ("log", "ana", "--json")]

    def same_as_fresh(env: dict | None = None) -> dict[tuple, str]:
        settled(journal)
        kept = {question: asked(journal, *question, env=env) for question in questions}  # kept, or kept now
        again = {question: asked(journal, *question, env=env) for question in questions}  # given from what is kept
        assert again == kept
        assert {question: fresh(journal, *question, env=env) for question in questions} == kept
        return kept

    first = same_as_fresh()
    journal.write("ana.md", (journal.contacts / "ana.md").read_text().replace("2026-11-01", "2026-11-22"))
    edited = same_as_fresh()
    assert edited[questions[0]] != first[questions[0]]
    journal.commit("Ana again", date="2026-11-22")  # the files as they were: only the history has changed
    committed = same_as_fresh()
    assert committed[questions[1]] != edited[questions[1]]
    assert same_as_fresh({"FOLLOWUP_TODAY": "2026-12-24"})[questions[0]] != committed[questions[0]]
    assert same_as_fresh({"FOLLOWUP_OWNER": "mei"})[questions[0]] != committed[questions[0]]
    journal.settings("soon_days: 0")
    assert same_as_fresh()[questions[0]] != committed[questions[0]]


def test_a_kept_answer_loads_nothing_of_the_journal(journal):
    journal.write("ana.md", "---\nname: Ana\ncadence: weekly\nlast_touch: 2026-11-01\n---\n")
    journal.commit("Ana")
    settled(journal)
    first = asked(journal, "due", "--json")
    again = subprocess.run([sys.executable, "-X", "importtime", "-m", "followup", "due", "--json"], cwd=journal.root,
                           capture_output=True, text=True, env={**os.environ, "FOLLOWUP_TODAY": TODAY})
    assert again.returncode == 0 and again.stdout == first
    imported = {line.rsplit("|", 1)[1].strip() for line in again.stderr.splitlines() if "|" in line}
    assert "followup.store.answers" in imported
    assert not imported & {"followup.store.journal", "followup.cli.routine", "followup.core.due", "msgspec"}
    (journal.contacts / "ana.md").write_text((journal.contacts / "ana.md").read_text() + "Moved to Porto.\n")
    just_changed = subprocess.run([sys.executable, "-X", "importtime", "-m", "followup", "due", "--json"],
                                  cwd=journal.root, capture_output=True, text=True,
                                  env={**os.environ, "FOLLOWUP_TODAY": TODAY})
    assert "followup.store.journal" in just_changed.stderr  # drawn afresh, and not kept while it is this fresh
