"""The child that draws pages ahead of the build (site/helper.py), on its own: a real fork and a real SQLite file."""

from __future__ import annotations

import subprocess
import sys

# In a process of its own: a test worker has threads, and a fork copies only the thread that made it. The child
# is held in its first page until the build has moved on past it, so where it goes next does not depend on luck.
OVERTAKEN = r"""
import os
from followup.site.helper import DrawingHelper

pages = [f"p{number}" for number in range(40)]
held, release = os.pipe()
started, drawing = os.pipe()

def draw(page):
    if page == "p0":
        os.write(drawing, b"p0")
        os.read(held, 1)
    return f"<{page}>"

helper = DrawingHelper(pages, draw)
os.read(started, 2)  # the child is drawing p0
print(helper.take("p5"))  # the build got to p5 first, and draws it itself
os.write(release, b"go")
os.waitid(os.P_PID, helper.child.pid, os.WEXITED | os.WNOWAIT)  # the child is done; finish() reaps it
drawn = {page: helper.take(page) for page in pages}
print(" ".join(page for page, shown in drawn.items() if shown is not None))
print(drawn["p7"], helper.taken)
helper.finish()
print(helper.path.exists())
"""


def test_a_child_the_build_overtook_draws_on_from_the_build_s_place():
    done = subprocess.run([sys.executable, "-c", OVERTAKEN], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "None",  # not drawn yet: the build draws it
        " ".join(["p0", *(f"p{number}" for number in range(6, 40))]),  # never p1-p5, which the build passed
        "<p7> 35",
        "False",  # the scratch file is gone
    ]
