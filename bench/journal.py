"""A synthetic journal of N contacts and M commits, written with one `git fast-import`.

Contacts get categories, cadences, log entries and owners; about 1% are broken on purpose; the
history touches contacts (moving last_touch and adding a log line), edits notes, and renames files
into subfolders, as years of use would. By default most files are in one flat folder (the first
benchmark's layout); `by_owner` keeps each owner's files in a folder of their own, as a firm would.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import subprocess
from pathlib import Path

from followup.store.scaffold import create_journal

FIRST = ["Ana", "Bruno", "Carla", "Dev", "Elif", "Farah", "Goran", "Hana", "Ivo", "Jun", "Kofi", "Lena", "Marta",
         "Nuno", "Olga", "Pavel", "Quinn", "Rosa", "Sami", "Tariq", "Uma", "Vera", "Wen", "Xavi", "Yara", "Zoë"]
LAST = ["Ribeiro", "Okafor", "Nair", "Weber", "Lind", "Costa", "Haddad", "Kim", "Yilmaz", "Berg", "Santos", "Adler",
        "Watanabe", "Ferreira", "Bianchi", "Novak", "Silva", "Moreau", "Larsen", "Petrov"]
CATEGORIES = ["family", "friends", "clients", "colleagues", "six-pack", "holiday cards", "mentors", "neighbours"]
CADENCES = ["weekly", "every 2 weeks", "monthly", "quarterly", "6w", "yearly", "twice a year", None]
CHANNELS = ["phone", "text", "email", "video", "in person", "letter"]
TODAY = dt.date(2026, 11, 23)


def _contact(rng: random.Random, number: int, owners: int, by_owner: bool) -> dict:
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {number}"
    owner = f"lawyer-{rng.randrange(owners):03d}" if owners else None
    return {
        "slug": f"c{number:06d}",
        "owner": owner,
        "folder": f"{owner}/" if by_owner and owner else rng.choice(["", "", "", "clients/", "family/"]),
        "name": name,
        "categories": rng.sample(CATEGORIES, rng.randint(1, 2)),
        "cadence": rng.choice(CADENCES),
        "last_touch": TODAY - dt.timedelta(days=rng.randint(0, 900)),
        "channel": rng.choice(CHANNELS),
        "email": f"c{number}@example.org",
        "birthday": f"{rng.randint(1950, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "notes": " ".join(rng.choice(["Met at", "the course", "likes tea", "two kids", "moving soon", "runner"])
                          for _ in range(rng.randint(5, 40))),
        "log": [],
        "broken": rng.random() < 0.01,
    }


def render(contact: dict) -> bytes:
    lines = ["---", f"name: {contact['name']}", f"categories: [{', '.join(contact['categories'])}]"]
    if contact["cadence"]:
        lines.append(f"cadence: {contact['cadence'] if not contact['broken'] else 'now and then'}")
    lines += [f"last_touch: {contact['last_touch']}", f"channel: {contact['channel']}",
              f"email: {contact['email']}", f"birthday: {contact['birthday']}"]
    if contact["owner"]:
        lines.append(f"owner: {contact['owner']}")
    lines += ["---", contact["notes"], "",
              "## Log"]
    lines += [f"- {day} {text}" for day, text in reversed(contact["log"])]
    return ("\n".join(lines) + "\n").encode()


def path_of(contact: dict) -> str:
    return f"contacts/{contact['folder']}{contact['slug']}.md"


def generate(root: Path, contacts: int, commits: int, seed: int = 1, owners: int = 0, by_owner: bool = False) -> Path:
    """A journal at root/journal with `contacts` people and `commits` commits, the people kept by `owners`
    owners (none: a personal journal); returns its path."""
    rng = random.Random(seed)
    journal = root / "journal"
    if journal.exists():
        shutil.rmtree(journal)
    create_journal(journal, "Benchmark journal")
    people = [_contact(rng, n, owners, by_owner) for n in range(contacts)]
    start = dt.datetime(2021, 11, 23, 9, 0)
    step = (dt.datetime(2026, 11, 23, 9, 0) - start) / max(commits, 1)
    stream = bytearray()

    def data(payload: bytes) -> None:
        stream.extend(b"data %d\n" % len(payload))
        stream.extend(payload)
        stream.extend(b"\n")

    parent = subprocess.run(["git", "-C", str(journal), "rev-parse", "HEAD"], capture_output=True, text=True,
                            check=True).stdout.strip()
    branch = subprocess.run(["git", "-C", str(journal), "symbolic-ref", "HEAD"], capture_output=True, text=True,
                            check=True).stdout.strip()
    changes: list[tuple]  # ("M", person) or ("R", person, old path)
    for number in range(commits):
        when = start + step * number
        stamp = int(when.replace(tzinfo=dt.timezone.utc).timestamp())
        if number == 0:
            message, changes = f"Import {contacts} contacts", [("M", p) for p in people]
        else:
            person = rng.choice(people)
            roll = rng.random()
            if roll < 0.005 and person["folder"] in ("", f"{person['owner']}/"):
                old = path_of(person)
                person["folder"] += "moved/"
                message, changes = f"File {person['name']} under moved", [("R", person, old)]
            elif roll < 0.2:
                person["notes"] += " More notes."
                message, changes = f"Notes on {person['name']}", [("M", person)]
            else:
                day = min(when.date(), TODAY)
                text = rng.choice(["Coffee", "Call", "Lunch", "Texted", "Video call", "Card"]) + f" #{number}"
                person["last_touch"] = max(person["last_touch"], day)
                person["log"].append((day, text))
                message, changes = text, [("M", person)]
        stream.extend(f"commit {branch}\n".encode())
        stream.extend(f"committer Bench <bench@example.org> {stamp} +0000\n".encode())
        data(message.encode())
        if number == 0:
            stream.extend(f"from {parent}\n".encode())
        for change in changes:
            if change[0] == "R":
                stream.extend(f"R {change[2]} {path_of(change[1])}\n".encode())
            else:
                stream.extend(f"M 100644 inline {path_of(change[1])}\n".encode())
                data(render(change[1]))
    subprocess.run(["git", "-C", str(journal), "fast-import", "--quiet"], input=bytes(stream), check=True)
    subprocess.run(["git", "-C", str(journal), "reset", "-q", "--hard"], check=True)
    return journal


def plain_copy(journal: Path, root: Path) -> Path:
    """The floor: the same Markdown in a plain mkdocs-material site, out of the nav, no hook."""
    plain = root / "plain"
    if plain.exists():
        shutil.rmtree(plain)
    shutil.copytree(journal / "contacts", plain / "docs")
    (plain / "docs/index.md").write_text("# Plain\n")
    (plain / "mkdocs.yml").write_text(
        "site_name: plain\ntheme:\n  name: material\n  font: false\nplugins:\n  - search\n"
        "nav:\n  - index.md\nvalidation:\n  nav:\n    omitted_files: ignore\n")
    return plain
