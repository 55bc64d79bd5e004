"""The legal spine of a case file: leefloon decisions, the GPMI (drawn up, signed, amended,
evaluated, or exempted), sanctions and VDAB. Colleagues read, the assigned counsellor and the head
write (clients.selectors); every write goes through the leefloon and gpmi services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clients import selectors as client_selectors
from clients.models import VdabConsent
from clients.services import client_save
from gpmi import selectors, services
from leefloon import services as leefloon_services
from organisations.permissions import case_file_access
from trajectories import selectors as trajectory_selectors
from trajectories.models import Goal
from web.editing import save_unless_changed_meanwhile
from web.forms import add_service_errors

from .forms import (
    AmendmentForm,
    DecisionForm,
    EvaluationForm,
    ExemptionForm,
    GpmiForm,
    SanctionForm,
    SignForm,
    SocioProfessionalForm,
    VdabConsentForm,
    VdabForm,
)


@case_file_access
def overview(request, client_pk):
    client = client_selectors.client_for(request.user, client_pk)
    today = timezone.localdate()
    return render(request, "gpmi/overview.html", {
        "client": client, "legal": selectors.case_file_gpmi(client, today), "today": today,
        "can_edit": request.user.can_edit_client(client),
        "socio_professional": client.socio_professional_exemptions.all(),
        "vdab_consents": client.vdab_consents.all(),
        "twe_without_consent": trajectory_selectors.twe_without_vdab_consent(client),
    })


@case_file_access
def gpmi_detail(request, client_pk, pk, forms=None, status=200):
    client = client_selectors.client_for(request.user, client_pk)
    gpmi = get_object_or_404(client.gpmis.select_related("decision", "drawn_up_by"), pk=pk)
    legal = selectors.case_file_gpmi(client, timezone.localdate())
    shown = next(item for item in legal.gpmis if item.pk == gpmi.pk)
    can_edit = request.user.can_edit_client(client)
    forms = forms or {}
    if can_edit:
        forms.setdefault("sign", SignForm(initial={"signed_on": timezone.localdate()}))
        forms.setdefault("amendment", AmendmentForm(initial={"date": timezone.localdate()}))
        forms.setdefault("evaluation", EvaluationForm(initial={"date": timezone.localdate(), "in_person": True}))
    return render(request, "gpmi/detail.html", {
        "client": client, "gpmi": shown, "legal": legal, "can_edit": can_edit, "forms": forms,
        "is_current": legal.current is not None and legal.current.pk == gpmi.pk,
        "trajectory_goals": Goal.objects.of_client(client).select_related("trajectory").order_by("-created_at"),
        "documents": gpmi.documents.all(),
    }, status=status)


def _form_page(request, client, form, title, intro=""):
    return render(request, "form_page.html", {
        "form": form, "title": title, "intro": intro, "back": reverse("gpmi:overview", args=[client.pk]),
        "back_label": client.full_name}, status=422 if form.errors else 200)


def _posted(request, form, write):
    """A valid POST saved through the service `write`."""
    return request.method == "POST" and form.is_valid() and _write(form, write)


def _write(form, write):
    """The service's answer, or None with its ValidationError on the form."""
    try:
        return write()
    except ValidationError as error:
        add_service_errors(form, error)
        return None


@case_file_access
def decision_add(request, client_pk):
    client = client_selectors.editable_client_for(request.user, client_pk)
    form = DecisionForm(request.POST or None, initial={"category": client.leefloon_category})
    if _posted(request, form, lambda: leefloon_services.decision_record(client=client, by=request.user,
                                                                  **form.cleaned_data)):
        messages.success(request, _("Leefloon decision saved."))
        return redirect("gpmi:overview", client_pk=client.pk)
    return _form_page(request, client, form, _("Leefloon decision"),
                      _("The GPMI must be drawn up within 3 months of the decision date."))


@case_file_access
def decision_edit(request, client_pk, pk):
    client = client_selectors.editable_client_for(request.user, client_pk)
    decision = get_object_or_404(client.leefloon_decisions, pk=pk)
    form = DecisionForm(request.POST or None, instance=decision)
    if _posted(request, form, lambda: leefloon_services.decision_update(decision, **form.cleaned_data)):
        messages.success(request, _("Leefloon decision saved."))
        return redirect("gpmi:overview", client_pk=client.pk)
    return _form_page(request, client, form, _("Leefloon decision"),
                      _("When the leefloon ended, fill in its last day and why it ended."))


@case_file_access
def socio_professional_add(request, client_pk):
    client = client_selectors.editable_client_for(request.user, client_pk)
    form = SocioProfessionalForm(request.POST or None)
    if _posted(request, form, lambda: leefloon_services.exemption_record(client=client, **form.cleaned_data)):
        messages.success(request, _("Saved."))
        return redirect("gpmi:overview", client_pk=client.pk)
    return _form_page(request, client, form, _("Socio-professional exemption"),
                      _("The period in which part of the client's earnings is kept out of the leefloon."))


@case_file_access
def gpmi_create(request, client_pk):
    client = client_selectors.editable_client_for(request.user, client_pk)
    latest = client.leefloon_decisions.first()
    form = GpmiForm(request.POST or None, client=client, initial={"decision": latest, "duration_months": 12})
    gpmi = _posted(request, form, lambda: services.gpmi_draw_up(client=client, by=request.user, **form.cleaned_data))
    if gpmi:
        messages.success(request, _("The GPMI was drawn up as a draft. Print the contract, sign it with the client, "
                                    "then record the signing."))
        return redirect("gpmi:detail", client_pk=client.pk, pk=gpmi.pk)
    return _form_page(request, client, form, _("Draw up a GPMI"), _(
        "In plain words: what the client wants to reach, the steps, and what the client and the OCMW each commit "
        "to."))


@case_file_access
def gpmi_edit(request, client_pk, pk):
    client = client_selectors.editable_client_for(request.user, client_pk)
    gpmi = get_object_or_404(client.gpmis, pk=pk)
    if gpmi.is_signed:
        messages.info(request, _("This GPMI is signed: record what changes as an amendment."))
        return redirect("gpmi:detail", client_pk=client.pk, pk=gpmi.pk)
    form = GpmiForm(request.POST or None, instance=gpmi, client=client)
    if _posted(request, form, lambda: services.gpmi_update(gpmi, **form.cleaned_data)):
        messages.success(request, _("Saved."))
        return redirect("gpmi:detail", client_pk=client.pk, pk=gpmi.pk)
    return _form_page(request, client, form, _("Edit the GPMI (draft)"))


def _gpmi_part(request, client_pk, pk, name, form, write):
    """POST of one of the GPMI page's small forms: saved through a service, or the page again
    with the form's errors."""
    client = client_selectors.editable_client_for(request.user, client_pk)
    gpmi = get_object_or_404(client.gpmis, pk=pk)
    if form.is_valid() and _write(form, lambda: write(gpmi, form.cleaned_data)):
        messages.success(request, _("Saved."))
        return redirect("gpmi:detail", client_pk=client.pk, pk=gpmi.pk)
    return gpmi_detail(request, client_pk, pk, forms={name: form}, status=422)


@require_POST
@case_file_access
def gpmi_sign(request, client_pk, pk):
    return _gpmi_part(request, client_pk, pk, "sign", SignForm(request.POST),
                      lambda gpmi, data: services.gpmi_sign(gpmi, signed_on=data["signed_on"]))


@require_POST
@case_file_access
def amendment_add(request, client_pk, pk):
    return _gpmi_part(request, client_pk, pk, "amendment", AmendmentForm(request.POST),
                      lambda gpmi, data: services.amendment_add(gpmi=gpmi, by=request.user, **data))


@require_POST
@case_file_access
def evaluation_add(request, client_pk, pk):
    return _gpmi_part(request, client_pk, pk, "evaluation", EvaluationForm(request.POST),
                      lambda gpmi, data: services.evaluation_add(gpmi=gpmi, by=request.user, **data))


@case_file_access
def exemption_add(request, client_pk):
    client = client_selectors.editable_client_for(request.user, client_pk)
    form = ExemptionForm(request.POST or None, client=client,
                         initial={"decision": client.leefloon_decisions.first(), "accepted_on": timezone.localdate()})
    if _posted(request, form, lambda: services.exemption_accept(client=client, by=request.user, **form.cleaned_data)):
        messages.success(request, _("The exemption from the GPMI was recorded."))
        return redirect("gpmi:overview", client_pk=client.pk)
    return _form_page(request, client, form, _("Exemption from the GPMI"), _(
        "The OCMW may accept health or equity reasons not to make a GPMI. Record the reason: a GPMI can still be "
        "made later, voluntarily."))


@case_file_access
def sanction_add(request, client_pk):
    client = client_selectors.editable_client_for(request.user, client_pk)
    form = SanctionForm(request.POST or None, client=client, initial={"gpmi": client.gpmis.signed().first()})
    if _posted(request, form, lambda: services.sanction_record(client=client, by=request.user, **form.cleaned_data)):
        messages.success(request, _("The sanction was recorded."))
        return redirect("gpmi:overview", client_pk=client.pk)
    return _form_page(request, client, form, _("Sanction"), _(
        "The committee's decision when the GPMI was not kept, for example a suspension of the leefloon."))


@case_file_access
def vdab_edit(request, client_pk):
    client = client_selectors.editable_client_for(request.user, client_pk)
    form = VdabForm(request.POST or None, instance=client)
    saved = request.method == "POST" and form.is_valid() and save_unless_changed_meanwhile(
        form, lambda: client_save(form, by=request.user))
    if saved:
        messages.success(request, _("Saved."))
        return redirect("gpmi:overview", client_pk=client.pk)
    return _form_page(request, client, form, _("Registration with VDAB"), _(
        "A leefloner who can work registers with VDAB as a job seeker. If not, say why."))


@case_file_access
def vdab_consent_add(request, client_pk):
    client = client_selectors.editable_client_for(request.user, client_pk)
    form = VdabConsentForm(request.POST or None, instance=VdabConsent(client=client))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The consent was recorded."))
        return redirect("gpmi:overview", client_pk=client.pk)
    return _form_page(request, client, form, _("Consent for VDAB"), _(
        "The client's consent to register the TWE in VDAB's Mijn Loopbaan voor partners."))

