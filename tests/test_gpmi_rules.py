"""The GPMI's legal rules (DOMAIN.md, "The GPMI"): the deadline 3 months after the leefloon decision,
what meets it, the evaluation cadence and the GPMI years, with their boundary days; and the one rule
written twice, in Python (leefloon.rules.covers) and as a query (gpmi.selectors.with_gpmi_state),
held together on the same cases."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from gpmi import rules, selectors, services
from gpmi.models import Gpmi
from leefloon import rules as leefloon_rules
from leefloon.models import LeefloonDecision
from leefloon.services import decision_record

D = datetime.date


@pytest.mark.parametrize(("decided", "deadline"), [
    (D(2026, 1, 31), D(2026, 4, 30)),  # the month's last day
    (D(2026, 1, 15), D(2026, 4, 15)),
    (D(2025, 11, 30), D(2026, 2, 28)),
    (D(2027, 11, 30), D(2028, 2, 29)),  # a leap year
    (D(2026, 10, 31), D(2027, 1, 31)),
])
def test_the_gpmi_is_due_three_months_after_the_decision(decided, deadline):
    assert leefloon_rules.gpmi_deadline(decided) == deadline


@pytest.mark.parametrize(("start", "end", "met"), [
    (D(2026, 4, 30), None, True),  # signed on the deadline: on time
    (D(2026, 5, 1), None, False),  # a day later: late
    (D(2025, 6, 1), None, True),  # a GPMI running from before (a renewal of the leefloon)
    (D(2025, 6, 1), D(2026, 1, 30), False),  # ended the day before the decision
    (D(2025, 6, 1), D(2026, 1, 31), True),  # still in force on the decision's day
    (None, None, False),  # a draft meets nothing
])
def test_what_meets_the_deadline(start, end, met):
    assert leefloon_rules.covers(D(2026, 1, 31), start, end) is met


def test_a_leefloon_that_ended_before_the_deadline_needs_no_gpmi():
    assert not leefloon_rules.needs_gpmi(D(2026, 1, 31), D(2026, 4, 29))
    assert leefloon_rules.needs_gpmi(D(2026, 1, 31), D(2026, 4, 30))
    assert leefloon_rules.needs_gpmi(D(2026, 1, 31), None)


@pytest.mark.parametrize(("per_year", "after"), [
    (3, D(2026, 5, 15)), (4, D(2026, 4, 15)), (2, D(2026, 7, 15)), (5, D(2026, 3, 29))])
def test_the_next_evaluation_is_one_interval_after_the_last(per_year, after):
    assert rules.next_evaluation_due(D(2025, 1, 1), D(2026, 1, 15), per_year) == after
    assert rules.next_evaluation_due(D(2026, 1, 15), None, per_year) == after  # none yet: from the signing


def test_a_gpmi_year_keeps_the_cadence_with_three_evaluations_two_in_person():
    evaluations = [(D(2026, 3, 1), True), (D(2026, 7, 1), False), (D(2026, 11, 1), True), (D(2027, 1, 2), True)]
    first, second = rules.gpmi_years(D(2026, 1, 2), D(2027, 3, 1), evaluations, per_year=3, in_person_per_year=2)
    assert (first.first_day, first.last_day, first.held, first.in_person, first.kept) == (
        D(2026, 1, 2), D(2027, 1, 1), 3, 2, True)
    assert (second.number, second.held, second.kept) == (2, 1, False)
    short = rules.gpmi_years(D(2026, 1, 2), D(2027, 1, 1), evaluations[:2] + [(D(2026, 11, 1), False)],
                             per_year=3, in_person_per_year=2)
    assert len(short) == 1 and not short[0].kept  # three held, one in person


def test_planned_end_and_early_end():
    assert rules.planned_end(D(2026, 1, 31), 12) == D(2027, 1, 30)
    assert rules.end_date(D(2026, 1, 31), 12, D(2026, 6, 1)) == D(2026, 6, 1)
    assert rules.end_date(D(2026, 1, 31), None, None) is None


# The same rule as a query ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("signed", "duration", "ended", "exempted", "leefloon_end", "state"), [
    (D(2026, 4, 30), None, None, None, None, "ondertekend"),
    (D(2026, 5, 1), None, None, None, None, "ondertekend"),  # signed a day late: answered, not on time
    (D(2025, 6, 1), None, D(2026, 1, 30), None, None, "laattijdig"),
    (None, None, None, D(2026, 4, 30), None, "vrijgesteld"),
    (None, None, None, D(2026, 5, 1), None, "vrijgesteld"),
    (None, None, None, None, D(2026, 3, 1), "niet_nodig"),
])
def test_the_query_and_the_case_file_agree(world, signed, duration, ended, exempted, leefloon_end, state):
    client = world.client
    decision = decision_record(client=client, decided_on=D(2026, 1, 31), start_date=D(2026, 1, 15),
                               end_date=leefloon_end, end_reason="werk" if leefloon_end else "")
    if signed:
        gpmi = services.gpmi_draw_up(client=client, by=world.alice, duration_months=duration)
        services.gpmi_sign(gpmi, signed_on=signed)
        if ended:
            services.gpmi_end(gpmi, ended_on=ended)
    if exempted:
        services.exemption_accept(client=client, by=world.alice, ground="gezondheid", accepted_on=exempted)
    legal = selectors.case_file_gpmi(client, D(2026, 6, 1))
    assert legal.state == state
    unmet = set(selectors.unmet(LeefloonDecision.objects.of_client(client)).values_list("pk", flat=True))
    assert (decision.pk in unmet) is (not legal.on_time and state != "niet_nodig")


@pytest.mark.django_db
def test_a_signed_gpmi_changes_only_through_an_amendment(world):
    gpmi = services.gpmi_draw_up(client=world.client, by=world.alice, orientation="werk", goals="Werk",
                                 client_commitments="a", ocmw_commitments="b")
    services.gpmi_update(gpmi, goals="Werk in de logistiek")  # a draft: directly
    services.gpmi_sign(gpmi, signed_on=D(2026, 1, 5))
    with pytest.raises(ValidationError, match="aanpassing"):
        services.gpmi_update(gpmi, goals="Iets anders")
    services.amendment_add(gpmi=gpmi, by=world.alice, date=D(2026, 2, 1), requested_by="client",
                           changes="Opleiding heftruck toegevoegd", steps="Heftruckattest tegen juni")
    gpmi.refresh_from_db()
    assert (gpmi.goals, gpmi.steps, gpmi.amendments.count()) == ("Werk in de logistiek", "Heftruckattest tegen juni", 1)
    with pytest.raises(ValidationError, match="al ondertekend"):
        services.gpmi_sign(gpmi, signed_on=D(2026, 1, 6))


@pytest.mark.django_db
@pytest.mark.parametrize(("values", "field"), [
    ({"date": D(2025, 12, 31)}, "date"),  # before the signing
    ({"date": datetime.date.today() + datetime.timedelta(days=1)}, "date"),
])
def test_an_evaluation_comes_after_the_signing_and_not_in_the_future(world, values, field):
    gpmi = services.gpmi_draw_up(client=world.client, by=world.alice)
    services.gpmi_sign(gpmi, signed_on=D(2026, 1, 5))
    with pytest.raises(ValidationError) as refused:
        services.evaluation_add(gpmi=gpmi, by=world.alice, conclusion="Goed bezig", **values)
    assert field in refused.value.message_dict
    assert not Gpmi.objects.of_client(world.client).get().evaluations.exists()


@pytest.mark.django_db
def test_a_decision_ending_before_it_starts_or_with_a_reason_but_no_end_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        decision_record(client=world.client, decided_on=D(2026, 1, 5), start_date=D(2026, 1, 1),
                        end_date=D(2025, 12, 1))
    assert "end_date" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        decision_record(client=world.client, decided_on=D(2026, 1, 5), start_date=D(2026, 1, 1), end_reason="werk")
    assert "end_reason" in refused.value.message_dict
    # Incomplete is fine: an end without the reason (history often lacks it).
    decision = decision_record(client=world.client, decided_on=D(2026, 1, 5), start_date=D(2026, 1, 1),
                               end_date=D(2026, 6, 1))
    assert decision.gpmi_deadline == D(2026, 4, 5)
