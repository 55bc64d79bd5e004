"""Benchmark: import a caseload file of 10,000 rows (issue 6).

Builds a throwaway test database (PostgreSQL when DATABASE_URL says so, else SQLite), writes a
CSV of N rows (about N/2 clients with two trajectories each, employers by KBO and by name), and
times checking (plan) and writing (apply), counting queries; then imports the same file again
(nothing new) to show a re-import's cost.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ocmw .venv/bin/python bench/import_caseload.py [--rows 10000]
"""

import argparse
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

HEADER = ("rijksregisternummer;voornaam;achternaam;postcode;gemeente;traject_type;traject_start;traject_einde;"
          "uitstroom;werkgever;werkgever_kbo")


def national_numbers(count):
    numbers, day = [], 0
    while len(numbers) < count:
        for sequence in range(1, 998, 2):
            base = f"80{(day // 28) % 12 + 1:02d}{day % 28 + 1:02d}{sequence:03d}"
            numbers.append(base + f"{97 - int(base) % 97:02d}")
            if len(numbers) == count:
                break
        day += 1
    return numbers


def kbo(n):
    first = f"0{4000000 + n:07d}"
    return first + f"{97 - int(first) % 97:02d}"


def file_content(rows, seed=1):
    rng = random.Random(seed)
    lines = [HEADER]
    for index, number in enumerate(national_numbers(rows // 2)):
        employer = rng.randrange(200)
        lines.append(f"{number};Voornaam{index};Naam{index};8930;Menen;voortraject;2024-01-{index % 28 + 1:02d};"
                     f"2024-06-30;opleiding;;")
        lines.append(f"{number};Voornaam{index};Naam{index};8930;Menen;twe;2024-07-01;;;Werkgever {employer};"
                     f"{kbo(employer) if employer % 2 else ''}")
    return ("\n".join(lines) + "\n").encode()


def timed(run):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = run()
        return result, time.perf_counter() - started, len(queries)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()

    from caseload.importer import apply_import, plan_import
    from organisations.models import Organisation, Role, User

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        organisation = Organisation.objects.create(slug="bench", name="OCMW Bench")
        head = User.objects.create_user("dh@bench.be", None, role=Role.HEAD, organisation=organisation)
        content = file_content(args.rows)
        print(f"rows: {args.rows}  database: {connection.vendor}")
        for label in ("first import", "re-import"):
            plan, plan_seconds, plan_queries = timed(lambda: plan_import(organisation, content))
            assert plan.valid, [str(problem) for problem in plan.problems[:5]]
            _, apply_seconds, apply_queries = timed(lambda: apply_import(plan, by=head))  # noqa: B023
            print(f"{label}: check {plan_seconds:.2f} s / {plan_queries} queries, write {apply_seconds:.2f} s / "
                  f"{apply_queries} queries ({len(plan.new_clients)} clients, {len(plan.new_trajectories)} new "
                  f"trajectories, {plan.unchanged} unchanged)")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
