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
from .report import render_pdf_and_figures

logger = logging.getLogger(__name__)


def request_report(organisation, year, user):
    """(report, created): a new report queued for rendering, or the one for that year already on its way.
    A report left behind (its worker died, or its task was lost) is marked as failed and asked again."""
    this_year = timezone.localdate().year
    if not 2000 <= year <= this_year:
        raise ValidationError({"year": _("Choose a year between 2000 and %(year)s.") % {"year": this_year}})
    pending = YearlyReport.objects.of_organisation(organisation).pending().filter(year=year)
    pending.filter(_left_behind()).update(
        state=YearlyReport.State.FAILED, finished_at=timezone.now(),
        failure=_("Making the report was interrupted (the background worker stopped). It was asked again."))
    if existing := pending.first():
        return existing, False
    try:
        with transaction.atomic():
            report = YearlyReport.objects.create(organisation=organisation, year=year, requested_by=user)
    except IntegrityError:  # a colleague asked at the same moment
        return request_report(organisation, year, user)
    from .tasks import render_yearly_report

    transaction.on_commit(lambda: render_yearly_report.delay(report.pk))
    return report, True


def _left_behind():
    """Rendering for longer than any rendering takes, or queued that long without a worker taking it."""
    stale = timezone.now() - STALE_RENDERING
    return (Q(state=YearlyReport.State.RENDERING, started_at__lt=stale)
            | Q(state=YearlyReport.State.QUEUED, requested_at__lt=stale))


def _claim(report_id):
    """Mark the report as rendering and return the moment of the claim; None when it is not ours to
    render (done, or being rendered by a live worker). A rendering left behind is taken up again."""
    now = timezone.now()
    stale = Q(state=YearlyReport.State.RENDERING, started_at__lt=now - STALE_RENDERING)
    claimed = YearlyReport.objects.unscoped().filter(Q(state=YearlyReport.State.QUEUED) | stale, pk=report_id).update(
        state=YearlyReport.State.RENDERING, started_at=now, failure="")
    return now if claimed else None


def render_report(report_id):
    """Render a queued report to PDF and keep it with the figures it shows; a failure is kept with its
    reason. Only the claim that started the rendering may finish it (a worker overtaken after a long
    pause does not overwrite the newer result)."""
    claimed_at = _claim(report_id)
    if claimed_at is None:
        return None
    report = YearlyReport.objects.unscoped().select_related("organisation").get(pk=report_id)
    ours = YearlyReport.objects.unscoped().filter(pk=report_id, state=YearlyReport.State.RENDERING,
                                                  started_at=claimed_at)
    try:
        content, figures = render_pdf_and_figures(report.organisation, report.year)
        name = report.pdf.storage.save(report.pdf.field.generate_filename(report, report.filename),
                                       ContentFile(content))
        ours.update(pdf=name, figures=figures, state=YearlyReport.State.READY, finished_at=timezone.now())
    except Exception as error:  # the person who asked sees what happened; the details go to the log
        logger.exception("yearly report %s failed", report_id)
        ours.update(state=YearlyReport.State.FAILED, finished_at=timezone.now(), failure=_(
            "The PDF could not be made (error: %(error)s). Ask again; if it fails again, tell your administrator, "
            "mentioning report %(number)s.") % {"error": type(error).__name__, "number": report_id})
    report.refresh_from_db()
    return report


def schepen_recipients(organisation):
    return list(User.objects.of_organisation(organisation).filter(role=Role.ALDERMAN, is_active=True)
                .exclude(email="").order_by("last_name", "first_name"))


def check_can_email(report):
    """Raise a Dutch ValidationError when the report cannot be e-mailed to the schepenen."""
    if report.state != YearlyReport.State.READY:
        raise ValidationError(_("Only a finished report can be e-mailed."))
    if report.emailed_at:
        raise ValidationError(_("This report was e-mailed already, on %(when)s to %(to)s.") % {
            "when": timezone.localtime(report.emailed_at).strftime("%d/%m/%Y %H:%M"), "to": report.emailed_to})
    if not schepen_recipients(report.organisation):
        raise ValidationError(_("No schepen of %(organisation)s has an active account with an e-mail address.")
                              % {"organisation": report.organisation})


def email_report(report_id):
    """Send the finished report once to every active schepen of its organisation, with the PDF attached.
    The sending is claimed first, so a double click or a task delivered twice sends one e-mail; a send
    that fails gives the claim back for the retry."""
    report = YearlyReport.objects.unscoped().select_related("organisation").get(pk=report_id)
    if report.emailed_at:  # sent already: a double click, or this task delivered again
        return None
    check_can_email(report)
    recipients = [person.email for person in schepen_recipients(report.organisation)]
    if not YearlyReport.objects.unscoped().filter(pk=report_id, emailed_at__isnull=True).update(
            emailed_at=timezone.now(), emailed_to=", ".join(recipients)):
        return None
    try:
        _message(report, recipients).send()
    except Exception:
        YearlyReport.objects.unscoped().filter(pk=report_id).update(emailed_at=None, emailed_to="")
        raise
    report.refresh_from_db()
    return report


def _message(report, recipients):
    with translation.override("nl-be"):
        message = EmailMessage(
            subject=_("Yearly report on activation %(year)s, %(organisation)s") % {
                "year": report.year, "organisation": report.organisation},
            body=render_to_string("reporting/email/yearly_report.txt",
                                  {"report": report, "organisation": report.organisation}),
            to=recipients)
    with report.pdf.open("rb") as pdf:
        message.attach(report.filename, pdf.read(), "application/pdf")
    return message
