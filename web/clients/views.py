from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from audit.models import AccessLog, log_access
from audit.sensitive import may_read_sensitive, read_sensitive
from caseload import selectors as caseload_selectors
from clients import selectors, services
from clients.models import Barrier, Client, ContactMoment
from common.params import ascii_int, query_int
from documents.selectors import documents_section
from gpmi import selectors as gpmi_selectors
from groupmodules import selectors as groupmodule_selectors
from ladder.selectors import client_ladder
from organisations.models import User
from organisations.permissions import case_file_access, head_required
from trajectories import selectors as trajectory_selectors
from trajectories.rules import Status as TrajectoryStatus
from trajectories.rules import TrajectoryType
from web.editing import save_unless_changed_meanwhile
from web.forms import add_service_errors

from .forms import BarrierForm, ClientForm, ContactMomentForm, HandoverForm

PAGE_SIZE = 25


@case_file_access
def client_list(request):
    user = request.user
    default_counsellor = "mij" if user.is_counsellor else "alle"
    counsellor_param = request.GET.get("begeleider", default_counsellor)
    counsellor_pk = query_int(request, "begeleider")
    if counsellor_pk is not None:
        counsellor = get_object_or_404(User.objects.colleagues_of(user), pk=counsellor_pk)
    else:
        if counsellor_param not in ("mij", "alle"):
            counsellor_param = default_counsellor  # not a number we read (e.g. "²"): as without it
        counsellor = user if counsellor_param == "mij" else None
    search = request.GET.get("q", "")
    status = request.GET.get("status", "")
    sort = request.GET.get("sortering", "naam")
    trajectory_type = request.GET.get("traject", "")
    trajectory_status = request.GET.get("trajectstatus", "")
    clients = caseload_selectors.caseload(user, search=search, counsellor=counsellor, status=status, sort=sort,
                                 trajectory_type=trajectory_type, trajectory_status=trajectory_status)
    page = Paginator(clients, PAGE_SIZE).get_page(request.GET.get("pagina"))
    context = {
        "page": page,
        "search": search,
        "status": status,
        "sort": sort,
        "counsellor_param": counsellor_param,
        "counsellors": User.objects.colleagues_of(user).counsellors().filter(is_active=True),
        "statuses": Client.Status.choices,
        "trajectory_type": trajectory_type,
        "trajectory_status": trajectory_status,
        "trajectory_types": TrajectoryType.choices,
        "trajectory_statuses": TrajectoryStatus.choices,
        "sorts": caseload_selectors.SORT_LABELS.items(),
        "own_caseload": counsellor == user,
        "chosen_counsellor": counsellor if counsellor not in (None, user) else None,
    }
    partial = request.htmx and not request.htmx.history_restore_request
    # The filters folded away on a phone, counted on their button ("Filters (2)"); the search stays in sight.
    context["active_filters"] = active_filter_count(
        counsellor_chosen=counsellor_param != default_counsellor, status=status, trajectory_type=trajectory_type,
        trajectory_status=trajectory_status)
    context["partial"] = partial
    template = "clients/_client_table.html" if partial else "clients/client_list.html"
    return render(request, template, context)


def active_filter_count(*, counsellor_chosen, status, trajectory_type, trajectory_status):
    """How many of the caseload's filters are set to something else than the plain list: a counsellor other
    than the default (your own clients, or all of them for the head), a client status, a trajectory type, a
    trajectory status. The search and the sort order are not counted: they stay in sight or narrow nothing."""
    return sum(1 for used in (counsellor_chosen, status, trajectory_type, trajectory_status) if used)


@case_file_access
def client_create(request):
    form = ClientForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        client = services.client_save(form, by=request.user)
        messages.success(request, _("Case file of %(name)s created.") % {"name": client.full_name})
        return redirect("clients:detail", pk=client.pk)
    return render(request, "clients/client_form.html", {"form": form})


@case_file_access
def client_edit(request, pk):
    client = selectors.editable_client_for(request.user, pk)
    if request.method == "GET":
        log_access(request.user, client, AccessLog.Action.OPENED, detail=_("edit form"))
    form = ClientForm(request.POST or None, instance=client, user=request.user)
    saved = request.method == "POST" and form.is_valid() and save_unless_changed_meanwhile(
        form, lambda: services.client_save(form, by=request.user))
    if saved:
        messages.success(request, _("Case file saved."))
        return redirect("clients:detail", pk=client.pk)
    return render(request, "clients/client_form.html", {"form": form, "client": client},
                  status=409 if form.non_field_errors() else 200)


@case_file_access
def client_detail(request, pk):
    client = selectors.client_for(request.user, pk)
    log_access(request.user, client, AccessLog.Action.OPENED)
    assignment = client.assignments.select_related("by", "previous").first()
    if assignment and assignment.seen_at is None and assignment.counsellor_id == request.user.pk:
        services.assignment_seen(client, request.user)
    can_edit = request.user.can_edit_client(client)
    documents = documents_section(request.user, client, can_edit=can_edit)
    if documents["sensitive_read"]:  # a medical or psychological document's description and file name
        read_sensitive(request.user, client, detail=documents["sensitive_read"])
    return render(request, "clients/client_detail.html", {
        **documents,
        "client": client,
        "can_edit": can_edit,
        "can_read_sensitive": may_read_sensitive(request.user, client),
        "legal": gpmi_selectors.case_file_gpmi(client, timezone.localdate(), full=False),
        "assignment": assignment,
        "competences": client.competences.all(),
        "interests": client.interests.all(),
        "barriers": client.barriers.all(),
        "trajectories": client.trajectories.prefetch_related("placements__employer"),
        "timeline": trajectory_selectors.timeline(client),
        "ladder": client_ladder(client),
        "module_enrolments": groupmodule_selectors.client_modules(client),
        "contact_form": ContactMomentForm(),
        "barrier_form": BarrierForm(),
    })


@require_POST
@case_file_access
def contact_create(request, pk):
    client = selectors.editable_client_for(request.user, pk)
    form = ContactMomentForm(request.POST, instance=ContactMoment(client=client, author=request.user))
    saved = form.is_valid()
    if saved:
        form.save()
    if not request.htmx:
        if saved:
            messages.success(request, _("Contact moment logged."))
            return redirect("clients:detail", pk=client.pk)
        return render(request, "clients/contact_form_page.html", {
            "client": client, "contact_form": form, "timeline": trajectory_selectors.timeline(client)}, status=422)
    # htmx swaps 2xx answers only, so the form with its errors comes back as 200.
    return render(request, "clients/_timeline_with_form.html", {
        "client": client, "can_edit": True, "saved": saved,
        "contact_form": ContactMomentForm() if saved else form, "timeline": trajectory_selectors.timeline(client),
    })


@require_POST
@case_file_access
def barrier_create(request, pk):
    client = selectors.editable_client_for(request.user, pk)
    form = BarrierForm(request.POST, instance=Barrier(client=client))
    if form.is_valid():
        form.save()
        messages.success(request, _("Barrier added."))
        return redirect("clients:detail", pk=client.pk)
    return render(request, "clients/barrier_form_page.html", {"client": client, "barrier_form": form}, status=422)


@case_file_access
def barrier_edit(request, pk, barrier_pk):
    """Correct or remove a barrier. The form shows the description, so opening it for a medical
    or psychological barrier counts as reading it, and so does the form sent back with its errors."""
    client = selectors.editable_client_for(request.user, pk)
    barrier = get_object_or_404(client.barriers, pk=barrier_pk)
    if request.method == "POST" and "verwijderen" in request.POST:
        barrier.delete()
        messages.success(request, _("Barrier removed."))
        return redirect("clients:detail", pk=client.pk)
    stored_category = barrier.get_category_display() if barrier.is_sensitive else None  # the form changes it
    form = BarrierForm(request.POST or None, instance=barrier)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Barrier saved."))
        return redirect("clients:detail", pk=client.pk)
    if stored_category:
        read_sensitive(request.user, client, detail=stored_category)
    return render(request, "clients/barrier_form_page.html", {"client": client, "barrier_form": form,
                                                               "barrier": barrier},
                  status=422 if form.errors else 200)


@case_file_access
def barrier_details(request, pk, barrier_pk):
    """Shows a barrier's description; medical and psychological ones only to the assigned
    counsellor and the head, and every such read is logged."""
    client = selectors.client_for(request.user, pk)
    barrier = get_object_or_404(client.barriers, pk=barrier_pk)
    if barrier.is_sensitive:
        read_sensitive(request.user, client, detail=barrier.get_category_display())
    return render(request, "clients/_barrier_details.html", {"client": client, "barrier": barrier})


@case_file_access
def client_history(request, pk):
    client = selectors.client_for(request.user, pk)
    log_access(request.user, client, AccessLog.Action.HISTORY_READ)
    return render(request, "clients/client_history.html", {
        "client": client,
        "assignments": client.assignments.select_related("by", "previous", "counsellor"),
        # A handover note may say why (illness, a conflict): for who holds the file and the head.
        "can_edit": request.user.can_edit_client(client),
        "changes": selectors.change_history(client, selectors.client_related_names(client.organisation_id)),
    })


@head_required
def client_access_log(request, pk):
    """Who opened this case file, read its special-category details or exported it, and when:
    for the diensthoofd. The log itself cannot be changed (audit.models)."""
    client = selectors.client_for(request.user, pk)
    entries = client.access_logs.select_related("user")
    action = request.GET.get("actie", "")
    if action in AccessLog.Action.values:
        entries = entries.filter(action=action)
    page = Paginator(entries, 50).get_page(request.GET.get("pagina"))
    return render(request, "clients/client_access_log.html", {
        "client": client, "page": page, "actions": AccessLog.Action.choices, "action": action})


@head_required
def hand_over(request):
    """The head moves one file, a selection or a whole caseload to another counsellor (leave,
    departure), with a handover note. Reached from the caseload list or a case file."""
    user = request.user
    form = HandoverForm(request.POST or None, user=user, initial={
        "client": request.GET.getlist("client"), "van": request.GET.get("van")})
    if request.method == "POST" and form.is_valid():
        to = form.cleaned_data["to"]
        try:
            moved = services.clients_hand_over(clients=form.clients(), to=to, by=user, note=form.cleaned_data["note"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, ngettext("%(count)d case file handed over to %(counsellor)s.",
                                               "%(count)d case files handed over to %(counsellor)s.", len(moved))
                             % {"count": len(moved), "counsellor": to})
            return redirect(f"{reverse('clients:list')}?begeleider={to.pk}")
    moving = _handover_selection(user, request.POST if request.method == "POST" else request.GET)
    from_pk = ascii_int(form["van"].value())
    return render(request, "clients/hand_over.html", {
        "form": form, "moving": moving.select_related("counsellor")[:100] if moving is not None else [],
        "count": moving.count() if moving is not None else 0,
        "from_counsellor": from_pk is not None and User.objects.colleagues_of(user).filter(pk=from_pk).first(),
    }, status=422 if request.method == "POST" else 200)


def _handover_selection(user, data):
    """The files a handover request is about, or None when it names none (or names them wrongly)."""
    selection = HandoverForm(data, user=user)
    selection.is_valid()
    if "client" in selection.errors or "van" in selection.errors:
        return None
    if not selection.cleaned_data.get("client") and not selection.cleaned_data.get("van"):
        return None
    return selection.clients().order_by("last_name", "first_name", "pk")
