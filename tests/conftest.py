"""Shared test helpers: a real journal in a temp dir, with a real git repo, built by real MkDocs."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import settings

from followup.store.scaffold import create_journal

TODAY = "2026-11-23"
BIN = Path(sys.executable).parent

# The suite never depends on a draw: the property tests draw the same examples on every run (a wider
# random search is `pytest --hypothesis-profile=explore tests/test_properties.py`).
settings.register_profile("suite", max_examples=300, derandomize=True, database=None)
settings.register_profile("explore", max_examples=3000, derandomize=False, database=None)
settings.load_profile("suite")


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch, tmp_path_factory):
    """No test depends on the real date, the user's git config or the developer's journal."""
    monkeypatch.setenv("FOLLOWUP_TODAY", TODAY)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path_factory.getbasetemp() / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Tess Tester")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "tess@example.org")
    monkeypatch.delenv("FOLLOWUP_JOURNAL", raising=False)
    monkeypatch.setenv("PATH", f"{BIN}{os.pathsep}{os.environ['PATH']}")


def front(**fields) -> str:
    lines = ["---"]
    for key, value in fields.items():
        lines.append(f"{key}: {value}")
    lines.append("---")
    return "\n".join(lines) + "\n"


class TempJournal:
    def __init__(self, root: Path):
        self.root = root
        self.contacts = root / "contacts"

    def write(self, rel: str, text: str) -> Path:
        path = self.contacts / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["git", "-C", str(self.root), *args], capture_output=True, text=True, check=check)

    def commit(self, message: str, date: str | None = None) -> str:
        env = dict(os.environ)
        if date:
            env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{date}T12:00:00"
        subprocess.run(["git", "-C", str(self.root), "add", "-A"], check=True)
        subprocess.run(["git", "-C", str(self.root), "commit", "-q", "-m", message], check=True, env=env)
        return self.git("rev-parse", "--short", "HEAD").stdout.strip()

    def settings(self, block: str) -> None:
        """The followup plugin's options in mkdocs.yml, replaced by these (YAML)."""
        config = self.root / "mkdocs.yml"
        text = config.read_text()
        head, _, tail = text.partition("  - followup:\n")
        options = textwrap.indent(textwrap.dedent(block).strip(), "      ")
        rest = tail[tail.index("\nextra:"):] if "\nextra:" in tail else ""
        config.write_text(head + "  - followup:\n" + options + rest)

    def build(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run([str(BIN / "mkdocs"), "build", *args], cwd=self.root, capture_output=True, text=True)
        if check and result.returncode != 0:
            raise AssertionError(f"mkdocs build failed:\n{result.stdout}\n{result.stderr}")
        return result

    def page(self, url: str = "") -> BeautifulSoup:
        path = self.root / "site" / url / "index.html"
        return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")

    def followup(self, *args: str, input: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
        """The real console script, run from the journal's root."""
        return subprocess.run([str(BIN / "followup"), *args], cwd=self.root, capture_output=True, text=True,
                              input=input, env={**os.environ, **(env or {})})


@pytest.fixture
def journal(tmp_path) -> TempJournal:
    root = tmp_path / "journal"
    create_journal(root)
    return TempJournal(root)


def slugs(soup, section_id: str) -> list[str]:
    """data-slug of each person listed in a dashboard section, in order."""
    heading = soup.find(id=section_id)
    assert heading is not None, f"no #{section_id} on the page"
    block = heading.find_next_sibling("div", attrs={"data-fu-section": section_id})
    return [item["data-slug"] for item in block.select("[data-slug]")]
