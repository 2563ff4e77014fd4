"""The files a build generates beside its pages are drawn by a child process while MkDocs draws the pages
(site/assets.py); what a failed child did not write is drawn by the build itself, and published all the same."""

from __future__ import annotations

import subprocess
import sys

# Run alone in its process: a test worker has threads of its own, where followup does not fork.
CHILD_FAILS = r"""
import os, sys
from pathlib import Path
from followup.site.assets import GeneratedAssets
from followup.store import cache

root = Path(sys.argv[1])
store = cache.PageStore(root / "pages.sqlite3")
parent = os.getpid()

def draw():
    if os.getpid() != parent:
        raise RuntimeError("the child fails")
    return {"feeds/a.ics": b"drawn by the build"}

assets = GeneratedAssets(root)
assets.start(store, "today's journal", [(["feeds/a.ics"], draw)])
print("child" if assets.child is not None else "no child")
assets.publish(str(root / "site"))
print((cache.cache_path(root, "site", "") / "feeds/a.ics").read_text())
print((root / "site/feeds/a.ics").read_text())
print(store.get("feeds/a.ics", "today's journal") is not None)
"""


def test_a_child_that_fails_is_redone_by_the_build(tmp_path):
    done = subprocess.run([sys.executable, "-c", CHILD_FAILS, str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["child", "drawn by the build", "drawn by the build", "True"]
