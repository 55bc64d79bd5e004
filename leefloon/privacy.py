"""The leefloon decisions and socio-professional exemptions of a case file (common.personal_data).

Export: every decision and exemption period. Erase: the notes go; the dates, kind, category and end
reason stay, as the yearly figures count them (personen.leefloners, gpmi). The change history goes."""

from common.personal_data import day

from .models import LeefloonDecision, SocioProfessionalExemption

order = 12


def export(client):
    return {
        "leefloonbeslissingen": [
            {"soort": d.get_kind_display(), "categorie": d.get_category_display(), "beslist_op": day(d.decided_on),
             "van": day(d.start_date), "tot": day(d.end_date), "reden_einde": d.get_end_reason_display(),
             "notitie": d.note} for d in client.leefloon_decisions.order_by("decided_on")],
        "sociaalprofessionele_vrijstellingen": [
            {"van": day(e.start_date), "tot": day(e.end_date), "notitie": e.note}
            for e in client.socio_professional_exemptions.order_by("start_date")],
    }


def erase(client_ids):
    LeefloonDecision.objects.filter(client__in=client_ids).update(note="")
    SocioProfessionalExemption.objects.filter(client__in=client_ids).update(note="")


def forget_history(client_ids):
    LeefloonDecision.history.filter(client_id__in=client_ids).delete()
    SocioProfessionalExemption.history.filter(client_id__in=client_ids).delete()
