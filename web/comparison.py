"""The figures of several OCMWs side by side (a welzijnsregio's members, or every organisation
for an operator), and the year a figures page shows: shared by the dashboard and the home page."""

from django.shortcuts import render
from django.utils import timezone

from common.params import query_int
from reporting import charts
from reporting.region import comparison


def chosen_year(request):
    """The year asked for in ?jaar=, within reason; this year otherwise."""
    this_year = timezone.localdate().year
    year = query_int(request, "jaar", default=this_year, minimum=2000, maximum=this_year + 1)
    return year, range(this_year, this_year - 6, -1)


def coordinated_region(user):
    """The welzijnsregio a regiocoördinator compares (no organisation of her own), or None."""
    return user.region if user.region_id and user.organisation_id is None else None


def comparison_page(request, organisations, year=None, years=None):
    if year is None:
        year, years = chosen_year(request)
    data = comparison(organisations, year)
    return render(request, "reporting/comparison.html", {
        "data": data, "year": year, "years": years,
        # The CSV and the PDF are the region's: for its coordinator, not for an operator's overview.
        "region": coordinated_region(request.user),
        "chart": charts.region_people(data) if organisations else ""})
