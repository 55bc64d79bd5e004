"""The reminders of issue 19, each on its boundary days, closing by themselves when their cause goes,
switched per organisation, in a fixed number of queries:

- ladder_meting: the participation ladder is measured at intake (N days after the follow-up far from
  work started) and then every 6 months;
- onverwittigd_afwezig: 2 unexcused absences in a row at the latest sessions of a group module."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from groupmodules import services as module_services
from groupmodules.models import Edition, Module, Session
from ladder.services import measurement_add
from reminders import engine
from reminders.models import Reminder, Rule, RuleSetting
from trajectories import services

from .factories import ClientFactory

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = timezone.localdate()
LADDER, ABSENCE = Rule.LADDER_MEASUREMENT, Rule.UNEXCUSED_ABSENCE


def days(n):
    return datetime.timedelta(days=n)


def evaluate(day):
    return engine.evaluate(day)


def reminders(rule):
    return list(Reminder.objects.filter(rule=rule).values_list("subject", "due_date", "status"))


def closed_by_itself(reminder):
    reminder.refresh_from_db()
    return (reminder.status, reminder.closed_by_itself, reminder.handled_by) == (Reminder.Status.DONE, True, None)


def follow(world, type="voortraject", start=None, client=None):
    return services.trajectory_register(client=client or world.client, by=world.alice, type=type,
                                        start_date=start or TODAY - days(100), start=True)


def measure(world, day, rung=2, client=None):
    return measurement_add(client=client or world.client, date=day, rung=rung, by=world.alice)


class TestLadderMeasurement:
    def test_at_intake_n_days_after_the_follow_up_started(self, world):
        start = D(2026, 1, 5)
        follow(world, start=start)  # the world's running TWE alone does not count: work is near
        assert evaluate(start + days(29))[LADDER] == 0
        assert evaluate(start + days(30))[LADDER] == 1
        assert reminders(LADDER) == [(f"client:{world.client.pk}", D(2026, 2, 4), "open")]
        reminder = Reminder.objects.get(rule=LADDER)
        assert reminder.explanation == ("opgevolgd sinds 05/01/2026 en de participatieladder werd nog niet gemeten: "
                                        "meet ze bij de intake")
        assert reminder.get_absolute_url().endswith("#participatieladder")
        assert evaluate(start + days(31))[LADDER] == 0  # the same one, not a new one

    @pytest.mark.parametrize("type", ["werk_zorg", "ama"])
    def test_werk_zorg_and_ama_are_followed_far_from_work(self, world, type):
        follow(world, type=type, start=D(2026, 1, 5))
        assert evaluate(D(2026, 2, 4))[LADDER] == 1

    def test_a_measurement_closes_it_at_once_and_the_next_is_due_6_months_later(self, world):
        follow(world)
        evaluate(TODAY)
        reminder = Reminder.objects.get(rule=LADDER)
        measured = TODAY - days(3)
        measure(world, measured)
        assert closed_by_itself(reminder)  # at once, by the signal
        assert evaluate(TODAY)[LADDER] == 0
        due = measured + relativedelta(months=6)
        assert evaluate(due - days(1))[LADDER] == 0
        assert evaluate(due)[LADDER] == 1
        again = Reminder.objects.get(rule=LADDER, status=Reminder.Status.OPEN)
        assert again.due_date == due
        assert again.explanation == (f"de laatste meting op de participatieladder was op {measured:%d/%m/%Y}: "
                                     "meet opnieuw (minstens twee keer per jaar)")

    def test_six_months_after_the_end_of_a_month(self, world):
        measure(world, D(2025, 8, 31))  # measured once: followed from then on, also without a trajectory
        assert evaluate(D(2026, 2, 27))[LADDER] == 0
        assert evaluate(D(2026, 2, 28))[LADDER] == 1
        assert reminders(LADDER) == [(f"client:{world.client.pk}", D(2026, 2, 28), "open")]

    def test_an_enrolment_in_a_group_module_counts_a_waiting_list_not(self, world):
        module = Module.objects.create(organisation=world.menen, title="Taalcafé", kind="taal", capacity=1)
        edition = Edition.objects.create(module=module, name="Najaar", start_date=D(2026, 1, 1))
        module_services.enrol(client=world.client, edition=edition, by=world.alice, on=D(2026, 1, 10))
        waiting = ClientFactory(organisation=world.menen, counsellor=world.alice)
        module_services.enrol(client=waiting, edition=edition, by=world.alice, on=D(2026, 1, 10))
        assert evaluate(D(2026, 2, 8))[LADDER] == 0
        assert evaluate(D(2026, 2, 9))[LADDER] == 1
        assert reminders(LADDER) == [(f"client:{world.client.pk}", D(2026, 2, 9), "open")]

    def test_not_for_a_closed_file_nor_without_a_follow_up(self, world):
        other = ClientFactory(organisation=world.menen, counsellor=world.alice)
        follow(world, client=other, type="opleiding")  # a training: not far from work
        closed = ClientFactory(organisation=world.menen, counsellor=world.alice, status="afgesloten")
        measure(world, D(2025, 1, 6), client=closed)
        assert evaluate(TODAY)[LADDER] == 0

    def test_the_end_of_the_follow_up_closes_it(self, world):
        trajectory = follow(world)
        evaluate(TODAY)
        reminder = Reminder.objects.get(rule=LADDER)
        services.trajectory_transition(trajectory=trajectory, action="stop", by=world.alice, date=TODAY, reason="x")
        assert closed_by_itself(reminder)

    def test_switched_and_tuned_per_organisation(self, world):
        start = D(2026, 1, 5)
        follow(world, start=start)
        theirs = follow(world, client=world.other_client, start=start)
        RuleSetting.objects.create(organisation=world.menen, rule=LADDER, days=60)
        evaluate(start + days(59))
        assert reminders(LADDER) == [(f"client:{world.other_client.pk}", start + days(30), "open")]
        assert theirs.client.organisation == world.wervik
        assert evaluate(start + days(60))[LADDER] == 1
        RuleSetting.objects.filter(organisation=world.menen, rule=LADDER).update(enabled=False)
        Reminder.objects.all().delete()
        assert evaluate(start + days(61))[LADDER] == 1  # Wervik's only

    def test_a_fixed_number_of_queries(self, world):
        def add(count):
            for n in range(count):
                client = ClientFactory(organisation=world.menen, counsellor=world.alice)
                follow(world, client=client, type=("voortraject", "werk_zorg", "ama")[n % 3])
                measure(world, D(2025, 3, 1) + days(n), client=ClientFactory(organisation=world.menen,
                                                                           counsellor=world.alice))

        def queries(day):
            with CaptureQueriesContext(connection) as context:
                evaluate(day)
            return len(context)

        add(2)
        few = queries(TODAY)
        assert Reminder.objects.filter(rule=LADDER).count() == 4
        add(12)
        assert queries(TODAY + days(1)) == few
        assert Reminder.objects.filter(rule=LADDER).count() == 28


class Group:
    """A module with one edition and weekly sessions in the past; alice gives it (no trainer)."""

    def __init__(self, world, sessions=4, organisation=None):
        organisation = organisation or world.menen
        self.module = Module.objects.create(organisation=organisation, title="Sterk in je vel", kind="workshop")
        self.edition = Edition.objects.create(module=self.module, name="Najaar",
                                              start_date=TODAY - days(7 * sessions + 7))
        self.sessions = [Session.objects.create(edition=self.edition, date=TODAY - days(7 * (sessions - n)))
                         for n in range(sessions)]

    def enrol(self, world, client=None, by=None):
        return module_services.enrol(client=client or world.client, edition=self.edition, by=by or world.alice,
                                     on=self.edition.start_date)

    def mark(self, world, enrolment, *presences, by=None):
        for session, presence in zip(self.sessions, presences, strict=False):
            if presence:
                module_services.attendance_mark(session=session, enrolment=enrolment, presence=presence,
                                                by=by or world.alice)


class TestUnexcusedAbsence:
    def test_two_in_a_row_due_on_the_second(self, world):
        group = Group(world)
        enrolment = group.enrol(world)
        group.mark(world, enrolment, "aanwezig", "onverwittigd", "onverwittigd")
        second, third = group.sessions[1].date, group.sessions[2].date
        assert evaluate(third - days(1))[ABSENCE] == 0  # one absence so far
        assert evaluate(third)[ABSENCE] == 1
        assert reminders(ABSENCE) == [(f"inschrijving:{enrolment.pk}", third, "open")]
        reminder = Reminder.objects.get(rule=ABSENCE)
        assert reminder.client == world.client
        assert reminder.explanation == (f"2 keer na elkaar onverwittigd afwezig in een groepsmodule (van "
                                        f"{second:%d/%m/%Y} tot {third:%d/%m/%Y}): bespreek het met de cliënt")
        assert "Sterk in je vel" not in reminder.explanation  # the digest e-mail shows it
        assert evaluate(third + days(1))[ABSENCE] == 0  # the same one, not a new one

    def test_excused_ill_or_present_in_between_breaks_the_row(self, world):
        group = Group(world)
        for between in ("verwittigd", "ziek", "te_laat"):
            client = ClientFactory(organisation=world.menen, counsellor=world.alice)
            group.mark(world, group.enrol(world, client), "onverwittigd", between, "onverwittigd")
        assert evaluate(TODAY)[ABSENCE] == 0

    def test_a_session_without_a_mark_does_not_break_it_a_cancelled_one_does_not_count(self, world):
        group = Group(world)
        enrolment = group.enrol(world)
        group.mark(world, enrolment, "onverwittigd", None, "onverwittigd")
        assert evaluate(TODAY)[ABSENCE] == 1
        assert reminders(ABSENCE) == [(f"inschrijving:{enrolment.pk}", group.sessions[2].date, "open")]

    def test_attendance_at_a_later_session_closes_it_at_once(self, world):
        group = Group(world)
        enrolment = group.enrol(world)
        group.mark(world, enrolment, "onverwittigd", "onverwittigd")
        evaluate(TODAY)
        reminder = Reminder.objects.get(rule=ABSENCE)
        module_services.attendance_mark(session=group.sessions[2], enrolment=enrolment, presence="aanwezig",
                                        by=world.alice)
        assert closed_by_itself(reminder)
        assert evaluate(TODAY)[ABSENCE] == 0

    def test_a_corrected_mark_closes_it_at_once(self, world):
        group = Group(world)
        enrolment = group.enrol(world)
        group.mark(world, enrolment, "onverwittigd", "onverwittigd")
        evaluate(TODAY)
        reminder = Reminder.objects.get(rule=ABSENCE)
        module_services.attendance_mark(session=group.sessions[1], enrolment=enrolment, presence="verwittigd",
                                        by=world.alice)
        assert closed_by_itself(reminder)

    def test_a_third_absence_moves_it_to_the_latest_session(self, world):
        group = Group(world)
        enrolment = group.enrol(world)
        group.mark(world, enrolment, "onverwittigd", "onverwittigd")
        evaluate(TODAY)
        first = Reminder.objects.get(rule=ABSENCE)
        module_services.attendance_mark(session=group.sessions[2], enrolment=enrolment, presence="onverwittigd",
                                        by=world.alice)
        assert closed_by_itself(first)
        assert evaluate(TODAY)[ABSENCE] == 1
        latest = Reminder.objects.get(rule=ABSENCE, status=Reminder.Status.OPEN)
        assert latest.due_date == group.sessions[2].date and latest.explanation.startswith("3 keer na elkaar")

    def test_leaving_the_module_closes_it(self, world):
        group = Group(world)
        enrolment = group.enrol(world)
        group.mark(world, enrolment, "onverwittigd", "onverwittigd")
        evaluate(TODAY)
        reminder = Reminder.objects.get(rule=ABSENCE)
        module_services.leave(enrolment=enrolment, by=world.alice)
        assert closed_by_itself(reminder)

    def test_switched_per_organisation(self, world):
        ours, theirs = Group(world), Group(world, organisation=world.wervik)
        ours.mark(world, ours.enrol(world), "onverwittigd", "onverwittigd")
        theirs.mark(world, theirs.enrol(world, world.other_client, by=world.oscar), "onverwittigd", "onverwittigd",
                    by=world.oscar)
        RuleSetting.objects.create(organisation=world.menen, rule=ABSENCE, enabled=False)
        assert evaluate(TODAY)[ABSENCE] == 1
        assert Reminder.objects.get(rule=ABSENCE).client == world.other_client

    def test_a_fixed_number_of_queries(self, world):
        group = Group(world)

        def add(count):
            for _ in range(count):
                client = ClientFactory(organisation=world.menen, counsellor=world.alice)
                group.mark(world, group.enrol(world, client), "aanwezig", "onverwittigd", "onverwittigd")
                other = ClientFactory(organisation=world.menen, counsellor=world.alice)
                group.mark(world, group.enrol(world, other), "onverwittigd", "aanwezig", "onverwittigd")

        def queries(day):
            with CaptureQueriesContext(connection) as context:
                evaluate(day)
            return len(context)

        add(2)
        few = queries(TODAY)
        assert Reminder.objects.filter(rule=ABSENCE).count() == 2
        add(12)
        assert queries(TODAY + days(1)) == few
        assert Reminder.objects.filter(rule=ABSENCE).count() == 14


def test_the_rule_settings_page_shows_and_sets_the_new_rules(world, login):
    from django.urls import reverse

    http = login(world.bea)
    page = http.get(reverse("reminders:settings")).content.decode()
    assert page.count("<fieldset") == len(Rule) == 12
    assert "Participatieladder meten" in page and "Herhaald onverwittigd afwezig" in page
    assert "De eerste meting is nodig zoveel dagen nadat de opvolging" in page
    data = {f"{rule.value}-{field}": value for rule in Rule
            for field, value in (("enabled", "on"), ("days", "30"), ("months", "15,17"))}
    data[f"{LADDER.value}-days"] = "45"
    del data[f"{ABSENCE.value}-enabled"]
    assert http.post(reverse("reminders:settings"), data).status_code == 302
    settings = engine.settings_for(world.menen)
    assert settings[LADDER].days == 45 and settings[ABSENCE].enabled is False
