"""The home page's answer to "what do I do now?": for a counsellor, the reminders due today or
overdue, trajectories ending within 30 days, clients without contact for too long and files
recently assigned to them; for the head, the same counted per counsellor, with the team's totals.
Each list or count takes one query, whatever the size of the caseload."""

import datetime

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery

from clients.models import Assignment, Client, ContactMoment
from organisations.models import AccountChangeRequest, User
from reminders.engine import settings_for
from reminders.models import Reminder, Rule
from trajectories.models import Trajectory
from trajectories.rules import RUNNING
from web.lists import first_rows

ENDING_WITHIN_DAYS = 30


def silence_days(organisation):
    """How long without contact is too long: the organisation's setting of the no-contact reminder."""
    return settings_for(organisation)[Rule.NO_CONTACT].days


def _due_reminders(reminders, today):
    return reminders.open_on(today).filter(due_date__lte=today)


def _ending(trajectories, today):
    return trajectories.filter(status__in=RUNNING, planned_end_date__range=(
        today, today + datetime.timedelta(days=ENDING_WITHIN_DAYS)))


def _silent(clients, today, days):
    """Open files without a contact moment in the last `days` days that are older than that (a
    file without contact counts from its creation). Two index lookups per file, no sort."""
    since = today - datetime.timedelta(days=days)
    contacts = ContactMoment.objects.filter(client=OuterRef("pk"))
    # One item per cause: a client with a no-contact reminder not yet handled (open, or snoozed) is
    # followed up through that reminder (in the reminders due today, with done and snooze, and in the
    # digest), so not listed again here; this list holds the silent files the rule does not cover (no
    # running trajectory). A contact moment logged closes the reminder (reminders.engine) and ends both.
    reminded = Reminder.objects.filter(client=OuterRef("pk"), rule=Rule.NO_CONTACT,
                                       status__in=[Reminder.Status.OPEN, Reminder.Status.SNOOZED])
    return (clients.exclude(status=Client.Status.CLOSED)
            .filter(~Exists(contacts.filter(date__gte=since)))
            .filter(Exists(contacts) | Q(created_at__date__lt=since))
            .exclude(Exists(reminded)))


def _longest_silent_first(clients):
    last = ContactMoment.objects.filter(client=OuterRef("pk")).order_by("-date").values("date")[:1]
    return clients.annotate(last_contact=Subquery(last)).order_by(
        F("last_contact").asc(nulls_first=True), "created_at", "pk")


def for_counsellor(user, today):
    organisation = user.organisation
    mine = Client.objects.visible_to(user).filter(counsellor=user)
    days = silence_days(organisation)
    return {
        "reminders": first_rows(Reminder.objects.visible_to(user).filter(due_date__lte=today).open_on(today)
                              .select_related("client", "trajectory", "agreement__employer")),
        "ending": first_rows(_ending(Trajectory.objects.visible_to(user).filter(client__in=mine), today)
                           .select_related("client")
                           .order_by("planned_end_date", "pk")),
        "silent": first_rows(_longest_silent_first(_silent(mine, today, days))),
        "assigned": first_rows(Assignment.objects.visible_to(user).filter(counsellor=user, seen_at__isnull=True,
                                                                          client__in=mine)
                             .select_related("client", "previous", "by").order_by("-at", "-pk")),
        "silence_days": days,
        "ending_days": ENDING_WITHIN_DAYS,
    }


def for_head(user, today):
    """Per counsellor of the organisation: open files, reminders due, trajectories ending, clients
    without contact, files not yet opened since they were assigned; the team's totals; and the
    reminders that are the head's own (agreements, files without an active counsellor)."""
    organisation = user.organisation
    clients = Client.objects.visible_to(user)
    trajectories = Trajectory.objects.visible_to(user)
    days = silence_days(organisation)

    def per_counsellor(queryset, path):
        return dict(queryset.order_by().values(path).annotate(n=Count("pk")).values_list(path, "n"))

    columns = {
        "open_files": per_counsellor(clients.exclude(status=Client.Status.CLOSED), "counsellor"),
        # The team's reminders, not only the head's own (Reminder.visible_to).
        "reminders": per_counsellor(_due_reminders(Reminder.objects.of_organisation(organisation), today),
                                    "client__counsellor"),
        "ending": per_counsellor(_ending(trajectories, today), "client__counsellor"),
        "silent": per_counsellor(_silent(clients, today, days), "counsellor"),
        "assigned": per_counsellor(Assignment.objects.visible_to(user).filter(seen_at__isnull=True,
                                                                             counsellor__isnull=False), "counsellor"),
    }
    counsellors = User.objects.colleagues_of(user).counsellors().filter(
        Q(is_active=True) | Q(pk__in=[pk for pk in columns["open_files"] if pk]))
    rows = [{"counsellor": counsellor, **{name: values.get(counsellor.pk, 0) for name, values in columns.items()}}
            for counsellor in counsellors.order_by("first_name", "last_name")]
    return {
        "team": rows,
        "totals": {name: sum(values.values()) for name, values in columns.items()},
        # Agreements and files without a counsellor: a row of their own whenever it holds anything,
        # so the totals are the sum of the rows shown.
        "unassigned": {name: values.get(None, 0) for name, values in columns.items()},
        "own_reminders": first_rows(Reminder.objects.visible_to(user).filter(due_date__lte=today).open_on(today)
                                  .select_related("client", "trajectory", "agreement__employer")),
        "running": trajectories.running().count(),
        "silence_days": days,
        "ending_days": ENDING_WITHIN_DAYS,
        # What the beheerder asked and she may decide (organisations.accounts).
        "account_requests": AccountChangeRequest.objects.visible_to(user).filter(
            status=AccountChangeRequest.Status.PENDING).exclude(user=user).count(),
    }

