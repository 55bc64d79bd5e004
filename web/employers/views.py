from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clients import selectors as client_selectors
from clients.models import Client
from common.uploads import detect, validate_agreement_document
from employers.models import Employer
from matching import ranking, services
from organisations.permissions import ColleagueCaseFile, case_file_access, head_required
from reporting.figures import employer_results
from trajectories.rules import RUNNING

from .forms import AgreementForm, ContactPersonForm, EmployerForm, WorkplaceForm


def _employer(request, pk):
    return get_object_or_404(Employer.objects.visible_to(request.user), pk=pk)


def _workplace(request, pk, workplace_pk):
    return get_object_or_404(_employer(request, pk).workplaces.select_related("employer"), pk=workplace_pk)


@case_file_access
def employer_list(request):
    search, kind, sector = request.GET.get("q", "").strip(), request.GET.get("soort", ""), request.GET.get("sector", "")
    today = timezone.localdate()
    employers = Employer.objects.visible_to(request.user).annotate(
        open_workplaces=Count("workplaces", filter=Q(workplaces__is_open=True), distinct=True),
        running=Count("placements__trajectory", distinct=True,
                      filter=Q(placements__trajectory__status__in=RUNNING) & (
                          Q(placements__end_date__isnull=True) | Q(placements__end_date__gte=today))))
    employers = employers.search(search)
    if kind:
        employers = employers.filter(kind=kind)
    if sector:
        employers = employers.filter(sector=sector)
    sectors = (Employer.objects.visible_to(request.user).exclude(sector="").order_by("sector")
               .values_list("sector", flat=True).distinct())
    return render(request, "employers/employer_list.html", {
        "page": Paginator(employers.order_by("name", "pk"), 25).get_page(request.GET.get("pagina")),
        "search": search, "kind": kind, "sector": sector, "sectors": sectors, "kinds": Employer.Kind.choices,
    })


@case_file_access
def employer_detail(request, pk):
    employer = _employer(request, pk)
    today = timezone.localdate()
    agreements = list(employer.agreements.all())
    return render(request, "employers/employer_detail.html", {
        "employer": employer,
        "contacts": employer.contacts.all(),
        "agreements": agreements,
        "current_agreement": next((a for a in agreements if a.is_current(today)), None),
        "workplaces": _with_occupancy(employer.workplaces.prefetch_related(
            "required_competences", "useful_competences", "interests").annotate(taken=ranking.taken_places())),
        "placements": employer.placements.select_related(
            "trajectory__client", "workplace").order_by("-start_date")[:100],
        "results": employer_results(employer),
        "can_manage": request.user.is_head,
    })


def _with_occupancy(workplaces):
    workplaces = list(workplaces)
    for workplace in workplaces:
        workplace.occupancy = ranking.occupancy(workplace)
    return workplaces


def _form_page(request, form, title, back, success, removable=False):
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("Saved."))
        return redirect(success(saved))
    return render(request, "form_page.html", {"form": form, "title": title, "back": back,
                                                        "removable": removable},
                  status=422 if form.errors else 200)


@head_required
def employer_create(request):
    form = EmployerForm(request.POST or None, organisation=request.user.organisation)
    return _form_page(request, form, _("New employer"), "employers:list",
                      lambda employer: employer.get_absolute_url())


@head_required
def employer_edit(request, pk):
    employer = _employer(request, pk)
    form = EmployerForm(request.POST or None, instance=employer, organisation=request.user.organisation)
    return _form_page(request, form, _("Edit %(name)s") % {"name": employer}, employer.get_absolute_url(),
                      lambda saved: saved.get_absolute_url())


@head_required
def contact_create(request, pk):
    employer = _employer(request, pk)
    form = ContactPersonForm(request.POST or None)
    form.instance.employer = employer
    return _form_page(request, form, _("New contact person at %(name)s") % {"name": employer},
                      employer.get_absolute_url(), lambda saved: employer.get_absolute_url())


@head_required
def agreement_create(request, pk):
    employer = _employer(request, pk)
    form = AgreementForm(request.POST or None, request.FILES or None)
    form.instance.employer = employer
    return _form_page(request, form, _("New cooperation agreement with %(name)s") % {"name": employer},
                      employer.get_absolute_url(), lambda saved: employer.get_absolute_url())


@case_file_access
def agreement_document(request, pk, agreement_pk):
    agreement = get_object_or_404(_employer(request, pk).agreements, pk=agreement_pk)
    if not agreement.document or not agreement.document.storage.exists(agreement.document.name):
        raise Http404
    content = agreement.document.open("rb")
    # Served as what it is, not as its name says (a stored legacy .doc is plain bytes to download).
    kind = detect(content, validate_agreement_document.kinds)
    response = FileResponse(content, as_attachment=True, filename=agreement.document.name.rsplit("/", 1)[-1],
                            content_type=kind.content_type if kind else "application/octet-stream")
    response["Cache-Control"] = "private, no-store"
    return response


@head_required
def agreement_edit(request, pk, agreement_pk):
    employer = _employer(request, pk)
    agreement = get_object_or_404(employer.agreements, pk=agreement_pk)
    form = AgreementForm(request.POST or None, request.FILES or None, instance=agreement)
    return _form_page(request, form, _("Edit the agreement with %(name)s") % {"name": employer},
                      employer.get_absolute_url(), lambda saved: employer.get_absolute_url())


@head_required
def contact_edit(request, pk, contact_pk):
    employer = _employer(request, pk)
    contact = get_object_or_404(employer.contacts, pk=contact_pk)
    if request.method == "POST" and "verwijderen" in request.POST:
        contact.delete()
        messages.success(request, _("Contact person removed."))
        return redirect(employer.get_absolute_url())
    form = ContactPersonForm(request.POST or None, instance=contact)
    return _form_page(request, form, _("Edit %(name)s") % {"name": contact}, employer.get_absolute_url(),
                      lambda saved: employer.get_absolute_url(), removable=True)


@head_required
def workplace_create(request, pk):
    employer = _employer(request, pk)
    form = WorkplaceForm(request.POST or None, employer=employer)
    return _form_page(request, form, _("New workplace at %(name)s") % {"name": employer},
                      employer.get_absolute_url(), lambda saved: employer.get_absolute_url())


@head_required
def workplace_edit(request, pk, workplace_pk):
    workplace = _workplace(request, pk, workplace_pk)
    form = WorkplaceForm(request.POST or None, instance=workplace, employer=workplace.employer)
    return _form_page(request, form, _("Edit %(name)s") % {"name": workplace}, workplace.employer.get_absolute_url(),
                      lambda saved: saved.employer.get_absolute_url())


@case_file_access
def workplace_matches(request, pk, workplace_pk):
    workplace = _workplace(request, pk, workplace_pk)
    profile = ranking.workplace_profile(workplace)
    ranked, excluded = ranking.clients_for_workplace(workplace, profile)
    shown = ranked[:50]
    not_yours = _not_yours(request.user, [m.client.pk for m in shown])
    return render(request, "employers/workplace_matches.html", {
        "workplace": workplace, "employer": workplace.employer, "profile": profile,
        "matches": [(m, m.client.pk not in not_yours, not_yours.get(m.client.pk)) for m in shown],
        "total": len(ranked), "blocker": ranking.proposal_blocker(profile),
        "excluded": excluded, "why_none": ranking.exclusion_summary(excluded),
        "show_excluded": _show_excluded(request, ranked, excluded),
    })


def _show_excluded(request, ranked, excluded):
    """The excluded and their reasons: when asked, and at once when nothing fits, unless they all
    share one reason, which the summary above already says."""
    asked = request.GET.get("uitgesloten") == "1"
    return asked or (not ranked and len({match.excluded for match in excluded}) > 1)


def _not_yours(user, ids):
    """Why this user cannot propose for each of these clients: {client id: the counsellor who can}.
    Own caseload (or the head's whole organisation) is absent; two queries whatever the number."""
    editable = set(Client.objects.editable_by(user).filter(pk__in=ids).values_list("pk", flat=True))
    others = Client.objects.visible_to(user).filter(pk__in=set(ids) - editable).select_related("counsellor")
    return {client.pk: client.counsellor for client in others}


@require_POST
@case_file_access
def placement_propose(request, pk, workplace_pk, client_pk):
    workplace = _workplace(request, pk, workplace_pk)
    client = client_selectors.client_for(request.user, client_pk)
    if not request.user.can_edit_client(client):
        raise ColleagueCaseFile
    try:
        trajectory = services.placement_propose(client=client, workplace=workplace, by=request.user,
                                                start_date=timezone.localdate())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("employers:workplace_matches", pk=pk, workplace_pk=workplace_pk)
    messages.success(request, _("Placement proposed: %(client)s at %(workplace)s, registered as a TWE.") % {
        "client": client.full_name, "workplace": workplace})
    return redirect("trajectories:detail", client_pk=client.pk, pk=trajectory.pk)


@case_file_access
def client_matches(request, client_pk):
    client = client_selectors.client_for(request.user, client_pk)
    ranked, excluded = ranking.workplaces_for_client(client)
    return render(request, "employers/client_matches.html", {
        "client": client, "matches": [(m, ranking.proposal_blocker(m.workplace)) for m in ranked],
        "excluded": excluded, "why_none": ranking.exclusion_summary(excluded),
        "show_excluded": _show_excluded(request, ranked, excluded),
        "can_propose": request.user.can_edit_client(client),
    })
