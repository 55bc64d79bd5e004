
from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.models import AccessLog
from caseload import exporter
from caseload import subject_access as subject_access_module
from caseload.importer import apply_import, plan_import
from caseload.models import Upload
from caseload.reader import UnreadableFile
from clients import selectors as client_selectors
from organisations.permissions import case_file_access, head_required

from .forms import UploadForm

FORMATS = {
    "csv": ("text/csv; charset=utf-8", exporter.as_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", exporter.as_xlsx),
}


@head_required
def caseload_export(request, extension):
    """The whole caseload of the organisation, for the head of service; the download is logged."""
    if extension not in FORMATS:
        raise Http404
    content_type, build = FORMATS[extension]
    organisation = request.user.organisation
    AccessLog.objects.create(user=request.user, organisation=organisation, action=AccessLog.Action.EXPORTED,
                             detail=f"caseload.{extension}")
    response = HttpResponse(build(organisation), content_type=content_type)
    filename = f"caseload-{organisation.slug}-{timezone.localdate().isoformat()}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@head_required
def import_upload(request):
    """Step 1: upload. Step 2 (the same page): the preview of what the file would create, update
    or refuse. Step 3: confirm, which writes it in one transaction."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        # An upload holds a whole caseload: one per person (the nightly task removes any older than a day).
        Upload.objects.visible_to(request.user).delete()
        upload = Upload.objects.create(organisation=request.user.organisation, uploaded_by=request.user,
                                       filename=file.name[:200], content=file.read())
        return redirect("caseload:import_preview", pk=upload.pk)
    return render(request, "caseload/import_upload.html", {"form": form}, status=422 if form.errors else 200)


def _upload_and_plan(request, pk):
    upload = get_object_or_404(Upload.objects.visible_to(request.user), pk=pk)
    try:
        return upload, plan_import(upload.organisation, bytes(upload.content), upload.filename), None
    except UnreadableFile as error:
        return upload, None, str(error)


@head_required
def import_preview(request, pk):
    upload, plan, unreadable = _upload_and_plan(request, pk)
    return render(request, "caseload/import_preview.html", {
        "upload": upload, "plan": plan, "unreadable": unreadable,
        "problems": plan.problems[:500] if plan else [],
    }, status=422 if unreadable or (plan and not plan.valid) else 200)


@require_POST
@head_required
def import_confirm(request, pk):
    # One confirmation per upload: a second click waits for the first and then finds no upload.
    get_object_or_404(Upload.objects.visible_to(request.user).select_for_update(), pk=pk)
    upload, plan, unreadable = _upload_and_plan(request, pk)
    if unreadable or not plan.valid:
        messages.error(request, _("This file has problems: nothing was imported."))
        return redirect("caseload:import_preview", pk=upload.pk)
    result = apply_import(plan, by=request.user)
    upload.delete()
    messages.success(request, _("Imported: %(clients)s new clients, %(trajectories)s new trajectories, "
                                "%(updated)s updated.") % result)
    return redirect("clients:list")


@case_file_access
def subject_access(request, client_pk, extension):
    """The client's complete file for a subject-access request: for the assigned counsellor and the
    head (it holds the medical and psychological details), and logged (audit.sensitive)."""
    client = client_selectors.client_for(request.user, client_pk)
    if extension not in ("json", "pdf"):
        raise Http404
    subject_access_module.log_export(request.user, client, extension)  # PermissionDenied for anyone else
    subject_access_data = subject_access_module.client_file(client)
    filename = f"inzage-dossier-{client.pk}-{timezone.localdate().isoformat()}.{extension}"
    if extension == "json":
        # The keys stay stable for machines; "veldnamen" says in Dutch what each key means.
        response = JsonResponse({**subject_access_data, "veldnamen": subject_access_module.labels(subject_access_data)},
                                json_dumps_params={"ensure_ascii": False, "indent": 2})
    else:
        response = HttpResponse(_pdf(request, subject_access_data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _pdf(request, data):
    from weasyprint import HTML  # loaded on demand: it needs the Pango system library

    # Dutch labels instead of the keys, Belgian dates instead of ISO (caseload.subject_access).
    html = render_to_string("caseload/subject_access.html", {
        "data": subject_access_module.readable(data), "persoon": subject_access_module.rows(data["persoon"]),
        "dossier": subject_access_module.rows(data["dossier"]),
        "other_sections": subject_access_module.other_sections(data)}, request=request)
    return HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
