"""The machine looks for the next crash: every reader fed structure-aware hostile input (strategies.py).

In `make test` each reader gets a fixed budget of examples, drawn the same on every run (the suite profile is
derandomized), so the suite never fails by luck; `make fuzz` draws many more with a fresh seed, and a failure it
finds is kept in corpus/<reader>/, which test_the_corpus_replays_every_failure_ever_found runs on every build.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from readers import READERS, run
from strategies import STRATEGIES

CORPUS = Path(__file__).parent / "corpus"
# Examples per reader in make test (about 25 s on two cores in all); make fuzz multiplies them.
BUDGET = {"contact": 150, "vcard": 100, "csv": 80, "history": 150, "merge": 30, "settings": 150, "day": 200,
          "mbox": 100, "calendar": 80, "phone": 80, "chat": 80}
SCALE = int(os.environ.get("FOLLOWUP_FUZZ_SCALE", "1"))
# make fuzz: an input that takes longer than this is a failure too (time stays bounded); make test: no clock.
DEADLINE = float(os.environ["FOLLOWUP_FUZZ_DEADLINE_MS"]) if os.environ.get("FOLLOWUP_FUZZ_DEADLINE_MS") else None


def fuzz(reader: str):
    @settings(max_examples=BUDGET[reader] * SCALE, deadline=DEADLINE,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
    @given(STRATEGIES[reader])
    def test(data: bytes) -> None:
        run(reader, data)

    test.__name__ = f"test_{reader}_survives_every_byte"
    return test


for _reader in READERS:
    globals()[f"test_{_reader}_survives_every_byte"] = fuzz(_reader)


def corpus_files() -> list[Path]:
    return sorted(path for path in CORPUS.glob("*/*") if path.is_file())


@pytest.mark.parametrize("path", corpus_files(), ids=lambda path: f"{path.parent.name}/{path.name}")
def test_the_corpus_replays_every_failure_ever_found(path: Path) -> None:
    run(path.parent.name, path.read_bytes())


def test_every_reader_is_fuzzed_and_every_corpus_folder_is_a_reader():
    assert set(BUDGET) == set(READERS) == set(STRATEGIES)
    assert {path.parent.name for path in corpus_files()} <= set(READERS)
