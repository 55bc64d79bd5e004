from django.http import Http404, HttpResponse
from django.utils import timezone

from audit.models import AccessLog
from organisations.permissions import head_required

from . import exporter

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
