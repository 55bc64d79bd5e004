from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from organisations.models import Role, User
from organisations.permissions import aggregates_access

from . import charts
from .dashboard import dashboard


@aggregates_access
def dashboard_view(request):
    """The diensthoofd's dashboard; the schepen sees the same figures without anything personal."""
    user = request.user
    if user.organisation_id is None:  # a region coordinator compares OCMWs on the start page
        raise PermissionDenied
    this_year = timezone.localdate().year
    year = int(request.GET["jaar"]) if request.GET.get("jaar", "").isdigit() else this_year
    year = min(max(year, 2000), this_year + 1)
    counsellor = None
    if user.is_head and request.GET.get("begeleider", "").isdigit():
        counsellor = get_object_or_404(User, pk=request.GET["begeleider"], organisation=user.organisation)
    data = dashboard(user.organisation, year, counsellor, personal=user.is_head)
    return render(request, "reporting/dashboard.html", {
        "data": data,
        "flow_chart": charts.monthly_flow(data["months"], year),
        "outcome_chart": charts.outcomes(data["types"], data["outcome_labels"]) if data["types"][0]["outcomes"]
        else "",
        "year": year, "years": range(this_year, this_year - 6, -1), "counsellor": counsellor,
        "counsellors": User.objects.filter(organisation=user.organisation, role=Role.COUNSELLOR) if user.is_head
        else [],
    })
