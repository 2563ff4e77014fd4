import datetime as dt

import pytest

from followup.core.dates import YearlyDate, parse_date, parse_yearly, today
from followup.core.errors import DateError


def test_iso_dates():
    assert parse_date("2026-09-14") == dt.date(2026, 9, 14)
    assert parse_date(dt.date(2026, 1, 2)) == dt.date(2026, 1, 2)


@pytest.mark.parametrize("text", ["2026-02-30", "2026-13-01", "2026-1-5", "yesterday", "", "14/09/2026", 20260914])
def test_bad_dates_say_why(text):
    with pytest.raises(DateError, match=r"date|calendar"):
        parse_date(text)


def test_impossible_day_is_named_as_such():
    with pytest.raises(DateError, match="not a real day"):
        parse_date("2026-02-30")


@pytest.mark.parametrize("text, expected", [
    ("04-12", YearlyDate(4, 12)), ("--04-12", YearlyDate(4, 12)), ("1984-04-12", YearlyDate(4, 12, 1984)),
    ("02-29", YearlyDate(2, 29)),
])
def test_yearly_dates(text, expected):
    assert parse_yearly(text) == expected


@pytest.mark.parametrize("text", ["02-30", "13-01", "1983-02-29", "April 12", "4-12"])
def test_bad_yearly_dates(text):
    with pytest.raises(DateError):
        parse_yearly(text)


def test_leap_day_birthday_falls_on_feb_28_in_other_years():
    leap = parse_yearly("2000-02-29")
    assert leap.next_on_or_after(dt.date(2026, 11, 23)) == dt.date(2027, 2, 28)
    assert leap.next_on_or_after(dt.date(2027, 3, 1)) == dt.date(2028, 2, 29)
    assert leap.years_on(dt.date(2027, 2, 28)) == 27


def test_next_occurrence_is_today_when_it_is_today():
    assert parse_yearly("11-23").next_on_or_after(dt.date(2026, 11, 23)) == dt.date(2026, 11, 23)
    assert parse_yearly("11-22").next_on_or_after(dt.date(2026, 11, 23)) == dt.date(2027, 11, 22)


def test_today_can_be_injected(monkeypatch):
    monkeypatch.setenv("FOLLOWUP_TODAY", "2030-01-02")
    assert today() == dt.date(2030, 1, 2)
    monkeypatch.setenv("FOLLOWUP_TODAY", "2030-02-30")
    with pytest.raises(DateError, match="FOLLOWUP_TODAY"):
        today()
