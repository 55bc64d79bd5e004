from django.utils import timezone

from .models import Reminder


def open_reminders(request):
    """The count in the navigation bar: one COUNT query, only for people with reminders."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.works_with_case_files:
        return {}
    return {"open_reminder_count": Reminder.objects.visible_to(user).open_on(timezone.localdate()).count()}
