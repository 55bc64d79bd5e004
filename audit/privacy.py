"""Who opened the case file (common.personal_data).

Export: every entry of the access log about the client (the person has a right to know who read
the file). No erase: the log is append-only (audit.models) and stays after the anonymisation, so it
remains on record who read the file and when."""

from django.utils import timezone

order = 90


def export(client):
    return {"inzage": [
        {"tijdstip": timezone.localtime(a.at).isoformat(timespec="seconds"), "door": str(a.user),
         "handeling": a.get_action_display(), "detail": a.detail}
        for a in client.access_logs.select_related("user").order_by("at")]}
