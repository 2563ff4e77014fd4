"""The repository root is itself a working journal: the demo must build strictly and show every status."""

import subprocess

from bs4 import BeautifulSoup

from helpers import BIN, ROOT


def test_demo_builds_strictly_with_every_status(tmp_path):
    site = tmp_path / "site"
    result = subprocess.run([str(BIN / "mkdocs"), "build", "--strict", "--site-dir", str(site)], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    people = BeautifulSoup((site / "people/index.html").read_text(), "html.parser")
    statuses = [li["data-status"] for li in people.select("li.fu-person")]
    assert 12 <= len(statuses) <= 20
    assert set(statuses) == {"overdue", "due", "soon", "ok", "snoozed", "booked", "none"}
    home = BeautifulSoup((site / "index.html").read_text(), "html.parser")
    for section in ("promises", "picks", "overdue", "due", "soon", "dates"):
        assert home.select(f'[data-fu-section="{section}"] li'), f"demo shows nobody in #{section}"
    assert BeautifulSoup((site / "inactive/index.html").read_text(), "html.parser").select("li.fu-person")
