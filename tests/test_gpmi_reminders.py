"""Reminders 8 and 9 of DOMAIN.md: a GPMI due and not yet signed, a GPMI evaluation due by the cadence.
On their boundary days, once only, and closing by themselves when their cause goes: at once (the
signals, for one client) and in the engine's daily run (whatever wrote the change)."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gpmi import services as gpmi_services
from gpmi.models import Gpmi
from leefloon import services as leefloon_services
from reminders import engine
from reminders.models import CLOSE_BY_THEMSELVES, Reminder, Rule, RuleSetting

from .factories import ClientFactory

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


def decide(world, decided_on, client=None, **values):
    return leefloon_services.decision_record(client=client or world.client, decided_on=decided_on,
                                             start_date=decided_on, **values)


def signed_gpmi(world, signed_on, client=None, **values):
    gpmi = gpmi_services.gpmi_draw_up(client=client or world.client, by=world.alice, **values)
    return gpmi_services.gpmi_sign(gpmi, signed_on=signed_on)


def evaluate_on(world, day, **values):
    return gpmi_services.evaluation_add(gpmi=world.gpmi, by=world.alice, date=day, conclusion="Goed bezig",
                                        **values)


def created(day, rule):
    return engine.evaluate(day)[rule]


def gpmi_reminders(rule):
    return list(Reminder.objects.filter(rule=rule).order_by("due_date", "pk"))


class TestDeadline:
    def test_thirty_days_before_the_deadline_and_not_one_more(self, world):
        decision = decide(world, D(2025, 1, 31))
        assert decision.gpmi_deadline == D(2025, 4, 30)  # 31 January + 3 months
        assert created(D(2025, 3, 30), Rule.GPMI_DEADLINE) == 0
        assert created(D(2025, 3, 31), Rule.GPMI_DEADLINE) == 1
        [reminder] = gpmi_reminders(Rule.GPMI_DEADLINE)
        assert (reminder.subject, reminder.due_date, reminder.client) == (f"leefloon:{decision.pk}", D(2025, 4, 30),
                                                                          world.client)
        assert reminder.explanation == ("het GPMI moet er zijn tegen 30/04/2025, 3 maanden na de leefloonbeslissing "
                                        "van 31/01/2025")
        assert reminder.get_absolute_url() == reverse("gpmi:overview", args=[world.client.pk])
        assert list(Reminder.objects.visible_to(world.alice).filter(rule=Rule.GPMI_DEADLINE)) == [reminder]

    def test_idempotent_and_still_open_when_overdue(self, world):
        decide(world, D(2025, 1, 31))
        assert created(D(2025, 4, 1), Rule.GPMI_DEADLINE) == 1
        assert sum(engine.evaluate(D(2025, 4, 1)).values()) == 0
        assert created(D(2025, 6, 1), Rule.GPMI_DEADLINE) == 0  # overdue: the same one, still open
        assert [r.status for r in gpmi_reminders(Rule.GPMI_DEADLINE)] == [Reminder.Status.OPEN]

    def test_the_threshold_is_the_organisations(self, world):
        RuleSetting.objects.create(organisation=world.menen, rule=Rule.GPMI_DEADLINE, days=10)
        decide(world, D(2025, 1, 31))
        assert created(D(2025, 4, 19), Rule.GPMI_DEADLINE) == 0
        assert created(D(2025, 4, 20), Rule.GPMI_DEADLINE) == 1

    def test_a_running_gpmi_covers_a_renewal(self, world):
        decide(world, D(2025, 1, 6), end_date=D(2025, 12, 31))
        signed_gpmi(world, D(2025, 2, 1))
        decide(world, D(2026, 1, 1))  # the renewal: the GPMI still runs
        assert created(D(2026, 3, 15), Rule.GPMI_DEADLINE) == 0

    def test_only_the_latest_decision_of_a_client(self, world):
        decide(world, D(2025, 1, 6))
        latest = decide(world, D(2025, 2, 3))
        assert created(D(2025, 5, 1), Rule.GPMI_DEADLINE) == 1
        assert [r.subject for r in gpmi_reminders(Rule.GPMI_DEADLINE)] == [f"leefloon:{latest.pk}"]

    def test_a_leefloon_ending_before_its_deadline_needs_none(self, world):
        decide(world, D(2025, 1, 31), end_date=D(2025, 3, 31), end_reason="werk")
        assert created(D(2025, 4, 15), Rule.GPMI_DEADLINE) == 0


def due_soon(world):
    """A decision whose deadline is 10 days from today, with its reminder."""
    decision = decide(world, TODAY - relativedelta(months=3) + datetime.timedelta(days=10))
    assert created(TODAY, Rule.GPMI_DEADLINE) == 1
    return decision


def overdue(world):
    decision = decide(world, TODAY - relativedelta(months=4))
    assert created(TODAY, Rule.GPMI_DEADLINE) == 1
    return decision


def assert_closed_by_itself(rule):
    [reminder] = gpmi_reminders(rule)
    assert reminder.status == Reminder.Status.DONE and reminder.closed_by_itself and reminder.handled_by is None
    assert reminder.handled_at is not None and reminder.shows_closed_by_itself
    return reminder


class TestDeadlineClosesByItself:
    def test_when_the_gpmi_is_signed(self, world):
        due_soon(world)
        gpmi = gpmi_services.gpmi_draw_up(client=world.client, by=world.alice)
        assert gpmi_reminders(Rule.GPMI_DEADLINE)[0].status == Reminder.Status.OPEN  # a draft is not signed
        gpmi_services.gpmi_sign(gpmi, signed_on=TODAY)
        assert_closed_by_itself(Rule.GPMI_DEADLINE)
        assert sum(engine.evaluate(TODAY).values()) == 0  # and the engine agrees: nothing new, still closed
        assert_closed_by_itself(Rule.GPMI_DEADLINE)

    def test_when_the_gpmi_is_signed_late(self, world):
        overdue(world)
        signed_gpmi(world, TODAY)
        assert_closed_by_itself(Rule.GPMI_DEADLINE)

    def test_when_an_exemption_is_accepted(self, world):
        due_soon(world)
        gpmi_services.exemption_accept(client=world.client, by=world.hilde, ground="gezondheid", accepted_on=TODAY,
                                       reason="Langdurig ziek")
        assert_closed_by_itself(Rule.GPMI_DEADLINE)

    def test_when_the_leefloon_ended(self, world):
        decision = overdue(world)
        leefloon_services.decision_update(decision, end_date=TODAY - DAY, end_reason="werk")
        assert_closed_by_itself(Rule.GPMI_DEADLINE)

    def test_when_the_leefloon_ends_before_the_deadline(self, world):
        decision = due_soon(world)
        leefloon_services.decision_update(decision, end_date=TODAY + DAY, end_reason="uitkering")
        assert_closed_by_itself(Rule.GPMI_DEADLINE)

    def test_and_opens_again_when_the_cause_returns(self, world):
        decision = overdue(world)
        leefloon_services.decision_update(decision, end_date=TODAY - DAY, end_reason="werk")
        assert_closed_by_itself(Rule.GPMI_DEADLINE)
        leefloon_services.decision_update(decision, end_date=None, end_reason="")  # entered by mistake
        [reminder] = gpmi_reminders(Rule.GPMI_DEADLINE)
        assert reminder.status == Reminder.Status.OPEN and not reminder.closed_by_itself

    def test_a_reminder_a_person_closed_stays_closed(self, world):
        overdue(world)
        reminder = gpmi_reminders(Rule.GPMI_DEADLINE)[0]
        reminder.status, reminder.handled_by = Reminder.Status.DONE, world.alice
        reminder.save()
        engine.evaluate(TODAY)
        reminder.refresh_from_db()
        assert reminder.status == Reminder.Status.DONE and not reminder.closed_by_itself

    def test_a_snoozed_one_closes_too(self, world):
        overdue(world)
        Reminder.objects.filter(rule=Rule.GPMI_DEADLINE).update(status=Reminder.Status.SNOOZED,
                                                                snoozed_until=TODAY + DAY)
        signed_gpmi(world, TODAY)
        assert assert_closed_by_itself(Rule.GPMI_DEADLINE).snoozed_until is None

    def test_the_engine_closes_what_a_writer_changed_without_signals(self, world):
        due_soon(world)
        gpmi = gpmi_services.gpmi_draw_up(client=world.client, by=world.alice)
        Gpmi.objects.unscoped().filter(pk=gpmi.pk).update(signed_on=TODAY)  # a bulk write: no signal
        assert gpmi_reminders(Rule.GPMI_DEADLINE)[0].status == Reminder.Status.OPEN
        engine.evaluate(TODAY)
        assert_closed_by_itself(Rule.GPMI_DEADLINE)

    def test_a_bulk_writer_closes_them_at_once_in_a_few_queries(self, world):
        due_soon(world)
        gpmi = gpmi_services.gpmi_draw_up(client=world.client, by=world.alice)
        Gpmi.objects.unscoped().filter(pk=gpmi.pk).update(signed_on=TODAY)  # as an import writes many
        with CaptureQueriesContext(connection) as context:
            assert engine.resolve_organisation(world.menen) == {"closed": 1, "reopened": 0}
        # 4 for the GPMI rule, 2 more for the running TWE's no-contact reminder (every rule closes by itself)
        assert len(context) <= 6
        assert_closed_by_itself(Rule.GPMI_DEADLINE)

    def test_a_switched_off_rule_still_closes_its_reminders(self, world):
        due_soon(world)
        RuleSetting.objects.create(organisation=world.menen, rule=Rule.GPMI_DEADLINE, enabled=False)
        gpmi = gpmi_services.gpmi_draw_up(client=world.client, by=world.alice)
        Gpmi.objects.unscoped().filter(pk=gpmi.pk).update(signed_on=TODAY)
        engine.evaluate(TODAY)
        assert_closed_by_itself(Rule.GPMI_DEADLINE)

    def test_the_done_tab_says_it_closed_by_itself(self, world, login):
        due_soon(world)
        signed_gpmi(world, TODAY)
        page = login(world.alice).get(reverse("reminders:list"), {"tab": "afgehandeld"}).content.decode()
        assert "Vanzelf afgesloten: het GPMI werd ondertekend" in page


@pytest.fixture
def with_gpmi(world):
    """alice's client with a GPMI signed on 10 January 2025, no set end; Menen evaluates 3 times a year."""
    world.gpmi = signed_gpmi(world, D(2025, 1, 10))
    return world


class TestEvaluation:
    def test_fourteen_days_before_the_due_date(self, with_gpmi):
        world = with_gpmi
        assert created(D(2025, 4, 25), Rule.GPMI_EVALUATION) == 0
        assert created(D(2025, 4, 26), Rule.GPMI_EVALUATION) == 1  # due 10/05/2025: 4 months after signing
        [reminder] = gpmi_reminders(Rule.GPMI_EVALUATION)
        assert (reminder.subject, reminder.due_date) == (f"gpmi:{world.gpmi.pk}", D(2025, 5, 10))
        assert reminder.explanation == ("evaluatie verwacht op 10/05/2025 (nog geen sinds de ondertekening op "
                                        "10/01/2025)")
        assert reminder.get_absolute_url() == reverse("gpmi:detail", args=[world.client.pk, world.gpmi.pk])
        assert created(D(2025, 4, 26), Rule.GPMI_EVALUATION) == 0

    def test_an_evaluation_logged_closes_it_and_moves_the_next_by_four_months(self, with_gpmi):
        world = with_gpmi
        created(D(2025, 4, 26), Rule.GPMI_EVALUATION)
        evaluate_on(world, D(2025, 5, 5))
        assert_closed_by_itself(Rule.GPMI_EVALUATION)
        assert created(D(2025, 8, 21), Rule.GPMI_EVALUATION) == 0
        assert created(D(2025, 8, 22), Rule.GPMI_EVALUATION) == 1
        new = gpmi_reminders(Rule.GPMI_EVALUATION)[-1]
        assert new.due_date == D(2025, 9, 5) and new.status == Reminder.Status.OPEN
        assert new.explanation == "evaluatie verwacht op 05/09/2025 (de vorige op 05/05/2025)"

    def test_five_a_year_is_every_73_days(self, with_gpmi):
        world = with_gpmi
        world.menen.gpmi_evaluations_per_year = 5
        world.menen.save()
        evaluate_on(world, D(2025, 2, 1))
        engine.evaluate(D(2025, 4, 15))
        assert [r.due_date for r in gpmi_reminders(Rule.GPMI_EVALUATION)] == [D(2025, 4, 15)]

    def test_a_removed_evaluation_opens_it_again(self, with_gpmi):
        world = with_gpmi
        created(D(2025, 4, 26), Rule.GPMI_EVALUATION)
        evaluation = evaluate_on(world, D(2025, 5, 5))
        assert_closed_by_itself(Rule.GPMI_EVALUATION)
        evaluation.delete()  # entered on the wrong file
        assert gpmi_reminders(Rule.GPMI_EVALUATION)[0].status == Reminder.Status.OPEN

    def test_an_ended_gpmi_closes_it(self, with_gpmi):
        world = with_gpmi
        created(D(2025, 4, 26), Rule.GPMI_EVALUATION)
        gpmi_services.gpmi_end(world.gpmi, ended_on=D(2025, 4, 30))
        assert_closed_by_itself(Rule.GPMI_EVALUATION)

    def test_none_after_the_gpmi_ends(self, world):
        world.gpmi = signed_gpmi(world, D(2025, 1, 10), duration_months=6)  # ends 09/07/2025
        evaluate_on(world, D(2025, 5, 5))  # next due 05/09/2025, after the end
        assert created(D(2025, 7, 1), Rule.GPMI_EVALUATION) == 0

    def test_the_explanation_says_when_this_one_has_to_be_in_person(self, with_gpmi):
        world = with_gpmi
        evaluate_on(world, D(2025, 5, 5), in_person=False)  # 1 of 3 held, 0 of 2 in person: 2 left, both
        engine.evaluate(D(2025, 8, 22))
        [reminder] = gpmi_reminders(Rule.GPMI_EVALUATION)
        assert reminder.explanation.endswith(
            "; dit GPMI-jaar pas 0 van de 2 vereiste evaluaties in een persoonlijk gesprek: hou deze in een "
            "persoonlijk gesprek")

    def test_not_while_enough_evaluations_are_left(self, with_gpmi):
        world = with_gpmi
        evaluate_on(world, D(2025, 5, 5), in_person=True)
        engine.evaluate(D(2025, 8, 22))
        assert "persoonlijk" not in gpmi_reminders(Rule.GPMI_EVALUATION)[0].explanation


class TestAtScale:
    def test_the_engine_is_a_fixed_number_of_queries(self, world):
        def add(count):
            for _ in range(count):
                client = ClientFactory(organisation=world.menen, counsellor=world.alice)
                decide(world, D(2025, 1, 6), client=client)
                other = ClientFactory(organisation=world.menen, counsellor=world.bob)
                decide(world, D(2025, 1, 6), client=other)
                gpmi = signed_gpmi(world, D(2025, 1, 20), client=other)
                gpmi_services.evaluation_add(gpmi=gpmi, by=world.bob, date=D(2025, 3, 1), conclusion="x",
                                             in_person=False)

        def queries(day):
            with CaptureQueriesContext(connection) as context:
                engine.evaluate(day)
            return len(context)

        add(2)
        few = queries(D(2025, 6, 20))
        assert Reminder.objects.filter(rule__in=CLOSE_BY_THEMSELVES).count() == 4
        add(15)
        assert queries(D(2025, 6, 21)) == few
        assert Reminder.objects.filter(rule__in=CLOSE_BY_THEMSELVES).count() == 34

    def test_a_change_to_a_file_without_gpmi_reminders_costs_one_query(self, world):
        with CaptureQueriesContext(connection) as context:
            engine.resolve_client(world.client)
        assert len(context) == 1

    def test_other_organisations_are_untouched(self, world):
        overdue(world)
        leefloon_services.decision_record(client=world.other_client, decided_on=TODAY - relativedelta(months=4),
                                          start_date=TODAY - relativedelta(months=4))
        engine.evaluate(TODAY)
        theirs = Reminder.objects.get(client=world.other_client, rule=Rule.GPMI_DEADLINE)
        signed_gpmi(world, TODAY)
        theirs.refresh_from_db()
        assert theirs.status == Reminder.Status.OPEN
        assert not Reminder.objects.visible_to(world.oscar).filter(client=world.client).exists()


def test_the_rules_that_close_by_themselves_are_the_gpmi_rules():
    assert set(engine.CLOSING_RULES) == set(CLOSE_BY_THEMSELVES)


def test_the_digest_names_the_rule_in_dutch(world):
    from django.core import mail

    from reminders import digest

    due_soon(world)
    digest.send_digests(TODAY)
    body = mail.outbox[0].body
    assert "GPMI nodig en nog niet ondertekend" in body and f"/clienten/{world.client.pk}/gpmi/" in body
