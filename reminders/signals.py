"""The reminders that close by themselves do so at once when their cause changes: a GPMI signed or
ended, an evaluation logged, an exemption accepted, a leefloon decision ended, renewed or corrected,
a TWE's workplace entered, a werk-zorgtraject extended or ended, a participation-ladder measurement
recorded, attendance marked at a group module, an enrolment left, a contact moment logged (the no-contact
reminder), a nazorg registered or a trajectory closed (its trajectory reminders), an agreement
renewed. On every save or delete of one of these, the client's reminders (an agreement: its employer's,
engine.resolve_agreement) are checked again (engine.resolve_client), in the writer's own transaction
(ATOMIC_REQUESTS, or the service's). A writer that sends no signals (a bulk update, raw SQL) is
caught by the engine's daily run, which checks every organisation the same way.

Connected here, above the apps it listens to: clients, employers, gpmi, leefloon, trajectories,
groupmodules and ladder know nothing of reminders."""

import contextlib

from django.core.exceptions import ObjectDoesNotExist
from django.db.models.signals import post_delete, post_save

from clients.models import ContactMoment
from employers.models import Agreement
from gpmi.models import Exemption, Gpmi, GpmiEvaluation
from groupmodules.models import Attendance, Enrolment
from ladder.models import LadderMeasurement
from leefloon.models import LeefloonDecision
from trajectories.models import Placement, Trajectory

from . import engine

CAUSES = (Gpmi, GpmiEvaluation, Exemption, LeefloonDecision, Placement, Trajectory, LadderMeasurement, Enrolment,
          Attendance, ContactMoment, Agreement)


def _client_of(instance):
    try:
        if isinstance(instance, Placement):
            return instance.trajectory.client
        if isinstance(instance, Attendance):
            return instance.enrolment.client
        return instance.gpmi.client if isinstance(instance, GpmiEvaluation) else instance.client
    except ObjectDoesNotExist:  # deleted along with the client: its reminders go with it
        return None


def cause_changed(sender, instance, raw=False, **kwargs):
    if raw:  # loading a fixture
        return
    if isinstance(instance, Agreement):  # the head's reminder: no client
        with contextlib.suppress(ObjectDoesNotExist):  # deleted along with the employer
            engine.resolve_agreement(instance)
        return
    client = _client_of(instance)
    if client is not None:
        engine.resolve_client(client)


def connect():
    for model in CAUSES:
        post_save.connect(cause_changed, sender=model, dispatch_uid=f"reminders-saved-{model.__name__}")
        post_delete.connect(cause_changed, sender=model, dispatch_uid=f"reminders-deleted-{model.__name__}")
