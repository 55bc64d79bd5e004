"""The bulk of a large demo (`seed_demo --clients 10000`): years of trajectories, steps, placements
and contact moments per client, written with bulk inserts so ten thousand clients take minutes,
not hours. The first clients of each OCMW still walk the hand-made paths of builders.py through the
services; these follow the same rules (one running trajectory per type, a nazorg follows a TWE
that ran, a werk-zorg within 18 months, a TWE with a placement that covers it, dated steps)."""

import datetime

from django.db import connection

from clients.models import Client, ContactMoment
from employers.models import Employer, Workplace
from trajectories.models import Placement, Trajectory
from trajectories.rules import Outcome, Status, TrajectoryType, status_for, werk_zorg_last_day
from trajectories.services import trajectories_bulk_create

BATCH = 5000


def tidy_after_bulk_load():
    """What autovacuum would do some time later, now: fresh statistics for the planner (stale ones
    made a client page scan all steps) and the rows a re-seed replaced cleared out (a table full of
    dead rows is scanned at half speed). VACUUM cannot run inside a transaction (a test): only
    ANALYZE there."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")

DAYS = {  # type: (shortest, longest) duration in days
    TrajectoryType.VOORTRAJECT: (30, 120),
    TrajectoryType.OPLEIDING: (60, 300),
    TrajectoryType.TWE: (180, 365),
    TrajectoryType.NAZORG: (90, 180),
    TrajectoryType.WERK_ZORG: (180, 540),
    TrajectoryType.AMA: (180, 720),
}
OUTCOMES = {
    TrajectoryType.VOORTRAJECT: [Outcome.OPLEIDING, Outcome.WERK, Outcome.WERKLOOS],
    TrajectoryType.OPLEIDING: [Outcome.WERK, Outcome.OPLEIDING, Outcome.WERKLOOS],
    TrajectoryType.TWE: [Outcome.WERK] * 3 + [Outcome.MAATWERK, Outcome.OPLEIDING, Outcome.WERKLOOS],
    TrajectoryType.NAZORG: [Outcome.WERK] * 46 + [Outcome.OPLEIDING] * 16 + [Outcome.MAATWERK] * 7
    + [Outcome.ZELFSTANDIGE] * 2 + [Outcome.WERKLOOS] * 12,
    TrajectoryType.WERK_ZORG: [Outcome.AMA, Outcome.ZORG, Outcome.MAATWERK, Outcome.WERK],
    TrajectoryType.AMA: [Outcome.ZORG, Outcome.WERKLOOS, Outcome.MAATWERK],
}
NEXT_TYPES = [TrajectoryType.VOORTRAJECT, TrajectoryType.OPLEIDING, TrajectoryType.TWE, TrajectoryType.TWE,
              TrajectoryType.WERK_ZORG, TrajectoryType.AMA]


class VolumeBuilder:
    def __init__(self, *, random, faker, today, notes, places, organisation, employers_wanted):
        self.random, self.faker, self.today, self.notes, self.places = random, faker, today, notes, places
        self.organisation = organisation
        self.employers_wanted = employers_wanted
        self.trajectories, self.registered, self.placements, self.moments = [], [], [], []

    def build(self, clients):
        employers = self._employers()
        statuses = {}
        for client in clients:
            statuses[client.pk] = self._career(client, employers)
            self._contacts(client)
        # Through the bulk service: the rules checked, the steps written from the lifecycle, each
        # recorded by the client's counsellor who created it.
        trajectories_bulk_create(self.trajectories, by=None, registered=self.registered, history=False,
                                 today=self.today, batch_size=BATCH)
        Placement.objects.bulk_create(self.placements, batch_size=BATCH)
        ContactMoment.objects.bulk_create(self.moments, batch_size=BATCH)
        for client in clients:
            client.status = statuses[client.pk]
        Client.objects.bulk_update(clients, ["status"], batch_size=BATCH)

    def _employers(self):
        def new_employer(index):
            postcode, municipality = self.random.choice(self.places)
            return Employer(organisation=self.organisation, name=f"{self.faker.company()} ({index + 1})",
                            kind=Employer.Kind.PARTNER, postcode=postcode, municipality=municipality,
                            sector=self.random.choice(["logistiek", "retail", "zorg", "bouw", "schoonmaak", "voeding"]))

        made = Employer.objects.bulk_create(new_employer(index) for index in range(self.employers_wanted))
        Workplace.objects.bulk_create(
            Workplace(employer=employer, function=self.random.choice(["magazijnier", "verkoper", "poetshulp",
                                                                      "keukenhulp", "zorgkundige"]),
                      hours_per_week=self.random.choice([19, 24, 30, 38]), postcode=employer.postcode,
                      municipality=employer.municipality,
                      capacity=self.random.randint(1, 4)) for employer in made)
        return made

    def _career(self, client, employers):
        """A chain of trajectories from years ago to today; only the last may still run. Returns the
        file's status that fits it."""
        day = self.today - datetime.timedelta(days=self.random.randint(365, 365 * 9))
        previous = None
        for _step in range(self.random.randint(3, 7)):
            kind = (TrajectoryType.NAZORG if previous is not None and previous.type == TrajectoryType.TWE
                    and previous.status == Status.AFGEROND and self.random.random() < 0.7
                    else self.random.choice(NEXT_TYPES))
            previous = self._trajectory(client, kind, day, previous, employers)
            if previous.end_date is None:
                return Client.Status.ACTIVE
            day = previous.end_date + datetime.timedelta(days=self.random.randint(1, 90))
            if day >= self.today:
                break
        ended_long_ago = previous.end_date < self.today - datetime.timedelta(days=365)
        return Client.Status.CLOSED if ended_long_ago else Client.Status.ACTIVE

    def _trajectory(self, client, kind, start, previous, employers):
        shortest, longest = DAYS[kind]
        end = start + datetime.timedelta(days=self.random.randint(shortest, longest))
        planned = werk_zorg_last_day(start) if kind == TrajectoryType.WERK_ZORG else end
        end = min(end, planned)
        running = end >= self.today
        stopped = not running and self.random.random() < 0.1
        trajectory = Trajectory(
            client=client, type=kind, start_date=start, planned_end_date=planned, created_by=client.counsellor,
            end_date=None if running else end,
            outcome="" if running else Outcome.STOPGEZET if stopped else self.random.choice(OUTCOMES[kind]),
            stop_reason="Verhuisd naar een andere gemeente." if stopped else "",
            follows=previous if kind == TrajectoryType.NAZORG else None,
            next_evaluation_date=start + datetime.timedelta(days=365) if kind == TrajectoryType.AMA else None)
        trajectory.status = status_for(trajectory.end_date, trajectory.outcome, start, self.today)
        self.trajectories.append(trajectory)
        self.registered.append(start - datetime.timedelta(days=self.random.randint(0, 21)))
        if kind in (TrajectoryType.TWE, TrajectoryType.WERK_ZORG):
            employer = self.random.choice(employers)
            self.placements.append(Placement(
                trajectory=trajectory, employer=employer, function="medewerker", start_date=start,
                end_date=trajectory.end_date, hours_per_week=min(client.draagkracht_hours or 19, 19)))
        return trajectory

    def _contacts(self, client):
        for _moment in range(self.random.randint(10, 30)):
            kind = self.random.choice(ContactMoment.Kind.values)
            self.moments.append(ContactMoment(
                client=client, kind=kind, author=client.counsellor,
                date=self.today - datetime.timedelta(days=self.random.randint(0, 365 * 4)),
                duration_minutes=self.random.choice([15, 30, 45, 60]), note=self.random.choice(self.notes[kind])))
