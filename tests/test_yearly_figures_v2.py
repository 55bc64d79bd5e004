"""The yearly report's JSON, version 2 (CONTRACTS.md): `personen` and `gpmi`, on a hand-built year with
the boundary cases of the GPMI deadline (31 January → 30 April; 30 November → the last day of
February) and people counted once whatever their number of trajectories."""

import datetime
import io
import json

import pytest
from django.core.management import call_command

from gpmi.services import exemption_accept, gpmi_draw_up, gpmi_end, gpmi_sign
from leefloon.services import decision_record
from reporting.yearly import yearly_figures, yearly_report_figures, yearly_report_figures_by_organisation

from .factories import ClientFactory
from .test_yearly_report import trajectory

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2025, 3, 1)


def signed_gpmi(client, by, day, ended_on=None):
    gpmi = gpmi_sign(gpmi_draw_up(client=client, by=by), signed_on=day)
    return gpmi_end(gpmi, ended_on=ended_on) if ended_on else gpmi


@pytest.fixture
def year_2024(world):
    """Menen's leefloners of 2024, one boundary each, and people with trajectories; `people[name]`."""
    hilde = world.hilde

    def person(name, decided_on=None, end_date=None, end_reason=""):
        client = ClientFactory(organisation=world.menen, first_name=name)
        if decided_on:
            decision_record(client=client, decided_on=decided_on, start_date=decided_on, end_date=end_date,
                            end_reason=end_reason)
        return client

    people = {}
    # Decided 31 January: the deadline is 30 April. Signed on it: on time; a day later: late.
    people["op_tijd"] = person("OpTijd", D(2024, 1, 31))
    signed_gpmi(people["op_tijd"], hilde, D(2024, 4, 30))
    people["te_laat"] = person("TeLaat", D(2024, 1, 31))
    signed_gpmi(people["te_laat"], hilde, D(2024, 5, 1))
    # An exemption accepted before the deadline: exempted, not late.
    people["vrijgesteld"] = person("Vrijgesteld", D(2024, 3, 15))
    exemption_accept(client=people["vrijgesteld"], by=hilde, ground="gezondheid", accepted_on=D(2024, 5, 1))
    # The leefloon ended before its deadline (10 May): no GPMI needed, so not late; without one.
    people["gestopt"] = person("Gestopt", D(2024, 2, 10), D(2024, 4, 30), "werk")
    # Running past a deadline in the year without anything: late, and in activation by a trajectory.
    people["niets"] = person("Niets", D(2024, 8, 1))
    trajectory(people["niets"], hilde, "voortraject", D(2024, 9, 2))
    # Decided 30 November 2023: the deadline is 29 February 2024 (a leap year), in the year: late.
    people["schrikkel"] = person("Schrikkel", D(2023, 11, 30))
    # A deadline in the next year (15 February 2025), one in the year before (30 December 2023): not late in 2024.
    people["volgend_jaar"] = person("VolgendJaar", D(2024, 11, 15))
    people["vorig_jaar"] = person("VorigJaar", D(2023, 9, 30))
    # A GPMI signed after the year: without one in 2024; the exemption after the year neither.
    people["later"] = person("Later", D(2024, 6, 3))
    signed_gpmi(people["later"], hilde, D(2025, 1, 6))
    exemption_accept(client=people["later"], by=hilde, ground="billijkheid", accepted_on=D(2025, 1, 6))
    # A GPMI that ended before this decision: signed (the contract's reading), not in force in the
    # year, and it does not meet the new decision's deadline (leefloon.rules.covers): late.
    people["oud_gpmi"] = person("OudGpmi", D(2024, 1, 10))
    signed_gpmi(people["oud_gpmi"], hilde, D(2022, 1, 3), ended_on=D(2023, 6, 30))
    # Both a GPMI and an exemption: signed counts first.
    people["beide"] = person("Beide", D(2024, 2, 1))
    signed_gpmi(people["beide"], hilde, D(2024, 3, 1))
    exemption_accept(client=people["beide"], by=hilde, ground="gezondheid", accepted_on=D(2024, 2, 1))
    # Not leefloners of 2024: a leefloon that ended in 2023 (with a trajectory in 2024), one from 2025.
    people["ex"] = person("Ex", D(2023, 1, 2), D(2023, 12, 31), "uitkering")
    trajectory(people["ex"], hilde, "opleiding", D(2024, 1, 8), D(2024, 6, 28), "werk")
    people["nieuw"] = person("Nieuw", D(2025, 1, 2))
    # Two trajectories of one type in the year, the first to work, the later not: one person followed
    # and gone to work (the type's outcome counts the later one).
    people["twee"] = person("Twee")
    trajectory(people["twee"], hilde, "opleiding", D(2024, 1, 8), D(2024, 3, 29), "werk")
    trajectory(people["twee"], hilde, "opleiding", D(2024, 4, 1), D(2024, 9, 30), "werkloos")
    # Distractors: a registration that never started, another year's work, another OCMW's leefloner.
    trajectory(person("NooitGestart"), hilde, "twe", D(2024, 5, 6), started=False)
    trajectory(person("Vroeger"), hilde, "twe", D(2022, 1, 3), D(2023, 12, 29), "werk")
    decision_record(client=world.other_client, decided_on=D(2024, 1, 31), start_date=D(2024, 1, 31))
    trajectory(world.other_client, world.olga, "twe", D(2024, 2, 5))
    return people


EXPECTED = {
    # niets (voortraject), ex and twee (opleiding): three people, four trajectories.
    "personen": {"gevolgd": 3, "naar_werk": 2, "leefloners": 11, "in_activering": 4},
    # signed on or before 31 December: op_tijd, te_laat, oud_gpmi, beide; exempted: vrijgesteld;
    # late: schrikkel, oud_gpmi, te_laat, later (3 September), niets.
    "gpmi": {"ondertekend": 4, "vrijgesteld": 1, "zonder": 6, "laattijdig": 5},
}


def test_personen_and_gpmi_of_a_built_year(year_2024, world):
    figures = yearly_report_figures(world.menen, 2024, today=TODAY)
    assert {key: figures[key] for key in ("personen", "gpmi")} == EXPECTED
    gpmi = figures["gpmi"]
    assert gpmi["ondertekend"] + gpmi["vrijgesteld"] + gpmi["zonder"] == figures["personen"]["leefloners"]
    # The rest is the version 1 figures, unchanged: the later outcome counts per type.
    assert figures["leefloon_verlaten"] == {"werk": 0, "uitkering": 0, "ander": 0}  # none recorded here
    assert {key: value for key, value in figures.items()
            if key not in (*EXPECTED, "leefloon_verlaten", "gpmi_jaren", "groepsmodules", "participatieladder")} == (
        yearly_figures(world.menen, 2024))
    assert figures["trajecten"]["opleiding"]["uitstroom"]["werk"] == 1  # ex; twee's later one was werkloos


def test_in_activering_counts_leefloners_with_a_trajectory_or_a_gpmi_in_force(year_2024, world):
    """op_tijd, te_laat and beide (a GPMI in force in the year) and niets (a trajectory); not later (signed
    in 2025) nor oud_gpmi (ended in 2023); ex has a trajectory but is no leefloner of 2024. Once
    oud_gpmi starts a trajectory in the year, she counts too."""
    assert yearly_report_figures(world.menen, 2024, today=TODAY)["personen"]["in_activering"] == 4
    trajectory(year_2024["oud_gpmi"], world.hilde, "ama", D(2024, 12, 31))
    assert yearly_report_figures(world.menen, 2024, today=TODAY)["personen"]["in_activering"] == 5


def test_a_deadline_not_yet_passed_is_not_late(year_2024, world):
    """On the deadline day itself a GPMI can still be signed in time: in a report made that day it is
    not late yet; the day after it is."""
    late = {day: yearly_report_figures(world.menen, 2024, today=day)["gpmi"]["laattijdig"]
            for day in (D(2024, 4, 30), D(2024, 5, 1), D(2024, 11, 1), D(2024, 11, 2))}
    # 30 April: schrikkel (29 February), oud_gpmi (10 April); 1 May: te_laat's 30 April too; later's
    # 3 September; niets's 1 November from 2 November on.
    assert late == {D(2024, 4, 30): 2, D(2024, 5, 1): 3, D(2024, 11, 1): 4, D(2024, 11, 2): 5}


def test_the_year_before_and_the_organisations_side_by_side(year_2024, world):
    both = yearly_report_figures_by_organisation([world.menen, world.wervik], 2024, today=TODAY)
    assert both[world.menen.pk] == yearly_report_figures(world.menen, 2024, today=TODAY)
    assert both[world.wervik.pk]["personen"] == {"gevolgd": 1, "naar_werk": 0, "leefloners": 1, "in_activering": 1}
    assert both[world.wervik.pk]["gpmi"] == {"ondertekend": 0, "vrijgesteld": 0, "zonder": 1, "laattijdig": 1}
    # 2023's leefloners: ex, schrikkel, vorig_jaar (oud_gpmi's GPMI of 2022 is no leefloner's of 2023);
    # late: ex (2 April 2023) and vorig_jaar (30 December 2023); schrikkel's deadline falls in 2024.
    assert yearly_report_figures(world.menen, 2023, today=TODAY)["gpmi"] == {
        "ondertekend": 0, "vrijgesteld": 0, "zonder": 3, "laattijdig": 2}


def test_seven_queries_whatever_the_number_of_people(year_2024, world, django_assert_num_queries):
    # The year's trajectories, the leefloners with their GPMI state, the GPMIs and their evaluations
    # (the GPMI years); the group modules' attendances and sessions and the ladder
    # (tests/test_groupmodule_figures.py).
    with django_assert_num_queries(7):
        yearly_report_figures(world.menen, 2024, today=TODAY)
    for _ in range(5):
        client = ClientFactory(organisation=world.menen)
        decision_record(client=client, decided_on=D(2024, 5, 2), start_date=D(2024, 5, 2))
        signed_gpmi(client, world.hilde, D(2024, 6, 3))
        trajectory(client, world.hilde, "opleiding", D(2024, 6, 3))
    with django_assert_num_queries(7):
        figures = yearly_report_figures_by_organisation([world.menen, world.wervik], 2024, today=TODAY)
    assert figures[world.menen.pk]["personen"]["leefloners"] == 11 + 5


def test_the_json_of_the_command_carries_version_2(year_2024, world, tmp_path):
    output = tmp_path / "menen-2024.json"
    call_command("yearly_report", "--organisation", "menen", "--year", "2024", "--output", str(output),
                 "--format", "json", stdout=io.StringIO())
    data = json.loads(output.read_text())
    # leefloon_verlaten (issue 18) and gpmi_jaren (issue 20) go beyond the contract's keys.
    assert set(data) == {"organisation", "year", "trajecten", "personen", "gpmi", "groepsmodules",
                         "participatieladder", "leefloon_verlaten", "gpmi_jaren"}
    assert data["groepsmodules"] == {"deelnemers": 0, "sessies": 0, "aanwezigheden": 0, "afwezigheden": 0}
    assert data["participatieladder"] == {"gemeten": 0, "gestegen": 0}
    assert data["personen"] == EXPECTED["personen"] and data["gpmi"] == EXPECTED["gpmi"]  # every deadline passed
    assert all(isinstance(value, int) for part in ("personen", "gpmi") for value in data[part].values())
