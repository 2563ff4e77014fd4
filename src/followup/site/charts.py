"""Pictures of the habit, drawn at build time as inline SVG: nothing is loaded from anywhere.

- a touch heatmap: one cell a day for the last 12 months, like a contribution graph;
- per category, the share of people on track at the end of each of the last 12 months.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from html import escape

from followup.core import due as rule
from followup.store.journal import Journal, Person

CELL, STEP = 11, 13  # a day's square and the distance between squares


def touch_days(journal: Journal, person: Person) -> list[dt.date]:
    """Every day this person was reached, up to today."""
    return [day for day in journal.touch_dates(person) if day <= journal.today]


def heatmap_start(today: dt.date) -> dt.date:
    """The Sunday a year back where a heatmap begins: the cells move once a week, not every day."""
    return today - dt.timedelta(days=364 + (today.weekday() + 1) % 7)


def heatmap(counts: Counter, today: dt.date, label: str) -> str:
    """53 weeks by 7 days ending today; darker cells for more touches that day.

    Empty days are one background pattern, and only days with a touch are drawn: a person page
    stays a few hundred bytes bigger, not 365 rectangles bigger, on each of 10,000 pages.
    """
    start = heatmap_start(today)
    shown = {day: count for day, count in counts.items() if start <= day <= today and count}
    peak = max(shown.values(), default=1)
    cells = []
    for day, count in sorted(shown.items()):
        week, weekday = (day - start).days // 7, (day.weekday() + 1) % 7
        level = 1 + min(3, (4 * count - 1) // peak)
        cells.append(f'<rect x="{week * STEP}" y="{weekday * STEP}" width="{CELL}" height="{CELL}" rx="2" '
                     f'class="fu-heat{level}" data-date="{day}" data-count="{count}">'
                     f'<title>{day}: {count} touch{"es" if count != 1 else ""}</title></rect>')
    width, height = 53 * STEP, 7 * STEP
    total = sum(shown.values())
    summary = f'{escape(label)}: {total} touch{"es" if total != 1 else ""} in the last 12 months'
    return (f'<figure class="fu-heatmap"><svg viewBox="0 0 {width} {height}" role="img" aria-label="{summary}">'
            f'<defs><pattern id="fu-days" width="{STEP}" height="{STEP}" patternUnits="userSpaceOnUse">'
            f'<rect width="{CELL}" height="{CELL}" rx="2" class="fu-heat0"/></pattern></defs>'
            f'<rect width="{width}" height="{height}" fill="url(#fu-days)"/>{"".join(cells)}</svg>'
            f'<figcaption>{summary}</figcaption></figure>')


def journal_heatmap(journal: Journal) -> str:
    counts: Counter = Counter()
    for person in journal.people:
        counts.update(touch_days(journal, person))
    return heatmap(counts, journal.today, "Everyone")


def person_heatmap(journal: Journal, person: Person) -> str:
    return heatmap(Counter(touch_days(journal, person)), journal.today, person.name)


def month_ends(today: dt.date, months: int = 12) -> list[dt.date]:
    ends = []
    first = today.replace(day=1)
    for _ in range(months):
        ends.append(first - dt.timedelta(days=1))
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return [*reversed(ends[:-1]), today]


def on_track_history(journal: Journal) -> dict[str, list[tuple[dt.date, int | None]]]:
    """Per category, the share on track at each month end: the due rule itself, asked as of that day
    with what was known by then (the touches up to it; snoozes and bookings as written today)."""
    ends = month_ends(journal.today)
    state = {}
    for person in journal.people:
        days = journal.touch_dates(person)
        cadence = rule.cadence_of(person.contact, journal.settings)
        for end in ends:
            state[person.slug, end] = rule.due_as_of(person.contact, cadence, days, end, journal.settings)
    return {category: [(end, rule.share_on_track([state[p.slug, end] for p in members])) for end in ends]
            for category, members in journal.categories.items()}


def sparkline(points: list[tuple[dt.date, int | None]], label: str) -> str:
    """A small line of the share on track, 0 to 100 %, month by month."""
    width, height = 12 * 12, 28
    known = [(i, share) for i, (_, share) in enumerate(points) if share is not None]
    if not known:
        return ""
    step = width / max(len(points) - 1, 1)
    path = " ".join(f"{'M' if n == 0 else 'L'}{i * step:.1f},{height - share * height / 100:.1f}"
                    for n, (i, share) in enumerate(known))
    titles = "; ".join(f"{end:%b %Y}: {share}%" for end, share in points if share is not None)
    return (f'<svg class="fu-spark" viewBox="0 -2 {width} {height + 4}" width="{width}" height="{height + 4}" '
            f'role="img" aria-label="{escape(label)} on track, month by month"><title>{escape(titles)}</title>'
            f'<path d="{path}" fill="none" stroke="currentColor" stroke-width="2"/></svg>')
