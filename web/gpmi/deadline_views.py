"""The diensthoofd's view of the GPMI's legal deadlines (/termijnen/; DOMAIN.md, "Reporting"): the GPMIs
overdue and due this month, the evaluations behind (also per counsellor) and the share of leefloners
with a GPMI or an accepted exemption. Each count opens its list for the head. The schepen sees the
counts only: no client, and no counsellor either (as on the dashboard), and no small count
(reporting.suppression). A counsellor gets 403: her own GPMI work comes to her as reminders (rules 8
and 9)."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client
from common.params import query_int
from gpmi import selectors
from gpmi.models import Gpmi
from leefloon.models import LeefloonDecision
from organisations.models import User
from organisations.permissions import head_required, organisation_figures_access
from reporting.suppression import suppress, suppress_rate, threshold_of

PAGE_SIZE = 100
NO_COUNSELLOR = "geen"


@organisation_figures_access
def overview(request):
    user = request.user
    organisation = user.organisation
    today = timezone.localdate()
    gpmis = Gpmi.objects.of_organisation(organisation)
    gpmis = gpmis.select_related("client__counsellor") if user.is_head else gpmis.only("pk", "signed_on", "end_date")
    in_force = selectors.in_force_with_next_evaluation(gpmis, today, organisation.gpmi_evaluations_per_year)
    coverage = selectors.gpmi_coverage(Client.objects.of_organisation(organisation), today)
    context = {
        "today": today,
        "counts": selectors.deadline_counts(LeefloonDecision.objects.of_organisation(organisation), today),
        "behind": sum(1 for gpmi in in_force if selectors.is_behind(gpmi, today)),
        "in_force": len(in_force),
        "coverage": coverage,
        "share": round(100 * coverage["covered"] / coverage["leefloners"]) if coverage["leefloners"] else None,
        "per_counsellor": _per_counsellor(in_force, today) if user.is_head else [],
        "lists_open": user.is_head,
    }
    if not user.is_head:
        # The schepen never sees a small count; the diensthoofd keeps the exact figures.
        context = hide_small_numbers(context, threshold_of(organisation))
    return render(request, "gpmi/deadlines.html", context)


def hide_small_numbers(figures, threshold):
    """The overview as a schepen sees it (reporting.suppression): no count from 1 up to below the
    threshold, nor one that follows from a shown total. The GPMIs up to date and the leefloners not
    covered are not shown, but they are what a shown total minus its shown part gives, so they take
    part in the rule; the share only when none of its parts is small. The head keeps `figures`."""
    counts, coverage, behind, in_force = figures["counts"], figures["coverage"], figures["behind"], figures["in_force"]
    cells = suppress({
        **counts,
        "behind": behind, "up_to_date": in_force - behind, "in_force": in_force,
        "covered": coverage["covered"], "not_covered": coverage["leefloners"] - coverage["covered"],
        "leefloners": coverage["leefloners"],
    }, threshold, [(["behind", "up_to_date"], "in_force"), (["covered", "not_covered"], "leefloners")])
    return {**figures, "counts": {key: cells[key] for key in counts},
            "behind": cells["behind"], "in_force": cells["in_force"],
            "coverage": {"leefloners": cells["leefloners"], "covered": cells["covered"]},
            "share": suppress_rate(coverage["covered"], coverage["leefloners"], threshold),
            "threshold": threshold}


def _per_counsellor(in_force, today):
    """[{counsellor (None: no counsellor), in_force, behind}], by name, the files without one last."""
    rows = {}
    for gpmi in in_force:
        counsellor = gpmi.client.counsellor
        row = rows.setdefault(counsellor.pk if counsellor else None,
                              {"counsellor": counsellor, "in_force": 0, "behind": 0})
        row["in_force"] += 1
        row["behind"] += selectors.is_behind(gpmi, today)
    return sorted(rows.values(), key=lambda row: (row["counsellor"] is None, str(row["counsellor"] or "")))


@head_required
def overdue(request):
    today = timezone.localdate()
    decisions = selectors.gpmi_overdue(_decisions(request), today)
    return _decision_list(request, decisions, today, _("GPMIs overdue"), late=True)


@head_required
def this_month(request):
    today = timezone.localdate()
    decisions = selectors.gpmi_due_this_month(_decisions(request), today)
    return _decision_list(request, decisions, today, _("GPMIs due this month"), late=False)


@head_required
def evaluations(request):
    today = timezone.localdate()
    organisation = request.user.organisation
    counsellor, gpmis = _of_counsellor(request, Gpmi.objects.of_organisation(organisation), "client__counsellor")
    behind = selectors.evaluations_behind(gpmis.select_related("client__counsellor"), today,
                                          organisation.gpmi_evaluations_per_year)
    page = Paginator(behind, PAGE_SIZE).get_page(request.GET.get("pagina"))
    rows = [{"client": gpmi.client, "date": gpmi.next_evaluation_due, "days": (today - gpmi.next_evaluation_due).days,
             "last": gpmi.last_evaluation, "gpmi": gpmi} for gpmi in page.object_list]
    return render(request, "gpmi/deadlines_list.html", {
        "title": _("GPMI evaluations behind"), "kind": "evaluations", "page": page, "rows": rows,
        "counsellor": counsellor, "late": True})


def _decisions(request):
    return LeefloonDecision.objects.of_organisation(request.user.organisation)


def _of_counsellor(request, rows, path):
    """(counsellor, rows) for ?begeleider=<pk> (a colleague, else 404) or =geen (files without one)."""
    if request.GET.get("begeleider") == NO_COUNSELLOR:
        return NO_COUNSELLOR, rows.filter(**{f"{path}__isnull": True})
    pk = query_int(request, "begeleider")
    if pk is None:
        return None, rows
    counsellor = get_object_or_404(User.objects.colleagues_of(request.user), pk=pk)
    return counsellor, rows.filter(**{path: counsellor})


def _decision_list(request, decisions, today, title, *, late):
    counsellor, decisions = _of_counsellor(request, decisions, "client__counsellor")
    decisions = decisions.select_related("client__counsellor").order_by(
        "gpmi_deadline", "client__last_name", "client__first_name", "pk")
    page = Paginator(decisions, PAGE_SIZE).get_page(request.GET.get("pagina"))
    rows = [{"client": decision.client, "date": decision.gpmi_deadline, "decided_on": decision.decided_on,
             "days": (today - decision.gpmi_deadline).days if late else (decision.gpmi_deadline - today).days}
            for decision in page.object_list]
    return render(request, "gpmi/deadlines_list.html", {
        "title": title, "kind": "decisions", "page": page, "rows": rows, "counsellor": counsellor, "late": late})
