"""Each reminder rule on its boundary days: the day before it is due nothing, on the day itself
one reminder, and never a second one."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta

from clients.models import ContactMoment
from employers.models import Agreement
from reminders import engine
from reminders.models import Reminder, Rule, RuleSetting
from trajectories import services
from trajectories.rules import nazorg_default_end

from .factories import ClientFactory, running_twe

pytestmark = pytest.mark.django_db
D = datetime.date
START = D(2026, 1, 5)


def evaluate(day):
    return engine.evaluate(day)


def reminders(rule):
    return list(Reminder.objects.filter(rule=rule).values_list("subject", "due_date"))


def register(world, type, **fields):
    return services.trajectory_register(client=world.client, by=world.alice, type=type, start_date=START, start=True,
                                        **fields)


def contact(world, day):
    ContactMoment.objects.create(client=world.client, author=world.alice, date=day, duration_minutes=10, note="x")


@pytest.fixture
def world(world):
    """The shared world, with the running TWE out of the way and a contact today, so each test
    sees only the rule it is about."""
    world.trajectory.delete()
    return world


def test_twe_ending_within_30_days_without_nazorg(world):
    twe = running_twe(world.client, world.alice, world.employer, start=START, planned_end_date=D(2026, 12, 31))
    assert evaluate(D(2026, 11, 30))[Rule.TWE_ENDING] == 0
    assert evaluate(D(2026, 12, 1))[Rule.TWE_ENDING] == 1
    assert reminders(Rule.TWE_ENDING) == [(f"traject:{twe.pk}", D(2026, 12, 31))]  # due on the end itself
    assert list(Reminder.objects.visible_to(world.alice)) == list(Reminder.objects.all())
    assert evaluate(D(2026, 12, 2))[Rule.TWE_ENDING] == 0


def test_no_twe_reminder_when_nazorg_is_planned(world):
    twe = running_twe(world.client, world.alice, world.employer, start=START, planned_end_date=D(2026, 12, 31))
    services.trajectory_register(client=world.client, by=world.alice, type="nazorg", start_date=D(2026, 12, 15),
                                 follows=twe)
    assert evaluate(D(2026, 12, 10))[Rule.TWE_ENDING] == 0


def test_werk_zorg_at_15_and_17_months(world):
    register(world, "werk_zorg")
    assert evaluate(START + relativedelta(months=15) - datetime.timedelta(days=1))[Rule.WERK_ZORG_LIMIT] == 0
    assert evaluate(START + relativedelta(months=15))[Rule.WERK_ZORG_LIMIT] == 1
    assert evaluate(START + relativedelta(months=17) - datetime.timedelta(days=1))[Rule.WERK_ZORG_LIMIT] == 0
    assert evaluate(START + relativedelta(months=17))[Rule.WERK_ZORG_LIMIT] == 1
    assert [due for _s, due in reminders(Rule.WERK_ZORG_LIMIT)] == [D(2027, 4, 5), D(2027, 6, 5)]


def test_no_contact_for_30_days(world):
    register(world, "opleiding")
    contact(world, D(2026, 3, 1))
    assert evaluate(D(2026, 3, 30))[Rule.NO_CONTACT] == 0
    assert evaluate(D(2026, 3, 31))[Rule.NO_CONTACT] == 1
    assert reminders(Rule.NO_CONTACT) == [(f"client:{world.client.pk}", D(2026, 3, 31))]


def test_never_contacted_counts_from_the_start_of_the_active_trajectory(world):
    register(world, "opleiding")
    assert evaluate(START + datetime.timedelta(days=29))[Rule.NO_CONTACT] == 0
    assert evaluate(START + datetime.timedelta(days=30))[Rule.NO_CONTACT] == 1
    assert evaluate(START + datetime.timedelta(days=31))[Rule.NO_CONTACT] == 0  # the same one, not a new one


def test_no_contact_does_not_count_without_an_active_trajectory(world):
    contact(world, D(2026, 3, 1))
    assert evaluate(D(2026, 6, 1))[Rule.NO_CONTACT] == 0


def test_planned_end_passed_and_not_closed(world):
    register(world, "opleiding", planned_end_date=D(2026, 6, 30))
    assert evaluate(D(2026, 6, 30))[Rule.END_PASSED] == 0
    assert evaluate(D(2026, 7, 1))[Rule.END_PASSED] == 1


def test_nazorg_check_ins_at_1_3_and_6_months(world):
    twe = running_twe(world.client, world.alice, world.employer, start=D(2025, 1, 6))
    services.trajectory_transition(trajectory=twe, action="close", by=world.alice, outcome="werk", date=START)
    services.trajectory_register(client=world.client, by=world.alice, type="nazorg", start_date=START, follows=twe,
                                 start=True, planned_end_date=nazorg_default_end(START))
    for month in (1, 3):
        check_in = START + relativedelta(months=month)
        assert evaluate(check_in - datetime.timedelta(days=1))[Rule.NAZORG_CHECK_IN] == 0
        assert evaluate(check_in)[Rule.NAZORG_CHECK_IN] == 1
    # the nazorg's planned end (start + 6 months - 1 day) comes first: the 6-month check-in is due then
    assert evaluate(D(2026, 7, 3))[Rule.NAZORG_CHECK_IN] == 0
    assert evaluate(D(2026, 7, 4))[Rule.NAZORG_CHECK_IN] == 1


def test_ama_yearly_evaluation_14_days_ahead(world):
    register(world, "ama")  # next evaluation 05/01/2027
    assert evaluate(D(2026, 12, 21))[Rule.AMA_EVALUATION] == 0
    assert evaluate(D(2026, 12, 22))[Rule.AMA_EVALUATION] == 1


def test_agreement_ending_within_60_days_goes_to_the_head(world):
    agreement = Agreement.objects.create(employer=world.employer, start_date=D(2025, 1, 1), end_date=D(2026, 12, 31))
    assert evaluate(D(2026, 10, 31))[Rule.AGREEMENT_ENDING] == 0
    assert evaluate(D(2026, 11, 1))[Rule.AGREEMENT_ENDING] == 1
    assert reminders(Rule.AGREEMENT_ENDING) == [(f"overeenkomst:{agreement.pk}", D(2026, 12, 31))]
    assert Reminder.objects.visible_to(world.hilde).count() == 1 and not Reminder.objects.visible_to(world.alice)


def test_a_switched_off_rule_creates_nothing_and_thresholds_are_per_organisation(world):
    register(world, "opleiding", planned_end_date=D(2026, 6, 30))
    RuleSetting.objects.create(organisation=world.menen, rule=Rule.END_PASSED, enabled=False)
    RuleSetting.objects.create(organisation=world.menen, rule=Rule.NO_CONTACT, days=10)
    contact(world, D(2026, 7, 1))
    totals = evaluate(D(2026, 7, 11))
    assert totals[Rule.END_PASSED] == 0 and totals[Rule.NO_CONTACT] == 1


def test_running_twice_creates_nothing_the_second_time(world):
    register(world, "opleiding", planned_end_date=D(2026, 6, 30))
    first = sum(evaluate(D(2026, 8, 1)).values())
    assert first >= 2  # end passed and no contact
    assert sum(evaluate(D(2026, 8, 1)).values()) == 0
    assert Reminder.objects.count() == first


def test_the_database_refuses_a_second_reminder(world):
    from django.db import IntegrityError, transaction

    Reminder.objects.create(organisation=world.menen, rule=Rule.NO_CONTACT, subject="client:1", due_date=START)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(organisation=world.menen, rule=Rule.NO_CONTACT, subject="client:1", due_date=START)


def test_the_evaluation_is_a_fixed_number_of_queries(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(day):
        with CaptureQueriesContext(connection) as context:
            evaluate(day)
        return len(context)

    def add_clients(count):
        for _ in range(count):
            client = ClientFactory(organisation=world.menen, counsellor=world.alice)
            services.trajectory_register(client=client, by=world.alice, type="opleiding", start_date=START,
                                         start=True, planned_end_date=D(2026, 3, 1))

    add_clients(2)
    few = queries(D(2026, 8, 1))
    add_clients(20)
    assert queries(D(2026, 8, 2)) == few


def test_a_paused_trajectory_does_not_ask_for_contact(world):
    trajectory = register(world, "opleiding")
    services.trajectory_transition(trajectory=trajectory, action="suspend", by=world.alice, date=START)
    assert evaluate(D(2026, 6, 1))[Rule.NO_CONTACT] == 0


def test_a_new_trajectory_after_an_old_contact_counts_from_its_start(world):
    contact(world, D(2024, 1, 1))
    register(world, "opleiding")
    evaluate(START + datetime.timedelta(days=30))
    assert reminders(Rule.NO_CONTACT) == [(f"client:{world.client.pk}", START + datetime.timedelta(days=30))]


def test_a_changed_threshold_does_not_repeat_a_reminder(world):
    running_twe(world.client, world.alice, world.employer, start=START, planned_end_date=D(2026, 12, 31))
    evaluate(D(2026, 12, 10))
    RuleSetting.objects.create(organisation=world.menen, rule=Rule.TWE_ENDING, days=45)
    assert evaluate(D(2026, 12, 11))[Rule.TWE_ENDING] == 0


def test_a_twe_without_a_workplace_after_its_screening(world):
    """10. A running TWE without a workplace: found 30 days after its start (a screening normally
    takes less), due then; a TWE with a workplace is never found."""
    twe = register(world, "twe")
    other = ClientFactory(organisation=world.menen, counsellor=world.alice)
    running_twe(other, world.alice, world.employer, start=START)  # with its workplace: never found
    day = START + datetime.timedelta(days=30)
    assert evaluate(day - datetime.timedelta(days=1))[Rule.TWE_NO_WORKPLACE] == 0
    assert evaluate(day)[Rule.TWE_NO_WORKPLACE] == 1
    assert reminders(Rule.TWE_NO_WORKPLACE) == [(f"traject:{twe.pk}", day)]
    assert Reminder.objects.get(rule=Rule.TWE_NO_WORKPLACE).explanation == (
        "nog geen werkplek sinds de start op 05/01/2026: vul de werkgever (de werkplek) aan, en de dag waarop de WEO "
        "getekend werd")
    assert evaluate(day + datetime.timedelta(days=1))[Rule.TWE_NO_WORKPLACE] == 0  # the same one, not a new one


def test_a_twe_with_its_weo_signed_needs_its_workplace_at_once(world):
    twe = register(world, "twe", weo_signed_on=START + datetime.timedelta(days=7))
    assert evaluate(START + datetime.timedelta(days=1))[Rule.TWE_NO_WORKPLACE] == 1
    assert reminders(Rule.TWE_NO_WORKPLACE) == [(f"traject:{twe.pk}", D(2026, 1, 12))]  # due on the WEO date
    assert Reminder.objects.get(rule=Rule.TWE_NO_WORKPLACE).explanation == (
        "nog geen werkplek, en de WEO werd getekend op 12/01/2026: vul de werkgever (de werkplek) aan")


def test_the_twe_without_a_workplace_closes_by_itself_when_it_ends(world):
    twe = register(world, "twe")
    evaluate(D(2026, 3, 1))
    # Ended without signals for the reminders (a transition): the daily run closes it.
    services.trajectory_transition(trajectory=twe, action="stop", by=world.alice, date=D(2026, 3, 2), reason="x")
    assert evaluate(D(2026, 3, 3))[Rule.TWE_NO_WORKPLACE] == 0
    reminder = Reminder.objects.get(rule=Rule.TWE_NO_WORKPLACE)
    assert (reminder.status, reminder.closed_by_itself, reminder.handled_by) == (Reminder.Status.DONE, True, None)


def test_the_twe_without_a_workplace_is_switched_per_organisation(world):
    register(world, "twe")
    RuleSetting.objects.create(organisation=world.menen, rule=Rule.TWE_NO_WORKPLACE, days=60)
    assert evaluate(START + datetime.timedelta(days=59))[Rule.TWE_NO_WORKPLACE] == 0
    assert evaluate(START + datetime.timedelta(days=60))[Rule.TWE_NO_WORKPLACE] == 1
    RuleSetting.objects.filter(rule=Rule.TWE_NO_WORKPLACE).update(enabled=False)
    Reminder.objects.all().delete()
    assert evaluate(START + datetime.timedelta(days=61))[Rule.TWE_NO_WORKPLACE] == 0
