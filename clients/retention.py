"""Retention (GDPR storage limitation): a closed case file is anonymised once the organisation's
retention period (default 10 years) has passed since its last trajectory ended or its last contact
moment (or, with neither, since the file was made). Editing a closed file does not restart it.

Names, numbers, street address and postcode, free text, barriers, care partners, goals, reminders,
documents (their files too) and the change history go; what the figures count stays: the
organisation, the municipality, the trajectories with their type, dates, steps, outcome and employer.
So every yearly report, made before or after, shows the same numbers. An anonymised file is read-only.

All set-based: a fixed number of queries whatever the number of files."""

import datetime

from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.db import transaction
from django.db.models import CharField, F, Max, Q, Value
from django.db.models.functions import Cast, Concat, Greatest, LPad
from django.utils import timezone
from django.utils.translation import gettext as _

from documents.models import Document
from documents.services import documents_forget
from organisations.models import Organisation
from reminders.models import Reminder
from trajectories.models import Evaluation, Goal, HoursStep, Placement, Trajectory, TrajectoryEvent

from .models import Barrier, Client, ContactMoment

NEVER = datetime.date(1900, 1, 1)


def due(today, organisations=None):
    """Closed, not yet anonymised files whose retention period has passed on `today`."""
    organisations = list(organisations if organisations is not None else Organisation.objects.all())
    if not organisations:
        return Client.objects.none()
    by_period = {}
    for organisation in organisations:
        by_period.setdefault(organisation.retention_years, []).append(organisation.pk)
    expired = Q()
    for years, members in by_period.items():
        limit = today - relativedelta(years=years)
        expired |= Q(organisation__in=members) & (Q(last_activity__gt=NEVER, last_activity__lte=limit) | Q(
            last_activity=NEVER, created_at__date__lte=limit))
    return (Client.objects.filter(status=Client.Status.CLOSED, anonymised_at__isnull=True)
            .annotate(last_activity=Greatest(Max("trajectories__end_date", default=NEVER),
                                             Max("contact_moments__date", default=NEVER)))
            .filter(expired))


@transaction.atomic
def anonymise(client_ids):
    """Remove the personal data of these files, keeping what the figures count."""
    clients = Client.objects.filter(pk__in=client_ids)
    trajectories = Trajectory.objects.filter(client__in=client_ids)
    documents_forget(Document.objects.filter(client__in=client_ids))  # the files with the rows
    # Plain DELETEs: the history library would otherwise record each removed row (one query per row),
    # only for _forget_history to remove that record again. Nothing refers to these rows.
    for rows in (Barrier.objects.filter(client__in=client_ids), Reminder.objects.filter(client__in=client_ids),
                 Evaluation.objects.filter(trajectory__in=trajectories),
                 Goal.objects.filter(trajectory__in=trajectories)):
        rows._raw_delete(rows.db)
    ContactMoment.objects.filter(client__in=client_ids).update(note="")
    TrajectoryEvent.objects.filter(trajectory__in=trajectories).update(note="")
    Placement.objects.filter(trajectory__in=trajectories).update(mentor="")
    # The version moves on: an edit form opened before cannot write the old data back (optimistic locking).
    trajectories.update(description="", care_partner="", care_partner_name="", care_moments="",
                        version=F("version") + 1)
    trajectories.exclude(stop_reason="").update(stop_reason=_("(anonymised)"))  # a stop keeps saying it had one
    Client.competences.through.objects.filter(client__in=client_ids).delete()
    Client.interests.through.objects.filter(client__in=client_ids).delete()
    count = clients.update(
        national_number=Concat(Value("X"), LPad(Cast("pk", CharField()), 10, Value("0"))),
        first_name=_("Anonymised"), last_name=Concat(Value("#"), Cast("pk", CharField())),
        birth_date=None, street_address="", postcode="", phone="", email="", competences_note="",
        interests_note="", goals="", languages="", childcare_needs="", work_history="",
        anonymised_at=timezone.now(), version=F("version") + 1)
    _forget_history(client_ids, trajectories)  # last: deleting barriers and goals also wrote history
    return count


def _forget_history(client_ids, trajectories):
    """The change history holds every earlier value: it goes with the data (the history of the
    competences and interests first: its rows are not tied to the client's by a constraint)."""
    for field in ("competences", "interests"):
        apps.get_model("clients", f"HistoricalClient_{field}").objects.filter(client__in=client_ids).delete()
    Client.history.filter(id__in=client_ids).delete()
    Document.history.filter(client_id__in=client_ids).delete()  # also of documents removed earlier
    Barrier.history.filter(client_id__in=client_ids).delete()
    ContactMoment.history.filter(client_id__in=client_ids).delete()
    trajectory_ids = list(trajectories.values_list("pk", flat=True))
    Trajectory.history.filter(id__in=trajectory_ids).delete()
    for model in (Placement, HoursStep, Goal, Evaluation):
        model.history.filter(trajectory_id__in=trajectory_ids).delete()


def run(today=None, organisations=None):
    """Anonymise every file that is due; returns {organisation: number anonymised}."""
    today = today or timezone.localdate()
    rows = list(due(today, organisations).values_list("pk", "organisation__name"))
    anonymise([pk for pk, _name in rows])
    counts = {}
    for _pk, name in rows:
        counts[name] = counts.get(name, 0) + 1
    return counts
