from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.params import query_int
from organisations.models import User
from organisations.permissions import aggregates_access, head_required, organisation_figures_access
from reporting import charts, headline, services, tasks
from reporting.behind import behind
from reporting.dashboard import dashboard, hide_small_numbers
from reporting.models import YearlyReport
from reporting.suppression import Hidden, for_chart, threshold_of
from web.comparison import chosen_year, comparison_page

from .forms import ReportRequestForm


@aggregates_access
def dashboard_view(request):
    """The diensthoofd's dashboard; the schepen sees the same figures without anything personal;
    the region coordinator sees the member OCMWs side by side."""
    user = request.user
    year, years = chosen_year(request)
    if user.organisation_id is None:
        organisations = list(user.region.members.order_by("name")) if user.region_id else []
        return comparison_page(request, organisations, year, years)
    counsellor = _dashboard_counsellor(request) if user.is_head else None
    data = dashboard(user.organisation, year, counsellor, personal=user.is_head)
    outcome_chart = charts.outcomes(data["types"], data["outcome_labels"]) if data["types"][0]["outcomes"] else ""
    if not user.is_head:
        # The schepen never sees a small count; the diensthoofd keeps the exact figures.
        data = hide_small_numbers(data, threshold_of(user.organisation))
        totals = data["outcome_totals"]
        outcome_chart = charts.outcomes([{"outcomes": totals}], data["outcome_labels"]) if totals and not any(
            isinstance(total, Hidden) for total in totals) else ""
    return render(request, "reporting/dashboard.html", {
        "data": data,
        # A hidden count is not drawn: a bar's height would show it.
        "flow_chart": charts.monthly_flow([(month, for_chart(started), for_chart(ended))
                                           for month, started, ended in data["months"]], year),
        "month_rows": [(month, MONTHS[month], started, ended) for month, started, ended in data["months"]],
        "outcome_chart": outcome_chart,
        "headline": headline.shown(data["headline"]) if data["headline"] else None,
        "year": year, "years": years, "counsellor": counsellor, "figures_open": user.is_head,
        "counsellors": User.objects.colleagues_of(user).counsellors() if user.is_head
        else [],
    })


BEHIND_PAGE_SIZE = 100


@head_required
def figure_behind(request, figure):
    """The clients, trajectories, employers, reminders or sessions behind one dashboard figure, for the head
    (a schepen sees the figures only). Same year and counsellor as the dashboard it came from."""
    user = request.user
    year, _years = chosen_year(request)
    counsellor = _dashboard_counsellor(request)
    found = behind(user.organisation, year, counsellor, figure, request.GET)
    rows = found.rows
    if found.kind == "clients":
        rows = rows.select_related("counsellor").order_by("last_name", "first_name", "pk")
    elif found.kind == "trajectories":
        rows = rows.select_related("client__counsellor").order_by("client__last_name", "client__first_name", "pk")
    elif found.kind == "reminders":
        rows = rows.select_related("client__counsellor", "trajectory", "agreement__employer").order_by("due_date", "pk")
    elif found.kind == "sessions":
        rows = rows.select_related("edition__module", "edition__trainer").order_by("date", "start_time", "pk")
    page = Paginator(rows, BEHIND_PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(request, "reporting/figure_behind.html", {
        "behind": found, "page": page, "year": year, "counsellor": counsellor})


def _dashboard_counsellor(request):
    pk = query_int(request, "begeleider")
    return None if pk is None else get_object_or_404(User.objects.colleagues_of(request.user), pk=pk)


def _report(request, pk):
    return get_object_or_404(YearlyReport.objects.visible_to(request.user).select_related(
        "requested_by", "organisation"), pk=pk)


@organisation_figures_access
def report_list(request):
    """The organisation's yearly reports; the diensthoofd asks for a new one."""
    form = ReportRequestForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_head:
            raise PermissionDenied
        if form.is_valid():
            try:
                report, created = services.request_report(request.user.organisation, form.cleaned_data["year"],
                                                          request.user, _broker_down_notice(request))
            except ValidationError as error:
                form.add_error("year", error.message_dict.get("year", error.messages))
            else:
                if not created:
                    messages.info(request, _("The report for %(year)s is already being made.") % {"year": report.year})
                return redirect(report)
    reports = YearlyReport.objects.visible_to(request.user).select_related("requested_by")
    return render(request, "reporting/report_list.html", {"form": form, "reports": reports})


def _broker_down_notice(request):
    """Told when the task could not be handed to the background processing (Redis down): the report
    stays queued and the sweep sends it again (reporting.services)."""
    return lambda: messages.warning(request, _(
        "Background processing is not available right now. The report stays queued and will be made as soon "
        "as it is back; you can leave this page."))


@head_required
@require_POST
def report_retry(request, pk):
    """Ask again, at once, for a report that failed (the same report is queued again)."""
    report = get_object_or_404(YearlyReport.objects.editable_by(request.user), pk=pk)
    if report.state != YearlyReport.State.FAILED:
        messages.info(request, _("This report has not failed: there is nothing to ask again."))
        return redirect(report)
    shown = services.ask_again(report.pk, user=request.user, when_unreachable=_broker_down_notice(request))
    if shown is not None and shown.pk != report.pk:
        messages.info(request, _("The report for %(year)s is already being made.") % {"year": report.year})
    return redirect(shown or report)


@organisation_figures_access
def report_detail(request, pk):
    report = _report(request, pk)
    template = "reporting/_report_state.html" if request.htmx else "reporting/report_detail.html"
    # The recipients matter once the report is ready, not on every poll while it is made.
    ready_for_mail = request.user.is_head and report.state == YearlyReport.State.READY
    return render(request, template, {
        "report": report, "recipients": services.schepen_recipients(report.organisation) if ready_for_mail else []})


@organisation_figures_access
def report_pdf(request, pk):
    report = _report(request, pk)
    if report.state != YearlyReport.State.READY or not report.pdf.storage.exists(report.pdf.name):
        raise Http404
    return FileResponse(report.pdf.open("rb"), as_attachment=True, filename=report.filename,
                        content_type="application/pdf")


@head_required
@require_POST
def report_email(request, pk):
    report = _report(request, pk)
    try:
        services.check_can_email(report)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        transaction.on_commit(lambda: services.publish(tasks.email_yearly_report, report.pk, lambda: messages.error(
            request, _("Background processing is not available right now: the report was not e-mailed. "
                       "Try again in a few minutes."))))
        messages.success(request, _("The report is being sent to %(recipients)s.") % {"recipients": ", ".join(
            person.email for person in services.schepen_recipients(report.organisation))})
    return redirect(report)
