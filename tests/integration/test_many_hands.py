"""Many hands on one repository, with real git: clones that touch the same people and add their own
offline, then pull and push in turn, land every touch with no hand edits (bench/hands.py; the benchmark runs
it with 50 clones). A real conflict is still one."""

from __future__ import annotations

import subprocess

import pytest

from hands import clones_of, followup, lost_work, many_hands, run

SHARED = ["ana", "bob", "cy", "dee"]


@pytest.fixture
def shared(journal):
    for slug in SHARED:
        journal.write(f"{slug}.md", f"---\nname: {slug.title()} Shared\ncategories: [clients]\ncadence: monthly\n"
                                    f"last_touch: 2026-09-01\n---\nNotes about {slug}.\n\n## Log\n- 2026-09-01 Met\n")
    journal.commit("The firm's shared clients", date="2026-09-01")
    return journal


def test_clones_touching_the_same_people_and_pushing_in_turn_lose_nothing(shared, tmp_path):
    hub, clones = clones_of(shared.root, tmp_path, 5)
    hands = many_hands(clones, SHARED, rounds=2)
    final = tmp_path / "final"
    run(tmp_path, "git", "clone", "-q", str(hub), str(final))
    assert lost_work(final, SHARED, hands) == []
    assert all(any(slug == touched for touched, _, _ in hands.touches) for slug in SHARED)
    slugs = {path.stem for path in (final / "contacts").glob("*.md")}
    assert len(slugs) == len(SHARED) + len(hands.added) == 14
    check = followup(final, "check", check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    merges = run(final, "git", "log", "--merges", "--oneline").stdout.splitlines()
    assert len(merges) >= 4  # each clone after the first merged the others' work


def test_two_renames_of_one_person_are_still_a_conflict(shared, tmp_path):
    _, (first, second) = clones_of(shared.root, tmp_path, 2)
    for clone, name in ((first, "Ana Ribeiro"), (second, "Ana Ribeiro-Costa")):
        path = clone / "contacts/ana.md"
        path.write_text(path.read_text().replace("name: Ana Shared", f"name: {name}"))
        followup(clone, "touch", "ana", "-m", f"Called, as {name}")  # its commit carries the rename too
    run(first, "git", "push", "-q")
    pulled = run(second, "git", "pull", "-q", "--no-rebase", "--no-edit", check=False)
    assert pulled.returncode != 0 and "CONFLICT" in pulled.stdout + pulled.stderr
    text = (second / "contacts/ana.md").read_text()
    assert "<<<<<<<" in text and "Ana Ribeiro-Costa" in text and "name: Ana Ribeiro\n" in text
    # both touches are in the file already, whichever name wins
    assert "Called, as Ana Ribeiro\n" in text and "Called, as Ana Ribeiro-Costa\n" in text
    assert subprocess.run(["git", "diff", "--name-only", "--diff-filter=U"], cwd=second, capture_output=True,
                          text=True).stdout.split() == ["contacts/ana.md"]
