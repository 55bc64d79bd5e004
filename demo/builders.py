"""A realistic, reproducible demo installation: two OCMWs in one welzijnsregio, one user per
role, and clients with strengths, barriers and contact moments. Same seed, same data."""

import datetime
import random
import unicodedata
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from faker import Faker
from simple_history.utils import bulk_create_with_history
from stdnum.be import nn

from audit.models import AccessLog
from clients.models import Assignment, Barrier, Client, Competence, ContactMoment, Interest, VdabConsent
from clients.services import clients_hand_over
from documents.models import Document
from documents.services import document_add, documents_forget
from employers.models import Agreement, ContactPerson, Employer, Workplace
from groupmodules.models import Module
from organisations import accounts
from organisations.models import AccountChangeRequest, AccountEvent, Organisation, Region, Role, User
from reminders import tasks as reminder_tasks
from trajectories import services as trajectory_services
from trajectories.models import CareOrganisation
from trajectories.rules import (
    ACTIVERINGSTRAJECT_SINCE,
    NAZORG_CHECK_IN_MONTHS,
    TWE_MIN_HOURS,
    Outcome,
    TrajectoryType,
    WorkCasemanager,
    nazorg_default_end,
    twe_last_day,
    werk_zorg_last_day,
)

from .legal import LegalBuilder
from .modules import ModuleBuilder
from .volume import VolumeBuilder, leefloon_after

DEMO_PASSWORD = "demo-wachtwoord"
# Each demo OCMW has its own people and its own words: Wervik showing Menen's names or notes would look
# like one OCMW's data leaking into the other's. Per OCMW: (role, first name, last name, what the login
# shows); the first counsellor is the one the demo opens on, the second is away and hands files over.
STAFF = {
    "menen": [
        ("trajectbegeleider", Role.COUNSELLOR, "Sofie", "Vandenbroucke",
         "komt op Vandaag: haar herinneringen en drie dossiers van Youssef (met verlof)"),
        ("trajectbegeleider2", Role.COUNSELLOR, "Youssef", "El Amrani",
         "een collega: leest de cliënten van Sofie, wijzigt ze niet"),
        ("diensthoofd", Role.HEAD, "Katrien", "Desmet",
         "alle cliënten van Menen, de dag van het team, de cijfers achter het dashboard"),
        ("schepen", Role.ALDERMAN, "Jos", "Vermeulen", "dashboard en jaarverslagen, alleen cijfers"),
        ("beheerder", Role.ADMINISTRATOR, "Pieter", "Claeys",
         "gebruikers en keuzelijsten; een nieuwe collega wacht op goedkeuring"),
    ],
    "wervik": [
        ("trajectbegeleider", Role.COUNSELLOR, "Hanne", "Lefebvre",
         "OCMW Wervik, ziet niets van Menen; drie dossiers van Bram (in opleiding)"),
        ("trajectbegeleider2", Role.COUNSELLOR, "Bram", "Debaene",
         "een collega in Wervik: leest de cliënten van Hanne"),
        ("diensthoofd", Role.HEAD, "Griet", "Vandewalle", "alle cliënten van Wervik, de dag van het team"),
    ],
}
REGION_COORDINATOR = ("regiocoordinator@regio.demo", "Regina", "Declercq",
                      "de cijfers van Menen en Wervik naast elkaar")
MORE_COUNSELLORS_SHOW = "meer trajectbegeleiders (grote demo)"
# The note with which the diensthoofd hands the away colleague's files to the first counsellor.
HANDOVER_NOTES = {
    "menen": ("Youssef is met ouderschapsverlof tot eind volgende maand. De afspraken staan in de "
              "contactmomenten; het GPMI loopt."),
    "wervik": ("Bram volgt tot de krokusvakantie de opleiding jobcoaching en is er enkel op vrijdag. Het laatste "
               "huisbezoek staat bij de contactmomenten; de werkgever wacht op een telefoontje over de evaluatie."),
}
STORY_CLIENTS = 80  # per OCMW, built through the services; the rest of a large demo in bulk
CASELOAD = 80  # clients per counsellor in a large demo
REGION = ("demo-zuidwest", "Welzijnsregio Zuid-West-Vlaanderen (demo)")
ORGANISATIONS = [("demo-menen", "OCMW Menen (demo)"), ("demo-wervik", "OCMW Wervik (demo)")]
PLACES = {
    "menen": [("8930", "Menen"), ("8930", "Lauwe"), ("8930", "Rekkem"), ("8560", "Wevelgem"), ("8500", "Kortrijk")],
    "wervik": [("8940", "Wervik"), ("8940", "Geluwe"), ("8957", "Mesen"), ("8980", "Zonnebeke")],
}
COMPETENCES = ["Klantvriendelijk", "Nauwkeurig werken", "Teamwerk", "Heftruckattest", "Koken", "Schoonmaak",
               "Kassawerk", "Magazijnwerk", "Tuinonderhoud", "Administratie", "Technisch inzicht",
               "Zorg voor anderen", "Stiptheid", "Fysiek werk"]
INTERESTS = ["Horeca", "Logistiek", "Groenonderhoud", "Zorg", "Bouw", "Retail", "Schoonmaak", "Productie",
             "Kinderopvang", "Administratie", "Sport"]
# The case files' free texts, each OCMW in its own words (Wervik's are not Menen's); as many of each in
# both, in the same order, so both draw alike.
GOALS = {
    "menen": [
        "Binnen het jaar een vaste job in de logistiek, liefst in dagploeg.",
        "Eerst Nederlands verbeteren tot B1, dan werken in de zorg.",
        "Terug structuur in de week krijgen en stap voor stap meer uren werken.",
        "Een opleiding tot heftruckchauffeur volgen en daarna aan de slag.",
        "Werken in een keuken; droomt van een eigen traiteurzaak.",
        "Een job dicht bij huis zodat de kinderen naar school gebracht kunnen worden.",
    ],
    "wervik": [
        "Binnen zes maanden werk vinden in de voeding, liefst in de streek.",
        "Nederlands tot B1 brengen en dan de opleiding zorgkundige starten.",
        "Een vast dagritme opbouwen en de uren rustig laten groeien.",
        "Het rijbewijs B halen en daarna werken in de bouw of het groen.",
        "Werken in een grootkeuken; wil later een eigen frituur.",
        "Een deeltijdse job die past bij de schooluren van de kinderen.",
    ],
}
BARRIERS = {
    "menen": [
        (Barrier.Category.MEDICAL, "Rugklachten na een arbeidsongeval; geen zware lasten boven 10 kg."),
        (Barrier.Category.PSYCHOLOGICAL, "Angstklachten, in behandeling bij het CGG; vaste begeleider geeft rust."),
        (Barrier.Category.DEBTS, "Collectieve schuldenregeling lopend, budgetbeheer via het OCMW."),
        (Barrier.Category.LANGUAGE, "Nederlands op niveau A2; volgt les bij het CVO."),
        (Barrier.Category.MOBILITY, "Geen rijbewijs; bus naar Kortrijk neemt 50 minuten."),
        (Barrier.Category.HOUSING, "Woont tijdelijk bij familie; zoekt een sociale woning."),
        (Barrier.Category.SOCIAL, "Alleenstaande ouder van twee kinderen; opvang na school is moeilijk."),
        (Barrier.Category.JUSTICE, "Werkstraf loopt tot het voorjaar."),
    ],
    "wervik": [
        (Barrier.Category.MEDICAL, "Knieoperatie vorig jaar; lang rechtstaan lukt nog niet."),
        (Barrier.Category.PSYCHOLOGICAL, "Somberheid, opgevolgd door de huisarts; heeft tijd nodig bij veranderingen."),
        (Barrier.Category.DEBTS, "Achterstallige huur en energiefacturen; afbetalingsplan via de schuldbemiddelaar."),
        (Barrier.Category.LANGUAGE, "Spreekt Nederlands op niveau A1; volgt les bij Ligo."),
        (Barrier.Category.MOBILITY, "Geen rijbewijs; de bus naar Ieper rijdt maar om het uur."),
        (Barrier.Category.HOUSING, "Huurcontract loopt af; zoekt een betaalbare woning in de streek."),
        (Barrier.Category.SOCIAL, "Mantelzorger voor een zieke moeder; beschikbaar tijdens de schooluren."),
        (Barrier.Category.JUSTICE, "Probatievoorwaarden lopen nog een jaar; vaste afspraken bij het justitiehuis."),
    ],
}
WORK_HISTORY = {
    "menen": ["", "Jobstudent in de horeca.", "Drie jaar productiemedewerker.",
              "Interimwerk in de logistiek, onderbroken door ziekte."],
    "wervik": ["", "Seizoenswerk in de tuinbouw.", "Twee jaar poetshulp met dienstencheques.",
               "Vrachtwagenchauffeur, gestopt na een rugletsel."],
}
# Contact-moment notes, each OCMW in its own words; as many per kind in each, so both draw alike.
NOTES = {
    "menen": {
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
    },
    "wervik": {
        ContactMoment.Kind.CONVERSATION: [
            "Eerste gesprek in het Sociaal Huis: werkervaring en wensen overlopen; werkt het liefst met de handen.",
            "Opvolging op de werkpost: de begeleider ter plaatse vraagt meer initiatief bij nieuwe taken.",
            "Cv herwerkt en samen twee vacatures in de streek van Ieper uitgekozen.",
            "Tussentijdse evaluatie: vermoeidheid besproken, de uren blijven voorlopig gelijk.",
        ],
        ContactMoment.Kind.HOME_VISIT: [
            "Huisbezoek: de woning is in orde; de schoolkeuze van de oudste besproken.",
            "Huisbezoek met de budgetbegeleider: afbetalingsplan voor de energiefactuur opgemaakt.",
        ],
        ContactMoment.Kind.PHONE: [
            "Telefonisch contact: start maandag met een proefdag, gaat met de fiets.",
            "Verzette de afspraak wegens een doktersbezoek met het kind.",
        ],
        ContactMoment.Kind.EMAIL: [
            "Folder van de jobbeurs in Ieper en de dienstregeling van de bus doorgemaild.",
            "Loonbrieven van de vorige werkgever ontvangen en bij het dossier gevoegd.",
        ],
    },
}


# Each OCMW's own employers: the same kinds, sectors and functions, so both draw alike.
EMPLOYERS = {
    # (name, kind, sector, functions)
    "menen": [
        ("Vanhoutte Logistiek NV", Employer.Kind.PARTNER, "logistiek", ["magazijnmedewerker", "orderpicker"]),
        ("Bakkerij Dewulf", Employer.Kind.PARTNER, "voeding", ["hulpbakker", "verkoopster"]),
        ("Groendienst Leiedal vzw", Employer.Kind.PARTNER, "groenonderhoud", ["tuinmedewerker"]),
        ("Woonzorgcentrum Ter Linde", Employer.Kind.PARTNER, "zorg", ["logistiek assistent", "keukenhulp"]),
        ("Schoonmaakbedrijf Net & Proper", Employer.Kind.PARTNER, "schoonmaak", ["schoonmaker"]),
        ("Supermarkt De Leie", Employer.Kind.PARTNER, "retail", ["rekkenvuller", "kassamedewerker"]),
        ("Technische dienst van het OCMW", Employer.Kind.OWN_SERVICE, "openbare diensten", ["klusjesman"]),
        ("Sociaal restaurant De Brug", Employer.Kind.OWN_SERVICE, "horeca", ["keukenmedewerker", "zaalmedewerker"]),
    ],
    "wervik": [
        ("Transport Vandecasteele NV", Employer.Kind.PARTNER, "logistiek", ["magazijnmedewerker", "orderpicker"]),
        ("Warme bakker Verhaeghe", Employer.Kind.PARTNER, "voeding", ["hulpbakker", "verkoopster"]),
        ("Natuurwerk Heuvelland vzw", Employer.Kind.PARTNER, "groenonderhoud", ["tuinmedewerker"]),
        ("Woonzorgcentrum Sint-Jozef", Employer.Kind.PARTNER, "zorg", ["logistiek assistent", "keukenhulp"]),
        ("Poetsbedrijf Blinck", Employer.Kind.PARTNER, "schoonmaak", ["schoonmaker"]),
        ("Buurtsuper De Kouter", Employer.Kind.PARTNER, "retail", ["rekkenvuller", "kassamedewerker"]),
        ("Klusjesdienst van het Sociaal Huis", Employer.Kind.OWN_SERVICE, "openbare diensten", ["klusjesman"]),
        ("Sociaal restaurant 't Hofke", Employer.Kind.OWN_SERVICE, "horeca", ["keukenmedewerker", "zaalmedewerker"]),
    ],
}
SECTOR_INTERESTS = {"logistiek": "Logistiek", "voeding": "Horeca", "groenonderhoud": "Groenonderhoud",
                    "zorg": "Zorg", "schoonmaak": "Schoonmaak", "retail": "Retail", "openbare diensten": "Bouw",
                    "horeca": "Horeca"}
FUNCTION_COMPETENCES = {  # function: (required, useful)
    "magazijnmedewerker": (["Magazijnwerk"], ["Heftruckattest", "Stiptheid"]),
    "orderpicker": (["Nauwkeurig werken"], ["Magazijnwerk"]),
    "hulpbakker": (["Stiptheid"], ["Koken"]),
    "verkoopster": (["Klantvriendelijk"], ["Kassawerk"]),
    "tuinmedewerker": (["Tuinonderhoud"], ["Fysiek werk", "Teamwerk"]),
    "logistiek assistent": (["Zorg voor anderen"], ["Teamwerk"]),
    "keukenhulp": (["Koken"], ["Teamwerk"]),
    "schoonmaker": (["Schoonmaak"], ["Nauwkeurig werken"]),
    "rekkenvuller": (["Fysiek werk"], ["Stiptheid"]),
    "kassamedewerker": (["Kassawerk", "Klantvriendelijk"], []),
    "klusjesman": (["Technisch inzicht"], ["Fysiek werk"]),
    "keukenmedewerker": (["Koken"], ["Stiptheid"]),
    "zaalmedewerker": (["Klantvriendelijk"], ["Teamwerk"]),
}
GOALS_BY_TYPE = {
    "menen": {
        TrajectoryType.VOORTRAJECT: ["Elke week op tijd aanwezig in de groepsmodule", "Nederlands oefenen tot A2"],
        TrajectoryType.TWE: ["Zelfstandig een werkpost afwerken",
                             "Stiptheid: niet meer dan twee keer te laat per maand"],
        TrajectoryType.NAZORG: ["Een vast contract vinden", "Het werk combineren met de kinderopvang"],
        TrajectoryType.WERK_ZORG: ["Ritme opbouwen tot drie halve dagen", "Afspraken met de psycholoog volhouden"],
        TrajectoryType.OPLEIDING: ["Het attest behalen", "Stageplaats vinden"],
        TrajectoryType.AMA: ["Met plezier deelnemen aan de werkpost", "Eén nieuwe taak leren"],
    },
    "wervik": {
        TrajectoryType.VOORTRAJECT: ["Elke afspraak nakomen of tijdig verwittigen", "Dagelijks Nederlands oefenen"],
        TrajectoryType.TWE: ["De veiligheidsregels op de werkvloer toepassen",
                             "Na drie maanden zelf de werkdag plannen"],
        TrajectoryType.NAZORG: ["De proefperiode goed doorkomen", "Het vervoer naar het werk blijvend regelen"],
        TrajectoryType.WERK_ZORG: ["Twee ochtenden per week op de werkpost", "Spanning tijdig melden"],
        TrajectoryType.OPLEIDING: ["Alle lesdagen aanwezig zijn", "Het examen in één keer halen"],
        TrajectoryType.AMA: ["Een vaste taak op de werkpost opnemen", "Contact leggen met de collega's"],
    },
}
# Each OCMW's care organisations, the casemanagers Zorg of its activeringstrajecten (name, kind,
# still offered): the mandated partnership of its region. An inactive one is kept by older trajectories.
CARE_ORGANISATIONS = {
    "menen": [("CAW Zuid-West-Vlaanderen", CareOrganisation.Kind.CAW, True),
              ("CGG Mandel en Leie", CareOrganisation.Kind.CGG, True),
              ("PZ Heilig Hart Ieper", CareOrganisation.Kind.PSYCHIATRIC, True),
              ("Sociale dienst CM", CareOrganisation.Kind.MUTUAL, True),
              ("Sociale dienst Solidaris", CareOrganisation.Kind.MUTUAL, True),
              ("Dagcentrum De Overstap", CareOrganisation.Kind.OTHER, False)],
    "wervik": [("CAW Centraal-West-Vlaanderen", CareOrganisation.Kind.CAW, True),
               ("CGG Largo", CareOrganisation.Kind.CGG, True),
               ("PZ Heilig Hart Ieper", CareOrganisation.Kind.PSYCHIATRIC, True),
               ("Sociale dienst Helan", CareOrganisation.Kind.MUTUAL, True),
               ("CAD Ieper (alcohol en drugs)", CareOrganisation.Kind.OTHER, True)],
}
CARE_MOMENTS = {
    "menen": {
        CareOrganisation.Kind.CAW: "Wekelijks gesprek met de begeleider van het CAW.",
        CareOrganisation.Kind.CGG: "Dinsdagvoormiddag gesprek met de psycholoog van het CGG.",
        CareOrganisation.Kind.PSYCHIATRIC: "Ambulante opvolging door het PZ, om de twee weken op donderdag.",
        CareOrganisation.Kind.MUTUAL: "Maandelijks gesprek met de maatschappelijk werker van het ziekenfonds.",
        CareOrganisation.Kind.OTHER: "Vrijdagnamiddag groepsgesprek in het dagcentrum.",
    },
    "wervik": {
        CareOrganisation.Kind.CAW: "Om de twee weken een gesprek bij het CAW in Ieper.",
        CareOrganisation.Kind.CGG: "Donderdagnamiddag therapie bij het CGG.",
        CareOrganisation.Kind.PSYCHIATRIC: "De mobiele equipe van het PZ komt maandelijks aan huis.",
        CareOrganisation.Kind.MUTUAL: "Om de zes weken een gesprek met de sociale dienst van het ziekenfonds.",
        CareOrganisation.Kind.OTHER: "Woensdagochtend een afspraak bij het CAD.",
    },
}
# What the paths below write on a trajectory, each OCMW in its own words.
PATH_TEXTS = {
    "menen": {
        "screening": "Screening: sterktes, interesses en draagkracht in kaart brengen; een passende werkplek wordt "
                     "gezocht.",
        "weo": "WEO getekend; een werkplek bij een partner wordt voorbereid.",
        "after": "Nabegeleiding na de tewerkstelling art. 60 §7: solliciteren met de jobcoach; de aanvraag voor "
                 "een werkloosheidsuitkering loopt.",
        "paused": "Ziekte; hervatting voorzien na controle.",
        "stopped": "Haakte af na de WEO: kwam niet meer naar de afspraken.",
        "unemployed": "Tewerkstelling art. 60 §7 volbracht: recht op werkloosheidsuitkering geopend.",
        "nazorg_after_werk_zorg": "Aan de slag na het werk-zorgtraject; de casemanager Zorg blijft betrokken.",
        "nazorg_alone": "Verhuisd uit OCMW Kortrijk, waar de TWE afliep met een job; de nazorg loopt hier verder.",
        "training_before_nazorg": "Opleiding magazijnier bij VDAB.",
        "extended": "Opname van zes weken in het psychiatrisch ziekenhuis onderbrak de opbouw van de uren; "
                    "verlenging aangevraagd en door VDAB aanvaard.",
        "werk_zorg_stopped": "Opname in het ziekenhuis; zorg gaat voor.",
        "ama_evaluation": "Jaarlijkse evaluatie: deelname stabiel, volgende stap nog te vroeg.",
        "training_closed": "Opleiding orderpicker bij VDAB.",
        "training": "Opleiding heftruckchauffeur bij VDAB.",
        "volume_stopped": "Haakte af: kwam niet meer naar de afspraken.",
    },
    "wervik": {
        "screening": "Eerste weken: kennismaken, werkattitude en draagkracht bekijken; nog geen werkplek gekozen.",
        "weo": "WEO ondertekend; gesprekken met een partnerwerkgever lopen.",
        "after": "Na de tewerkstelling art. 60 §7: samen vacatures opvolgen; het dossier voor de "
                 "werkloosheidsuitkering is ingediend.",
        "paused": "Arbeidsongeschikt na een val; herneemt na akkoord van de controlearts.",
        "stopped": "Stopte na de WEO: onbereikbaar, ook na twee brieven.",
        "unemployed": "Art. 60 §7 afgerond: de werkloosheidsuitkering is toegekend.",
        "nazorg_after_werk_zorg": "Werkt na het werk-zorgtraject; de zorgpartner volgt nog maandelijks op.",
        "nazorg_alone": "Kwam uit OCMW Ieper met een job na de TWE; de nazorg wordt hier afgewerkt.",
        "training_before_nazorg": "Opleiding logistiek medewerker bij VDAB Ieper.",
        "extended": "Hospitalisatie van twee maanden zette de urenopbouw stil; VDAB keurde de verlenging goed.",
        "werk_zorg_stopped": "Langdurige ziekte; de behandeling heeft voorrang.",
        "ama_evaluation": "Evaluatie na een jaar: komt graag, een volgende stap is nog niet haalbaar.",
        "training_closed": "Opleiding winkelbediende bij VDAB Ieper.",
        "training": "Opleiding lasser bij VDAB Ieper.",
        "volume_stopped": "Gestopt: niet meer opgedaagd en niet bereikbaar.",
    },
}
WORK_CASEMANAGERS = {
    "menen": [(WorkCasemanager.VDAB, "Els Vandamme (VDAB Kortrijk)"),
              (WorkCasemanager.GTB, "Bart Lefever (GTB Kortrijk)")],
    "wervik": [(WorkCasemanager.VDAB, "Ann Deprez (VDAB Ieper)"), (WorkCasemanager.GTB, "Tom Vanneste (GTB Ieper)")],
}
TWE_TRAININGS = ["Heftruckchauffeur (VDAB)", "Basisveiligheid VCA (VDAB)", "Hygiëne in de grootkeuken (Syntra)"]
ONE_DAY = datetime.timedelta(days=1)
NAZORG_OUTCOMES = [Outcome.WERK] * 46 + [Outcome.OPLEIDING] * 16 + [Outcome.MAATWERK] * 7 + \
    [Outcome.ZELFSTANDIGE] * 2 + [Outcome.WERKLOOS] * 12


def demo_pdf(text):
    """A one-page PDF with one line of text, written by hand: a demo document costs no renderer."""
    text = text.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 14 Tf 72 760 Td (" + text + b") Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    body, offsets = b"%PDF-1.4\n", []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return body + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def saved(instance):
    """Written through the model's own rules (full_clean), as a form would."""
    instance.full_clean()
    instance.save()
    return instance


# Letters NFKD does not take apart into a base letter and a mark.
UNDECOMPOSABLE = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae",
                                "Æ": "AE", "œ": "oe", "Œ": "OE", "ı": "i", "þ": "th", "Þ": "TH", "ð": "d", "Ð": "D"})


def mailbox(name, fallback="client"):
    """`name` as the part of a demo e-mail address before the @, in plain ASCII, as an e-mail form
    accepts it: "Chloé" is "chloe", "Zoë-Océane" is "zoe-oceane" (NFKD, combining marks dropped);
    letters, digits and inner hyphens only, so it also serves as a domain label. Never empty."""
    letters = unicodedata.normalize("NFKD", name.translate(UNDECOMPOSABLE))
    plain = "".join(letter for letter in letters if not unicodedata.combining(letter))
    return slugify(plain.encode("ascii", "ignore").decode("ascii")).replace("_", "-").strip("-") or fallback


def kbo_number(base):
    """A valid KBO enterprise number (0 + 7 digits + check digits); checked by python-stdnum."""
    first = f"0{base:07d}"
    return first + f"{97 - int(first) % 97:02d}"


class DemoRefused(Exception):
    """The demo would overwrite something that is not demo data."""


@dataclass
class DemoLogin:
    email: str
    role: str
    organisation: str
    shows: str = ""  # what to look at with this login, in a few Dutch words


class DemoBuilder:
    def __init__(self, *, clients, seed):
        self.client_count = clients
        self.random = random.Random(seed)
        self.faker = Faker("nl_BE")
        self.faker.seed_instance(seed)
        self.today = timezone.localdate()
        self.logins = []
        self.paths_seen = {}
        self.care_organisations = {}  # organisation id: [CareOrganisation]
        self.trainings = 0  # TWEs with a short training
        self.agreement_missing = False  # one placement at a partner without its agreement recorded

    @transaction.atomic
    def build(self):
        region = Region.objects.update_or_create(slug=REGION[0], defaults={"name": REGION[1]})[0]
        organisations = [self._fresh_organisation(slug, name) for slug, name in ORGANISATIONS]
        region.members.set(organisations)
        email, first_name, last_name, shows = REGION_COORDINATOR
        self._user(email, Role.REGION_COORDINATOR, first_name, last_name, region=region, shows=shows)
        menen, wervik = organisations
        counts = {menen: round(self.client_count * 0.8), wervik: self.client_count - round(self.client_count * 0.8)}
        for organisation in organisations:
            self._staff(organisation)
        for organisation, count in counts.items():
            self._more_counsellors(organisation, count)
            self._clients(organisation, count)
        # After every client is made: the draws for modules leave the rest of the demo as it was.
        for organisation in organisations:
            self._group_modules(organisation)
        self._colleague_waiting(menen)
        # The daily task, run in-process without Redis (a worker with it): the follow-up list is
        # not empty on the first login.
        transaction.on_commit(lambda: reminder_tasks.evaluate_reminders.delay(self.today.isoformat()))
        return self.logins

    def _fresh_organisation(self, slug, name):
        """Re-seeding replaces a demo organisation's data instead of adding to it; a real
        organisation is never touched."""
        organisation = Organisation.objects.get_or_create(slug=slug, defaults={"name": name, "is_demo": True})[0]
        if not organisation.is_demo:
            raise DemoRefused(_("Organisation %(slug)s exists and is not a demo: nothing was changed.") % {
                "slug": slug})
        AccessLog.objects.purge_demo(organisation)
        AccountEvent.objects.of_organisation(organisation).delete()
        AccountChangeRequest.objects.of_organisation(organisation).delete()
        documents_forget(Document.objects.filter(client__organisation=organisation))
        # Without a 'deleted' history row for each of the old demo's rows: 370,000 of them made
        # re-seeding a 10,000-client demo take five minutes instead of one and a half.
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            Client.objects.filter(organisation=organisation).delete()
            Employer.objects.filter(organisation=organisation).delete()
            CareOrganisation.objects.filter(organisation=organisation).delete()
            Module.objects.filter(organisation=organisation).delete()
            Competence.objects.filter(organisation=organisation).delete()
            Interest.objects.filter(organisation=organisation).delete()
            User.objects.filter(organisation=organisation).delete()
        Competence.objects.bulk_create(Competence(organisation=organisation, name=n) for n in COMPETENCES)
        Interest.objects.bulk_create(Interest(organisation=organisation, name=n) for n in INTERESTS)
        self.care_organisations[organisation.pk] = [
            self._care_organisation(organisation, name, kind, active)
            for name, kind, active in CARE_ORGANISATIONS[slug.removeprefix("demo-")]]
        return organisation

    def _care_organisation(self, organisation, name, kind, active):
        return saved(CareOrganisation(organisation=organisation, name=name, kind=kind, active=active))

    def _staff(self, organisation):
        """The OCMW's own people (STAFF): Menen has one of each role, Wervik a smaller team."""
        slug = organisation.slug.removeprefix("demo-")
        for mailbox_name, role, first_name, last_name, shows in STAFF[slug]:
            self._user(f"{mailbox_name}@{slug}.demo", role, first_name, last_name, organisation, shows=shows)

    def _colleague_waiting(self, organisation):
        """A new colleague the beheerder added, waiting for the diensthoofd's approval (made after
        the caseloads were dealt out: an account waiting for approval holds no files)."""
        slug = organisation.slug.removeprefix("demo-")
        beheerder = User.objects.get(email=f"beheerder@{slug}.demo")
        accounts.account_save(User(email=f"nieuwe.collega@{slug}.demo", role=Role.COUNSELLOR, first_name="Lotte",
                                   last_name="Maes", organisation=organisation), by=beheerder)

    def _more_counsellors(self, organisation, clients):
        """A caseload of about CASELOAD clients per counsellor: a large demo gets a team."""
        slug = organisation.slug.removeprefix("demo-")
        extra = range(3, clients // CASELOAD + 1)
        if not extra:
            return
        password = make_password(DEMO_PASSWORD)
        User.objects.bulk_create(
            User(email=f"trajectbegeleider{n}@{slug}.demo", password=password, role=Role.COUNSELLOR,
                 first_name=self.faker.first_name(), last_name=self.faker.last_name(), organisation=organisation)
            for n in extra)
        self.logins.append(DemoLogin(f"trajectbegeleider{extra[0]}..{extra[-1]}@{slug}.demo",
                                     Role.COUNSELLOR.label, str(organisation), MORE_COUNSELLORS_SHOW))

    def _user(self, email, role, first_name, last_name, organisation=None, region=None, shows=""):
        existing = User.objects.filter(email=email).select_related("organisation").first()
        if existing and not (existing.organisation and existing.organisation.is_demo) and not existing.region_id:
            raise DemoRefused(_("User %(email)s exists outside the demo: nothing was changed.") % {"email": email})
        if existing:
            existing.delete()
        user = User.objects.create_user(email, DEMO_PASSWORD, role=role, first_name=first_name,
                                        last_name=last_name, organisation=organisation, region=region)
        self.logins.append(DemoLogin(email, user.get_role_display(), str(organisation or region), shows))
        return user

    def _clients(self, organisation, count):
        slug = organisation.slug.removeprefix("demo-")
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
        self._barriers(clients, BARRIERS[slug])
        # The first clients walk the hand-made paths through the services; a large demo's others get
        # years of history in bulk (demo/volume.py).
        story, volume = clients[:STORY_CLIENTS], clients[STORY_CLIENTS:]
        self._contacts(story, NOTES[slug])
        employers = self._employers(organisation)
        for client in story:
            self._trajectories(client, employers)
        self._documents(story[:12])
        if volume:
            VolumeBuilder(random=self.random, faker=self.faker, today=self.today, notes=NOTES[slug],
                          places=PLACES[slug],
                          organisation=organisation, employers_wanted=max(1, len(volume) // 30),
                          care_organisations=self.care_organisations[organisation.pk],
                          work_casemanagers=WORK_CASEMANAGERS[slug],
                          stop_reason=PATH_TEXTS[slug]["volume_stopped"]).build(volume)
        self._assignments(organisation, clients)
        LegalBuilder(random=self.random, today=self.today, words=slug).build(clients)

    def _group_modules(self, organisation):
        """Group modules with their sessions and attendance, and ladder measurements (demo/modules.py),
        for the story clients whose file is open."""
        slug = organisation.slug.removeprefix("demo-")
        story = Client.objects.filter(organisation=organisation).order_by("pk").values_list("pk", flat=True)
        story = list(story[:STORY_CLIENTS])
        clients = list(Client.objects.filter(pk__in=story, anonymised_at=None).exclude(status=Client.Status.CLOSED)
                       .select_related("organisation", "counsellor").order_by("pk"))
        trainers = [User.objects.get(email=f"trajectbegeleider@{slug}.demo"),
                    User.objects.get(email=f"trajectbegeleider2@{slug}.demo")]
        ModuleBuilder(random=self.random, today=self.today).build(
            organisation, clients, trainers=trainers, head=User.objects.get(email=f"diensthoofd@{slug}.demo"))

    def _assignments(self, organisation, clients):
        """Who holds each file since it was made, and one handover: the second counsellor is on
        leave, so the head gave three of his files to the demo counsellor, who finds them on her
        home page."""
        Assignment.objects.bulk_create(
            Assignment(client=client, counsellor_id=client.counsellor_id, at=client.created_at,
                       seen_at=client.created_at)
            for client in clients if client.counsellor_id)
        slug = organisation.slug.removeprefix("demo-")
        on_leave = User.objects.get(email=f"trajectbegeleider2@{slug}.demo")
        moving = Client.objects.filter(organisation=organisation, counsellor=on_leave).exclude(
            status=Client.Status.CLOSED).order_by("pk")[:3]
        if moving:
            clients_hand_over(clients=Client.objects.filter(pk__in=[c.pk for c in moving]),
                              to=User.objects.get(email=f"trajectbegeleider@{slug}.demo"),
                              by=User.objects.get(email=f"diensthoofd@{slug}.demo"), note=HANDOVER_NOTES[slug])

    def _documents(self, clients):
        """A signed GPMI contract on each file; for a TWE in or after its employment the art. 60 §7
        employment contract and, at a partner, the placement agreement; for a werk-zorg its stage
        agreement: the documents list is not empty on the first visit. Each is a one-page PDF saying
        it is a demo."""
        for client in clients:
            by = client.counsellor or User.objects.filter(organisation=client.organisation_id).first()
            documents = [("gpmi", None, client.created_at.date(), "")]
            for trajectory in client.trajectories.filter(type__in=["twe", "werk_zorg"]).order_by("start_date"):
                placement = trajectory.placements.select_related("employer").first()
                if placement is None:
                    continue
                if trajectory.type == "werk_zorg":
                    documents.append(("stageovereenkomst", trajectory, placement.start_date, ""))
                    continue
                documents.append(("arbeidsovereenkomst", trajectory, placement.start_date,
                                  "Arbeidsovereenkomst art. 60 §7 met het OCMW"))
                if placement.agreement_signed_on:
                    documents.append(("plaatsingsovereenkomst", trajectory, placement.agreement_signed_on,
                                      f"Plaatsingsovereenkomst OCMW, {placement.employer} en werknemer"))
            for kind, on, date, description in documents:
                name = f"{kind}-{slugify(client.last_name)}.pdf"
                text = f"{description or kind.upper()} - {client.full_name} (demo)"
                document_add(client=client, by=by, kind=kind, date=date, trajectory=on, description=description,
                             file=ContentFile(demo_pdf(text), name=name))

    def _national_number(self, numbers):
        """Faker's nl_BE national number of someone of working age (18-60), once per OCMW."""
        while True:
            number = self.faker.ssn()
            age = (self.today - nn.get_birth_date(number)).days // 365
            if 18 <= age <= 60 and number not in numbers:
                numbers.add(number)
                return number

    def _client(self, organisation, counsellors, numbers):
        slug = organisation.slug.removeprefix("demo-")
        number = self._national_number(numbers)
        postcode, municipality = self.random.choice(PLACES[slug])
        male = nn.get_gender(number) == "M"
        first_name = self.faker.first_name_male() if male else self.faker.first_name_female()
        return Client(
            organisation=organisation, national_number=number, birth_date=nn.get_birth_date(number),
            first_name=first_name, last_name=self.faker.last_name(),
            street_address=self.faker.street_address(), postcode=postcode, municipality=municipality,
            phone=self.faker.phone_number(),
            email=f"{mailbox(first_name)}.{self.random.randrange(100, 999)}@example.be",
            leefloon_category=self.random.choice(Client.LeefloonCategory.values),
            status=self.random.choices(Client.Status.values, weights=[2, 7, 1])[0],
            counsellor=self.random.choice(counsellors),
            goals=self.random.choice(GOALS[slug]),
            education_level=self.random.choice(Client.Education.values),
            languages=self.random.choice(["Nederlands", "Nederlands (B1), Frans", "Arabisch, Nederlands (A2)",
                                          "Nederlands, Engels", "Pools, Nederlands (A2)"]),
            driving_licence=self.random.choice(Client.DrivingLicence.values),
            mobility=self.random.choice(Client.Mobility.values),
            work_history=self.random.choice(WORK_HISTORY[slug]),
            draagkracht_hours=self.random.choice([8, 12, 16, 19, 24, 30, 38]),
        )

    def _link(self, through, field, clients, terms, low, high):
        through.objects.bulk_create(
            through(client=client, **{field: term})
            for client in clients
            for term in self.random.sample(terms, self.random.randint(low, high))
        )

    def _barriers(self, clients, pool):
        barriers = [
            Barrier(client=client, category=category, description=description)
            for client in clients
            for category, description in self.random.sample(pool, self.random.randint(0, 3))
        ]
        bulk_create_with_history(barriers, Barrier)

    def _contacts(self, clients, notes):
        moments = []
        for client in clients:
            for _moment in range(self.random.randint(1, 7)):
                kind = self.random.choice(ContactMoment.Kind.values)
                moments.append(ContactMoment(
                    client=client, kind=kind, author=client.counsellor,
                    date=self.today - datetime.timedelta(days=self.random.randint(0, 150)),
                    duration_minutes=self.random.choice([10, 15, 30, 45, 60, 90]),
                    note=self.random.choice(notes[kind]),
                ))
        bulk_create_with_history(moments, ContactMoment)

    def _employers(self, organisation):
        employers = []
        slug = organisation.slug.removeprefix("demo-")
        for index, (name, kind, sector, functions) in enumerate(EMPLOYERS[slug]):
            postcode, municipality = self.random.choice(PLACES[slug])
            employer = Employer(organisation=organisation, name=name, kind=kind, sector=sector,
                                postcode=postcode, municipality=municipality,
                                kbo_number=kbo_number(4000000 + 1000 * index + len(organisation.slug))
                                if kind == Employer.Kind.PARTNER else "")
            saved(employer)
            employer.functions = functions
            employers.append(employer)
            employer.workplace_by_function = self._workplaces(employer, functions, sector)
            saved(ContactPerson(employer=employer, name=self.faker.name(), role="zaakvoerder",
                                phone=self.faker.phone_number(),
                                email=f"info@{mailbox(name, 'werkgever')[:20].strip('-')}.example.be"))
            if kind == Employer.Kind.PARTNER:
                ends_soon = index == 0  # one agreement ends within 60 days (reminder rule 7)
                saved(Agreement(
                    employer=employer, start_date=self.today - datetime.timedelta(days=700 - 50 * index),
                    end_date=self.today + datetime.timedelta(days=45 if ends_soon else 400 + 30 * index),
                    note=f"Werkplekken voor TWE-OCMW: de werknemer blijft in dienst van OCMW {slug.title()} "
                         "(art. 60 §7), met een plaatsingsovereenkomst per tewerkstelling."))
        return employers

    def _workplaces(self, employer, functions, sector):
        competences = {c.name: c for c in Competence.objects.filter(organisation=employer.organisation)}
        interests = {i.name: i for i in Interest.objects.filter(organisation=employer.organisation)}
        workplaces = {}
        for function in functions:
            required, useful = FUNCTION_COMPETENCES[function]
            workplace = saved(Workplace(
                employer=employer, function=function, hours_per_week=self.random.choice([12, 16, 19, 24, 30, 38]),
                postcode=employer.postcode, municipality=employer.municipality,
                capacity=self.random.randint(1, 3), is_open=self.random.random() < 0.8))
            workplace.required_competences.set([competences[name] for name in required])
            workplace.useful_competences.set([competences[name] for name in useful])
            workplace.interests.set([interests[SECTOR_INTERESTS[sector]]])
            workplaces[function] = workplace
        return workplaces

    @staticmethod
    def _slug(client):
        return client.organisation.slug.removeprefix("demo-")

    def _text(self, client, key):
        """One of the paths' texts (PATH_TEXTS), in the words of the client's OCMW."""
        return PATH_TEXTS[self._slug(client)][key]

    def _days_ago(self, low, high):
        return self.today - datetime.timedelta(days=self.random.randint(low, high))

    def _placement(self, employers, client, kind=None):
        """A workplace of a werk-zorg or an AMA, within the client's draagkracht."""
        candidates = [e for e in employers if kind is None or e.kind == kind]
        employer = self.random.choice(candidates)
        hours = min(client.draagkracht_hours or 19, self.random.choice([19, 24, 30, 38]))
        function = self.random.choice(employer.functions)
        return {"employer": employer, "workplace": employer.workplace_by_function[function], "function": function,
                "hours_per_week": hours, "mentor": self.faker.name()}

    def _trajectory(self, client, type, start, steps=(), placement=None, prepare=None, **fields):
        """Register a trajectory, give it its action plan (and whatever `prepare` adds), then walk
        it through `steps` [(action, date, options)], all via the services, so the demo obeys
        every rule the product enforces. Closing or stopping records whether the leefloon was left."""
        by = client.counsellor
        trajectory = trajectory_services.trajectory_register(client=client, by=by, type=type, start_date=start,
                                                             placement=placement, **fields)
        goals = [trajectory_services.goal_add(trajectory=trajectory, description=description)
                 for description in self.random.sample(GOALS_BY_TYPE[self._slug(client)][type], 2)]
        if prepare:
            prepare(trajectory)
        for action, date, options in steps:
            if action in ("close", "stop"):
                options = {"leefloon_after": leefloon_after(type, options.get("outcome", Outcome.STOPGEZET), date,
                                                            today=self.today, random=self.random), **options}
            trajectory_services.trajectory_transition(trajectory=trajectory, action=action, by=by, date=date,
                                                      **options)
        if trajectory.is_final:
            for goal in goals:
                trajectory_services.goal_set_state(goal=goal, state=self.random.choice(["bereikt", "niet_bereikt"]))
        return trajectory

    # The paths a client walks, by the status of the file. The first clients of each OCMW walk them
    # in this order, so each demo OCMW shows every type, status and TWE phase; later clients draw from
    # the paths that may repeat (not ONCE: a werk-zorg extended beyond 18 months is the exception it
    # is, and one client per OCMW arrived from another OCMW with a job).
    ACTIVE_PATHS = ["twe_employment", "twe_ending", "twe_screening", "nazorg_running", "werk_zorg", "twe_weo", "ama",
                    "twe_after", "werk_zorg_extended", "opleiding", "twe_paused", "nazorg_alone",
                    "nazorg_after_werk_zorg", "nazorg_closed", "twe_stopped", "nazorg_after_opleiding"]
    CLOSED_PATHS = ["twe_unemployed", "nazorg_closed", "werk_zorg_stopped", "werk_zorg_old", "opleiding_closed"]
    ONCE = {"werk_zorg_extended", "nazorg_alone"}

    def _trajectories(self, client, employers):
        """One of the usual paths, by the client's status (DOMAIN.md: voortraject -> TWE -> nazorg)."""
        if client.status == Client.Status.INTAKE:
            self.intake_seen = getattr(self, "intake_seen", 0) + 1
            if self.intake_seen == 1 or self.random.random() < 0.6:
                self._trajectory(client, TrajectoryType.VOORTRAJECT, self.today + datetime.timedelta(days=14))
            return
        paths = self.ACTIVE_PATHS if client.status == Client.Status.ACTIVE else self.CLOSED_PATHS
        key = (client.organisation_id, client.status)
        seen = self.paths_seen.setdefault(key, 0)
        self.paths_seen[key] = seen + 1
        path = paths[seen] if seen < len(paths) else self.random.choice([p for p in paths if p not in self.ONCE])
        getattr(self, f"_path_{path}")(client, employers)

    # TWE-OCMW

    @staticmethod
    def _vdab_consent(client, given_on):
        """A TWE is registered in VDAB's partner portal only with the client's consent."""
        if not client.vdab_consents.filter(withdrawn_on__isnull=True).exists():
            consent = VdabConsent(client=client, given_on=given_on,
                                  scope="Opvolging van de TWE in Mijn Loopbaan voor partners")
            consent.full_clean()
            consent.save()

    def _twe(self, client, employers, start, steps=(), *, weo=None, work=None, work_end=None, planned_end=None,
             own_service=None, agreement=True, training=False, description=""):
        """A TWE-OCMW through its phases (DOMAIN.md): the screening from `start`, guidance from the WEO
        signed on `weo`, the art. 60 §7 employment from `work` (until `work_end`, else until the TWE
        ends), then guidance until its planned end, within 2 years of the WEO. At a partner the worker
        stays employed by the OCMW: the placement agreement is signed a few days before the work
        starts. Some are registered in VDAB's partner portal; `training`: a short one inside it."""
        self._fit_for_twe(client)
        fields = {"weo_signed_on": weo, "description": description}
        if weo:
            fields["planned_end_date"] = planned_end or min(weo + relativedelta(months=12) - ONE_DAY,
                                                            twe_last_day(weo))
        registered = start + datetime.timedelta(days=self.random.randint(0, 10))
        if self.random.random() < 0.4 and registered <= self.today:
            fields["vdab_registered_on"] = registered
            self._vdab_consent(client, start)
        if training:
            training_start = weo + datetime.timedelta(days=self.random.randint(3, 10))
            fields.update(training_name=self.random.choice(TWE_TRAININGS), training_start=training_start,
                          training_end=training_start + datetime.timedelta(days=self.random.randint(35, 75)))
        placement = None
        if work:
            at_partner = self.random.random() < 0.75 if own_service is None else not own_service
            options = [(employer, function) for employer in employers
                       if (employer.kind == Employer.Kind.PARTNER) == at_partner for function in employer.functions]
            half_time = [(employer, function) for employer, function in options
                         if employer.workplace_by_function[function].hours_per_week >= TWE_MIN_HOURS]
            employer, function = self.random.choice(half_time or options)
            workplace = employer.workplace_by_function[function]
            placement = {"employer": employer, "workplace": workplace, "function": function, "start_date": work,
                         "end_date": work_end, "mentor": self.faker.name(),
                         "hours_per_week": max(TWE_MIN_HOURS, min(workplace.hours_per_week, client.draagkracht_hours))}
            if at_partner and agreement:
                signed = work - datetime.timedelta(days=self.random.randint(1, 10))
                placement["agreement_signed_on"] = max(start, signed)
        return self._trajectory(client, TrajectoryType.TWE, start, [("start", start, {}), *steps],
                                placement=placement, **fields)

    def _fit_for_twe(self, client):
        """A TWE is at least half-time on the work floor: its client's draagkracht grew to 19 hours
        or more first (the voortraject's work)."""
        if (client.draagkracht_hours or 0) < TWE_MIN_HOURS:
            client.draagkracht_hours = self.random.choice([19, 24])
            client.full_clean()
            client.save()

    def _weo_after_screening(self, start):
        """The WEO, signed after a screening of one to four weeks."""
        return start + datetime.timedelta(days=self.random.randint(7, 28))

    def _employment_from(self, weo):
        return weo + datetime.timedelta(days=self.random.randint(0, 14))

    def _path_twe_employment(self, client, employers):
        """A voortraject, then a TWE now in its art. 60 §7 employment."""
        pre = self._days_ago(330, 420)
        self._trajectory(client, TrajectoryType.VOORTRAJECT, pre, [
            ("start", pre, {}), ("close", pre + datetime.timedelta(days=60), {"outcome": Outcome.OPLEIDING})])
        start = self._days_ago(60, 250)
        weo = self._weo_after_screening(start)
        self._twe(client, employers, start, weo=weo, work=self._employment_from(weo))

    def _path_twe_ending(self, client, employers):
        start = self._days_ago(340, 355)
        weo = self._weo_after_screening(start)
        self._twe(client, employers, start, weo=weo, work=self._employment_from(weo),
                  planned_end=self.today + datetime.timedelta(days=self.random.randint(5, 25)))

    def _path_twe_screening(self, client, employers):
        self._twe(client, employers, self._days_ago(3, 20),
                  description=self._text(client, "screening"))

    def _path_twe_weo(self, client, employers):
        """The WEO is signed, the workplace not found yet; one or two in the demo start with a short
        training."""
        start = self._days_ago(35, 70)
        training = self.trainings < 2
        self.trainings += training
        self._twe(client, employers, start, weo=self._weo_after_screening(start), training=training,
                  description=self._text(client, "weo"))

    def _path_twe_after(self, client, employers):
        """The art. 60 §7 employment ended lately; guidance after it until the TWE ends."""
        work_end = self._days_ago(10, 60)
        work = work_end - datetime.timedelta(days=self.random.randint(270, 365))
        weo = work - datetime.timedelta(days=self.random.randint(0, 14))
        start = weo - datetime.timedelta(days=self.random.randint(7, 28))
        self._twe(client, employers, start, weo=weo, work=work, work_end=work_end,
                  planned_end=min(twe_last_day(weo), work_end + datetime.timedelta(days=self.random.randint(90, 150))),
                  description=self._text(client, "after"))

    def _path_twe_paused(self, client, employers):
        """Paused for illness during the employment; the first one in the demo works at a partner
        whose placement agreement was never recorded (the page asks for it)."""
        start = self._days_ago(150, 220)
        weo = self._weo_after_screening(start)
        missing = not self.agreement_missing
        self.agreement_missing = True
        self._twe(client, employers, start, [("suspend", start + datetime.timedelta(days=60),
                                              {"note": self._text(client, "paused")})],
                  weo=weo, work=self._employment_from(weo), own_service=False if missing else None,
                  agreement=not missing)

    def _path_twe_stopped(self, client, employers):
        start = self._days_ago(150, 250)
        self._twe(client, employers, start, [("stop", start + datetime.timedelta(days=40),
                                              {"reason": self._text(client, "stopped")})],
                  weo=self._weo_after_screening(start))

    def _path_twe_unemployed(self, client, employers):
        """A TWE that reached the art. 60 §7 goal: after a year of employment the right to
        unemployment benefit opened and the leefloon stopped."""
        work_end = self._days_ago(150, 400)
        work = work_end - datetime.timedelta(days=self.random.randint(365, 450))
        weo = work - datetime.timedelta(days=self.random.randint(0, 14))
        start = weo - datetime.timedelta(days=self.random.randint(7, 28))
        end = work_end + datetime.timedelta(days=self.random.randint(30, 60))
        self._twe(client, employers, start, [("close", end, {
            "outcome": Outcome.WERKLOOS,
            "note": self._text(client, "unemployed")})],
            weo=weo, work=work, work_end=work_end, planned_end=end)

    # Nazorg: after a TWE, a werk-zorg or a training, or on its own

    def _nazorg(self, client, start, job_start, follows=None, description=""):
        """A nazorg whose check-ins count from the job start; it ends after the last one (six months)."""
        end = max(nazorg_default_end(start), job_start + relativedelta(months=NAZORG_CHECK_IN_MONTHS[-1]))
        steps = [("start", start, {})]
        if end < self.today:
            steps.append(("close", end, {"outcome": self.random.choice(NAZORG_OUTCOMES)}))
        return self._trajectory(client, TrajectoryType.NAZORG, start, steps, follows=follows, job_start=job_start,
                                planned_end_date=end, description=description)

    def _path_nazorg_running(self, client, employers):
        start = self._days_ago(400, 500)
        weo = self._weo_after_screening(start)
        end = start + datetime.timedelta(days=360)
        twe = self._twe(client, employers, start, [("close", end, {"outcome": Outcome.WERK})],
                        weo=weo, work=self._employment_from(weo), planned_end=end)
        self._nazorg(client, end - datetime.timedelta(days=14),
                     end + datetime.timedelta(days=self.random.randint(1, 7)), follows=twe)

    def _path_nazorg_closed(self, client, employers):
        start = self._days_ago(600, 900)
        weo = self._weo_after_screening(start)
        end = start + datetime.timedelta(days=360)
        twe = self._twe(client, employers, start, [("close", end, {"outcome": Outcome.WERK})],
                        weo=weo, work=self._employment_from(weo), planned_end=end)
        self._nazorg(client, end - datetime.timedelta(days=10),
                     end + datetime.timedelta(days=self.random.randint(1, 10)), follows=twe)

    def _path_nazorg_after_werk_zorg(self, client, employers):
        start = self._days_ago(420, 520)
        end = start + datetime.timedelta(days=self.random.randint(300, 360))
        werk_zorg = self._werk_zorg(client, employers, start, [
            ("close", end, {"outcome": self.random.choice([Outcome.MAATWERK, Outcome.WERK])})])
        self._nazorg(client, end - datetime.timedelta(days=self.random.randint(0, 10)),
                     end + datetime.timedelta(days=self.random.randint(1, 10)), follows=werk_zorg,
                     description=self._text(client, "nazorg_after_werk_zorg"))

    def _path_nazorg_after_opleiding(self, client, employers):
        start = self._days_ago(250, 350)
        end = start + datetime.timedelta(days=self.random.randint(120, 200))
        training = self._trajectory(client, TrajectoryType.OPLEIDING, start, [
            ("start", start, {}), ("close", end, {"outcome": Outcome.WERK})],
            planned_end_date=end, description=self._text(client, "training_before_nazorg"))
        self._nazorg(client, end - datetime.timedelta(days=self.random.randint(0, 5)),
                     end + datetime.timedelta(days=self.random.randint(7, 21)), follows=training)

    def _path_nazorg_alone(self, client, employers):
        """A client who arrived from another OCMW with a job: the step before lies outside the product."""
        job_start = self._days_ago(20, 100)
        self._nazorg(client, job_start + datetime.timedelta(days=self.random.randint(0, 14)), job_start,
                     description=self._text(client, "nazorg_alone"))

    # Werk-zorg (activeringstraject)

    def _werk_zorg(self, client, employers, start, steps=()):
        """Referred from 1 July 2023: VDAB's activeringstraject, decided before its start, planned for 3
        to 18 months, with a casemanager Werk (VDAB or GTB) and Zorg (the OCMW's care organisations).
        Referred before: the 2014 decree, its care partner then (perhaps no longer offered)."""
        draagkracht = client.draagkracht_hours or 8
        last_day = min([self.today, *(date for _action, date, _options in steps)])

        def hours_schedule(trajectory):
            """8 -> 12 -> 16 hours, every three months, never above the draagkracht."""
            for index, hours in enumerate(h for h in (8, 12, 16) if h <= draagkracht):
                step_date = start + datetime.timedelta(days=90 * index)
                if step_date <= last_day:
                    trajectory_services.hours_step_add(trajectory=trajectory, from_date=step_date,
                                                       hours_per_week=hours)

        care_organisations = self.care_organisations[client.organisation_id]
        if start >= ACTIVERINGSTRAJECT_SINCE:
            work, name = self.random.choice(WORK_CASEMANAGERS[client.organisation.slug.removeprefix("demo-")])
            care = self.random.choice([c for c in care_organisations if c.active])
            fields = {"vdab_decided_on": start - datetime.timedelta(days=self.random.randint(7, 30)),
                      "work_casemanager": work, "work_casemanager_name": name,
                      "planned_end_date": self._werk_zorg_planned_end(start, last_day)}
        else:
            care = next((c for c in care_organisations if not c.active), care_organisations[0])
            fields = {}
        return self._trajectory(
            client, TrajectoryType.WERK_ZORG, start, [("start", start, {}), *steps],
            placement={**self._placement(employers, client), "hours_per_week": 8}, prepare=hours_schedule,
            care_organisation=care, care_moments=CARE_MOMENTS[self._slug(client)][care.kind], **fields)

    def _werk_zorg_planned_end(self, start, needed):
        """Planned for 6, 9, 12 or 18 months, long enough to reach `needed` (else the 18)."""
        ends = [min(start + relativedelta(months=months) - ONE_DAY, werk_zorg_last_day(start))
                for months in (6, 9, 12, 18)]
        return self.random.choice([end for end in ends if end >= needed][:2] or ends[-1:])

    def _path_werk_zorg(self, client, employers):
        self._werk_zorg(client, employers, self._days_ago(100, 480))

    def _path_werk_zorg_extended(self, client, employers):
        """Past its 18 months, extended in exception by three months: its 15- and 17-month reminders
        moved along (3 and 1 months before the new end; the first is due)."""
        start = self._days_ago(550, 600)
        werk_zorg = self._werk_zorg(client, employers, start)
        extended = werk_zorg_last_day(start) + relativedelta(months=3)
        trajectory_services.trajectory_update(
            trajectory=werk_zorg, extended_to=extended, planned_end_date=extended,
            extension_reason=self._text(client, "extended"))

    def _path_werk_zorg_stopped(self, client, employers):
        start = self._days_ago(300, 500)
        self._werk_zorg(client, employers, start, [("stop", start + datetime.timedelta(days=120),
                                                    {"reason": self._text(client, "werk_zorg_stopped")})])

    def _path_werk_zorg_old(self, client, employers):
        """Referred under the 2014 decree, ended in care; from before the leefloon was recorded."""
        start = ACTIVERINGSTRAJECT_SINCE - datetime.timedelta(days=self.random.randint(120, 300))
        self._werk_zorg(client, employers, start, [
            ("close", start + datetime.timedelta(days=self.random.randint(300, 420)), {"outcome": Outcome.ZORG})])

    # AMA and training

    def _path_ama(self, client, employers):
        start = self._days_ago(200, 700)
        ama = self._trajectory(client, TrajectoryType.AMA, start, [("start", start, {})],
                               placement=self._placement(employers, client, Employer.Kind.OWN_SERVICE))
        if (self.today - start).days > 365:
            trajectory_services.evaluation_add(trajectory=ama, author=client.counsellor,
                                               date=start + datetime.timedelta(days=365),
                                               note=self._text(client, "ama_evaluation"))

    def _path_opleiding_closed(self, client, employers):
        start = self._days_ago(300, 400)
        self._trajectory(client, TrajectoryType.OPLEIDING, start, [
            ("start", start, {}), ("close", start + datetime.timedelta(days=200), {"outcome": Outcome.WERK})],
            planned_end_date=start + datetime.timedelta(days=200), description=self._text(client, "training_closed"))

    def _path_opleiding(self, client, employers):
        start = self._days_ago(30, 150)
        self._trajectory(client, TrajectoryType.OPLEIDING, start, [("start", start, {})],
                         planned_end_date=start + datetime.timedelta(days=240),
                         description=self._text(client, "training"))
