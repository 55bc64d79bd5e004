"""Benchmark: render the yearly report (PDF and JSON) for an organisation with 10,000 clients and
50,000 trajectories (issue 7). The query count must not grow with the data.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ocmw .venv/bin/python bench/yearly_report.py
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


def build(clients, per_client, seed=1):
    from clients.models import Client
    from organisations.models import Organisation, Role, User
    from trajectories.models import Trajectory
    from trajectories.rules import Outcome, TrajectoryType
    from trajectories.services import trajectories_bulk_create

    rng = random.Random(seed)
    organisation = Organisation.objects.create(slug="bench", name="OCMW Bench")
    head = User.objects.create_user("dh@bench.be", None, role=Role.HEAD, organisation=organisation)
    Client.objects.bulk_create((Client(organisation=organisation, national_number=f"{n:011d}", first_name="B",
                                       last_name=f"C{n}") for n in range(clients)), batch_size=5000)
    ids = list(Client.objects.filter(organisation=organisation).values_list("pk", flat=True))
    outcomes = [o for o in Outcome.values if o != Outcome.STOPGEZET]

    def career(client_id):
        """One trajectory of each type in turn; the nazorg follows the client's TWE."""
        twe = None
        for index in range(per_client):
            kind = TrajectoryType.values[index % 6]
            follows = twe if kind == TrajectoryType.NAZORG else None
            start = (follows.start_date + datetime.timedelta(days=rng.randint(0, 400)) if follows
                     else datetime.date(2016, 1, 1) + datetime.timedelta(days=rng.randint(0, 3000)))
            end = start + datetime.timedelta(days=rng.randint(30, 500)) if rng.random() < 0.8 else None
            trajectory = Trajectory(client_id=client_id, type=kind, start_date=start, end_date=end, follows=follows,
                                    outcome=rng.choice(outcomes) if end else "", created_by=head)
            twe = trajectory if kind == TrajectoryType.TWE else twe
            yield trajectory

    # Through the bulk service, as the import and the demo write: every trajectory with its steps.
    trajectories_bulk_create([t for pk in ids for t in career(pk)], by=head, history=False, batch_size=5000)
    place_at_employers(organisation, rng)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return organisation


def place_at_employers(organisation, rng, employers=300):
    """300 partner employers; every TWE and werk-zorg has a placement at one of them."""
    from employers.models import Employer
    from trajectories.models import Placement, Trajectory

    Employer.objects.bulk_create(Employer(organisation=organisation, name=f"Werkgever {n}", sector="logistiek")
                                 for n in range(employers))
    employer_ids = list(Employer.objects.filter(organisation=organisation).values_list("pk", flat=True))
    placed = Trajectory.objects.filter(client__organisation=organisation, type__in=["twe", "werk_zorg"])
    Placement.objects.bulk_create(
        (Placement(trajectory_id=pk, employer_id=rng.choice(employer_ids), function="medewerker", hours_per_week=19,
                   start_date=start, end_date=end)
         for pk, start, end in placed.values_list("pk", "start_date", "end_date")), batch_size=5000)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--trajectories-per-client", type=int, default=5)
    parser.add_argument("--year", type=int, default=2020)
    args = parser.parse_args()

    from reporting.report import render_json, render_pdf

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        organisation = build(args.clients, args.trajectories_per_client)
        from trajectories.models import Placement

        print(f"clients: {args.clients}  trajectories: {args.clients * args.trajectories_per_client}  "
              f"placements: {Placement.objects.count()}  database: {connection.vendor}")
        for label, render in (("json", render_json), ("pdf", render_pdf)):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                content = render(organisation, args.year)
                seconds = time.perf_counter() - started
            slowest = max(queries.captured_queries, key=lambda query: float(query["time"]))
            print(f"{label}: {seconds:.2f} s, {len(queries)} queries, {len(content)} bytes "
                  f"(slowest query {float(slowest['time']):.2f} s)")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
