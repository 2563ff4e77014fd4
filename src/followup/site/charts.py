"""Pictures of the habit, drawn at build time as inline SVG: nothing is loaded from anywhere.

- a touch heatmap: one cell a day for the last 12 months, like a contribution graph;
- per category, the share of people on track at the end of each of the last 12 months.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from html import escape

from followup.core import due as rule
from followup.core.dates import add_months
from followup.store.journal import Journal, Person

CELL, STEP = 11, 13  # a day's square and the distance between squares
LEFT, TOP = 28, 14  # room for the weekday labels, and for the month labels above the squares
RIGHT = 16  # room for the last month's name, which may begin over the last week ("Dec", not "De")
WEEKS, PHONE_WEEKS = 53, 26  # a year; half of one on a phone, where a year's squares would be specks


def touch_days(journal: Journal, person: Person) -> list[dt.date]:
    """Every day this person was reached, up to today."""
    return [day for day in journal.touch_dates(person) if day <= journal.today]


def heatmap_start(today: dt.date, weeks: int = WEEKS) -> dt.date:
    """The Sunday `weeks` weeks back where a heatmap begins: the cells move once a week, not every day."""
    return today - dt.timedelta(days=7 * (weeks - 1) + (today.weekday() + 1) % 7)


def _grid(counts: Counter, today: dt.date, weeks: int, summary: str, kind: str) -> str:
    """One drawing of the last `weeks` weeks: a row a weekday (Sunday first), a column a week, the months
    named above the column where they begin, darker squares for more touches.

    Empty days are one background pattern, and only days with a touch are drawn: a person page
    stays a few hundred bytes bigger, not 365 rectangles bigger, on each of 10,000 pages."""
    start = heatmap_start(today, weeks)
    shown = {day: count for day, count in counts.items() if start <= day <= today and count}
    peak = max(shown.values(), default=1)
    cells = []
    for day, count in sorted(shown.items()):
        week, weekday = (day - start).days // 7, (day.weekday() + 1) % 7
        level = 1 + min(3, (4 * count - 1) // peak)
        cells.append(f'<rect x="{LEFT + week * STEP}" y="{TOP + weekday * STEP}" width="{CELL}" height="{CELL}" '
                     f'rx="2" class="fu-heat{level}" data-date="{day}" data-count="{count}">'
                     f'<title>{day}: {count} touch{"es" if count != 1 else ""}</title></rect>')
    labels = [f'<text x="0" y="{TOP + row * STEP + 9}">{name}</text>'
              for row, name in ((1, "Mon"), (3, "Wed"), (5, "Fri"))]
    # Every month that begins in one of the grid's weeks, this week's included: the drawing changes once a week.
    first, last_label = start if start.day == 1 else add_months(start.replace(day=1), 1), -3
    while first < start + dt.timedelta(weeks=weeks):
        week = (first - start).days // 7
        if week - last_label >= 3:  # never two names over each other
            labels.append(f'<text x="{LEFT + week * STEP}" y="10">{first:%b}</text>')
            last_label = week
        first = add_months(first, 1)
    width, height = LEFT + weeks * STEP + RIGHT, TOP + 7 * STEP
    return (f'<svg class="fu-heat-{kind}" viewBox="0 0 {width} {height}" role="img" aria-label="{summary}">'
            f'<defs><pattern id="fu-days-{kind}" x="{LEFT}" y="{TOP}" width="{STEP}" height="{STEP}" '
            f'patternUnits="userSpaceOnUse"><rect width="{CELL}" height="{CELL}" rx="2" class="fu-heat0"/></pattern>'
            f'</defs><g class="fu-axis">{"".join(labels)}</g>'
            f'<rect x="{LEFT}" y="{TOP}" width="{weeks * STEP}" height="{7 * STEP}" fill="url(#fu-days-{kind})"/>'
            f'{"".join(cells)}</svg>')


def heatmap(counts: Counter, today: dt.date, label: str) -> str:
    """The last 12 months of touches, a square a day; on a phone, the last six months at a readable size."""
    year = sum(count for day, count in counts.items() if heatmap_start(today) <= day <= today)
    summary = f'{escape(label)}: {year} touch{"es" if year != 1 else ""} in the last 12 months'
    return (f'<figure class="fu-heatmap">{_grid(counts, today, WEEKS, summary, "year")}'
            f'{_grid(counts, today, PHONE_WEEKS, summary + " (the last six months shown)", "half")}'
            f'<figcaption>{summary}<span class="fu-heat-half-note"> (the last six months shown)</span>'
            f'</figcaption></figure>')


def journal_heatmap(journal: Journal, label: str) -> str:
    """Everyone's touches (an owner's, in their journal: Journal.of_owner)."""
    counts: Counter = Counter()
    for person in journal.people:
        counts.update(touch_days(journal, person))
    return heatmap(counts, journal.today, label)


def person_heatmap(journal: Journal, person: Person) -> str:
    return heatmap(Counter(touch_days(journal, person)), journal.today, person.name)


def month_ends(today: dt.date, months: int = 12) -> list[dt.date]:
    ends = []
    first = today.replace(day=1)
    for _ in range(months):
        ends.append(first - dt.timedelta(days=1))
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return [*reversed(ends[:-1]), today]


class OnTrackHistory:
    """The share on track at each of the last 12 month ends, for any group of people (a category, an
    owner's): the due rule itself, asked once per person as of each day with what was known by then (the
    touches up to it; snoozes and bookings as written today)."""

    def __init__(self, journal: Journal, known: dict[str, list[rule.Due]] | None = None):
        """`known`: the states of people already asked, as they still are (the caller knows)."""
        self.ends = month_ends(journal.today)
        self.states: dict[str, list[rule.Due]] = {}
        for person in journal.people:
            if known and person.slug in known:
                self.states[person.slug] = known[person.slug]
                continue
            days = journal.touch_dates(person)
            cadence = rule.cadence_of(person.contact, journal.settings)
            self.states[person.slug] = [rule.due_as_of(person.contact, cadence, days, end, journal.settings)
                                        for end in self.ends]

    def of(self, people: list[Person]) -> list[tuple[dt.date, int | None]]:
        return [(end, rule.share_on_track([self.states[person.slug][n] for person in people]))
                for n, end in enumerate(self.ends)]


def sparkline(points: list[tuple[dt.date, int | None]], label: str) -> str:
    """The share on track month by month, on a scale from 0 to 100 % named at its side, with the first
    and the last month named below it."""
    known = [(i, share) for i, (_, share) in enumerate(points) if share is not None]
    if not known:
        return ""
    left, plot, top, height = 30, 132, 4, 30
    step = plot / max(len(points) - 1, 1)
    y = lambda share: top + height - share * height / 100  # noqa: E731
    path = " ".join(f"{'M' if n == 0 else 'L'}{left + i * step:.1f},{y(share):.1f}"
                    for n, (i, share) in enumerate(known))
    titles = "; ".join(f"{end:%b %Y}: {share}%" for end, share in points if share is not None)
    first, last = points[0][0], points[-1][0]
    return (f'<svg class="fu-spark" viewBox="0 0 {left + plot + 2} {top + height + 14}" width="{left + plot + 2}" '
            f'height="{top + height + 14}" role="img" aria-label="{escape(label)}: share on track, 0 to 100%, '
            f'{first:%B %Y} to {last:%B %Y}"><title>{escape(titles)}</title>'
            f'<g class="fu-axis"><text x="{left - 4}" y="{top + 4}" text-anchor="end">100%</text>'
            f'<text x="{left - 4}" y="{top + height + 2}" text-anchor="end">0%</text>'
            f'<text x="{left}" y="{top + height + 13}">{first:%b %y}</text>'
            f'<text x="{left + plot}" y="{top + height + 13}" text-anchor="end">{last:%b %y}</text></g>'
            f'<path class="fu-grid" d="M{left},{top}H{left + plot}M{left},{top + height}H{left + plot}"/>'
            f'<path d="{path}" fill="none" stroke="currentColor" stroke-width="2"/></svg>')
