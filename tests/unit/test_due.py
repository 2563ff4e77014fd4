"""The due rule: statuses, ranking and today's picks."""

import datetime as dt
import json

import pytest

from followup.core import due as rule
from followup.core.contact import parse_contact
from followup.core.settings import settings_from_mapping

TODAY = dt.date(2026, 11, 23)
SETTINGS = settings_from_mapping({"categories": {"family": {"cadence": "weekly"}, "friends": {"cadence": "monthly"}},
                                  "default_cadence": "yearly"})


def contact(stem="someone", body="", **fields):
    lines = "\n".join(f"{key}: {value}" for key, value in fields.items())
    parsed, problems = parse_contact(f"---\nname: {stem.title()}\n{lines}\n---\n{body}", f"contacts/{stem}.md", stem)
    assert problems == []
    return parsed


def status(today=TODAY, git=(), **fields):
    return rule.assess(contact(**fields), SETTINGS, today, list(git))


@pytest.mark.parametrize("last_touch, expected, days_late", [
    ("2026-10-22", "overdue", 1),
    ("2026-10-23", "due", 0),
    ("2026-10-24", "soon", -1),
    ("2026-10-30", "soon", -7),
    ("2026-10-31", "soon", -7),  # Oct 31 + 1 month = Nov 30
    ("2026-11-01", "ok", -8),
])
def test_statuses_around_the_due_day(last_touch, expected, days_late):
    due = status(cadence="monthly", last_touch=last_touch)
    assert (due.status, due.days_late) == (expected, days_late)


def test_next_due_is_last_touch_plus_cadence():
    due = status(cadence="quarterly", last_touch="2026-08-31")
    assert due.next_due == dt.date(2026, 11, 30)


def test_no_cadence_is_status_none():
    assert status(cadence="none", last_touch="2020-01-01").status == "none"


def test_snoozed_until_the_day_itself():
    assert status(cadence="weekly", last_touch="2026-01-01", snooze_until="2026-11-24").status == "snoozed"
    assert status(cadence="weekly", last_touch="2026-01-01", snooze_until="2026-11-23").status == "overdue"


def test_booked_until_that_day_passes():
    assert status(cadence="weekly", last_touch="2026-01-01", next="2026-11-23").status == "booked"
    assert status(cadence="weekly", last_touch="2026-01-01", next="2026-11-22").status == "overdue"


def test_inactive_clients_are_still_due():
    assert status(cadence="weekly", last_touch="2026-01-01", status="inactive").status == "overdue"


def test_never_touched_is_due_today():
    due = status(cadence="monthly")
    assert (due.status, due.next_due, due.never_touched) == ("due", TODAY, True)


def test_effective_last_touch_is_latest_of_front_matter_and_log_touches():
    body = "## Log\n- 2026-11-01 Call\n- 2026-11-15 Kept promise: the plans\n- 2026-12-30 a plan, not a touch\n"
    assert status(cadence="monthly", last_touch="2026-10-01", body=body).last_touch == dt.date(2026, 11, 1)
    assert status(cadence="monthly", last_touch="2026-11-20", git=[dt.date(2026, 11, 10)]).last_touch \
        == dt.date(2026, 11, 20)


def test_the_file_is_the_truth_git_adds_what_it_does_not_contradict():
    """A touch commit later than anything the file says was undone since (a revert, a correction)."""
    assert status(cadence="monthly", last_touch="2026-10-01", git=[dt.date(2026, 11, 10)]).last_touch \
        == dt.date(2026, 10, 1)
    assert status(cadence="monthly", git=[dt.date(2026, 11, 10)]).last_touch is None
    assert rule.touch_days(contact(cadence="monthly", last_touch="2026-11-01"),
                           [dt.date(2026, 9, 1), dt.date(2026, 11, 5)]) == [dt.date(2026, 9, 1), dt.date(2026, 11, 1)]


def test_category_default_cadence_the_most_frequent_wins():
    assert status(categories="[friends, family]", last_touch="2026-11-10").cadence == rule.Cadence(1, "weeks")
    assert status(categories="[friends]", last_touch="2026-11-10").cadence == rule.Cadence(1, "months")
    assert status(categories="[Friends]", last_touch="2026-11-10").cadence == rule.Cadence(1, "months")
    assert status(categories="[strangers]", last_touch="2026-11-10").cadence == rule.Cadence(1, "years")
    assert status(categories="[family]", cadence="none").status == "none"


def ranked(*people):
    return [c.slug for c in sorted(people, key=lambda c: rule.rank_key(c, rule.assess(c, SETTINGS, TODAY)))]


def test_ranking_is_lateness_relative_to_cadence_then_name():
    weekly_ten_days_late = contact("wendy", cadence="weekly", last_touch="2026-11-06")
    yearly_twenty_days_late = contact("yuri", cadence="yearly", last_touch="2025-11-03")
    also_yearly_twenty = contact("abe", cadence="yearly", last_touch="2025-11-03")
    assert ranked(yearly_twenty_days_late, weekly_ten_days_late, also_yearly_twenty) == ["wendy", "abe", "yuri"]


def test_never_touched_rank_behind_everyone_actually_late():
    imported = [contact(f"import{i:03d}", cadence="monthly") for i in range(50)]
    late_friend = contact("zed", cadence="yearly", last_touch="2025-11-20")  # 3 days late on a year
    due_today = contact("zoe", cadence="monthly", last_touch="2026-10-23")
    order = ranked(*imported, late_friend, due_today)
    assert order[:2] == ["zed", "zoe"]


def test_picks_take_the_most_late_then_rotate_through_the_rest():
    people = [f"p{i:02d}" for i in range(20)]  # already ranked
    today = rule.todays_picks(people, TODAY, 5)
    assert len(today) == 5 and len(set(today)) == 5
    assert today[:3] == ["p00", "p01", "p02"]
    assert rule.todays_picks(people, TODAY, 5) == today  # stable within a day
    tomorrow = rule.todays_picks(people, TODAY + dt.timedelta(days=1), 5)
    assert tomorrow[:3] == today[:3] and tomorrow[3:] != today[3:]
    seen = set()
    for day in range(9):  # 17 others, 2 rotating places a day: everyone within 9 days
        seen.update(rule.todays_picks(people, TODAY + dt.timedelta(days=day), 5)[3:])
    assert seen == set(people[3:])


def test_picks_with_few_people_due():
    assert rule.todays_picks(["a", "b"], TODAY, 5) == ["a", "b"]
    assert rule.todays_picks([], TODAY, 5) == []
    assert rule.todays_picks(["a", "b"], TODAY, 0) == []
    assert rule.todays_picks(["a", "b", "c"], TODAY, 1) == ["a"]


def test_occasions_in_the_window():
    person = contact(birthday="1984-12-03", dates="{anniversary: 2012-06-02, feast: 11-23}")
    found = {(o.label, o.date, o.years) for o in rule.occasions(person, TODAY, 30)}
    assert found == {("birthday", dt.date(2026, 12, 3), 42), ("feast", TODAY, None)}


def test_todays_touches_and_calls_leave_the_picks_as_drawn():
    """The picks of a day are drawn from the journal as the day began: reaching a pick, or anyone else, or a
    call that did not reach a pick, changes none of them; a pick reached today is labelled so."""
    from followup.formats.wording import labels
    from vectors.rule import VECTORS, journal_of

    cases = {case["name"]: case for case in json.loads(VECTORS.read_text())}
    before = journal_of(cases["picks rotate through a crowd"], "2026-11-23")
    after = journal_of(cases["the day's touches and calls leave the picks as drawn (a pick reached today shows as "
                             "reached)"], "2026-11-23")
    assert [p.slug for p in after.picks()] == [p.slug for p in before.picks()] == ["p00", "p09", "p18", "p03", "p12"]
    assert [p.slug for p in after.due] != [p.slug for p in before.due]  # the day's touches did change who is due
    assert labels(after.by_slug["p00"]) == ["reached today"] and after.by_slug["p09"].status == "tried"
