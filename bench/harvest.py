"""Benchmark: `followup harvest`, end to end through the console script, on a journal of 1,000 people.

    .venv/bin/python bench/harvest.py                      # an mbox of 100,000 messages, and 10,000 over IMAP
    .venv/bin/python bench/harvest.py --messages 20000 --imap 0

The mbox is made here as Thunderbird writes a local folder: a third of its messages are mine to people of the
journal, a third theirs to me, the rest lists and strangers, each with a body (a few with an attachment). It is
harvested twice: the second time nothing is new. The IMAP folder is a real dovecot on 127.0.0.1 (Debian's
dovecot-imapd), its messages delivered by APPEND. Wall time and peak memory of each run.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
BIN = Path(sys.executable).parent
ME = "tess@example.org"

from helpers import ImapServer, run_measured  # noqa: E402 (the tests' dovecot and measure)


def mail(number: int, people: int, rng: random.Random) -> bytes:
    kind = number % 3
    person = f"person{rng.randrange(people)}@example.org"
    sender, to = (ME, person) if kind == 0 else (person, ME) if kind == 1 else (f"list{number % 7}@lists.example",
                                                                               ME)
    day = 1 + number % 28
    extra = "List-Id: <news.lists.example>\n" if kind == 2 else ""
    body = "Some words of a body.\n" * rng.randrange(2, 40)
    if number % 500 == 0:
        body += "Q" * 300_000 + "\n"  # an attachment now and then
    return (f"From - Fri Nov {day:02d} 10:00:00 2026\nX-Mozilla-Status: 0001\nMessage-ID: <m{number}@example.org>\n"
            f"Date: Fri, {day:02d} Nov 2026 10:{number % 60:02d}:00 +0000\nFrom: {sender}\nTo: {to}\n{extra}"
            f"Subject: Message {number}\nContent-Type: text/plain; charset=UTF-8\n\n{body}\n").encode()


def journal_of(folder: Path, people: int) -> Path:
    journal = folder / "journal"
    env = {**os.environ, "FOLLOWUP_TODAY": "2026-11-30"}
    subprocess.run([str(BIN / "followup"), "init", str(journal)], env=env, check=True, stdout=subprocess.DEVNULL)
    for number in range(people):
        (journal / "contacts" / f"person{number}.md").write_text(
            f"---\nname: Person {number}\nemail: person{number}@example.org\ncadence: monthly\n---\n")
    subprocess.run(["git", "add", "-A"], cwd=journal, check=True)
    subprocess.run(["git", "commit", "-qm", "People"], cwd=journal, check=True)
    return journal


def timed(args: list[str], cwd: Path) -> tuple[float, float]:
    start = time.perf_counter()
    done, peak = run_measured(args, cwd)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return time.perf_counter() - start, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--imap", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=1000)
    options = parser.parse_args()
    os.environ["FOLLOWUP_TODAY"] = "2026-11-30"
    rng = random.Random(20261130)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        journal = journal_of(folder, options.people)
        if options.messages:
            mbox = folder / "Local Folders" / "All"
            mbox.parent.mkdir()
            with mbox.open("wb") as stream:
                for number in range(options.messages):
                    stream.write(mail(number, options.people, rng))
            harvest = [str(BIN / "followup"), "harvest", str(mbox), "--me", ME]
            first, first_mb = timed(harvest, journal)
            again, again_mb = timed(harvest, journal)
            print(f"mbox of {options.messages:,} messages ({mbox.stat().st_size / 1e6:.0f} MB): harvest {first:.1f} s, "
                  f"{first_mb:.0f} MB peak; again, nothing new: {again:.1f} s, {again_mb:.0f} MB")
        if options.imap:
            import trustme

            server = ImapServer(folder / "imap", trustme.CA())
            try:
                server.append(*(mail(options.messages + number, options.people, rng).split(b"\n", 1)[1]
                                for number in range(options.imap)))
                os.environ.update(server.env)
                os.environ["FOLLOWUP_IMAP_PASSWORD"] = "s3cret"
                subprocess.run([str(BIN / "followup"), "trust"], cwd=journal, check=True, stdout=subprocess.DEVNULL)
                harvest = [str(BIN / "followup"), "harvest", f"imaps://tess@127.0.0.1:{server.imaps_port}/INBOX",
                           "--me", ME]
                first, first_mb = timed(harvest, journal)
                again, _ = timed(harvest, journal)
                print(f"IMAP, {options.imap:,} messages from dovecot on 127.0.0.1: harvest {first:.1f} s, "
                      f"{first_mb:.0f} MB peak; the next run, nothing new: {again:.1f} s")
            finally:
                server.stop()


if __name__ == "__main__":
    main()
