"""Fixtures for every test: no test depends on the real date, the user's git config or the developer's journal;
the property tests draw the same examples on every run. Shared helpers are in helpers.py."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from followup.store.scaffold import create_journal
from helpers import BIN, TODAY, TempJournal

# The suite never depends on a draw: the property tests draw the same examples on every run (a wider
# random search is `pytest --hypothesis-profile=explore tests/unit/test_properties.py`).
settings.register_profile("suite", max_examples=300, derandomize=True, database=None)
settings.register_profile("explore", max_examples=3000, derandomize=False, database=None)
settings.register_profile("fuzz", derandomize=False, database=None, print_blob=True)  # make fuzz: a fresh seed
settings.load_profile("suite")


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch, tmp_path_factory):
    monkeypatch.setenv("FOLLOWUP_TODAY", TODAY)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path_factory.getbasetemp() / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    # followup's own folders (caches, drafts, the lock, what the user trusted) are the test's, never the machine's
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("xdg-config")))
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Tess Tester")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "tess@example.org")
    for variable in ("FOLLOWUP_JOURNAL", "NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("PATH", f"{BIN}{os.pathsep}{os.environ['PATH']}")


@pytest.fixture
def journal(tmp_path) -> TempJournal:
    root = tmp_path / "journal"
    create_journal(root)
    return TempJournal(root)
