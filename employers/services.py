from django.db import transaction

from trajectories import services as trajectory_services
from trajectories.rules import TrajectoryType


@transaction.atomic
def placement_propose(*, client, workplace, by, start_date):
    """From a match to a proposal in one step: a TWE registered (aangemeld) for the client, with
    its placement at this workplace; the counsellor starts it when the client begins."""
    return trajectory_services.trajectory_register(
        client=client, by=by, type=TrajectoryType.TWE, start_date=start_date,
        placement={"employer": workplace.employer, "workplace": workplace, "function": workplace.function,
                   "hours_per_week": workplace.hours_per_week},
        description=workplace.description)
