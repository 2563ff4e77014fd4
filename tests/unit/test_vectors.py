"""The Python core against the shared test vectors (the browser runs the same ones: test_browser.py)."""

import json

import pytest

from vectors.rule import VECTORS, answers, journal_of

CASES = json.loads(VECTORS.read_text())


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_python_core_gives_the_recorded_answers(case):
    for day, expected in case["expected"].items():
        assert answers(journal_of(case, day)) == expected, day


def test_the_vectors_cover_every_status_and_more_than_one_day():
    statuses = {answer[0] for case in CASES for day in case["expected"].values() for answer in day["people"].values()}
    from followup.core.due import STATUS_ORDER

    assert statuses == set(STATUS_ORDER)
    passed = [answer[4] for case in CASES for day in case["expected"].values() for answer in day["people"].values()]
    assert True in passed and False in passed  # bookings that passed, with a cadence and without one
    steps = {tuple(answer[5][1:]) for case in CASES for day in case["expected"].values()
             for answer in day["people"].values() if answer[5]}
    assert {(1, 3), (2, 3), (3, 3), (1, 2)} <= steps  # plans: the first step, later ones, the last
    # the browser is asked on days after the site was built, as a site built last week would be
    assert all(len(case["days"]) >= 2 and case["built"] <= min(case["days"]) for case in CASES)
