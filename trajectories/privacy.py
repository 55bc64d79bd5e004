"""The trajectories of a case file (common.personal_data): steps, workplaces, goals, evaluations,
the hours schedule and a werk-zorg trajectory's care details.

Export: every trajectory with all of that. Erase: free text (description, notes of steps, a
workplace's mentor), the care partner and care moments (special-category data), goals and
evaluations go; a stopped trajectory keeps saying it had a reason. The type, status, dates, steps,
outcome, employer, hours and schedule stay: the yearly figures count them. The change history goes."""

from django.db.models import F
from django.utils.translation import gettext as _

from common.personal_data import day

from .models import Evaluation, Goal, HoursStep, Placement, Trajectory, TrajectoryEvent

order = 20


def export(client):
    trajectories = client.trajectories.prefetch_related(
        "events__by", "placements__employer", "goals", "evaluations__author", "hours_steps").order_by("start_date")
    return {"trajecten": [_trajectory(t) for t in trajectories]}


def _trajectory(trajectory):
    return {
        "type": trajectory.get_type_display(), "status": trajectory.get_status_display(),
        "start": day(trajectory.start_date), "gepland_einde": day(trajectory.planned_end_date),
        "einde": day(trajectory.end_date), "uitstroom": trajectory.get_outcome_display(),
        "reden_stopzetting": trajectory.stop_reason, "beschrijving": trajectory.description,
        "leefloon_na_traject": trajectory.get_leefloon_after_display(),
        "weo_ondertekend": day(trajectory.weo_signed_on), "opleiding_in_twe": trajectory.training_name,
        "casemanager_werk": " ".join(filter(None, [trajectory.get_work_casemanager_display(),
                                                  trajectory.work_casemanager_name])),
        "casemanager_zorg": str(trajectory.care_organisation or ""),
        "zorgmomenten": trajectory.care_moments,
        "stappen": [{"datum": day(e.date), "van": e.get_from_status_display(), "naar": e.get_to_status_display(),
                     "door": str(e.by or _("import")), "notitie": e.note} for e in trajectory.events.all()],
        "werkplekken": [{"werkgever": p.employer.name, "functie": p.function, "uren_per_week": p.hours_per_week,
                         "start": day(p.start_date), "einde": day(p.end_date), "mentor": p.mentor,
                         "plaatsingsovereenkomst": day(p.agreement_signed_on)}
                        for p in trajectory.placements.all()],
        "doelen": [{"doel": g.description, "streefdatum": day(g.target_date), "stand": g.get_state_display()}
                   for g in trajectory.goals.all()],
        "evaluaties": [{"datum": day(e.date), "door": str(e.author), "notitie": e.note}
                       for e in trajectory.evaluations.all()],
        "urenschema": [{"vanaf": day(s.from_date), "uren_per_week": s.hours_per_week}
                       for s in trajectory.hours_steps.all()],
    }


def erase(client_ids):
    trajectories = Trajectory.objects.filter(client__in=client_ids)
    # Plain DELETEs: the history library would otherwise record each removed row (one query per
    # row), only for forget_history to remove that record again. Nothing refers to these rows.
    for rows in (Evaluation.objects.filter(trajectory__in=trajectories),
                 Goal.objects.filter(trajectory__in=trajectories)):
        rows._raw_delete(rows.db)
    TrajectoryEvent.objects.filter(trajectory__in=trajectories).update(note="")
    Placement.objects.filter(trajectory__in=trajectories).update(mentor="")
    # The version moves on: an edit form opened before cannot write the old data back (optimistic locking).
    trajectories.update(description="", care_organisation=None, work_casemanager_name="", care_moments="",
                        version=F("version") + 1)
    trajectories.exclude(stop_reason="").update(stop_reason=_("(anonymised)"))  # a stop keeps saying it had one


def forget_history(client_ids):
    trajectory_ids = list(Trajectory.objects.filter(client__in=client_ids).values_list("pk", flat=True))
    Trajectory.history.filter(id__in=trajectory_ids).delete()
    for model in (Placement, HoursStep, Goal, Evaluation):
        model.history.filter(trajectory_id__in=trajectory_ids).delete()
