"""The head's team table on the home page adds up."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from employers.models import Agreement
from reminders.models import Reminder

pytestmark = pytest.mark.django_db


def test_the_team_total_of_reminders_due_is_the_sum_of_the_rows_shown(world, login):
    today = timezone.localdate()
    agreement = Agreement.objects.create(employer=world.employer, start_date=today - datetime.timedelta(days=300),
                                         end_date=today + datetime.timedelta(days=20))
    Reminder.objects.create(organisation=world.menen, rule="overeenkomst_einde", subject=f"agreement:{agreement.pk}",
                            agreement=agreement, due_date=today, detail=agreement.end_date.isoformat())
    work = login(world.hilde).get(reverse("home")).context["work"]
    shown = sum(row["reminders"] for row in work["team"])
    page = login(world.hilde).get(reverse("home")).content.decode()
    if "Geen trajectbegeleider" in page:  # the row of agreements and files without a counsellor
        shown += work["unassigned"]["reminders"]
    assert work["totals"]["reminders"] == shown, (
        f"the Team row says {work['totals']['reminders']} reminders due, the rows above it add up to {shown}")
