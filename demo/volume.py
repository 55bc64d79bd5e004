"""The bulk of a large demo (`seed_demo --clients 10000`): years of trajectories, steps, placements
and contact moments per client, written with bulk inserts so ten thousand clients take minutes,
not hours. The first clients of each OCMW still walk the hand-made paths of builders.py through the
services; these follow the same rules (one running trajectory per type, a nazorg follows a TWE
that ran and counts from the job start, a werk-zorg within 18 months (from 1 July 2023 decided by
VDAB, with its casemanagers), a TWE whose art. 60 §7 employment starts on its WEO or later, at least
half-time, under a placement agreement, dated steps, and whether the leefloon was left)."""

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import connection

from clients.models import Client, ContactMoment
from employers.models import Employer, Workplace
from trajectories.models import Placement, Trajectory
from trajectories.rules import (
    ACTIVERINGSTRAJECT_SINCE,
    TWE_MIN_HOURS,
    LeefloonAfter,
    Outcome,
    Status,
    TrajectoryType,
    check_twe_placement,
    status_for,
    werk_zorg_last_day,
)
from trajectories.services import trajectories_bulk_create

BATCH = 5000
LEFT_FOR_WORK = (Outcome.WERK, Outcome.ZELFSTANDIGE, Outcome.MAATWERK)


def leefloon_after(kind, outcome, end, *, today, random):
    """Whether the leefloon was left when a trajectory ended, as the counsellor records it: after
    work mostly (a part-time job can keep a supplementary leefloon); after a TWE that ended in
    unemployment, the benefit its art. 60 §7 employment opened (its goal); else it stays. History
    from before it was recorded (ended over two years ago) has it empty."""
    if end < today - relativedelta(years=2):
        return ""
    if outcome in LEFT_FOR_WORK:
        return LeefloonAfter.STAYS if outcome == Outcome.WERK and random.random() < 0.15 else LeefloonAfter.WERK
    if outcome == Outcome.WERKLOOS and kind == TrajectoryType.TWE:
        return LeefloonAfter.UITKERING
    return LeefloonAfter.STAYS



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
    def __init__(self, *, random, faker, today, notes, places, organisation, employers_wanted, care_organisations,
                 work_casemanagers, stop_reason="Haakte af: kwam niet meer naar de afspraken."):
        self.random, self.faker, self.today, self.notes, self.places = random, faker, today, notes, places
        self.stop_reason = stop_reason  # in the words of the organisation (demo.builders.PATH_TEXTS)
        self.organisation = organisation
        self.care_organisations = [c for c in care_organisations if c.active]
        self.work_casemanagers = work_casemanagers
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
        Client.objects.bulk_update(clients, ["status", "draagkracht_hours"], batch_size=BATCH)

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
        outcome = "" if running else Outcome.STOPGEZET if stopped else self.random.choice(OUTCOMES[kind])
        trajectory = Trajectory(
            client=client, type=kind, start_date=start, planned_end_date=planned, created_by=client.counsellor,
            end_date=None if running else end, outcome=outcome,
            stop_reason=self.stop_reason if stopped else "",
            leefloon_after="" if running else leefloon_after(kind, outcome, end, today=self.today, random=self.random),
            follows=previous if kind == TrajectoryType.NAZORG else None,
            next_evaluation_date=start + datetime.timedelta(days=365) if kind == TrajectoryType.AMA else None)
        if kind == TrajectoryType.NAZORG:
            # The job started around the nazorg's start, after the TWE it follows ended.
            trajectory.job_start = max(previous.end_date + datetime.timedelta(days=1),
                                       start - datetime.timedelta(days=self.random.randint(0, 14)))
        trajectory.status = status_for(trajectory.end_date, trajectory.outcome, start, self.today)
        self.trajectories.append(trajectory)
        self.registered.append(start - datetime.timedelta(days=self.random.randint(0, 21)))
        if kind == TrajectoryType.TWE:
            self._twe(trajectory, client, employers)
        elif kind == TrajectoryType.WERK_ZORG:
            self._werk_zorg(trajectory, client, employers)
        return trajectory

    def _twe(self, twe, client, employers):
        """The WEO after a screening of one to four weeks; the art. 60 §7 employment from it, at least
        half-time, at a partner under a placement agreement signed a few days before. One still in
        its screening has neither yet."""
        weo = twe.start_date + datetime.timedelta(days=self.random.randint(7, 28))
        if weo > self.today:
            return
        twe.weo_signed_on = weo
        if self.random.random() < 0.3:
            twe.vdab_registered_on = twe.start_date + datetime.timedelta(days=self.random.randint(0, 10))
        work = weo + datetime.timedelta(days=self.random.randint(0, 14))
        if work > min(self.today, twe.end_date or self.today):
            return
        # At least half-time: a client's draagkracht grew to 19 hours first (saved with the file's status).
        client.draagkracht_hours = max(client.draagkracht_hours or 0, TWE_MIN_HOURS)
        hours = self.random.choice([h for h in (19, 24, 30, 38) if h <= client.draagkracht_hours])
        employment = Placement(
            trajectory=twe, employer=self.random.choice(employers), function="medewerker", start_date=work,
            end_date=twe.end_date, hours_per_week=hours,
            agreement_signed_on=max(twe.start_date, work - datetime.timedelta(days=self.random.randint(1, 10))))
        # Written in bulk, past Placement.clean: the TWE's rules asked here (rules.py, no query).
        refused = check_twe_placement(TrajectoryType.TWE, hours, work, weo_signed_on=weo, at_partner=True,
                                      agreement_signed_on=employment.agreement_signed_on)
        if refused:
            raise ValidationError(refused)
        self.placements.append(employment)

    def _werk_zorg(self, werk_zorg, client, employers):
        """From 1 July 2023 VDAB decides it and a casemanager Werk and Zorg guide it; before, a care
        partner of then (when the file says one)."""
        if werk_zorg.start_date >= ACTIVERINGSTRAJECT_SINCE:
            werk_zorg.vdab_decided_on = werk_zorg.start_date - datetime.timedelta(days=self.random.randint(7, 30))
            werk_zorg.work_casemanager, werk_zorg.work_casemanager_name = self.random.choice(self.work_casemanagers)
            werk_zorg.care_organisation = self.random.choice(self.care_organisations)
        elif self.random.random() < 0.5:
            werk_zorg.care_organisation = self.random.choice(self.care_organisations)
        self.placements.append(Placement(
            trajectory=werk_zorg, employer=self.random.choice(employers), function="medewerker",
            start_date=werk_zorg.start_date, end_date=werk_zorg.end_date,
            hours_per_week=min(client.draagkracht_hours or 19, 19)))

    def _contacts(self, client):
        for _moment in range(self.random.randint(10, 30)):
            kind = self.random.choice(ContactMoment.Kind.values)
            self.moments.append(ContactMoment(
                client=client, kind=kind, author=client.counsellor,
                date=self.today - datetime.timedelta(days=self.random.randint(0, 365 * 4)),
                duration_minutes=self.random.choice([15, 30, 45, 60]), note=self.random.choice(self.notes[kind])))
