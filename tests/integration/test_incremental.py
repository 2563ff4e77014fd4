"""`followup serve` rebuilds with MkDocs' dirty builds, writing only the pages that changed: after every kind of
change, the site folder it leaves equals a site built afresh, search index included."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from helpers import front

pytestmark = pytest.mark.build  # also run under ProperDocs in CI

# One process that builds as `mkdocs serve --dirty` does: the plugins kept from one build to the next, the
# configuration read again for each. A line "build" builds; "day YYYY-MM-DD" changes the day.
SERVING = r"""
import json, os, sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
site_dir, dirty = sys.argv[1], sys.argv[2] == "dirty"

def load():
    return load_config("mkdocs.yml", site_dir=site_dir)

config = load()
config.plugins.on_startup(command="serve", dirty=dirty)
for line in sys.stdin:
    word, _, value = line.strip().partition(" ")
    if word == "day":
        os.environ["FOLLOWUP_TODAY"] = value
        continue
    config = load()
    build(config, dirty=dirty)
    kept = config.plugins["followup"].kept
    print(json.dumps(sorted(kept.drawn_now) if kept else None), flush=True)
"""


class Serving:
    def __init__(self, root, site_dir, dirty: bool = True):
        self.process = subprocess.Popen([sys.executable, "-c", SERVING, str(site_dir), "dirty" if dirty else "full"],
                                        cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True)

    def send(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def build(self) -> list[str] | None:
        self.send("build")
        assert self.process.stdout is not None
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)


def site_files(site_dir) -> dict[str, object]:
    """Every file a reader gets, the search index as its entries in any order."""
    found: dict[str, object] = {}
    for path in sorted(site_dir.rglob("*")):
        name = path.relative_to(site_dir).as_posix()
        if not path.is_file() or name.endswith(".gz"):
            continue
        if name == "search/search_index.json":
            index = json.loads(path.read_text())
            found[name] = (index["config"], sorted(json.dumps(entry, sort_keys=True) for entry in index["docs"]))
        else:
            found[name] = path.read_bytes()
    return found


def built_afresh(root, tmp_path, day: str) -> dict[str, object]:
    fresh = tmp_path / f"fresh-{day}"
    serving = Serving(root, fresh, dirty=False)
    serving.send(f"day {day}")
    serving.build()
    serving.close()
    return site_files(fresh)


@pytest.fixture
def served(journal):
    journal.settings("picks_per_day: 2")
    for slug, cadence, last in (("ana", "weekly", "2026-11-20"), ("bob", "monthly", "2026-11-01"),
                                ("cy", "quarterly", "2026-10-01"), ("dee", "yearly", "2026-06-01")):
        journal.write(f"{slug}.md", front(name=f"{slug.title()} Person", cadence=cadence, last_touch=last,
                                          categories="[friends]") + f"Notes on {slug}, who likes tea.\n")
    journal.commit("Four people")
    return journal


def test_a_dirty_rebuild_leaves_the_site_a_fresh_build_would_write(served, tmp_path):
    site_dir = tmp_path / "served"
    serving = Serving(served.root, site_dir)
    serving.send("day 2026-11-23")
    assert serving.build() == ["people/ana/", "people/bob/", "people/cy/", "people/dee/"]  # the first build: all
    assert site_files(site_dir) == built_afresh(served.root, tmp_path, "2026-11-23")
    steps = [
        ("a touch", lambda: served.followup("touch", "bob", "-m", "Lunch by the river"), "2026-11-23",
         ["people/bob/"]),
        ("nothing", lambda: None, "2026-11-23", []),
        ("a contact deleted", lambda: (served.contacts / "cy.md").unlink(), "2026-11-23", []),
        ("a contact added", lambda: served.write("eve.md", front(name="Eve New", cadence="weekly")), "2026-11-23",
         ["people/eve/"]),
        ("notes edited", lambda: served.write("dee.md", (served.contacts / "dee.md").read_text() + "Moved.\n"),
         "2026-11-23", ["people/dee/"]),
        ("the next day: Ana late, Eve never touched", lambda: None, "2026-11-28", ["people/ana/", "people/eve/"]),
        ("a setting", lambda: served.settings("picks_per_day: 3"), "2026-11-28",
         ["people/ana/", "people/bob/", "people/dee/", "people/eve/"]),
    ]
    for change, make, day, redrawn in steps:
        make()
        serving.send(f"day {day}")
        assert serving.build() == redrawn, change
        assert site_files(site_dir) == built_afresh(served.root, tmp_path, day), change
    assert not (site_dir / "people/cy").exists() or not any((site_dir / "people/cy").iterdir())
    serving.close()
