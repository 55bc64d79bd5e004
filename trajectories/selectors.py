"""Reads that tell a client's story through their trajectories."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Trajectory, TrajectoryEvent
from .rules import RUNNING, TrajectoryType, event_title


@dataclass
class TimelineEntry:
    date: datetime.date
    kind: str
    title: str
    author: object = None
    body: str = ""
    minutes: int | None = None
    trajectory: object = None
    recorded: datetime.datetime | None = None


def timeline(client):
    """The case file as one story, newest first: contact moments, trajectory steps and the
    opening of the file."""
    entries = [
        TimelineEntry(date=moment.date, kind=moment.kind, title=moment.get_kind_display(),
                      author=moment.author, body=moment.note, minutes=moment.duration_minutes,
                      recorded=moment.created_at)
        for moment in client.contact_moments.select_related("author")
    ]
    entries += [
        TimelineEntry(date=event.date, kind="traject", title=event_title(event), author=event.by, body=event.note,
                      trajectory=event.trajectory, recorded=event.created_at)
        for event in TrajectoryEvent.objects.of_client(client).select_related("trajectory", "by")
    ]
    opened = timezone.localdate(client.created_at)
    entries.append(TimelineEntry(date=opened, kind="dossier", title=str(_("Case file opened")),
                                 recorded=client.created_at))
    return sorted(entries, key=lambda entry: (entry.date, entry.recorded), reverse=True)


def twe_without_vdab_consent(client, trajectory=None):
    """A running TWE of the client (or `trajectory`, when it is one) while no consent for VDAB's
    partner portal is in force: the TWE cannot be registered there yet (DOMAIN.md, VDAB)."""
    if trajectory is not None:
        running_twe = trajectory.type == TrajectoryType.TWE and trajectory.status in RUNNING
    else:
        running_twe = Trajectory.objects.of_client(client).filter(type=TrajectoryType.TWE, status__in=RUNNING).exists()
    return running_twe and not client.vdab_consents.filter(withdrawn_on__isnull=True).exists()
