"""Benchmark: rank 10,000 clients for one workplace (issue 4).

Builds a throwaway test database (SQLite by default, PostgreSQL when DATABASE_URL says so), fills
one organisation with N clients with competences, interests and barriers, and times
`matching.ranking.clients_for_workplace` while counting its queries. The query count must not depend on N.

    .venv/bin/python bench/match_workplace.py [--clients 10000] [--repeat 3]
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocmw_activation.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def build(clients, seed=1):
    from clients.models import Barrier, Client, Competence, Interest
    from employers.models import Employer, Workplace
    from organisations.models import Organisation

    rng = random.Random(seed)
    organisation = Organisation.objects.create(slug="bench", name="OCMW Bench")
    competences = Competence.objects.bulk_create(Competence(organisation=organisation, name=f"C{i}") for i in range(20))
    interests = Interest.objects.bulk_create(Interest(organisation=organisation, name=f"I{i}") for i in range(10))
    postcodes = ["8930", "8500", "8940", "9000", "8560", "1000"]
    Client.objects.bulk_create(
        Client(organisation=organisation, national_number=f"{n:011d}", first_name="B", last_name=f"C{n}",
               draagkracht_hours=rng.choice([8, 12, 16, 19, 24, 38]), postcode=rng.choice(postcodes),
               mobility=rng.choice(["auto", "fiets", "openbaar_vervoer", "te_voet"]), status="actief")
        for n in range(clients))
    ids = list(Client.objects.filter(organisation=organisation).values_list("pk", flat=True))
    Client.competences.through.objects.bulk_create(
        Client.competences.through(client_id=pk, competence=c) for pk in ids for c in rng.sample(competences, 3))
    Client.interests.through.objects.bulk_create(
        Client.interests.through(client_id=pk, interest=i) for pk in ids for i in rng.sample(interests, 2))
    Barrier.objects.bulk_create(Barrier(client_id=pk, category=rng.choice(Barrier.Category.values), description="-")
                                for pk in ids if rng.random() < 0.5)
    employer = Employer.objects.create(organisation=organisation, name="Bench NV", postcode="8930")
    workplace = Workplace.objects.create(employer=employer, function="magazijnier", hours_per_week=19,
                                         postcode="8930")
    workplace.required_competences.set(competences[:2])
    workplace.useful_competences.set(competences[2:4])
    workplace.interests.set(interests[:1])
    return workplace


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from matching import ranking as matching

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        workplace = build(args.clients)
        timings = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                ranked, excluded = matching.clients_for_workplace(workplace)
                timings.append(time.perf_counter() - started)
        print(f"clients: {args.clients}  database: {connection.vendor}")
        print(f"ranked: {len(ranked)}  excluded: {len(excluded)}  best score: {ranked[0].score}")
        print(f"queries: {len(queries)}")
        print(f"seconds: median {statistics.median(timings):.3f}  min {min(timings):.3f}  max {max(timings):.3f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
