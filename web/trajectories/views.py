from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.models import AccessLog, log_access
from audit.sensitive import may_read_sensitive, read_sensitive
from clients import selectors as client_selectors
from common.params import query_int
from documents.models import Document
from documents.selectors import documents_section
from organisations.permissions import case_file_access
from reminders import engine as reminder_engine
from trajectories import selectors as trajectory_selectors
from trajectories import services
from trajectories.models import Evaluation, Goal, HoursStep, Placement, Trajectory
from trajectories.rules import TRANSITIONS, TrajectoryType, allowed_transitions
from web.editing import save_unless_changed_meanwhile
from web.forms import add_service_errors

from .forms import (
    EvaluationForm,
    GoalForm,
    HoursStepForm,
    PlacementForm,
    TrajectoryEditForm,
    TrajectoryForm,
    TransitionForm,
)
from .twe import twe_overview


def _trajectory(client, pk):
    """A trajectory of a client the user may read (the client lookup does the scoping)."""
    queryset = client.trajectories.select_related("follows", "created_by").prefetch_related(
        "placements__employer", "followed_by")
    return get_object_or_404(queryset, pk=pk)


@case_file_access
def trajectory_create(request, client_pk):
    client = client_selectors.editable_client_for(request.user, client_pk)
    initial = {"start_date": timezone.localdate()}
    twe_pk = query_int(request, "volgt")
    if twe_pk is not None:
        initial = services.nazorg_initial(_trajectory(client, twe_pk))
    elif request.GET.get("type") in TrajectoryType.values:
        initial["type"] = request.GET["type"]
    form = TrajectoryForm(request.POST or None, initial=initial, client=client,
                          instance=Trajectory(client=client, created_by=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            trajectory = services.trajectory_register(
                client=client, by=request.user, placement=form.placement(),
                start=form.cleaned_data["start_now"], **form.trajectory_fields())
        except ValidationError as error:
            add_service_errors(form, error, aliases={"date": "start_date"})
        else:
            messages.success(request, _("%(trajectory)s registered.") % {"trajectory": trajectory})
            return redirect("trajectories:detail", client_pk=client.pk, pk=trajectory.pk)
    return render(request, "trajectories/trajectory_form.html", {"client": client, "form": form},
                  status=422 if form.errors else 200)


@case_file_access
def trajectory_detail(request, client_pk, pk):
    client = client_selectors.client_for(request.user, client_pk)
    trajectory = _trajectory(client, pk)
    log_access(request.user, client, AccessLog.Action.OPENED, detail=str(trajectory))
    return _render_detail(request, client, trajectory)


CARE_FIELDS = ("care_organisation", "care_moments")


def _lacks_workplace(client, trajectory):
    """Whether the reminder rule "a running TWE without a workplace" finds this TWE today (one query)."""
    if trajectory.type != TrajectoryType.TWE or not trajectory.is_running:
        return False
    causes = reminder_engine.twe_no_workplace_causes(client.organisation, timezone.localdate(), client=client)
    return any(due.trajectory_id == trajectory.pk for due in causes)


def _render_detail(request, client, trajectory, forms=None, status=200):
    can_edit = request.user.can_edit_client(client)
    # Work-care details (a psychiatric hospital, moments with a psychologist) are special-category
    # data like medical barriers: for the assigned counsellor and the head only, and each read logged,
    # also when the page comes back with a refused form; a colleague sees that they exist.
    # A medical or psychological document's description and file name too: one read, one log entry.
    shows_care = trajectory.type == TrajectoryType.WERK_ZORG and may_read_sensitive(request.user, client)
    documents = documents_section(request.user, client, can_edit=can_edit, trajectory=trajectory)
    read = "; ".join(filter(None, [str(trajectory) if shows_care else "", documents["sensitive_read"]]))
    if read:
        read_sensitive(request.user, client, detail=read)
    forms = forms or {}
    placements = trajectory.placements.all()
    _link_agreement_documents(trajectory, placements, documents["documents"])
    context = {
        **documents,
        "twe": twe_overview(trajectory, lacks_workplace=_lacks_workplace(client, trajectory)),
        "client": client,
        "trajectory": trajectory,
        "can_edit": can_edit,
        "transitions": allowed_transitions(trajectory.status) if can_edit else [],
        "events": trajectory.events.select_related("by"),
        "placements": placements,
        "goals": trajectory.goals.all(),
        "evaluations": trajectory.evaluations.select_related("author"),
        "hours_steps": trajectory.hours_steps.all(),
        "offers_nazorg": can_edit and services.nazorg_offered(trajectory),
        "shows_care": shows_care,
        "without_vdab_consent": trajectory_selectors.twe_without_vdab_consent(client, trajectory),
        # Lifecycle fields are told by the events; the changes list the rest.
        "changes": [(record, fields) for record, fields in client_selectors.change_history(
            trajectory, hidden=("status", "outcome", "stop_reason", "start_date", "end_date",
                                *(() if shows_care else CARE_FIELDS))) if fields],
        "placement_form": forms.get("placement") or PlacementForm(instance=Placement(trajectory=trajectory)),
        "goal_form": forms.get("goal") or GoalForm(),
        "evaluation_form": forms.get("evaluation") or EvaluationForm(),
        "hours_form": forms.get("hours") or HoursStepForm(),
    }
    return render(request, "trajectories/trajectory_detail.html", context, status=status)


def _link_agreement_documents(trajectory, placements, shown_documents):
    """Give each of a TWE's placements at a partner `agreement_document`: the ShownDocument of its
    placement agreement, when one was added to the trajectory: the one dated on the day the
    agreement was signed, or, with one placement at a partner, the latest one."""
    if trajectory.type != TrajectoryType.TWE:
        return
    agreements = [shown for shown in shown_documents
                  if shown.document.kind == Document.Kind.PLACEMENT_AGREEMENT and not shown.confidential]
    at_partner = [placement for placement in placements if placement.at_partner]
    for placement in at_partner:
        same_day = [shown for shown in agreements if shown.document.date == placement.agreement_signed_on]
        only = agreements[:1] if len(at_partner) == 1 else []
        placement.agreement_document = (same_day or only or [None])[0]


@case_file_access
def trajectory_edit(request, client_pk, pk):
    client = client_selectors.editable_client_for(request.user, client_pk)
    trajectory = _trajectory(client, pk)
    form = TrajectoryEditForm(request.POST or None, instance=trajectory)
    if request.method == "POST" and form.is_valid():
        fields = {name: value for name, value in form.cleaned_data.items() if name != "version"}
        if save_unless_changed_meanwhile(form, lambda: services.trajectory_update(trajectory=trajectory, **fields)):
            messages.success(request, _("Saved."))
            return redirect("trajectories:detail", client_pk=client.pk, pk=trajectory.pk)
    if trajectory.type == TrajectoryType.WERK_ZORG:  # the form shows the care details (_render_detail)
        read_sensitive(request.user, client, detail=str(trajectory))
    return _edit_page(request, form, client, trajectory, _("Edit %(trajectory)s") % {"trajectory": trajectory})


@case_file_access
def trajectory_transition(request, client_pk, pk, action):
    client = client_selectors.editable_client_for(request.user, client_pk)
    trajectory = _trajectory(client, pk)
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise Http404
    if trajectory.status not in transition.sources:
        messages.error(request, _("A %(status)s trajectory cannot do this.") % {
            "status": trajectory.get_status_display()})
        return redirect("trajectories:detail", client_pk=client.pk, pk=trajectory.pk)
    form = TransitionForm(request.POST or None, transition=transition)
    if request.method == "POST" and form.is_valid():
        try:
            services.trajectory_transition(trajectory=trajectory, action=action, by=request.user,
                                           **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error, aliases={"end_date": "date", "start_date": "date"})
        else:
            messages.success(request, _("%(trajectory)s: %(step)s recorded.") % {
                "trajectory": capfirst(trajectory.get_type_display()), "step": str(transition.label).lower()})
            return redirect("trajectories:detail", client_pk=client.pk, pk=trajectory.pk)
    return render(request, "trajectories/transition_form.html", {
        "client": client, "trajectory": trajectory, "transition": transition, "form": form,
    }, status=422 if form.errors else 200)


def _add_part(request, client_pk, pk, form_name, build_form, save):
    """POST of one of the trajectory page's small forms: saved through a service, or the page
    again with the form's errors."""
    client = client_selectors.editable_client_for(request.user, client_pk)
    trajectory = _trajectory(client, pk)
    form = build_form(trajectory)
    if form.is_valid():
        try:
            save(trajectory, form)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("trajectories:detail", client_pk=client.pk, pk=trajectory.pk)
    return _render_detail(request, client, trajectory, forms={form_name: form}, status=422)


@require_POST
@case_file_access
def placement_create(request, client_pk, pk):
    return _add_part(
        request, client_pk, pk, "placement",
        lambda t: PlacementForm(request.POST, instance=Placement(trajectory=t)),
        lambda t, form: services.placement_add(trajectory=t, **form.cleaned_data))


@require_POST
@case_file_access
def hours_step_create(request, client_pk, pk):
    return _add_part(
        request, client_pk, pk, "hours",
        lambda t: HoursStepForm(request.POST, instance=HoursStep(trajectory=t)),
        lambda t, form: services.hours_step_add(trajectory=t, **form.cleaned_data))


@require_POST
@case_file_access
def goal_create(request, client_pk, pk):
    return _add_part(
        request, client_pk, pk, "goal",
        lambda t: GoalForm(request.POST, instance=Goal(trajectory=t)),
        lambda t, form: services.goal_add(trajectory=t, **form.cleaned_data))


@require_POST
@case_file_access
def evaluation_create(request, client_pk, pk):
    return _add_part(
        request, client_pk, pk, "evaluation",
        lambda t: EvaluationForm(request.POST, instance=Evaluation(trajectory=t, author=request.user)),
        lambda t, form: services.evaluation_add(trajectory=t, author=request.user, **form.cleaned_data))


@case_file_access
def placement_edit(request, client_pk, pk, placement_pk):
    """Correct a workplace or end it."""
    client = client_selectors.editable_client_for(request.user, client_pk)
    trajectory = _trajectory(client, pk)
    placement = get_object_or_404(trajectory.placements, pk=placement_pk)
    form = PlacementForm(request.POST or None, instance=placement)
    if request.method == "POST" and form.is_valid():
        services.placement_update(placement=placement, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("trajectories:detail", client_pk=client.pk, pk=trajectory.pk)
    return _edit_page(request, form, client, trajectory, _("Edit workplace"),
                      intro=_("To end the workplace, fill in its last day."))


def _edit_page(request, form, client, trajectory, title, intro=""):
    back = reverse("trajectories:detail", args=[client.pk, trajectory.pk])
    return render(request, "form_page.html", {
        "form": form, "title": title, "intro": intro, "back": back,
        "back_label": f"{trajectory} · {client.full_name}"}, status=422 if form.errors else 200)


@require_POST
@case_file_access
def hours_step_remove(request, client_pk, pk, step_pk):
    client = client_selectors.editable_client_for(request.user, client_pk)
    trajectory = _trajectory(client, pk)
    step = get_object_or_404(trajectory.hours_steps, pk=step_pk)
    try:
        services.hours_step_remove(step=step)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("trajectories:detail", client_pk=client.pk, pk=trajectory.pk)


@require_POST
@case_file_access
def goal_update(request, client_pk, pk, goal_pk):
    client = client_selectors.editable_client_for(request.user, client_pk)
    goal = get_object_or_404(_trajectory(client, pk).goals, pk=goal_pk)
    if request.POST.get("state") not in Goal.State.values:
        messages.error(request, _("Choose open, reached or not reached."))
    else:
        services.goal_set_state(goal=goal, state=request.POST["state"])
    return redirect("trajectories:detail", client_pk=client.pk, pk=pk)
