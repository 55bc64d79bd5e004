"""Yearly reports asked for in the browser: the request, the rendering (run by a Celery task) and
the e-mail to the schepenen. Each step can be repeated safely."""

import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from organisations.models import Role, User

from .models import STALE_RENDERING, YearlyReport
from .report import render_pdf
from .yearly import yearly_figures

logger = logging.getLogger(__name__)


def request_report(organisation, year, user):
    """(report, created): a new report queued for rendering, or the one for that year already on its way."""
    this_year = timezone.localdate().year
    if not 2000 <= year <= this_year:
        raise ValidationError({"year": _("Choose a year between 2000 and %(year)s.") % {"year": this_year}})
    pending = YearlyReport.objects.pending().filter(organisation=organisation, year=year).first()
    if pending:
        return pending, False
    try:
        with transaction.atomic():
            report = YearlyReport.objects.create(organisation=organisation, year=year, requested_by=user)
    except IntegrityError:  # a colleague asked at the same moment
        return YearlyReport.objects.pending().get(organisation=organisation, year=year), False
    from .tasks import render_yearly_report

    transaction.on_commit(lambda: render_yearly_report.delay(report.pk))
    return report, True


def _claim(report_id):
    """Mark the report as rendering; False when it is not ours to render (done, or being rendered
    by a live worker). A rendering left behind by a dead worker is taken up again."""
    now = timezone.now()
    stale = Q(state=YearlyReport.State.RENDERING, started_at__lt=now - STALE_RENDERING)
    claimed = YearlyReport.objects.filter(Q(state=YearlyReport.State.QUEUED) | stale, pk=report_id).update(
        state=YearlyReport.State.RENDERING, started_at=now, failure="")
    return claimed == 1


def render_report(report_id):
    """Render a queued report to PDF and keep it with its figures; a failure is kept with its reason."""
    if not _claim(report_id):
        return None
    report = YearlyReport.objects.select_related("organisation").get(pk=report_id)
    try:
        content = render_pdf(report.organisation, report.year)
        figures = yearly_figures(report.organisation, report.year)
    except Exception as error:  # the reason is shown to the person who asked, the details go to the log
        logger.exception("yearly report %s failed", report_id)
        report.state, report.finished_at = YearlyReport.State.FAILED, timezone.now()
        report.failure = _("The PDF could not be made (%(error)s). Ask again; if it fails again, tell your "
                           "administrator.") % {"error": f"{type(error).__name__}: {error}"[:300]}
        report.save(update_fields=["state", "finished_at", "failure"])
        return report
    report.pdf.save(report.filename, ContentFile(content), save=False)
    report.figures, report.state, report.finished_at = figures, YearlyReport.State.READY, timezone.now()
    report.save(update_fields=["pdf", "figures", "state", "finished_at"])
    return report


def schepen_recipients(organisation):
    return list(User.objects.filter(organisation=organisation, role=Role.ALDERMAN, is_active=True)
                .exclude(email="").order_by("last_name", "first_name"))


def check_can_email(report):
    """Raise a Dutch ValidationError when the report cannot be e-mailed to the schepenen."""
    if report.state != YearlyReport.State.READY:
        raise ValidationError(_("Only a finished report can be e-mailed."))
    if not schepen_recipients(report.organisation):
        raise ValidationError(_("No schepen of %(organisation)s has an active account with an e-mail address.")
                              % {"organisation": report.organisation})


def email_report(report_id):
    """Send the finished report to every active schepen of its organisation, with the PDF attached."""
    report = YearlyReport.objects.select_related("organisation").get(pk=report_id)
    check_can_email(report)
    recipients = schepen_recipients(report.organisation)
    with translation.override("nl-be"):
        context = {"report": report, "organisation": report.organisation}
        message = EmailMessage(
            subject=_("Yearly report on activation %(year)s, %(organisation)s") % {
                "year": report.year, "organisation": report.organisation},
            body=render_to_string("reporting/email/yearly_report.txt", context),
            to=[person.email for person in recipients])
    with report.pdf.open("rb") as pdf:
        message.attach(report.filename, pdf.read(), "application/pdf")
    message.send()
    report.emailed_to = ", ".join(person.email for person in recipients)
    report.emailed_at = timezone.now()
    report.save(update_fields=["emailed_to", "emailed_at"])
    return report
