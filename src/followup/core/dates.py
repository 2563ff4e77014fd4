"""Calendar arithmetic: ISO dates, yearly dates (birthdays) and "today"."""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from followup.core.errors import DateError

TODAY_VARIABLE = "FOLLOWUP_TODAY"
# Every date followup reads, from a file, git history, an import or the command line, lies in these
# years. Outside them a date is a typo (0099 for 1999, 9999 for "never"), and date arithmetic on it
# overflows in Python and goes wrong in JavaScript (Date.UTC reads years 0-99 as 1900-1999).
FIRST_YEAR, LAST_YEAR = 1900, 2200

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_YEARLY = re.compile(r"(?:(\d{4})-|--)?(\d{2})-(\d{2})")


def today() -> dt.date:
    """Today's date, or the one FOLLOWUP_TODAY names (tests and "what if" runs)."""
    forced = os.environ.get(TODAY_VARIABLE, "").strip()
    if not forced:
        return dt.date.today()
    try:
        return parse_date(forced)
    except DateError as error:
        raise DateError(f"{TODAY_VARIABLE}: {error}") from None


def today_is_fixed() -> bool:
    """FOLLOWUP_TODAY names the day: what is shown is a picture of that day, which no clock should redo."""
    return bool(os.environ.get(TODAY_VARIABLE, "").strip())


def parse_date(value: object) -> dt.date:
    """A YYYY-MM-DD date; anything else raises DateError with a plain message."""
    if isinstance(value, dt.datetime):
        return in_range(value.date())
    if isinstance(value, dt.date):
        return in_range(value)
    if isinstance(value, (str, int)):
        return _date_of_text(str(value).strip(), value)
    raise DateError(f"{value!r} is not a date written as YYYY-MM-DD")


@functools.lru_cache(maxsize=8192)  # a first build reads ~200,000 dates (files, log, commits) of a few thousand days
def _date_of_text(text: str, value: str | int) -> dt.date:
    match = _ISO_DATE.fullmatch(text)
    if not match:
        raise DateError(f"{value!r} is not a date written as YYYY-MM-DD")
    year, month, day = (int(part) for part in match.groups())
    try:
        day_of_calendar = dt.date(year, month, day)
    except ValueError:
        raise DateError(f"{text} is not a real day of the calendar") from None
    return in_range(day_of_calendar)


def in_range(day: dt.date) -> dt.date:
    """The day itself when its year is one followup works with; DateError otherwise."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise DateError(f"{day.isoformat()} is outside the years {FIRST_YEAR}-{LAST_YEAR} followup works with")
    return day


@functools.lru_cache(maxsize=65536)
def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar-true month arithmetic: Jan 31 + 1 month is the last day of February.

    Remembered: relativedelta takes ~30 us a call, and a build asks the same few thousand
    (day, months) pairs over and over (every person, every month end of the trend charts)."""
    return day + relativedelta(months=months)


@dataclass(frozen=True, order=True, slots=True)
class YearlyDate:
    """A date that comes back every year; the year is known for a birthday like 1984-04-12."""

    month: int
    day: int
    year: int | None = None

    def on_year(self, year: int) -> dt.date:
        """This date in the given year; Feb 29 falls on Feb 28 outside leap years."""
        try:
            return dt.date(year, self.month, self.day)
        except ValueError:
            return dt.date(year, 2, 28)

    def next_on_or_after(self, day: dt.date) -> dt.date:
        this_year = self.on_year(day.year)
        return this_year if this_year >= day else self.on_year(day.year + 1)

    def years_on(self, day: dt.date) -> int | None:
        """How many years the date marks on `day` (an age, an anniversary), if the year is known."""
        return day.year - self.year if self.year is not None else None

    def __str__(self) -> str:
        month_day = f"{self.month:02d}-{self.day:02d}"
        return f"{self.year:04d}-{month_day}" if self.year is not None else month_day


def parse_yearly(value: object) -> YearlyDate:
    """YYYY-MM-DD, or MM-DD (also vCard's --MM-DD) when the year is unknown."""
    if isinstance(value, dt.date):
        return YearlyDate(value.month, value.day, in_range(value).year)
    text = str(value).strip() if isinstance(value, (str, int)) else ""
    match = _YEARLY.fullmatch(text)
    if not match:
        raise DateError(f"{value!r} is not a date written as YYYY-MM-DD or MM-DD")
    year_text, month_text, day_text = match.groups()
    year = int(year_text) if year_text else None
    month, day = int(month_text), int(day_text)
    try:
        day_of_calendar = dt.date(year if year is not None else 2000, month, day)  # a leap year: 02-29 is fine
    except ValueError:
        raise DateError(f"{text} is not a real day of the calendar") from None
    in_range(day_of_calendar)
    return YearlyDate(month, day, year)


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_BLOCK = re.compile(r"([a-z]{3})[a-z]*\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})", re.IGNORECASE)


def parse_weekly_block(text: object) -> tuple[int, dt.time, dt.time]:
    """"Fri 16:00-17:00" -> (4, 16:00, 17:00): a weekly slot, Monday being 0."""
    match = _BLOCK.fullmatch(text.strip()) if isinstance(text, str) else None
    day = next((i for i, name in enumerate(WEEKDAYS) if name.startswith(match[1].lower())), None) if match else None
    if match is None or day is None:
        raise DateError(f"{text!r} is not a weekly slot such as 'Fri 16:00-17:00'")
    try:
        start, end = dt.time(int(match[2]), int(match[3])), dt.time(int(match[4]), int(match[5]))
    except ValueError:
        raise DateError(f"{text!r}: not a time of day") from None
    if end <= start:
        raise DateError(f"{text!r} ends before it starts")
    return day, start, end


_TIME = re.compile(r"(\d{1,2}):(\d{2})", re.ASCII)


def parse_time_of_day(text: object) -> dt.time:
    """"09:00" -> 09:00. YAML reads an unquoted 9:00 as the number 540 (base 60), so a number is refused
    with the way to write it rather than guessed at."""
    if isinstance(text, int) and not isinstance(text, bool):
        raise DateError(f"{text!r} is not a time of day: write it in quotes, like \"09:00\" (YAML reads an "
                        "unquoted 9:00 as the number 540)")
    match = _TIME.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise DateError(f"{text!r} is not a time of day such as \"09:00\"")
    try:
        return dt.time(int(match[1]), int(match[2]))
    except ValueError:
        raise DateError(f"{text!r} is not a time of day such as \"09:00\"") from None


_SPAN = re.compile(r"(\d+)\s*([dwmy])", re.ASCII)


def parse_day(text: str, today: dt.date) -> dt.date:
    """A day as people type it on the command line: YYYY-MM-DD, today, tomorrow, yesterday, a weekday
    ("fri", "friday": the next one after today), or a span from today ("3d", "2w", "1m", "1y")."""
    word = " ".join(text.lower().split())
    relative = {"today": 0, "tomorrow": 1, "yesterday": -1}
    if word in relative:
        return in_range(today + dt.timedelta(days=relative[word]))
    weekday = next((i for i, name in enumerate(WEEKDAYS) if len(word) >= 3 and name.startswith(word)), None)
    if weekday is not None:
        return in_range(today + dt.timedelta(days=(weekday - today.weekday() - 1) % 7 + 1))
    span = _SPAN.fullmatch(word)
    if span:
        count, unit = int(span.group(1)), span.group(2)
        if count > 36500:
            raise DateError(f"{text!r} is too far away")
        try:
            if unit in "dw":
                return in_range(today + dt.timedelta(days=count * (7 if unit == "w" else 1)))
            return in_range(add_months(today, count * (12 if unit == "y" else 1)))
        except (ValueError, OverflowError):  # past the year 9999 that Python's dates end at
            raise DateError(f"{text!r} is too far away") from None
    if _ISO_DATE.fullmatch(text.strip()):
        return parse_date(text)
    raise DateError(f"{text!r} is not a day: write YYYY-MM-DD, today, tomorrow, a weekday such as fri, "
                    "or a span from today such as 3d, 2w, 1m")
