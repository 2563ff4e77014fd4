"""`make fuzz` keeps each failure it finds (FOLLOWUP_FUZZ_SAVE=1): the last input a failed fuzz test gave its
reader, which is the example Hypothesis shrank it to, becomes a file of corpus/<reader>/."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
import readers


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed or not os.environ.get("FOLLOWUP_FUZZ_SAVE"):
        return
    for reader, data in readers.last_given.items():
        if item.name == f"test_{reader}_survives_every_byte":
            folder = Path(__file__).parent / "corpus" / reader
            folder.mkdir(parents=True, exist_ok=True)
            (folder / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)
