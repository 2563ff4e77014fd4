"""Benchmark: how soon the command line answers, against `python -c pass` in the same run.

    .venv/bin/python bench/startup.py                    # a journal of 10,000 contacts and 30,000 commits
    .venv/bin/python bench/startup.py --contacts 1000 --repeat 20

What a user types many times a day: `followup --version`, `--help`, the shell's completion of a command, and
`followup due --json`, warm (the journal's caches written by a first run). Best of the runs, each a new process
through the console script, as the shell starts it.
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
sys.path.insert(0, str(HERE))
BIN = Path(sys.executable).parent

from journal import generate  # noqa: E402 (the synthetic journal of the other benches)


def best(command: list[str], cwd: Path, repeat: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--commits", type=int, default=30_000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--journal", type=Path, help="A journal generate() made before (its caches warm or not), "
                                                     "rather than a new one")
    options = parser.parse_args()
    env = {**os.environ, "FOLLOWUP_TODAY": "2026-11-23"}
    completion = {**env, "_FOLLOWUP_COMPLETE": "bash_complete", "COMP_WORDS": "followup d", "COMP_CWORD": "1"}
    with tempfile.TemporaryDirectory() as name:
        journal = options.journal or generate(Path(name), options.contacts, options.commits)
        followup = str(BIN / "followup")
        subprocess.run([followup, "due", "--json"], cwd=journal, env=env, check=True, stdout=subprocess.DEVNULL)
        python = best([sys.executable, "-c", "pass"], journal, options.repeat, env)
        rows = [("python -c pass", python),
                ("followup --version", best([followup, "--version"], journal, options.repeat, env)),
                ("followup --help", best([followup, "--help"], journal, options.repeat, env)),
                ("completion of 'followup d'", best([followup], journal, options.repeat, completion)),
                (f"followup due --json, {options.contacts:,} contacts, warm",
                 best([followup, "due", "--json"], journal, options.repeat, env))]
    for label, seconds in rows:
        print(f"{label:<48} {seconds:6.3f} s  {seconds / python:5.1f} x python")


if __name__ == "__main__":
    main()
