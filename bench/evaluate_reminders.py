"""Benchmark: evaluate every reminder rule over 100,000 trajectories (issue 5).

Builds a throwaway test database (SQLite by default, PostgreSQL when DATABASE_URL says so) with one
organisation, 50,000 clients and 100,000 trajectories of every type, then times `engine.evaluate`
twice (the first run creates the reminders, the second finds them all existing) and counts queries.
A third run follows a day's work written in bulk, without signals (every tenth running trajectory
closed, a contact moment for every tenth client): it closes their reminders by themselves (issue 22,
each rule's causes), and prints how many it closed.

    .venv/bin/python bench/evaluate_reminders.py [--trajectories 100000]
"""

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocmw_activation.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

DAY = datetime.date(2026, 11, 25)


def build(trajectory_count, seed=1):
    from clients.models import Client, ContactMoment
    from employers.models import Agreement, Employer
    from organisations.models import Organisation, Role, User
    from trajectories.models import Trajectory
    from trajectories.rules import Status, TrajectoryType

    rng = random.Random(seed)
    organisation = Organisation.objects.create(slug="bench", name="OCMW Bench")
    counsellors = [User.objects.create_user(f"tb{n}@bench.be", None, role=Role.COUNSELLOR,
                                            organisation=organisation) for n in range(50)]
    User.objects.create_user("dh@bench.be", None, role=Role.HEAD, organisation=organisation)
    clients = trajectory_count // 2
    Client.objects.bulk_create(
        (Client(organisation=organisation, national_number=f"{n:011d}", first_name="B", last_name=f"C{n}",
                counsellor=rng.choice(counsellors), status="actief") for n in range(clients)), batch_size=5000)
    ids = list(Client.objects.filter(organisation=organisation).values_list("pk", flat=True))
    types = list(TrajectoryType.values)
    statuses = [Status.LOPEND] * 6 + [Status.AANGEMELD, Status.OPGESCHORT, Status.AFGEROND, Status.STOPGEZET]

    def trajectory(client_id, type_):
        start = DAY - datetime.timedelta(days=rng.randint(0, 700))
        return Trajectory(client_id=client_id, type=type_, status=rng.choice(statuses), start_date=start,
                          planned_end_date=start + datetime.timedelta(days=rng.randint(60, 540)),
                          next_evaluation_date=start + datetime.timedelta(days=365) if type_ == "ama" else None,
                          created_by=counsellors[0])

    # Two trajectories of different types per client (the one-running-per-type rule holds).
    Trajectory.objects.bulk_create(
        (trajectory(client_id, type_) for client_id in ids for type_ in rng.sample(types, 2)), batch_size=5000)
    ContactMoment.objects.bulk_create(
        (ContactMoment(client_id=client_id, author=counsellors[0], kind="gesprek", duration_minutes=30, note="-",
                       date=DAY - datetime.timedelta(days=rng.randint(0, 90))) for client_id in ids[::2]),
        batch_size=5000)
    employer = Employer.objects.create(organisation=organisation, name="Bench NV")
    Agreement.objects.bulk_create(Agreement(employer=employer, start_date=datetime.date(2025, 1, 1),
                                            end_date=DAY + datetime.timedelta(days=n)) for n in range(0, 120, 3))
    return Trajectory.objects.count()


def work_of_a_day(share=10):
    """Cause goes, as a bulk writer would do it (no signals, so only `evaluate` closes the reminders):
    every `share`-th running trajectory closed on DAY, and a contact moment on DAY for every
    `share`-th client. Returns (trajectories closed, contact moments added)."""
    from clients.models import Client, ContactMoment
    from organisations.models import User
    from trajectories.models import Trajectory
    from trajectories.rules import RUNNING, Status

    running = list(Trajectory.objects.filter(status__in=RUNNING, start_date__lte=DAY).order_by("pk")
                   .values_list("pk", flat=True))[::share]
    Trajectory.objects.filter(pk__in=running).update(status=Status.AFGEROND, end_date=DAY)
    author = User.objects.filter(email="tb0@bench.be").get()
    clients = list(Client.objects.order_by("pk").values_list("pk", flat=True))[::share]
    ContactMoment.objects.bulk_create(
        (ContactMoment(client_id=client_id, author=author, kind="gesprek", duration_minutes=15, note="-", date=DAY)
         for client_id in clients), batch_size=5000)
    return len(running), len(clients)


def closed_by_themselves():
    from reminders.models import Reminder

    return Reminder.objects.filter(closed_by_itself=True).count()


def timed(run):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = run()
        seconds = time.perf_counter() - started
    return result, seconds, len(queries)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--trajectories", type=int, default=100_000)
    args = parser.parse_args()

    from reminders import engine

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        count = build(args.trajectories)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # as autovacuum would after a bulk load
                cursor.execute("ANALYZE")
        print(f"trajectories: {count}  database: {connection.vendor}")
        for label in ("first run", "second run", "third run"):
            if label == "third run":
                trajectories, contacts = work_of_a_day()
                print(f"written without signals: {trajectories} trajectories closed, {contacts} contact moments")
            closed = closed_by_themselves()
            totals, seconds, queries = timed(lambda: engine.evaluate(DAY))
            closed = closed_by_themselves() - closed
            print(f"{label}: created {sum(totals.values())}, closed {closed} by themselves in {seconds:.2f} s "
                  f"with {queries} queries")
            print("  " + ", ".join(f"{rule.value} {number}" for rule, number in totals.items()))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
