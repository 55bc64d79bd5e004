"""A realistic, reproducible demo installation: two OCMWs in one welzijnsregio, one user per
role, and clients with strengths, barriers and contact moments. Same seed, same data."""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from faker import Faker
from simple_history.utils import bulk_create_with_history
from stdnum.be import nn

from audit.models import AccessLog
from clients.models import Barrier, Client, Competence, ContactMoment, Interest
from organisations.models import Organisation, Region, Role, User

DEMO_PASSWORD = "demo-wachtwoord"
REGION = ("welzijnsregio-zuidwest", "Welzijnsregio Zuid-West-Vlaanderen")
ORGANISATIONS = [("menen", "OCMW Menen"), ("wervik", "OCMW Wervik")]
PLACES = {
    "menen": [("8930", "Menen"), ("8930", "Lauwe"), ("8930", "Rekkem"), ("8560", "Wevelgem"), ("8500", "Kortrijk")],
    "wervik": [("8940", "Wervik"), ("8940", "Geluwe"), ("8957", "Mesen"), ("8980", "Zonnebeke")],
}
COMPETENCES = ["Klantvriendelijk", "Nauwkeurig werken", "Teamwerk", "Heftruckattest", "Koken", "Schoonmaak",
               "Kassawerk", "Magazijnwerk", "Tuinonderhoud", "Administratie", "Technisch inzicht",
               "Zorg voor anderen", "Stiptheid", "Fysiek werk"]
INTERESTS = ["Horeca", "Logistiek", "Groenonderhoud", "Zorg", "Bouw", "Retail", "Schoonmaak", "Productie",
             "Kinderopvang", "Administratie", "Sport"]
GOALS = [
    "Binnen het jaar een vaste job in de logistiek, liefst in dagploeg.",
    "Eerst Nederlands verbeteren tot B1, dan werken in de zorg.",
    "Terug structuur in de week krijgen en stap voor stap meer uren werken.",
    "Een opleiding tot heftruckchauffeur volgen en daarna aan de slag.",
    "Werken in een keuken; droomt van een eigen traiteurzaak.",
    "Een job dicht bij huis zodat de kinderen naar school gebracht kunnen worden.",
]
BARRIERS = [
    (Barrier.Category.MEDICAL, "Rugklachten na een arbeidsongeval; geen zware lasten boven 10 kg."),
    (Barrier.Category.PSYCHOLOGICAL, "Angstklachten, in behandeling bij het CGG; vaste begeleider geeft rust."),
    (Barrier.Category.DEBTS, "Collectieve schuldenregeling lopend, budgetbeheer via het OCMW."),
    (Barrier.Category.LANGUAGE, "Nederlands op niveau A2; volgt les bij het CVO."),
    (Barrier.Category.MOBILITY, "Geen rijbewijs; bus naar Kortrijk neemt 50 minuten."),
    (Barrier.Category.HOUSING, "Woont tijdelijk bij familie; zoekt een sociale woning."),
    (Barrier.Category.SOCIAL, "Alleenstaande ouder van twee kinderen; opvang na school is moeilijk."),
    (Barrier.Category.JUSTICE, "Werkstraf loopt tot het voorjaar."),
]
NOTES = {
    ContactMoment.Kind.CONVERSATION: [
        "Intakegesprek: talenten en interesses overlopen. Wil graag aan de slag in een team.",
        "Opvolggesprek: gaat goed op de werkplek, mentor is tevreden over de stiptheid.",
        "Gesprek over de volgende stap: sollicitatiebrief samen opgesteld.",
        "Evaluatie: draagkracht besproken, uren kunnen stilaan omhoog.",
    ],
    ContactMoment.Kind.HOME_VISIT: [
        "Huisbezoek: woonsituatie stabiel, kinderopvang geregeld via de buurtopvang.",
        "Huisbezoek samen met maatschappelijk werker; afspraken rond budget gemaakt.",
    ],
    ContactMoment.Kind.PHONE: [
        "Telefonisch opgevolgd: sollicitatiegesprek volgende week bevestigd.",
        "Belde af wegens ziekte; nieuwe afspraak gemaakt.",
    ],
    ContactMoment.Kind.EMAIL: [
        "Vacatures doorgestuurd die aansluiten bij de interesses.",
        "Attest van de opleiding ontvangen en toegevoegd aan het dossier.",
    ],
}


@dataclass
class DemoLogin:
    email: str
    role: str
    organisation: str


def national_number(birth_date, sequence):
    """A valid rijksregisternummer for a birth date; checked by python-stdnum below."""
    base = f"{birth_date:%y%m%d}{sequence:03d}"
    prefix = "2" if birth_date.year >= 2000 else ""
    number = base + f"{97 - int(prefix + base) % 97:02d}"
    nn.validate(number)
    return number


class DemoBuilder:
    def __init__(self, *, clients, seed):
        self.client_count = clients
        self.random = random.Random(seed)
        self.faker = Faker("nl_BE")
        self.faker.seed_instance(seed)
        self.today = timezone.localdate()
        self.logins = []

    @transaction.atomic
    def build(self):
        region, _ = Region.objects.update_or_create(slug=REGION[0], defaults={"name": REGION[1]})
        organisations = [self._fresh_organisation(slug, name) for slug, name in ORGANISATIONS]
        region.members.set(organisations)
        self._user("regiocoordinator@regio.demo", Role.REGION_COORDINATOR, "Regina", "Declercq", region=region)
        menen, wervik = organisations
        self._staff(menen, full=True)
        self._staff(wervik, full=False)
        self._clients(menen, round(self.client_count * 0.8))
        self._clients(wervik, self.client_count - round(self.client_count * 0.8))
        return self.logins

    def _fresh_organisation(self, slug, name):
        """Re-seeding replaces the demo organisation's data instead of adding to it."""
        organisation, _ = Organisation.objects.update_or_create(slug=slug, defaults={"name": name})
        AccessLog.objects.filter(organisation=organisation).delete()
        Client.objects.filter(organisation=organisation).delete()
        Competence.objects.filter(organisation=organisation).delete()
        Interest.objects.filter(organisation=organisation).delete()
        User.objects.filter(organisation=organisation).delete()
        Competence.objects.bulk_create(Competence(organisation=organisation, name=n) for n in COMPETENCES)
        Interest.objects.bulk_create(Interest(organisation=organisation, name=n) for n in INTERESTS)
        return organisation

    def _staff(self, organisation, *, full):
        slug = organisation.slug
        self._user(f"trajectbegeleider@{slug}.demo", Role.COUNSELLOR, "Sofie", "Vandenbroucke", organisation)
        self._user(f"trajectbegeleider2@{slug}.demo", Role.COUNSELLOR, "Youssef", "El Amrani", organisation)
        self._user(f"diensthoofd@{slug}.demo", Role.HEAD, "Katrien", "Desmet", organisation)
        if full:
            self._user(f"schepen@{slug}.demo", Role.ALDERMAN, "Jos", "Vermeulen", organisation)
            self._user(f"beheerder@{slug}.demo", Role.ADMINISTRATOR, "Pieter", "Claeys", organisation)

    def _user(self, email, role, first_name, last_name, organisation=None, region=None):
        User.objects.filter(email=email).delete()
        user = User.objects.create_user(email, DEMO_PASSWORD, role=role, first_name=first_name,
                                        last_name=last_name, organisation=organisation, region=region)
        self.logins.append(DemoLogin(email, user.get_role_display(), str(organisation or region)))
        return user

    def _clients(self, organisation, count):
        counsellors = list(User.objects.filter(organisation=organisation, role=Role.COUNSELLOR).order_by("email"))
        competences = list(Competence.objects.filter(organisation=organisation))
        interests = list(Interest.objects.filter(organisation=organisation))
        numbers = set()
        clients = [self._client(organisation, counsellors, numbers) for _ in range(count)]
        clients = bulk_create_with_history(clients, Client)
        # Case files were opened before the contact moments below, not today.
        Client.objects.filter(organisation=organisation).update(
            created_at=timezone.now() - datetime.timedelta(days=self.random.randint(160, 400)))
        clients = list(Client.objects.filter(organisation=organisation).order_by("pk"))
        self._link(Client.competences.through, "competence", clients, competences, 1, 4)
        self._link(Client.interests.through, "interest", clients, interests, 1, 3)
        self._barriers(clients)
        self._contacts(clients)

    def _client(self, organisation, counsellors, numbers):
        gender_male = self.random.random() < 0.5
        birth = self.faker.date_between(datetime.date(1966, 1, 1), datetime.date(2005, 12, 31))
        number = national_number(birth, self.random.randrange(1, 998, 2) if gender_male
                                 else self.random.randrange(2, 997, 2))
        while number in numbers:
            number = national_number(birth, self.random.randrange(1, 997))
        numbers.add(number)
        postcode, municipality = self.random.choice(PLACES[organisation.slug])
        first_name = self.faker.first_name_male() if gender_male else self.faker.first_name_female()
        return Client(
            organisation=organisation, national_number=number, birth_date=birth,
            first_name=first_name, last_name=self.faker.last_name(),
            street_address=self.faker.street_address(), postcode=postcode, municipality=municipality,
            phone=self.faker.phone_number(), email=f"{first_name.lower()}.{self.random.randrange(100, 999)}@example.be",
            leefloon_category=self.random.choice(Client.LeefloonCategory.values),
            status=self.random.choices(Client.Status.values, weights=[2, 7, 1])[0],
            counsellor=self.random.choice(counsellors),
            goals=self.random.choice(GOALS),
            education_level=self.random.choice(Client.Education.values),
            languages=self.random.choice(["Nederlands", "Nederlands (B1), Frans", "Arabisch, Nederlands (A2)",
                                          "Nederlands, Engels", "Pools, Nederlands (A2)"]),
            driving_licence=self.random.choice(Client.DrivingLicence.values),
            mobility=self.random.choice(Client.Mobility.values),
            work_history=self.random.choice(["", "Jobstudent in de horeca.", "Drie jaar productiemedewerker.",
                                             "Interimwerk in de logistiek, onderbroken door ziekte."]),
            draagkracht_hours=self.random.choice([8, 12, 16, 19, 24, 30, 38]),
        )

    def _link(self, through, field, clients, terms, low, high):
        through.objects.bulk_create(
            through(client=client, **{field: term})
            for client in clients
            for term in self.random.sample(terms, self.random.randint(low, high))
        )

    def _barriers(self, clients):
        barriers = [
            Barrier(client=client, category=category, description=description)
            for client in clients
            for category, description in self.random.sample(BARRIERS, self.random.randint(0, 3))
        ]
        bulk_create_with_history(barriers, Barrier)

    def _contacts(self, clients):
        moments = []
        for client in clients:
            for _ in range(self.random.randint(1, 7)):
                kind = self.random.choice(ContactMoment.Kind.values)
                moments.append(ContactMoment(
                    client=client, kind=kind, author=client.counsellor,
                    date=self.today - datetime.timedelta(days=self.random.randint(0, 150)),
                    duration_minutes=self.random.choice([10, 15, 30, 45, 60, 90]),
                    note=self.random.choice(NOTES[kind]),
                ))
        bulk_create_with_history(moments, ContactMoment)
