"""Fixtures for every test: no test depends on the real date, the user's git config or the developer's journal;
the property tests draw the same examples on every run. Shared helpers are in helpers.py."""

from __future__ import annotations

import pytest
from hypothesis import settings

from followup.store.scaffold import create_journal
from helpers import TempJournal, isolate

# The suite never depends on a draw: the property tests draw the same examples on every run (a wider
# random search is `pytest --hypothesis-profile=explore tests/unit/test_properties.py`).
settings.register_profile("suite", max_examples=300, derandomize=True, database=None)
settings.register_profile("explore", max_examples=3000, derandomize=False, database=None)
settings.register_profile("fuzz", derandomize=False, database=None, print_blob=True)  # make fuzz: a fresh seed
settings.load_profile("suite")


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch, tmp_path_factory):
    isolate(monkeypatch, tmp_path_factory)


@pytest.fixture
def journal(tmp_path) -> TempJournal:
    root = tmp_path / "journal"
    create_journal(root)
    return TempJournal(root)
