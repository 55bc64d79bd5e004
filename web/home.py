"""The home page: each role lands where its work is ("Vandaag" for counsellors and heads)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from organisations.models import Organisation
from web import worklist
from web.comparison import comparison_page


@login_required
def home(request):
    """Each role lands where its work is."""
    user = request.user
    if user.works_with_case_files:
        today = timezone.localdate()
        work = worklist.for_head(user, today) if user.is_head else worklist.for_counsellor(user, today)
        return render(request, "home.html", {"work": work, "today": today})
    if user.is_administrator:
        return redirect("user_list")
    if user.sees_aggregates:
        return redirect("reporting:dashboard")
    organisations = list(Organisation.objects.order_by("name")) if user.is_superuser else []
    return comparison_page(request, organisations)
