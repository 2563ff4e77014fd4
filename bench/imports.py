"""Benchmark: `followup import` of a phone's address book, end to end through the console script.

    .venv/bin/python bench/imports.py              # 2,000 iPhone cards with photos (about 3 MB, CR CR LF)
    .venv/bin/python bench/imports.py --cards 5000 --repeat 5

Each run imports into a new, empty journal with git (one lock, one commit, every file atomic), then
imports the same file again (everyone is found, nothing is written). Best of the runs, with what git
alone takes to add and commit the same files in the same run, for scale.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
BIN = Path(sys.executable).parent
ENV = {**os.environ, "FOLLOWUP_TODAY": "2026-11-23"}

from helpers import many_cards  # noqa: E402 (the tests' exporter, byte for byte)


def seconds(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=ENV, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cards", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    data = many_cards(options.cards)
    first, again, git_only = [], [], []
    with tempfile.TemporaryDirectory() as folder:
        for run in range(options.repeat):
            journal = Path(folder) / f"journal{run}"
            subprocess.run([str(BIN / "followup"), "init", str(journal)], env=ENV, check=True,
                           stdout=subprocess.DEVNULL)
            (journal / "cards.vcf").write_bytes(data)
            first.append(seconds([str(BIN / "followup"), "import", "cards.vcf"], journal))
            again.append(seconds([str(BIN / "followup"), "import", "cards.vcf"], journal))
            copy = Path(folder) / f"copy{run}"
            copy.mkdir()
            subprocess.run(["git", "init", "-q"], cwd=copy, check=True)
            subprocess.run(["cp", "-r", journal / "contacts", copy], check=True)
            git_only.append(seconds(["sh", "-c", "git add contacts && git commit -qm copy"], copy))
    print(f"{options.cards:,} cards, {len(data) / 1e6:.1f} MB: import {min(first):.2f} s "
          f"(runs {', '.join(f'{t:.2f}' for t in first)}), again (everyone found) {min(again):.2f} s; "
          f"git add + commit of the same files alone {min(git_only):.2f} s")


if __name__ == "__main__":
    main()
