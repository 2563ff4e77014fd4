import datetime as dt

import pytest

from followup.core.cadence import Cadence, parse_cadence
from followup.core.errors import CadenceError

D = dt.date


@pytest.mark.parametrize("text, expected", [
    ("daily", (1, "days")), ("weekly", (1, "weeks")), ("biweekly", (2, "weeks")),
    ("fortnightly", (2, "weeks")), ("monthly", (1, "months")), ("quarterly", (3, "months")),
    ("semiannually", (6, "months")), ("semi-annually", (6, "months")), ("twice a year", (6, "months")),
    ("yearly", (1, "years")), ("annually", (1, "years")),
    ("every 3 days", (3, "days")), ("every 2 weeks", (2, "weeks")), ("every 1 month", (1, "months")),
    ("every 5 months", (5, "months")), ("every 2 years", (2, "years")), ("every week", (1, "weeks")),
    ("10d", (10, "days")), ("3w", (3, "weeks")), ("6m", (6, "months")), ("1y", (1, "years")),
    ("Monthly", (1, "months")), ("  EVERY 3   Weeks ", (3, "weeks")), ("Twice A Year", (6, "months")),
    ("10 D", (10, "days")),
])
def test_every_documented_form_parses(text, expected):
    assert parse_cadence(text) == Cadence(*expected)


def test_none_means_no_cadence():
    assert parse_cadence("none") is None
    assert parse_cadence("NONE") is None


@pytest.mark.parametrize("value", [
    "sometimes", "", "every", "every 0 days", "0d", "every -1 days", "1x", "every 3 fortnights",
    "monthly-ish", "101y", "every 1201 months", 30, 2.5, True, None, {"every": 3}, ["monthly"],
])
def test_anything_else_is_rejected_with_the_forms(value):
    with pytest.raises(CadenceError) as error:
        parse_cadence(value)
    assert "cadence" in str(error.value)


@pytest.mark.parametrize("cadence, start, expected", [
    ("monthly", D(2026, 1, 31), D(2026, 2, 28)),
    ("monthly", D(2028, 1, 31), D(2028, 2, 29)),
    ("quarterly", D(2026, 8, 31), D(2026, 11, 30)),
    ("monthly", D(2026, 12, 15), D(2027, 1, 15)),
    ("yearly", D(2024, 2, 29), D(2025, 2, 28)),
    ("every 4 years", D(2024, 2, 29), D(2028, 2, 29)),
    ("6m", D(2026, 8, 31), D(2027, 2, 28)),
    ("10d", D(2026, 12, 25), D(2027, 1, 4)),
    ("3w", D(2026, 2, 20), D(2026, 3, 13)),
    ("daily", D(2028, 2, 28), D(2028, 2, 29)),
])
def test_calendar_true_arithmetic(cadence, start, expected):
    assert parse_cadence(cadence).after(start) == expected


def test_cadence_reads_back_as_written_form():
    assert str(parse_cadence("every 3 months")) == "quarterly"
    assert str(parse_cadence("every 5 weeks")) == "every 5 weeks"
    assert parse_cadence(str(parse_cadence("6w"))) == parse_cadence("6w")
