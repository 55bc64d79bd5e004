"""One search box for the roles that work with case files: clients, employers and workplaces of
their own organisation, each through the queryset that scopes it (visible_to)."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from clients.models import Client
from employers.models import Employer, Workplace
from organisations.permissions import case_file_access
from web.lists import first_rows

SHORTEST = 2


@case_file_access
def search(request):
    user, text = request.user, request.GET.get("q", "").strip()
    context = {"q": text, "searched": len(text) >= SHORTEST}
    if text and not context["searched"]:
        context["message"] = _("Type at least two characters.")
    if context["searched"]:
        context.update({
            "clients": first_rows(Client.objects.visible_to(user).search(text).select_related("counsellor")
                              .order_by("last_name", "first_name", "pk")),
            "employers": first_rows(Employer.objects.visible_to(user).search(text).order_by("name", "pk")),
            "workplaces": first_rows(Workplace.objects.visible_to(user).search(text).select_related("employer")
                                 .order_by("-is_open", "function", "pk")),
        })
    return render(request, _template(request), context)


def _template(request):
    """The navigation's list, the search page's results (both as one types), or the whole page."""
    if not request.htmx:
        return "search/search.html"
    return "search/_nav_results.html" if request.htmx.target == "nav-search-results" else "search/_results.html"
