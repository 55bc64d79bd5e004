"""The GPMI of a case file (common.personal_data): the contract, its amendments and evaluations,
exemptions and sanctions.

Export: all of it. Erase: every free text (goals, steps, commitments, signatories, what changed,
conclusions, reasons, the committee's words) goes; the dates, orientation, duration, in-person flags
and grounds stay, as the yearly figures and the deadline view count them. The change history goes."""

from common.personal_data import day

from .models import Amendment, Exemption, Gpmi, GpmiEvaluation, Sanction

order = 15


def export(client):
    gpmis = client.gpmis.prefetch_related("amendments", "evaluations").order_by("created_at")
    return {
        "gpmi": [_gpmi(gpmi) for gpmi in gpmis],
        "gpmi_vrijstellingen": [
            {"grond": e.get_ground_display(), "reden": e.reason, "aanvaard_op": day(e.accepted_on),
             "niet_meer_vanaf": day(e.ended_on)} for e in client.gpmi_exemptions.order_by("accepted_on")],
        "sancties": [
            {"beslist_op": day(s.decided_on), "beslissing": s.decision, "geschorst_van": day(s.suspended_from),
             "geschorst_tot": day(s.suspended_until)} for s in client.gpmi_sanctions.order_by("decided_on")],
    }


def _gpmi(gpmi):
    return {
        "richting": gpmi.get_orientation_display(), "doelen": gpmi.goals, "stappen": gpmi.steps,
        "engagementen_client": gpmi.client_commitments, "engagementen_ocmw": gpmi.ocmw_commitments,
        "duur_maanden": gpmi.duration_months, "andere_ondertekenaars": gpmi.other_signatories,
        "ondertekend_op": day(gpmi.signed_on), "vroeger_beeindigd_op": day(gpmi.ended_on),
        "aanpassingen": [{"datum": day(a.date), "gevraagd_door": a.get_requested_by_display(),
                          "wat": a.changes} for a in gpmi.amendments.all()],
        "evaluaties": [{"datum": day(e.date), "persoonlijk": e.in_person, "deelnemers": e.participants,
                        "besluit": e.conclusion} for e in gpmi.evaluations.all()],
    }


def erase(client_ids):
    gpmis = Gpmi.objects.filter(client__in=client_ids)
    gpmis.update(goals="", steps="", client_commitments="", ocmw_commitments="", other_signatories="")
    Amendment.objects.filter(gpmi__in=gpmis).update(changes="")
    GpmiEvaluation.objects.filter(gpmi__in=gpmis).update(participants="", conclusion="")
    Exemption.objects.filter(client__in=client_ids).update(reason="")
    Sanction.objects.filter(client__in=client_ids).update(decision="")


def forget_history(client_ids):
    gpmi_ids = list(Gpmi.objects.filter(client__in=client_ids).values_list("pk", flat=True))
    Gpmi.history.filter(id__in=gpmi_ids).delete()
    for model in (Amendment, GpmiEvaluation):
        model.history.filter(gpmi_id__in=gpmi_ids).delete()
    for model in (Exemption, Sanction):
        model.history.filter(client_id__in=client_ids).delete()
