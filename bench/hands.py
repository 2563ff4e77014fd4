"""Many hands on one repository: clones of a journal that each touch shared people and add their own while
offline, then pull (through followup's merge driver) and push in turn to one bare repository. The test suite
runs it small (tests/integration/test_many_hands.py); bench/run.py --hands runs it at 50 clones, and times
`git pull` through the driver in clones of the 10,000-contact journal.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

BIN = Path(sys.executable).parent
TODAY = dt.date(2026, 11, 23)


def run(folder: Path, *args: str, check: bool = True, env: dict | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run(args, cwd=folder, capture_output=True, text=True, env={**os.environ, **(env or {})})
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed in {folder}:\n{done.stdout}\n{done.stderr}")
    return done


def followup(folder: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return run(folder, str(BIN / "followup"), *args, check=check, env={"FOLLOWUP_TODAY": TODAY.isoformat()})


def clones_of(journal: Path, folder: Path, count: int) -> tuple[Path, list[Path]]:
    """A bare repository of the journal (the firm's server) and `count` clones of it, each with the merge
    driver registered as `followup git-setup` does."""
    hub = folder / "hub.git"
    run(folder, "git", "clone", "-q", "--bare", str(journal), str(hub))
    clones = []
    for number in range(count):
        clone = folder / f"clone-{number:02d}"
        run(folder, "git", "clone", "-q", str(hub), str(clone))
        run(clone, "git", "config", "user.name", f"Lawyer {number}")
        run(clone, "git", "config", "user.email", f"lawyer{number}@firm.example")
        followup(clone, "git-setup")
        clones.append(clone)
    return hub, clones


@dataclass
class Hands:
    touches: list[tuple[str, str, str]] = field(default_factory=list)  # (slug, day, note) of every touch made
    added: list[str] = field(default_factory=list)  # the names of everyone added
    pulls: list[float] = field(default_factory=list)  # seconds of each `git pull`


def many_hands(clones: list[Path], shared: list[str], rounds: int) -> Hands:
    """Each round, every clone touches two of the `shared` slugs (the same people as other clones) and adds
    someone of its own, offline; then, in turn, each pulls and pushes."""
    hands = Hands()
    for round_number in range(rounds):
        for number, clone in enumerate(clones):
            day = (TODAY - dt.timedelta(days=(number * 7 + round_number) % 60)).isoformat()
            picked = [shared[(number + round_number) % len(shared)], shared[(number * 3 + 1) % len(shared)]]
            for slug in dict.fromkeys(picked):
                note = f"Call from clone {number} in round {round_number}"
                followup(clone, "touch", slug, "-m", note, "--date", day)
                hands.touches.append((slug, day, note))
            name = f"Client {number} of round {round_number}"
            followup(clone, "new", name, "--cadence", "monthly")
            hands.added.append(name)
        for clone in clones:
            start = time.perf_counter()
            run(clone, "git", "pull", "-q", "--no-rebase", "--no-edit")
            hands.pulls.append(time.perf_counter() - start)
            run(clone, "git", "push", "-q")
    return hands


def lost_work(final: Path, shared: list[str], hands: Hands) -> list[str]:
    """What a clone of the repository after everyone pushed is missing of the work of many hands, or
    garbles: conflict markers, a touch's log line, the latest last_touch, a person added, a line doubled."""
    lost = []
    for slug in shared:
        text = (final / "contacts" / f"{slug}.md").read_text()
        if "<<<<<<<" in text or ">>>>>>>" in text:
            lost.append(f"{slug}: conflict markers")
        mine = [(day, note) for touched, day, note in hands.touches if touched == slug]
        lost += [f"{slug}: no log line {note!r}" for day, note in mine if f"- {day} {note}\n" not in text]
        if mine and f"last_touch: {max(day for day, _ in mine)}\n" not in text:
            lost.append(f"{slug}: last_touch is not the latest touch")
        lost += [f"{slug}: doubled {line!r}" for line in set(text.splitlines()) if line.startswith("- ")
                 and text.splitlines().count(line) > 1]
    names = {path.read_text().split("name: ", 1)[1].split("\n", 1)[0] for path in (final / "contacts").rglob("*.md")}
    lost += [f"{name}: not in the repository" for name in hands.added if name not in names]
    return lost
