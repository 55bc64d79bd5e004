from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.models import AccessLog, log_access
from audit.sensitive import read_sensitive
from clients import selectors as client_selectors
from common.params import query_int
from documents import services
from documents.models import Document
from organisations.permissions import case_file_access
from web.forms import add_service_errors

from .forms import DocumentForm


@case_file_access
def document_add(request, client_pk):
    """The upload form (on its own page, or inline in the case file's documents through htmx) and
    its submission."""
    client = client_selectors.editable_client_for(request.user, client_pk)
    if request.method == "GET":
        trajectory = client.trajectories.filter(pk=query_int(request, "traject")).first()
        gpmi = client.gpmis.filter(pk=query_int(request, "gpmi")).first()
        # ?soort=: the kind the link asks for (the trajectory page's "add the placement agreement").
        kind = request.GET.get("soort") if request.GET.get("soort") in Document.Kind.values else None
        initial = {"trajectory": trajectory, "gpmi": gpmi, "kind": Document.Kind.GPMI if gpmi else kind}
        form = DocumentForm(client=client, initial=initial)
        template = "documents/_document_form.html" if request.htmx else "documents/document_form_page.html"
        return render(request, template, {"client": client, "form": form, "next": request.GET.get("next", "")})
    form = DocumentForm(request.POST, request.FILES, client=client)
    status = 422
    if form.is_valid():
        try:
            document = services.document_add(client=client, by=request.user, file=form.cleaned_data["file"],
                                             kind=form.cleaned_data["kind"], date=form.cleaned_data["date"],
                                             trajectory=form.cleaned_data["trajectory"],
                                             gpmi=form.cleaned_data["gpmi"],
                                             description=form.cleaned_data["description"])
        except ValidationError as error:
            add_service_errors(form, error)
        except services.StorageUnavailable as error:
            # The form comes back with what was filled in and the reason at its top; 503, not 422:
            # nothing is wrong with the input, the server cannot store it right now (nothing was kept).
            form.add_error(None, str(error))
            status = 503
        else:
            messages.success(request, _("%(document)s added to the case file.") % {"document": document})
            return redirect(_back(request, client))
    return render(request, "documents/document_form_page.html", {
        "client": client, "form": form, "next": request.POST.get("next", "")}, status=status)


@case_file_access
def document_download(request, client_pk, pk):
    """The file, for whoever may read the case file; a medical document only for the assigned
    counsellor and the head. Every download is in the access log (also one whose file is missing)."""
    client = client_selectors.client_for(request.user, client_pk)
    document = get_object_or_404(client.documents, pk=pk)
    if document.is_sensitive:
        read_sensitive(request.user, client, detail=str(document))
    else:
        log_access(request.user, client, AccessLog.Action.DOCUMENT_READ, detail=str(document))
    try:
        content = document.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file of this document is missing.")) from None
    response = FileResponse(content, as_attachment=True, filename=document.filename,
                            content_type=document.content_type or "application/octet-stream")
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@case_file_access
def document_delete(request, client_pk, pk):
    client = client_selectors.editable_client_for(request.user, client_pk)
    document = get_object_or_404(Document.objects.readable_by(request.user, client), pk=pk)
    services.document_remove(document=document)
    messages.success(request, _("%(document)s removed.") % {"document": document})
    return redirect(_back(request, client))


def _back(request, client):
    """Back to the page the form was on (the case file or the trajectory), never to another site."""
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                                require_https=request.is_secure()):
        return back
    return reverse("clients:detail", args=[client.pk]) + "#documenten"
