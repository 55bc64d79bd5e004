"""A client's complete file for a subject-access request (GDPR art. 15): everything the product
holds about the person, as JSON for machines and as a PDF to hand over. One place builds the data;
both formats render it."""

from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AccessLog
from clients import national_number


def _date(value):
    return value.isoformat() if value else None


def client_file(client):
    """The whole file as plain data, with Dutch keys, in a fixed number of queries."""
    trajectories = client.trajectories.prefetch_related(
        "events__by", "placements__employer", "goals", "evaluations__author", "hours_steps").order_by("start_date")
    return {
        "opgemaakt_op": timezone.localtime().isoformat(timespec="seconds"),
        "organisatie": client.organisation.name,
        "persoon": {
            "rijksregisternummer": national_number.display(client.national_number),
            "voornaam": client.first_name, "achternaam": client.last_name,
            "geboortedatum": _date(client.birth_date), "adres": client.street_address, "postcode": client.postcode,
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
            "aangemaakt_op": _date(client.created_at.date()),
        },
        "drempels": [{"soort": b.get_category_display(), "beschrijving": b.description} for b in client.barriers.all()],
        "contactmomenten": [
            {"datum": _date(m.date), "soort": m.get_kind_display(), "duur_minuten": m.duration_minutes,
             "door": str(m.author), "notitie": m.note}
            for m in client.contact_moments.select_related("author").order_by("date", "pk")],
        "trajecten": [_trajectory(t) for t in trajectories],
        # The documents as a list: their files are handed over separately, downloaded from the file.
        "documenten": [
            {"soort": d.get_kind_display(), "datum": _date(d.date), "beschrijving": d.description,
             "bestand": d.filename, "traject": d.trajectory.get_type_display() if d.trajectory else None,
             "toegevoegd_door": str(d.added_by), "toegevoegd_op": _date(timezone.localtime(d.added_at).date())}
            for d in client.documents.select_related("added_by", "trajectory").order_by("date", "pk")],
        "inzage": [
            {"tijdstip": timezone.localtime(a.at).isoformat(timespec="seconds"), "door": str(a.user),
             "handeling": a.get_action_display(), "detail": a.detail}
            for a in client.access_logs.select_related("user").order_by("at")],
    }


def _trajectory(trajectory):
    return {
        "type": trajectory.get_type_display(), "status": trajectory.get_status_display(),
        "start": _date(trajectory.start_date), "gepland_einde": _date(trajectory.planned_end_date),
        "einde": _date(trajectory.end_date), "uitstroom": trajectory.get_outcome_display(),
        "reden_stopzetting": trajectory.stop_reason, "beschrijving": trajectory.description,
        "zorgpartner": trajectory.get_care_partner_display(), "naam_zorgpartner": trajectory.care_partner_name,
        "zorgmomenten": trajectory.care_moments,
        "stappen": [{"datum": _date(e.date), "van": e.get_from_status_display(), "naar": e.get_to_status_display(),
                     "door": str(e.by), "notitie": e.note} for e in trajectory.events.all()],
        "werkplekken": [{"werkgever": p.employer.name, "functie": p.function, "uren_per_week": p.hours_per_week,
                         "start": _date(p.start_date), "einde": _date(p.end_date), "mentor": p.mentor}
                        for p in trajectory.placements.all()],
        "doelen": [{"doel": g.description, "streefdatum": _date(g.target_date), "stand": g.get_state_display()}
                   for g in trajectory.goals.all()],
        "evaluaties": [{"datum": _date(e.date), "door": str(e.author), "notitie": e.note}
                       for e in trajectory.evaluations.all()],
        "urenschema": [{"vanaf": _date(s.from_date), "uren_per_week": s.hours_per_week}
                       for s in trajectory.hours_steps.all()],
    }


def log_export(user, client, extension):
    AccessLog.objects.create(user=user, organisation_id=client.organisation_id, client=client,
                             action=AccessLog.Action.EXPORTED, detail=_("subject access (%(format)s)") % {
                                 "format": extension})
