"""The welzijnsregio's figures to take away, for its regiocoördinator only: the comparison page's
table as a CSV and as a PDF (reporting.region), each download written to the access log of every
member whose figures it holds."""

from django.http import HttpResponse

from audit.models import AccessLog
from organisations.permissions import role_required
from reporting import region as regions
from web.comparison import chosen_year, coordinated_region

region_coordinator_required = role_required(lambda user: user.sees_aggregates and coordinated_region(user) is not None)


def _download(request, content, content_type, extension):
    year, _years = chosen_year(request)
    region = coordinated_region(request.user)
    organisations = list(region.members.order_by("name"))
    content = content(region, organisations, year)
    # The access log belongs to an organisation: each member's head reads there that its figures left.
    AccessLog.objects.bulk_create([AccessLog(user=request.user, organisation=organisation,
                                             action=AccessLog.Action.EXPORTED, detail=f"regio.{extension} {year}")
                                   for organisation in organisations])
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="regio-{region.slug or region.pk}-{year}.{extension}"'
    return response


@region_coordinator_required
def region_csv(request):
    """?jaar=YYYY: rows the figures, columns the members and their total, as on the page."""
    return _download(request, lambda region, organisations, year: regions.as_csv(
        regions.comparison(organisations, year)), "text/csv; charset=utf-8", "csv")


@region_coordinator_required
def region_pdf(request):
    """?jaar=YYYY: the comparison as a PDF."""
    return _download(request, regions.render_pdf, "application/pdf", "pdf")
