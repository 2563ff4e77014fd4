"""`followup serve` in a real browser: the journal's own pages get the people's data, another page the user has
open cannot read it (tests/integration/test_trust.py sends the same requests by hand)."""

from __future__ import annotations

import os
import signal
import subprocess

import pytest

from helpers import BIN, answers, free_port, serve, wait_for

pytestmark = pytest.mark.build

HOSTILE_PAGE = """<!doctype html><title>waiting</title>
<script src="http://127.0.0.1:{port}/followup-data.js"></script>
<script>
  window.addEventListener("load", () => {{
    document.title = window.followupData ? "read: " + JSON.stringify(window.followupData).slice(0, 200) : "nothing";
  }});
</script>
"""


def test_another_page_cannot_include_the_peoples_data(journal, browser, tmp_path):
    journal.write("ana.md", "---\nname: Ana Ribeiro\ncadence: weekly\nlast_touch: 2026-11-01\n---\n")
    journal.commit("Ana")
    port = free_port()
    server = subprocess.Popen([str(BIN / "followup"), "serve", "--port", str(port)], cwd=journal.root,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    hostile = tmp_path / "elsewhere"
    hostile.mkdir()
    (hostile / "index.html").write_text(HOSTILE_PAGE.format(port=port))
    other, other_url = serve(hostile)
    try:
        wait_for(lambda: answers(port), 60)
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/")
        wait_for(lambda: page.evaluate("Boolean(window.followupData)"), 60)  # the journal's own page has it
        assert "Ana Ribeiro" in page.evaluate("JSON.stringify(window.followupData)")
        page.goto(other_url)  # another origin (another port of this machine), open in the same browser
        page.wait_for_function("document.title !== 'waiting'")
        assert page.title() == "nothing"
    finally:
        other.shutdown()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
