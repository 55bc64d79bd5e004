"""The group modules a client took part in (common.personal_data).

Export: every enrolment with its module, edition, status and the attendance per session. Erase:
nothing of it is free text; the enrolments and attendances stay, as the yearly figures count them
(participants, attendances). The change history goes."""

from common.personal_data import day

from .models import Attendance, Enrolment

order = 25


def export(client):
    enrolments = (Enrolment.objects.of_client(client).select_related("edition__module")
                  .prefetch_related("attendances__session").order_by("enrolled_on", "pk"))
    return {"groepsmodules": [{
        "module": enrolment.edition.module.title, "editie": enrolment.edition.name,
        "status": enrolment.get_status_display(), "ingeschreven_op": day(enrolment.enrolled_on),
        "uitgeschreven_op": day(enrolment.left_on),
        "aanwezigheid": [{"sessie": day(attendance.session.date), "aanwezig": attendance.get_presence_display()}
                         for attendance in sorted(enrolment.attendances.all(), key=lambda a: a.session.date)],
    } for enrolment in enrolments]}


def forget_history(client_ids):
    enrolments = list(Enrolment.objects.unscoped().filter(client_id__in=client_ids).values_list("pk", flat=True))
    Attendance.history.filter(enrolment_id__in=enrolments).delete()
    Enrolment.history.filter(client_id__in=client_ids).delete()
