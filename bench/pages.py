"""Benchmarks of issue 9, from one command: the pages and jobs people wait for, on a large demo.

Builds a throwaway test database (PostgreSQL when DATABASE_URL says so), fills it with
`seed_demo --clients N` (default 10,000: about 43,000 trajectories and 200,000 contact moments),
then times each page through Django's test client, logged in as the person who uses it, against
a trivial view measured in the same run (a logged-in page without data). Then it adds an
organisation with 100,000 trajectories and evaluates the reminder rules over all of them. Prints
one table: median time, ratio to the trivial view, query count, the target of issue 9 and whether
it is met.

    make bench    (or: DATABASE_URL=postgres://postgres@127.0.0.1:5432/ocmw .venv/bin/python bench/pages.py)

--existing times the database DATABASE_URL names as it is (it must hold the 10,000-client demo),
inside a transaction that is rolled back: quicker when trying a change.
"""

import argparse
import datetime
import itertools
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # the other benchmarks' data helpers
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocmw_activation.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client as Browser  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def seed(clients):
    from demo.builders import DemoBuilder
    from demo.volume import tidy_after_bulk_load

    DemoBuilder(clients=clients, seed=1).build()
    tidy_after_bulk_load()


def logged_in(email):
    """A browser session of that person, past the second step (as after typing the app's code)."""
    from organisations import second_factor
    from organisations.models import User

    browser = Browser()
    user = User.objects.get(email=email)
    browser.force_login(user)
    session = browser.session
    session.pop(second_factor.PENDING, None)
    session[second_factor.VERIFIED] = True
    session.save()
    return browser


def measure(run, repeat):
    """(median seconds, queries of one run) after one warm-up run; repeat=1 without warm-up (the
    import: only its first run writes the 5,000 new clients)."""
    if repeat > 1:
        run()
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            run()
            times.append(time.perf_counter() - started)
    return statistics.median(times), len(queries)


def page(browser, url, **params):
    return pages(browser, url, [params])


def pages(browser, url, params_in_turn):
    """Each run asks the next of params_in_turn (nothing is drawn from an earlier run's figures)."""
    turn = itertools.cycle(params_in_turn)

    def run():
        response = browser.get(url, next(turn))
        assert response.status_code == 200, (url, response.status_code)
    return run


def cases(args_repeat):
    from django.db.models import Count

    from clients.models import Client
    from employers.models import Workplace
    from organisations.models import Organisation
    from reminders import engine
    from reporting.report import render_pdf

    counsellor = logged_in("trajectbegeleider@menen.demo")
    head = logged_in("diensthoofd@menen.demo")
    menen = Organisation.objects.get(slug="demo-menen")
    busy = (Client.objects.filter(organisation=menen).annotate(n=Count("contact_moments"))
            .order_by("-n").first())
    workplace = Workplace.objects.filter(employer__organisation=menen, is_open=True).first()
    last_year = datetime.date.today().year - 1
    return [
        # The trivial view: a page without data, logged in, through the whole stack (session,
        # second step, navigation with its reminder count, template).
        ("trivial view (logged-in page, no data)", page(counsellor, "/password_change/done/"), None),
        ("health check (no session)", page(Browser(), "/healthz"), None),
        ("home page 'what now' (counsellor)", page(counsellor, "/"), 10),
        ("home page, the team per counsellor (head)", page(head, "/"), 20),  # a dashboard of 100 counsellors
        ("search everywhere 'jan' (head)", page(head, "/zoeken/", q="jan"), 10),
        ("caseload, first page (counsellor)", page(counsellor, "/clienten/"), 10),
        ("caseload, first page (head, whole OCMW)", page(head, "/clienten/"), 10),
        ("caseload, search by name", page(head, "/clienten/", q=busy.last_name[:4]), 10),
        ("caseload, filter running TWE", page(head, "/clienten/", traject="twe", trajectstatus="lopend"), 10),
        (f"client page ({busy.n} contact moments)", page(head, f"/clienten/{busy.pk}/"), 10),
        ("dashboard (head), opened again", page(head, "/overzicht/"), 20),
        ("dashboard (head), each time another year", pages(
            head, "/overzicht/", [{"jaar": last_year - n} for n in range(args_repeat + 1)]), 20),
        ("matching: candidates for a workplace", page(
            head, f"/werkgevers/{workplace.employer_id}/werkposten/{workplace.pk}/kandidaten/"), None),
        (f"yearly report PDF {last_year}", lambda: render_pdf(menen, last_year), "10 s"),
        ("reminder evaluation, the demo's OCMWs", lambda: engine.evaluate(datetime.date.today()), "30 s"),
        ("import of 10,000 rows (check and write)", import_rows(), "once"),
    ]


def import_rows():
    """A 10,000-row caseload file (5,000 clients, 10,000 trajectories, 200 employers) into an OCMW of
    its own on the same installation: its employer numbers would clash with the demo's."""
    from import_caseload import file_content

    from caseload.importer import apply_import, plan_import
    from organisations.models import Organisation, Role, User

    organisation = Organisation.objects.create(slug="import", name="OCMW Import")
    head = User.objects.create_user("dh@import.be", None, role=Role.HEAD, organisation=organisation)
    content = file_content(10_000)
    return lambda: apply_import(plan_import(organisation, content, "caseload.csv"), by=head)


def reminder_evaluation(trajectories):
    """The reminder rules over the whole installation, once `trajectories` more lie in an
    organisation of their own (evaluate_reminders.py's data): the first run creates the reminders,
    the second finds them all existing."""
    from evaluate_reminders import DAY, build

    from demo.volume import tidy_after_bulk_load
    from reminders import engine
    from trajectories.models import Trajectory

    build(trajectories)
    tidy_after_bulk_load()
    total = Trajectory.objects.count()
    return [(f"reminder evaluation, {total:,} trajectories, first run", lambda: engine.evaluate(DAY), "30 s"),
            ("reminder evaluation, the same again (none new)", lambda: engine.evaluate(DAY), "30 s")]


def met(seconds, ratio, target):
    if target in (None, "once"):
        return "", ""
    if isinstance(target, int):
        return f"≤ {target}× trivial", "yes" if ratio <= target else "NO"
    return f"< {target}", "yes" if seconds < float(target.split()[0]) else "NO"


def run(args):
    rows = []

    def time_it(label, job, target, repeat):
        seconds, queries = measure(job, repeat)
        rows.append((label, seconds, seconds / (rows[0][1] if rows else seconds), queries, target))

    for label, job, target in cases(args.repeat):
        time_it(label, job, target, 1 if target == "once" else args.repeat)
    if args.trajectories:  # last: its 100,000 trajectories would weigh on the pages' figures
        for label, job, target in reminder_evaluation(args.trajectories):
            time_it(label, job, target, 1)
    print(f"\n{'':50} {'median':>10} {'× trivial':>10} {'queries':>8}  {'target':<16} met")
    for label, seconds, ratio, queries, target in rows:
        goal, ok = met(seconds, ratio, target)
        print(f"{label:50} {seconds * 1000:8.1f}ms {ratio:9.1f}× {queries:8}  {goal:<16} {ok}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--trajectories", type=int, default=100_000,
                        help="trajectories added for the reminder evaluation (0: none)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--existing", action="store_true",
                        help="time the database as it is, in a transaction that is rolled back")
    args = parser.parse_args()

    from django.db import transaction

    from clients.models import ContactMoment
    from trajectories.models import Trajectory

    setup_test_environment()
    if args.existing:
        with transaction.atomic():
            print(f"existing database: {Trajectory.objects.count()} trajectories, "
                  f"{ContactMoment.objects.count()} contact moments; {connection.vendor}")
            run(args)
            transaction.set_rollback(True)
        from demo.volume import tidy_after_bulk_load

        tidy_after_bulk_load()  # the rolled-back import left dead rows that would slow the next run
        return
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        seed(args.clients)
        print(f"seed_demo --clients {args.clients}: {time.perf_counter() - started:.0f} s; "
              f"{Trajectory.objects.count()} trajectories, {ContactMoment.objects.count()} contact moments; "
              f"database: {connection.vendor}")
        run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
