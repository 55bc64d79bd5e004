"""The home page answers "what now": a counsellor's reminders due, trajectories ending soon,
clients without contact, files recently assigned; the head's team, counted per counsellor."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import Client
from clients.services import clients_hand_over
from reminders.models import Reminder
from trajectories.models import Trajectory

from .factories import ClientFactory, ContactMomentFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def days(n):
    return TODAY + datetime.timedelta(days=n)


def reminder(client, due, rule="geen_contact", **extra):
    return Reminder.objects.create(organisation=client.organisation, rule=rule, subject=f"client:{client.pk}",
                                   client=client, due_date=due, **extra)


@pytest.fixture
def day(world):
    """Alice's caseload with one thing of each kind to do, and a thing not to do next to each."""
    quiet = ClientFactory(organisation=world.menen, counsellor=world.alice, first_name="Stille", last_name="Willems")
    Client.objects.filter(pk=quiet.pk).update(created_at=timezone.now() - datetime.timedelta(days=90))
    ContactMomentFactory(client=quiet, author=world.alice, date=days(-45))
    talked = ClientFactory(organisation=world.menen, counsellor=world.alice, last_name="Praatgraag")
    ContactMomentFactory(client=talked, author=world.alice, date=days(-3))
    ContactMomentFactory(client=world.client, author=world.alice, date=days(-1))
    Trajectory.objects.filter(pk=world.trajectory.pk).update(planned_end_date=days(12))
    reminder(quiet, days(-2), rule="einde_voorbij")  # another cause than silence: listed under both
    reminder(talked, TODAY, rule="einde_voorbij", detail=days(-1).isoformat())
    reminder(world.client, days(5))  # not yet
    bobs = ClientFactory(organisation=world.menen, counsellor=world.bob, last_name="Vanneste")
    Client.objects.filter(pk=bobs.pk).update(created_at=timezone.now() - datetime.timedelta(days=90))
    reminder(bobs, days(-1))
    moved = ClientFactory(organisation=world.menen, counsellor=world.bob, last_name="Overgedragen")
    clients_hand_over(clients=Client.objects.filter(pk=moved.pk), to=world.alice, by=world.hilde,
                      note="Bob vertrekt; Alice neemt over.")
    return {"quiet": quiet, "talked": talked, "bobs": bobs, "moved": moved}


def test_a_counsellor_sees_what_to_do_today(world, login, day):
    response = login(world.alice).get(reverse("home"))
    work, page = response.context["work"], response.content.decode()
    assert [r.client for r in work["reminders"].rows] == [day["quiet"], day["talked"]]  # overdue first
    assert [t.pk for t in work["ending"].rows] == [world.trajectory.pk]
    assert [c.pk for c in work["silent"].rows] == [day["quiet"].pk]  # moved: made today, not silent yet
    assert [a.client for a in work["assigned"].rows] == [day["moved"]]
    assert "Herinneringen voor vandaag of te laat" in page and "Bob vertrekt; Alice neemt over." in page
    assert "Vanneste" not in page  # Bob's client


def test_a_file_stays_recently_assigned_until_it_is_opened(world, login, day):
    http = login(world.alice)
    http.get(reverse("clients:detail", args=[day["moved"].pk]))
    assert http.get(reverse("home")).context["work"]["assigned"].count == 0


def test_the_head_sees_her_team_per_counsellor(world, login, day):
    response = login(world.hilde).get(reverse("home"))
    work = response.context["work"]
    rows = {row["counsellor"]: row for row in work["team"]}
    assert {k: rows[world.alice][k] for k in ("open_files", "reminders", "ending", "silent", "assigned")} == {
        "open_files": 4, "reminders": 2, "ending": 1, "silent": 1, "assigned": 1}
    assert {k: rows[world.bob][k] for k in ("open_files", "reminders", "ending", "silent", "assigned")} == {
        "open_files": 1, "reminders": 1, "ending": 0, "silent": 0, "assigned": 0}  # silent: its no-contact reminder
    assert work["totals"]["reminders"] == 3 and work["running"] == 1
    assert world.oscar not in rows  # Wervik's counsellor
    assert "Je team vandaag" in response.content.decode()


def test_other_roles_land_where_their_work_is(world, login):
    assert login(world.sam).get(reverse("home"))["Location"] == reverse("reporting:dashboard")
    assert login(world.bea).get(reverse("home"))["Location"] == reverse("user_list")


@pytest.mark.parametrize("person", ["alice", "hilde"])
def test_the_home_page_takes_the_same_queries_for_a_small_or_large_caseload(world, login, day, person):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    http = login(getattr(world, person))

    def count():
        with CaptureQueriesContext(connection) as context:
            assert http.get(reverse("home")).status_code == 200
        return len(context)

    few = count()
    for n in range(15):  # more of everything than a list shows
        client = ClientFactory(organisation=world.menen, counsellor=world.alice)
        Client.objects.filter(pk=client.pk).update(created_at=timezone.now() - datetime.timedelta(days=90))
        reminder(client, days(-n))
    assert count() == few
