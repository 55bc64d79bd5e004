"""The person and the case file (common.personal_data): identity, intake, barriers and contact moments.

Export: the person, the case file, the barriers (medical and psychological ones included: the export
is for who may read them) and the contact moments. Erase: names and numbers become a placeholder;
address, contact details, intake free text, competences, interests and barriers go; a contact moment
keeps its date, kind and duration without its note. The change history goes. The rest stays (the
organisation, municipality, status, dates, leefloon category, education level, driving licence,
mobility, draagkracht and counsellor): the yearly figures count what they need of it."""

from django.apps import apps
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat, LPad
from django.utils.translation import gettext as _

from common.personal_data import day

from . import national_number
from .models import Barrier, Client, ContactMoment, VdabConsent

order = 10


def export(client):
    return {
        "persoon": {
            "rijksregisternummer": national_number.display(client.national_number),
            "voornaam": client.first_name, "achternaam": client.last_name,
            "geboortedatum": day(client.birth_date), "adres": client.street_address, "postcode": client.postcode,
            "gemeente": client.municipality, "telefoon": client.phone, "e-mail": client.email,
            "leefloon_categorie": client.get_leefloon_category_display(),
        },
        "dossier": {
            "status": client.get_status_display(),
            "trajectbegeleider": str(client.counsellor) if client.counsellor else None,
            "doelen": client.goals,
            "competenties": sorted(c.name for c in client.competences.all()),
            "andere_competenties": client.competences_note,
            "interesses": sorted(i.name for i in client.interests.all()),
            "andere_interesses": client.interests_note,
            "opleidingsniveau": client.get_education_level_display(), "talen": client.languages,
            "rijbewijs": client.get_driving_licence_display(), "vervoer": client.get_mobility_display(),
            "kinderopvang": client.childcare_needs, "werkervaring": client.work_history,
            "draagkracht_uren_per_week": client.draagkracht_hours,
            "vdab_ingeschreven_op": day(client.vdab_registered_on),
            "vdab_niet_ingeschreven_omdat": client.vdab_not_registered_reason,
            "aangemaakt_op": day(client.created_at.date()),
        },
        "drempels": [{"soort": b.get_category_display(), "beschrijving": b.description} for b in client.barriers.all()],
        "vdab_toestemmingen": [
            {"gegeven_op": day(c.given_on), "voor": c.scope, "ingetrokken_op": day(c.withdrawn_on)}
            for c in client.vdab_consents.order_by("given_on", "pk")],
        "contactmomenten": [
            {"datum": day(m.date), "soort": m.get_kind_display(), "duur_minuten": m.duration_minutes,
             "door": str(m.author), "notitie": m.note}
            for m in client.contact_moments.select_related("author").order_by("date", "pk")],
    }


def erase(client_ids):
    # A plain DELETE: the history library would otherwise record each removed row (one query per
    # row), only for forget_history to remove that record again. Nothing refers to these rows.
    barriers = Barrier.objects.filter(client__in=client_ids)
    barriers._raw_delete(barriers.db)
    ContactMoment.objects.filter(client__in=client_ids).update(note="")
    Client.competences.through.objects.filter(client__in=client_ids).delete()
    Client.interests.through.objects.filter(client__in=client_ids).delete()
    # The version moves on: an edit form opened before cannot write the old data back (optimistic locking).
    Client.objects.filter(pk__in=client_ids).update(
        national_number=Concat(Value("X"), LPad(Cast("pk", CharField()), 10, Value("0"))),
        first_name=_("Anonymised"), last_name=Concat(Value("#"), Cast("pk", CharField())),
        birth_date=None, street_address="", postcode="", phone="", email="", competences_note="",
        interests_note="", goals="", languages="", childcare_needs="", work_history="", vdab_not_registered_reason="",
        version=F("version") + 1)


def forget_history(client_ids):
    """The history of the competences and interests first: its rows are not tied to the client's
    history by a constraint."""
    for field in ("competences", "interests"):
        apps.get_model("clients", f"HistoricalClient_{field}").objects.filter(client__in=client_ids).delete()
    Client.history.filter(id__in=client_ids).delete()
    Barrier.history.filter(client_id__in=client_ids).delete()
    ContactMoment.history.filter(client_id__in=client_ids).delete()
    VdabConsent.history.filter(client_id__in=client_ids).delete()
