"""How often someone should hear from you: parsing and arithmetic of cadences."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from followup.core.dates import add_months
from followup.core.errors import CadenceError

NAMED = {
    "daily": (1, "days"),
    "weekly": (1, "weeks"),
    "biweekly": (2, "weeks"),
    "fortnightly": (2, "weeks"),
    "monthly": (1, "months"),
    "quarterly": (3, "months"),
    "semiannually": (6, "months"),
    "semi-annually": (6, "months"),
    "twice a year": (6, "months"),
    "yearly": (1, "years"),
    "annually": (1, "years"),
}
_NAME_OF: dict[tuple[int, str], str] = {}
for _word, _span in NAMED.items():
    _NAME_OF.setdefault(_span, _word)

_REFERENCE = dt.date(2000, 1, 1)
_EVERY = re.compile(r"every\s+(?:(\d+)\s+)?(day|week|month|year)s?")
_SHORT = re.compile(r"(\d+)\s*([dwmy])")
_SHORT_UNITS = {"d": "days", "w": "weeks", "m": "months", "y": "years"}
# A century of any unit: longer spans are typos and would overflow date arithmetic.
_MOST = {"days": 36500, "weeks": 5200, "months": 1200, "years": 100}

CADENCE_FORMS = (
    "daily, weekly, biweekly, fortnightly, monthly, quarterly, semiannually, twice a year, "
    "yearly, annually, 'every N days|weeks|months|years', 10d, 3w, 6m, 1y, or none"
)


@dataclass(frozen=True, slots=True)
class Cadence:
    count: int
    unit: str

    @property
    def days(self) -> int:
        """About how many days it spans (a month counted from January 2000): for comparing and sorting."""
        return (self.after(_REFERENCE) - _REFERENCE).days

    def after(self, day: dt.date) -> dt.date:
        """The day one cadence after `day`, month ends and leap days handled."""
        if self.unit == "days":
            return day + dt.timedelta(days=self.count)
        if self.unit == "weeks":
            return day + dt.timedelta(weeks=self.count)
        if self.unit == "months":
            return add_months(day, self.count)
        return add_months(day, 12 * self.count)

    @property
    def span(self) -> str:
        """As a span of time rather than a rhythm: "3 days", "1 week" (a plan's step after its start)."""
        return f"{self.count} {self.unit if self.count != 1 else self.unit[:-1]}"

    def __str__(self) -> str:
        named = _NAME_OF.get((self.count, self.unit))
        if named:
            return named
        return f"every {self.count} {self.unit}"


def parse_cadence(value: object) -> Cadence | None:
    """A Cadence, or None for `none`. Raises CadenceError for anything undocumented."""
    if not isinstance(value, str):
        raise CadenceError(f"cadence must be text such as 'monthly', not {value!r}; forms: {CADENCE_FORMS}")
    text = " ".join(value.lower().split())
    if text == "none":
        return None
    if text in NAMED:
        return Cadence(*NAMED[text])
    every = _EVERY.fullmatch(text)
    short = _SHORT.fullmatch(text)
    if every:
        count = int(every.group(1) or 1)
        unit = every.group(2) + "s"
    elif short:
        count, unit = int(short.group(1)), _SHORT_UNITS[short.group(2)]
    else:
        raise CadenceError(f"unknown cadence {value!r}; use one of: {CADENCE_FORMS}")
    if not 1 <= count <= _MOST[unit]:
        raise CadenceError(f"cadence {value!r} must be between 1 and {_MOST[unit]} {unit}")
    return Cadence(count, unit)
