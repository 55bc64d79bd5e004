"""The hot filters have indexes the planner can use (EXPLAIN on PostgreSQL; sequential scans are
switched off so that a tiny test database still shows which index a query can take)."""

import pytest
from django.db import connection

from caseload import selectors
from clients.models import ContactMoment
from reminders.models import Reminder
from trajectories.models import TrajectoryEvent

pytestmark = [pytest.mark.django_db, pytest.mark.skipif(connection.vendor != "postgresql",
                                                        reason="EXPLAIN plans of PostgreSQL")]


@pytest.fixture
def no_seqscan(db):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")


def test_the_caseload_pages_through_an_index_in_name_order(world, no_seqscan):
    plan = selectors.caseload(world.hilde).explain()
    assert "client_caseload_order" in plan, plan


def test_a_clients_last_contact_reads_one_index_entry(world, no_seqscan):
    plan = ContactMoment.objects.filter(client=world.client).order_by("-date").values("date")[:1].explain()
    assert "contact_client_date" in plan, plan


def test_the_steps_of_a_clients_trajectories_are_found_by_trajectory(world, no_seqscan):
    plan = TrajectoryEvent.objects.filter(trajectory__client=world.client).explain()
    assert "trajectory_id" in plan and "Index" in plan, plan


def test_the_navigation_count_of_reminders_uses_an_index(world, no_seqscan):
    plan = Reminder.objects.visible_to(world.alice).explain()
    assert "Index" in plan, plan
