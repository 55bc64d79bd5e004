"""A reminder closes by itself in the same transaction as the write that removes its cause: a contact
moment logged (no contact for a while), a nazorg registered (a TWE ending without nazorg), a trajectory
closed (its trajectory reminders), an agreement renewed (an agreement ending). A write that fails rolls
the closing back with it. And Vandaag lists each cause once, with counts that say what they count."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from clients.models import ContactMoment
from employers.models import Agreement
from reminders import engine
from reminders.models import Reminder, Rule
from trajectories import services as trajectory_services
from trajectories.models import Trajectory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def days(n):
    return TODAY + datetime.timedelta(days=n)


def the(rule):
    [reminder] = Reminder.objects.filter(rule=rule)
    return reminder


def is_open(reminder):
    reminder.refresh_from_db()
    return reminder.status == Reminder.Status.OPEN and not reminder.closed_by_itself


def closed_by_itself(reminder):
    reminder.refresh_from_db()
    return (reminder.status == Reminder.Status.DONE and reminder.closed_by_itself and reminder.handled_by is None
            and reminder.shows_closed_by_itself)


class Boom(Exception):
    pass


@pytest.fixture
def silent(world):
    """Alice's client: a TWE running for 90 days and no contact moment: an open no-contact reminder."""
    engine.evaluate(TODAY)
    return the(Rule.NO_CONTACT)


class TestContactMoment:
    def test_logging_one_on_the_case_file_closes_the_no_contact_reminder(self, world, login, silent):
        assert is_open(silent)
        response = login(world.alice).post(reverse("clients:contact_create", args=[world.client.pk]), {
            "kind": ContactMoment.Kind.PHONE, "date": TODAY.isoformat(), "duration_minutes": 10, "note": "Gebeld."})
        assert response.status_code == 302
        assert closed_by_itself(silent)
        assert "contactmoment" in str(silent.closed_by_itself_because)
        assert engine.evaluate(TODAY)[Rule.NO_CONTACT] == 0  # the daily run agrees: nothing due

    def test_a_failing_write_keeps_both(self, world, silent):
        with pytest.raises(Boom), transaction.atomic():
            ContactMoment.objects.create(client=world.client, author=world.alice, date=TODAY, duration_minutes=5)
            assert closed_by_itself(silent)  # in the writer's own transaction
            raise Boom
        assert not ContactMoment.objects.exists()
        assert is_open(silent)

    def test_removing_the_contact_moment_opens_it_again(self, world, silent):
        moment = ContactMoment.objects.create(client=world.client, author=world.alice, date=TODAY, duration_minutes=5)
        assert closed_by_itself(silent)
        moment.delete()
        silent.refresh_from_db()
        assert silent.status == Reminder.Status.OPEN


    def test_the_daily_run_closes_and_reopens_after_writers_without_signals(self, world, silent):
        """A bulk writer (an import) sends no signals: the daily run's resolve catches up both ways."""
        moment = ContactMoment.objects.bulk_create([ContactMoment(
            client=world.client, author=world.alice, date=TODAY, duration_minutes=5)])[0]
        assert is_open(silent)
        assert engine.resolve_organisation(world.menen)["closed"] == 1
        assert closed_by_itself(silent)
        ContactMoment.objects.filter(pk=moment.pk)._raw_delete("default")  # a raw delete: no signal either
        assert closed_by_itself(silent)
        assert engine.resolve_organisation(world.menen) == {"closed": 0, "reopened": 1}
        assert is_open(silent)


class TestTrajectory:
    def test_a_nazorg_registered_closes_the_twe_ending_reminder(self, world):
        Trajectory.objects.filter(pk=world.trajectory.pk).update(planned_end_date=days(10))
        engine.evaluate(TODAY)
        ending = the(Rule.TWE_ENDING)
        trajectory_services.trajectory_register(client=world.client, by=world.alice, type="nazorg",
                                                start_date=days(11), follows=world.trajectory)
        assert closed_by_itself(ending)

    def test_a_failing_nazorg_registration_keeps_it_open(self, world, monkeypatch):
        Trajectory.objects.filter(pk=world.trajectory.pk).update(planned_end_date=days(10))
        engine.evaluate(TODAY)
        ending = the(Rule.TWE_ENDING)

        def boom(*args, **kwargs):
            raise Boom

        monkeypatch.setattr(trajectory_services, "_record", boom)  # after the nazorg is saved
        with pytest.raises(Boom):
            trajectory_services.trajectory_register(client=world.client, by=world.alice, type="nazorg",
                                                    start_date=days(11), follows=world.trajectory)
        assert is_open(ending)
        assert not Trajectory.objects.filter(type="nazorg").exists()

    def test_closing_the_trajectory_closes_its_reminders(self, world):
        Trajectory.objects.filter(pk=world.trajectory.pk).update(planned_end_date=days(-5))
        engine.evaluate(TODAY)
        end_passed, silent = the(Rule.END_PASSED), the(Rule.NO_CONTACT)
        trajectory = Trajectory.objects.get(pk=world.trajectory.pk)
        trajectory_services.trajectory_transition(trajectory=trajectory, action="close", by=world.alice,
                                                  outcome="werk", date=TODAY)
        assert closed_by_itself(end_passed)
        assert closed_by_itself(silent)  # no trajectory runs any more

    def test_a_failing_close_keeps_them_open(self, world, monkeypatch):
        Trajectory.objects.filter(pk=world.trajectory.pk).update(planned_end_date=days(-5))
        engine.evaluate(TODAY)
        end_passed = the(Rule.END_PASSED)

        def boom(*args, **kwargs):
            raise Boom

        monkeypatch.setattr(trajectory_services, "_record", boom)  # after the status is saved
        with pytest.raises(Boom):
            trajectory_services.trajectory_transition(trajectory=Trajectory.objects.get(pk=world.trajectory.pk),
                                                      action="close", by=world.alice, outcome="werk", date=TODAY)
        assert is_open(end_passed)
        assert Trajectory.objects.get(pk=world.trajectory.pk).status == "lopend"


class TestAgreement:
    @pytest.fixture
    def ending(self, world):
        agreement = Agreement.objects.create(employer=world.employer, start_date=days(-300), end_date=days(20))
        engine.evaluate(TODAY)
        return agreement, the(Rule.AGREEMENT_ENDING)

    def test_a_renewal_closes_the_agreement_ending_reminder(self, world, ending):
        _agreement, reminder = ending
        Agreement.objects.create(employer=world.employer, start_date=days(21), end_date=days(400))
        assert closed_by_itself(reminder)
        assert engine.evaluate(TODAY)[Rule.AGREEMENT_ENDING] == 0

    def test_moving_the_end_closes_it_and_a_failing_write_keeps_it(self, world, ending):
        agreement, reminder = ending
        with pytest.raises(Boom), transaction.atomic():
            Agreement.objects.create(employer=world.employer, start_date=days(21), end_date=None)
            raise Boom
        assert is_open(reminder)
        agreement.end_date = days(200)
        agreement.save()
        assert closed_by_itself(reminder)


class TestVandaag:
    def test_a_client_with_a_no_contact_reminder_is_listed_once(self, world, login, silent):
        response = login(world.alice).get(reverse("home"))
        work, page = response.context["work"], response.content.decode()
        assert [r.client for r in work["reminders"].rows] == [world.client]
        assert world.client not in list(work["silent"].rows)
        assert page.count(world.client.full_name) == 1
        head = {row["counsellor"]: row for row in login(world.hilde).get(reverse("home")).context["work"]["team"]}
        assert head[world.alice]["reminders"] == 1 and head[world.alice]["silent"] == 0

    def test_after_a_contact_moment_the_client_is_in_neither_list(self, world, login, silent):
        http = login(world.alice)
        http.post(reverse("clients:contact_create", args=[world.client.pk]), {
            "kind": ContactMoment.Kind.PHONE, "date": TODAY.isoformat(), "duration_minutes": 10, "note": "Gebeld."})
        page = http.get(reverse("home")).content.decode()
        assert world.client.full_name not in page

    def test_the_counts_say_what_they_count(self, world, login, silent):
        # One due later too: the Follow-up badge counts it, Vandaag does not.
        Reminder.objects.create(organisation=world.menen, rule=Rule.AMA_EVALUATION, subject="traject:0",
                                client=world.client, due_date=days(7))
        page = login(world.alice).get(reverse("home")).content.decode()
        assert 'title="alle open herinneringen, ook die later vervallen"' in page  # the Opvolging badge
        assert "Vandaag te doen: 1 (vandaag of eerder vervallen)." in page
        assert "Opvolging telt alle open herinneringen: 2, ook die later vervallen." in page
