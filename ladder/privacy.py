"""A client's participation-ladder measurements (common.personal_data).

Export: every measurement (date, rung, note). Erase: the note (free text) goes; the date and rung
stay, as the yearly figures count them. The change history goes."""

from common.personal_data import day

from .models import LadderMeasurement

order = 26


def export(client):
    return {"participatieladder": [
        {"datum": day(measurement.date), "trede": measurement.get_rung_display(), "notitie": measurement.note}
        for measurement in LadderMeasurement.objects.of_client(client).order_by("date", "pk")]}


def erase(client_ids):
    LadderMeasurement.objects.unscoped().filter(client__in=client_ids).update(note="")


def forget_history(client_ids):
    LadderMeasurement.history.filter(client_id__in=client_ids).delete()
