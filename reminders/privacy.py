"""The follow-up reminders about a client (common.personal_data).

Export: none; a reminder is the counsellor's work list, made from the file's own dates, which the
export holds. Erase: a closed file's reminders go. Reminders keep no change history."""

from .models import Reminder

order = 40


def erase(client_ids):
    # A plain DELETE: nothing refers to a client's reminders.
    reminders = Reminder.objects.filter(client__in=client_ids)
    reminders._raw_delete(reminders.db)
