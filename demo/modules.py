"""The demo's group modules and participation ladder (issue 19): per OCMW five modules (a voortraject
group, a Dutch conversation table, "Sportief naar werk" (seed 003), a job-search club and a workshop
by a partner organisation), each with an edition of last year, one earlier this year and one running
now, weekly sessions in the past and the coming weeks (a few cancelled), enrolments (the running
sport edition full, with a waiting list), attendance on the past sessions (mostly present, some
late, excused or ill; one participant absent without notice twice in a row), and ladder
measurements at intake and about every six months: most move up a rung or stay, one goes down.

Modules, editions, sessions and enrolments go through groupmodules.services, one by one (the
waiting list is the service's); attendance and measurements are validated by their models and
written in bulk. Drawn from the demo builder's random generator: same seed, same data."""

import datetime

from groupmodules import services as module_services
from groupmodules.models import Attendance, Edition, Module, Session
from groupmodules.rules import EnrolmentStatus, ModuleKind, Presence
from ladder.models import LadderMeasurement
from ladder.services import measurements_bulk_add
from trajectories.models import Trajectory
from trajectories.rules import TrajectoryType

# (title, kind, partner, place, capacity, participants per edition, goals); "{town}" is the OCMW's town,
# "{caw}" its own CAW (WORKSHOP_BY), so Wervik's modules do not show Menen's places or partners.
MODULES = [
    ("Klaar voor de job", ModuleKind.VOORTRAJECT, "", "Sociaal Huis {town}, zaal 1", 12, 8,
     "Sollicitatiebrief en cv, een jobgesprek oefenen, afspraken en stiptheid op het werk."),
    ("Praattafel Nederlands", ModuleKind.LANGUAGE, "", "Bibliotheek {town}", None, 7,
     "Nederlands oefenen in alledaagse situaties: bij de dokter, op het werk, op school."),
    ("Sportief naar werk", ModuleKind.SPORT, "Sportdienst {town}", "Sporthal {town}", 8, 7,
     "Wekelijks samen sporten: conditie, een vast ritme en samenwerken in een groep."),
    ("Jobclub", ModuleKind.JOB_CLUB, "", "Sociaal Huis {town}, computerlokaal", 10, 6,
     "Samen vacatures zoeken en solliciteren, met een begeleider in de buurt."),
    ("Workshop budget en digitaal", ModuleKind.WORKSHOP, "{caw}", "{caw_place}", 12, 6,
     "Je budget beheren, je bankapp en itsme gebruiken, je post op orde houden."),
]
# The same modules in Wervik, described in its own words (title: goals).
GOALS_IN = {"demo-wervik": {
    "Klaar voor de job": "Je sterktes leren benoemen, een sollicitatiegesprek oefenen, afspraken op de werkvloer.",
    "Praattafel Nederlands": "Elke week samen Nederlands praten over werk, winkelen en de school van de kinderen.",
    "Sportief naar werk": "Samen bewegen met de sportdienst: uithouding, op tijd komen en in een ploeg werken.",
    "Jobclub": "Vacatures in de streek bekijken, je cv bijwerken en samen solliciteren.",
    "Workshop budget en digitaal": "Je rekeningen overzien, digitaal betalen en je papieren thuis ordenen.",
}}
# Each OCMW's CAW, which gives the workshop: (name, place).
WORKSHOP_BY = {"demo-menen": ("CAW Zuid-West-Vlaanderen", "CAW, Kortrijk"),
               "demo-wervik": ("CAW Centraal-West-Vlaanderen", "CAW, Ieper")}
# Editions: (name, days from today to the start, number of weekly sessions).
EDITIONS = [("vorig jaar", -460, 10), ("voorjaar", -300, 10), ("nu", -42, 12)]
# Drawn for each mark: mostly present, some late, excused or ill; unexcused now and then.
PRESENCES = [Presence.PRESENT] * 78 + [Presence.LATE] * 8 + [Presence.EXCUSED] * 6 + [Presence.ILL] * 5 + [
    Presence.UNEXCUSED] * 3
ACTIVATED = (TrajectoryType.WERK_ZORG, TrajectoryType.VOORTRAJECT, TrajectoryType.AMA)
MEASURE_EVERY_DAYS = 182


class ModuleBuilder:
    def __init__(self, *, random, today):
        self.random, self.today = random, today

    def build(self, organisation, clients, *, trainers, head):
        """`clients`: the organisation's story clients (open, not anonymised), in a fixed order."""
        intakes = {}  # client: the start of their first werk-zorg, voortraject or AMA
        for client, start in (Trajectory.objects.filter(client__in=clients, type__in=ACTIVATED)
                              .order_by("start_date").values_list("client", "start_date")):
            intakes.setdefault(client, start)
        enrolled = set()
        caw, caw_place = WORKSHOP_BY[organisation.slug]
        local = {"town": organisation.name.removeprefix("OCMW ").removesuffix(" (demo)"), "caw": caw,
                 "caw_place": caw_place}
        for index, (title, kind, partner, place, capacity, size, goals) in enumerate(MODULES):
            partner, place = partner.format(**local), place.format(**local)
            goals = GOALS_IN.get(organisation.slug, {}).get(title, goals)
            module = module_services.module_save(Module(
                organisation=organisation, title=title, kind=kind, goals=goals, place=place, capacity=capacity,
                partner=partner, trainer="" if not partner else f"Medewerker {partner}"))
            trainer = trainers[index % len(trainers)]
            for name, start_in, weeks in EDITIONS:
                start = self.today + datetime.timedelta(days=start_in + index)
                edition = module_services.edition_save(Edition(
                    module=module, name=f"{name} {start.year}", start_date=start,
                    end_date=start + datetime.timedelta(weeks=weeks - 1), trainer=trainer))
                sessions = self._sessions(edition, weeks, cancel=(index + len(name)) % 3 == 0)
                # The running sport edition is full: the last two wait for a place.
                wanted = size if not (kind == ModuleKind.SPORT and name == "nu") else capacity + 2
                participants = self.random.sample(clients, min(wanted, len(clients)))
                enrolled.update(client.pk for client in participants)
                enrolments = [module_services.enrol(client=client, edition=edition, by=head,
                                                    on=start - datetime.timedelta(days=self.random.randint(3, 20)))
                              for client in participants]
                self._attendance(sessions, enrolments, trainer, twice_unexcused=index == 0 and name == "nu")
        measured = [client for client in clients if client.pk in enrolled or client.pk in intakes]
        self._ladder(measured, intakes, head)

    def _sessions(self, edition, weeks, *, cancel):
        """Weekly from the start; when `cancel`, one past and one coming session are cancelled."""
        sessions = []
        for week in range(weeks):
            day = edition.start_date + datetime.timedelta(weeks=week)
            sessions.append(module_services.session_save(Session(
                edition=edition, date=day, start_time=datetime.time(9, 30), end_time=datetime.time(12, 0),
                topic=f"Sessie {week + 1}")))
        past = [session for session in sessions if session.date <= self.today]
        coming = [session for session in sessions if session.date > self.today]
        if cancel:
            for session in (past[len(past) // 2] if past else None, coming[-1] if coming else None):
                if session is not None:
                    session.cancelled = True
                    module_services.session_save(session)
        return [session for session in past if not session.cancelled]

    def _attendance(self, sessions, enrolments, trainer, *, twice_unexcused):
        marks = []
        present = [enrolment for enrolment in enrolments if enrolment.status == EnrolmentStatus.ENROLLED]
        for position, enrolment in enumerate(present):
            previous = None
            for number, session in enumerate(sessions):
                if session.date < enrolment.enrolled_on:
                    continue
                presence = self.random.choice(PRESENCES)
                if presence == Presence.UNEXCUSED and previous == Presence.UNEXCUSED:
                    presence = Presence.PRESENT  # two in a row only where the demo wants it
                if twice_unexcused and position == 0 and number >= len(sessions) - 2:
                    presence = Presence.UNEXCUSED  # the last two: a reminder for the counsellor
                marks.append(Attendance(session=session, enrolment=enrolment, presence=presence, by=trainer))
                previous = presence
        for attendance in marks:
            attendance.full_clean(validate_unique=False, validate_constraints=False)
        Attendance.objects.bulk_create(marks)

    def _ladder(self, clients, intakes, head):
        """An intake measurement and one about every six months until today; a trend per person: up a
        rung now and then, or steady; the first person goes down once."""
        measurements = []
        for position, client in enumerate(clients):
            earliest = self.today - datetime.timedelta(days=self.random.randint(200, 900))
            day = max(intakes.get(client.pk, earliest), earliest)
            rung = self.random.choice((1, 2, 2, 3, 3, 4))
            trend = "down" if position == 0 else self.random.choice(("up", "up", "up", "steady", "steady"))
            if trend == "down":  # measured twice at least, from a rung that has one below it
                day, rung = min(day, self.today - datetime.timedelta(days=200)), max(rung, 3)
            step = 0
            while day <= self.today:
                measurements.append(LadderMeasurement(client=client, date=day, rung=rung,
                                                      by=client.counsellor or head))
                if trend == "up" and self.random.random() < 0.6:
                    rung = min(6, rung + 1)
                elif trend == "down" and step == 0:
                    rung = max(1, rung - 1)
                step += 1
                day += datetime.timedelta(days=MEASURE_EVERY_DAYS + self.random.randint(-10, 10))
        measurements_bulk_add(measurements)
