"""Clients that are companies, on a real journal: people grouped by their organisation, each organisation due by
its own cadence from the latest touch of anyone there, through the command line and a real `mkdocs build`."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.build


@pytest.fixture
def firms(journal):
    journal.settings("organisations: {Acme Ltd: {cadence: quarterly}}")
    journal.write("ana.md", "---\nname: Ana Ribeiro\ncadence: yearly\nlast_touch: 2026-07-01\norganisation: Acme Ltd\n"
                            "---\n\n## Log\n- 2026-07-01 Contract signed\n")
    journal.write("bo.md", "---\nname: Bo Berg\ncadence: none\nlast_touch: 2026-08-01\norganisation: acme  ltd\n---\n")
    journal.write("cy.md", "---\nname: Cy Chan\ncadence: monthly\nlast_touch: 2026-11-20\n"
                           "organisation: Umbrella\n---\n")
    journal.commit("Three", date="2026-11-20")
    return journal


def test_an_organisation_is_due_when_nobody_there_was_touched_within_its_cadence(firms):
    journal = firms
    due = json.loads(journal.followup("due", "--organisations", "--json").stdout)
    # Ana's own status is ok (yearly), Bo has no cadence: Acme is overdue all the same (quarterly since Aug 1)
    assert [(o["name"], o["status"], o["last_touch"], o["next_due"], o["people"]) for o in due] == \
        [("Acme Ltd", "overdue", "2026-08-01", "2026-11-01", ["ana", "bo"])]
    everyone = json.loads(journal.followup("due", "--organisations", "--all", "--json").stdout)
    assert [(o["name"], o["status"]) for o in everyone] == [("Acme Ltd", "overdue"), ("Umbrella", "none")]
    table = journal.followup("due", "--organisations").stdout
    assert "Acme Ltd" in table and "overdue" in table and "Umbrella" not in table
    by_category = journal.followup("due", "--organisations", "--category", "clients")  # said, not ignored
    assert by_category.returncode == 2 and "--organisations alone" in by_category.stderr
    shown = json.loads(journal.followup("show", "--organisation", "ACME ltd", "--json").stdout)[0]
    assert [person["slug"] for person in shown["people"]] == ["ana", "bo"]
    assert [(event["date"], event["slug"]) for event in shown["timeline"]][:1] == [("2026-11-20", "ana")]
    unknown = journal.followup("show", "--organisation", "Acme Limited")
    assert unknown.returncode == 2 and "did you mean Acme Ltd?" in unknown.stderr

    journal.build("--strict")
    home = journal.page()
    assert [li["data-organisation"] for li in home.select('[data-fu-section="organisations"] li')] == ["acme-ltd"]
    assert "Organisations" in [item.get_text(strip=True) for item in home.select(".md-nav__link")]
    rows = {tr["data-organisation"]: tr["data-status"] for tr in journal.page("organisations").select("tr")
            if tr.has_attr("data-organisation")}
    assert rows == {"acme-ltd": "overdue", "umbrella": "none"}
    acme = journal.page("organisations/acme-ltd")
    assert acme.select_one("article h1").get_text() == "Acme Ltd"  # as the first file writes it, as it is listed
    assert sorted(li["data-slug"] for li in acme.select("li.fu-person")) == ["ana", "bo"]
    assert {li["data-slug"] for li in acme.select(".fu-timeline li")} == {"ana", "bo"}  # everyone's, merged

    assert journal.followup("touch", "bo", "-m", "Renewal call").returncode == 0
    after = json.loads(journal.followup("due", "--organisations", "--all", "--json").stdout)
    assert after[0]["status"] == "ok" and after[0]["last_touch"] == "2026-11-23"


def test_a_wrong_organisations_setting_is_an_error(journal):
    journal.settings("organisations: {Acme Ltd: {cadence: often}}")
    checked = journal.followup("check")
    assert checked.returncode != 0 and "plugins.followup.organisations.Acme Ltd.cadence: unknown cadence 'often'" in \
        checked.stderr
