from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clients.models import Client
from trajectories import services as trajectory_services
from trajectories.rules import TrajectoryType

from . import ranking


@transaction.atomic
def placement_propose(*, client, workplace, by, start_date):
    """From a match to a proposal in one step: a TWE registered (aangemeld) for the client, with
    its placement at this workplace; the counsellor starts it when the client begins. The match
    is checked again here, so a stale page, a double click or a crafted request changes nothing."""
    Client.objects.of_client(client).select_for_update().first()  # one proposal at a time per client
    profiles = ranking.client_profiles(client.organisation, only=[client.pk])
    if not profiles:
        raise ValidationError(_("This case file is closed."))
    place = ranking.workplace_profile(workplace)
    blocker = ranking.proposal_blocker(place) or ranking.match(profiles[0], place).excluded
    if blocker:
        raise ValidationError(_("No placement can be proposed: %(reason)s.") % {"reason": blocker})
    return trajectory_services.trajectory_register(
        client=client, by=by, type=TrajectoryType.TWE, start_date=start_date,
        placement={"employer": workplace.employer, "workplace": workplace, "function": workplace.function,
                   "hours_per_week": workplace.hours_per_week},
        description=workplace.description)
