"""The repository root is itself a working journal: the demo must build strictly and show every status."""

import subprocess

import pytest
from bs4 import BeautifulSoup

from helpers import BIN, DOCS_TOOL, ROOT

pytestmark = pytest.mark.build  # also run under ProperDocs in CI


def test_demo_builds_strictly_with_every_status(tmp_path):
    site = tmp_path / "site"
    result = subprocess.run([str(BIN / DOCS_TOOL), "build", "-f", "mkdocs.yml", "--strict", "--site-dir", str(site)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    people = BeautifulSoup((site / "people/index.html").read_text(), "html.parser")
    statuses = [row["data-status"] for row in people.select("tr.fu-person")]
    assert 12 <= len(statuses) <= 20
    assert set(statuses) == {"overdue", "due", "soon", "ok", "snoozed", "booked", "none"}
    home = BeautifulSoup((site / "index.html").read_text(), "html.parser")
    for section in ("promises", "picks", "overdue", "due", "soon", "dates"):
        assert home.select(f'[data-fu-section="{section}"] li'), f"demo shows nobody in #{section}"
    assert BeautifulSoup((site / "inactive/index.html").read_text(), "html.parser").select("li.fu-person")
    # The demo's own look: its overrides/ (theme.custom_dir) comes before followup's templates and Material's.
    assert "The followup demo journal, as of 2026-11-23" in home.select_one(".md-copyright").get_text()
