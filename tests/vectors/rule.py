"""The due rule's answers for the shared test vectors, from the Python core.

tests/vectors/due.json holds inputs (contact files, settings, git touches, a day) and the expected
answers. tests/test_vectors.py checks the Python core against it and tests/test_browser.py the
browser's followup.js, so the two implementations cannot drift. After a deliberate change of the
rule, rewrite the answers with:  .venv/bin/python tests/vectors/rule.py
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from followup.core.contact import parse_contact
from followup.core.settings import settings_from_mapping
from followup.formats.browser import dashboard_data
from followup.store.history import GitEvent, History
from followup.store.journal import Journal

VECTORS = Path(__file__).with_name("due.json")


def journal_of(case: dict, today: str) -> Journal:
    contacts = []
    for slug, text in case["contacts"].items():
        contact, problems = parse_contact(text, f"contacts/{slug}.md", slug)
        assert contact is not None and not problems, problems
        contacts.append(contact)
    events = {f"{slug}.md": [GitEvent("touch", dt.date.fromisoformat(day), "touch", "0000000", "t") for day in days]
              for slug, days in case.get("git_touches", {}).items()}
    settings = settings_from_mapping(case.get("settings", {}))
    return Journal(Path("."), settings, dt.date.fromisoformat(today), contacts, [], History(events=events))


def answers(journal: Journal) -> dict:
    return {
        "people": {p.slug: [p.status, p.due.next_due and p.due.next_due.isoformat(), p.due.days_late, p.due.attempts,
                            p.due.booking_passed, p.due.plan and [p.due.plan.name, p.due.plan.number, p.due.plan.total]]
                   for p in journal.people},
        "ranked": [p.slug for p in journal.ranked],
        "picks": [p.slug for p in journal.picks()],
        "promises": [[p.slug, promise.due.isoformat(), journal.promise_is_late(promise)]
                     for p, promise in journal.promises()],
        "replies": [[p.slug, entry.date.isoformat(), entry.kind] for p, entry in journal.replies()],
        "dates": [[p.slug, o.label, o.date.isoformat(), o.years] for p, o in journal.occasions()],
    }


def browser_input(case: dict) -> dict:
    """The data the site would embed, built on the case's build day (earlier than the day asked)."""
    journal = journal_of(case, case["built"])
    return dashboard_data(journal, lambda source: source.removesuffix(".md") + "/")


def main() -> None:
    cases = json.loads(VECTORS.read_text())
    for case in cases:
        case["expected"] = {day: answers(journal_of(case, day)) for day in case["days"]}
    VECTORS.write_text(json.dumps(cases, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
