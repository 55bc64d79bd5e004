"""The GPMI on paper and on the move: the contract to sign (a PDF), the portable GPMI a client takes
to another OCMW (a PDF with the JSON attached), and taking one over on the new case file. Both
downloads are in the access log as exports."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import AccessLog, log_access
from clients import selectors as client_selectors
from common.uploads import UploadValidator
from documents.models import Document
from documents.services import document_add
from gpmi import contract, portable
from gpmi.models import Gpmi
from organisations.permissions import case_file_access
from web.forms import add_service_errors


class PortableUploadForm(forms.Form):
    # A PDF only, judged by its content (common.uploads); what it holds is read by gpmi.portable.
    file = forms.FileField(label=gettext_lazy("Portable GPMI (PDF)"), validators=[UploadValidator(kinds=("pdf",))],
                           help_text=gettext_lazy("The file the other OCMW made with 'portable GPMI'."))


def _gpmi_of(request, client_pk, pk):
    """The GPMI of a case file the user may read (404 for another OCMW's), with what the PDF shows."""
    client = client_selectors.client_for(request.user, client_pk)
    gpmi = get_object_or_404(Gpmi.objects.of_client(client).select_related("decision", "drawn_up_by")
                             .prefetch_related("amendments", "evaluations"), pk=pk)
    gpmi.client = client  # read with its organisation and counsellor
    return client, gpmi


def _pdf(content, filename):
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@case_file_access
def gpmi_contract(request, client_pk, pk):
    """The contract to print and sign, for the case-file roles of the organisation; logged."""
    client, gpmi = _gpmi_of(request, client_pk, pk)
    content = contract.render_contract(gpmi)
    log_access(request.user, client, AccessLog.Action.EXPORTED, detail=_("GPMI contract (PDF)"))
    return _pdf(content, contract.filename(gpmi))


@case_file_access
def gpmi_portable(request, client_pk, pk):
    """The portable GPMI, for the OCMW the client moves to; logged."""
    client, gpmi = _gpmi_of(request, client_pk, pk)
    content = portable.render_portable(gpmi)
    log_access(request.user, client, AccessLog.Action.EXPORTED, detail=_("portable GPMI (PDF)"))
    return _pdf(content, portable.filename(gpmi))


@case_file_access
def gpmi_portable_import(request, client_pk):
    """Taking over the GPMI a client brings from another OCMW: for who may change the case file.
    The file is stored as the GPMI's document; nothing is kept when any part is refused."""
    client = client_selectors.editable_client_for(request.user, client_pk)
    form = PortableUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            with transaction.atomic():
                received = portable.read_portable(file)
                gpmi = portable.take_over(received, client=client, by=request.user)
                document_add(client=client, by=request.user, file=file, kind=Document.Kind.GPMI, gpmi=gpmi,
                             date=received.made_on or timezone.localdate(),
                             description=_("Portable GPMI from %(organisation)s") % {
                                 "organisation": received.organisation})
        except ValidationError as error:
            add_service_errors(form, ValidationError({"file": error.messages}))
        else:
            messages.success(request, _(
                "The GPMI of %(organisation)s was taken over, with %(amendments)s amendments and %(evaluations)s "
                "evaluations.") % {"organisation": received.organisation, "amendments": len(received.amendments),
                                   "evaluations": len(received.evaluations)})
            return redirect("gpmi:detail", client_pk=client.pk, pk=gpmi.pk)
    return render(request, "gpmi/portable_import.html", {"client": client, "form": form},
                  status=422 if form.errors else 200)
