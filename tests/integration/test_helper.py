"""Pages drawn by a forked child ahead of the build (site/helper.py): the site is the
same, byte for byte, as one built without it, whether the child drew pages or failed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from helpers import front

pytestmark = pytest.mark.build

# Run alone in its process: a test worker has threads of its own, where followup does not fork. The build
# waits for the child before it asks for its first page, so what the child drew does not depend on luck.
BUILD = r"""
import logging, os, sys
import followup.site.build as site_build
from followup.site import helper
from mkdocs.commands.build import build
from mkdocs.config import load_config

how, site_dir = sys.argv[1], sys.argv[2]
site_build.HELPED_FROM = 10**9 if how == "alone" else 1
parent = os.getpid()
helpers = []
take = helper.DrawingHelper.take

def take_once_the_child_is_done(self, page):
    if self.child is not None and self not in helpers:
        helpers.append(self)
        ended = os.waitid(os.P_PID, self.child.pid, os.WEXITED | os.WNOWAIT)  # not reaped: finish() does that
        print("child exit", ended.si_status)
    return take(self, page)

helper.DrawingHelper.take = take_once_the_child_is_done
if how == "failing":
    render = site_build.SiteBuild.render

    def render_here_only(self, page, content):
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return render(self, page, content)

    site_build.SiteBuild.render = render_here_only
finish = helper.DrawingHelper.finish

def finish_and_count(self):
    print("taken", self.taken, "of", len(self.place))
    finish(self)

helper.DrawingHelper.finish = finish_and_count
logging.basicConfig(level=logging.INFO, format="%(message)s")  # on stderr, where the test reads followup's log
config = load_config("mkdocs.yml", site_dir=site_dir)
config.plugins.on_startup(command="build", dirty=False)
build(config)
"""


def built(journal, how: str) -> tuple[list[str], dict[str, bytes], str]:
    """The build's report, every file of the site it made, each from an empty cache, and its log."""
    subprocess.run(["rm", "-rf", str(journal.cache)], check=True)
    site = journal.root / f"site-{how}"
    done = subprocess.run([sys.executable, "-c", BUILD, how, str(site)], cwd=journal.root, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines(), {str(path.relative_to(site)): path.read_bytes()
                                      for path in sorted(site.rglob("*")) if path.is_file()}, done.stderr


@pytest.fixture
def twelve(journal):
    for number in range(12):
        journal.write(f"p{number:02d}.md", front(name=f"Person {number}", categories="[friends]", cadence="monthly",
                                                 last_touch="2026-09-01") + f"\nNotes of *{number}*.\n")
    journal.commit("Twelve people", date="2026-09-01")
    for number in range(0, 12, 3):
        path = journal.contacts / f"p{number:02d}.md"
        path.write_text(path.read_text().replace("2026-09-01", "2026-11-02") + "- 2026-11-02 Called\n")
    journal.commit("Calls", date="2026-11-02")
    return journal


def test_pages_a_child_drew_are_the_pages_the_build_draws(twelve):
    report, helped, log = built(twelve, "helped")
    assert report == ["child exit 0", "taken 22 of 22"]  # the 12 people and the 10 lists
    assert "failed" not in log
    _, alone, _ = built(twelve, "alone")
    assert sorted(helped) == sorted(alone)
    assert [name for name in helped if helped[name] != alone[name]] == []
    assert b"Called" in helped["people/p03/index.html"]


def test_a_child_that_fails_leaves_the_build_to_draw_every_page(twelve):
    report, failing, log = built(twelve, "failing")
    assert report == ["child exit 1", "taken 0 of 22"]
    assert "followup: the child drawing pages ahead failed (RuntimeError: the child fails); the build does its " \
        "work itself" in log
    _, alone, _ = built(twelve, "alone")
    assert [name for name in alone if failing.get(name) != alone[name]] == []


def test_a_build_in_a_process_with_threads_draws_alone(twelve, tmp_path: Path):
    """mkdocs serve's server is a thread: there, no child is forked."""
    threaded = BUILD.replace("config = load_config(", "import threading; threading.Thread(target=lambda: "
                                                       "__import__('time').sleep(60), daemon=True).start()\n"
                                                       "config = load_config(", 1)
    done = subprocess.run([sys.executable, "-c", threaded, "helped", str(tmp_path / "site")], cwd=twelve.root,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert (tmp_path / "site/people/p00/index.html").is_file()


FAILING_BUILD = r"""
import os, sys, time
import followup.site.build as site_build
from followup.site import helper
from mkdocs.commands.build import build
from mkdocs.config import load_config

children = []
start = helper.Forked.__init__

def remembered(self, work, what):
    start(self, work, what)
    children.append(self.pid)

helper.Forked.__init__ = remembered
site_build.journal_calendars = lambda journal, cache_file: time.sleep(60)  # the child is still drawing
site_build.SiteBuild.list_page_html = lambda self, page: 1 / 0  # and the build fails meanwhile
config = load_config("mkdocs.yml", site_dir=sys.argv[1])
config.plugins.on_startup(command="build", dirty=False)
try:
    build(config)
except ZeroDivisionError:
    pass
for pid in children:
    try:
        os.kill(pid, 0)
        print("running", pid)
    except ProcessLookupError:
        print("stopped")
"""


def test_a_build_that_fails_stops_the_child_drawing_its_files(twelve, tmp_path: Path):
    done = subprocess.run([sys.executable, "-c", FAILING_BUILD, str(tmp_path / "site")], cwd=twelve.root,
                          capture_output=True, text=True, timeout=50)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["stopped"]
