from django import template
from django.utils.text import capfirst

from trajectories.rules import Outcome, Status, TrajectoryType

register = template.Library()


@register.filter
def trajectory_type(code):
    return capfirst(TrajectoryType(code).label) if code in TrajectoryType.values else ""


@register.filter
def trajectory_status(code):
    return capfirst(Status(code).label) if code in Status.values else ""


@register.filter
def outcome(code):
    return Outcome(code).label if code in Outcome.values else ""
