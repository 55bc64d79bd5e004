from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.models import AccessLog
from organisations.permissions import head_required

from . import exporter
from .forms import UploadForm
from .importer import apply_import, plan_import
from .models import Upload
from .reader import UnreadableFile

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
        Upload.objects.filter(organisation=request.user.organisation, uploaded_by=request.user).delete()
        upload = Upload.objects.create(organisation=request.user.organisation, uploaded_by=request.user,
                                       filename=file.name[:200], content=file.read())
        return redirect("caseload:import_preview", pk=upload.pk)
    return render(request, "caseload/import_upload.html", {"form": form}, status=422 if form.errors else 200)


def _upload_and_plan(request, pk):
    upload = get_object_or_404(Upload, pk=pk, organisation=request.user.organisation, uploaded_by=request.user)
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
    upload, plan, unreadable = _upload_and_plan(request, pk)
    if unreadable or not plan.valid:
        messages.error(request, _("This file has problems: nothing was imported."))
        return redirect("caseload:import_preview", pk=upload.pk)
    result = apply_import(plan, by=request.user)
    upload.delete()
    messages.success(request, _("Imported: %(clients)s new clients, %(trajectories)s new trajectories, "
                                "%(updated)s updated.") % result)
    return redirect("clients:list")
