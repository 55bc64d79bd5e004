"""Yearly reports asked for in the browser: the request, the rendering (run by a Celery task) and
the e-mail to the schepenen. Each step can be repeated safely."""

import datetime
import logging
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as KombuOperationalError

from organisations.models import Role, User

from .models import STALE_RENDERING, YearlyReport
from .report import render_pdf_and_figures

logger = logging.getLogger(__name__)


def request_report(organisation, year, user, when_unreachable=None):
    """(report, created): a new report queued for rendering, or the one for that year already on its way.
    A report left behind (its worker died, or its task was lost) is marked as failed and asked again.
    when_unreachable() is called when the broker cannot take the task: the report stays queued and the
    sweep queues it again."""
    this_year = timezone.localdate().year
    if not 2000 <= year <= this_year:
        raise ValidationError({"year": _("Choose a year between 2000 and %(year)s.") % {"year": this_year}})
    pending = YearlyReport.objects.of_organisation(organisation).pending().filter(year=year)
    pending.filter(_left_behind()).update(
        state=YearlyReport.State.FAILED, finished_at=timezone.now(),
        failure=_("Making the report was interrupted (the background worker stopped). It was asked again."))
    if existing := pending.first():
        if existing.state == YearlyReport.State.QUEUED:
            # Its task may never have reached the broker (it was down): sent again, as rendering claims the
            # report first, a second task for it does nothing.
            queue_rendering(existing.pk, when_unreachable)
        return existing, False
    try:
        with transaction.atomic():
            report = YearlyReport.objects.create(organisation=organisation, year=year, requested_by=user)
    except IntegrityError:  # a colleague asked at the same moment
        return request_report(organisation, year, user, when_unreachable)
    queue_rendering(report.pk, when_unreachable)
    return report, True


def queue_timeout():
    return datetime.timedelta(seconds=settings.REPORT_QUEUE_TIMEOUT_SECONDS)


def render_timeout():
    return datetime.timedelta(seconds=settings.REPORT_RENDER_TIMEOUT_SECONDS)


def _left_behind():
    """Rendering for longer than any rendering takes, or queued that long without a worker taking it."""
    now = timezone.now()
    return (Q(state=YearlyReport.State.RENDERING, started_at__lt=now - min(STALE_RENDERING, render_timeout()))
            | Q(state=YearlyReport.State.QUEUED, queued_at__lt=now - min(STALE_RENDERING, queue_timeout())))


def queue_rendering(report_id, when_unreachable=None):
    """Hand the rendering task to the broker once the transaction that queued the report is committed
    (a worker never looks for a report that is not there yet)."""
    transaction.on_commit(lambda: publish_rendering(report_id, when_unreachable))


def _broker_errors():
    errors = [KombuOperationalError, ConnectionError, TimeoutError]
    try:
        import redis.exceptions
    except ImportError:  # pragma: no cover (redis is installed with celery[redis])
        pass
    else:
        errors += [redis.exceptions.ConnectionError, redis.exceptions.TimeoutError]
    return tuple(errors)


def publish_rendering(report_id, when_unreachable=None):
    """Send the rendering task to the broker; False, logged, when the broker is unreachable. The report
    stays queued: the sweep sends it again once background processing is back."""
    from .tasks import render_yearly_report

    if not publish(render_yearly_report, report_id, when_unreachable):
        return False
    YearlyReport.objects.unscoped().filter(pk=report_id, published_at__isnull=True).update(
        published_at=timezone.now())
    return True


def publish(task, report_id, when_unreachable=None):
    """task.delay(report_id); False, logged, and when_unreachable() called, when the broker is unreachable
    (settings keep that to a fraction of a second instead of a request hanging)."""
    started = time.monotonic()
    try:
        task.delay(report_id)
    except _broker_errors() as error:
        logger.warning("yearly report %s: %s not queued: the broker is unreachable (%s: %s, after %.1f s)",
                       report_id, task.name, type(error).__name__, error, time.monotonic() - started)
        if when_unreachable:
            when_unreachable()
        return False
    return True


def ask_again(report_id, *, user=None, by_sweep=False, when_unreachable=None):
    """Queue a report again: one that failed, or (the sweep) one queued for longer than a worker takes to
    pick it up. The person asking starts a fresh count of attempts; the sweep adds one, and gives up
    with a reason after settings.REPORT_MAX_ATTEMPTS. Returns the report to show (the one now queued,
    or another one for that year already on its way), or None when there is nothing to ask again."""
    now = timezone.now()
    reports = YearlyReport.objects.unscoped()
    report = reports.filter(pk=report_id).first()
    if report is None:
        return None
    if by_sweep:
        candidates = reports.filter(_stalled(now), pk=report_id)
        if candidates.filter(attempts__gte=settings.REPORT_MAX_ATTEMPTS).update(
                state=YearlyReport.State.FAILED, finished_at=now, failure=_(
                    "The report was queued %(attempts)s times without the background worker making it. "
                    "Ask for it again; if it stays queued, tell your administrator.") % {
                    "attempts": report.attempts}):
            logger.warning("yearly report %s failed: queued %s times without being made", report_id, report.attempts)
            return None
        change = {"attempts": F("attempts") + 1}
    else:
        candidates = reports.filter(pk=report_id, state=YearlyReport.State.FAILED)
        change = {"attempts": 1, "requested_at": now, **({"requested_by": user} if user else {})}
    try:
        with transaction.atomic():
            requeued = candidates.update(state=YearlyReport.State.QUEUED, queued_at=now, published_at=None,
                                         started_at=None,
                                         finished_at=None, failure="", **change)
    except IntegrityError:  # another report for that year is on its way already: that one is shown
        return reports.pending().filter(organisation_id=report.organisation_id, year=report.year).first()
    report.refresh_from_db()
    if requeued:
        logger.info("yearly report %s queued again (attempt %s)", report_id, report.attempts)
        queue_rendering(report_id, when_unreachable)
    return report


# A task not yet handed to the broker this long after its commit never was (the broker was down).
UNPUBLISHED = datetime.timedelta(minutes=1)


def _stalled(now):
    """Queued, and no worker took it: its task never reached the broker, or the broker lost it."""
    return Q(state=YearlyReport.State.QUEUED) & (
        Q(queued_at__lt=now - queue_timeout())
        | Q(published_at__isnull=True, queued_at__lt=now - min(UNPUBLISHED, queue_timeout())))


def sweep_stuck_reports():
    """Reports whose task was lost: one being made for longer than settings.REPORT_RENDER_TIMEOUT_SECONDS
    is marked failed with a reason the person who asked sees; one queued for longer than
    settings.REPORT_QUEUE_TIMEOUT_SECONDS, or whose task never reached the broker, is queued again (see
    ask_again). Returns the counts."""
    now = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        failed = YearlyReport.objects.unscoped().filter(
            state=YearlyReport.State.RENDERING, started_at__lt=now - render_timeout()).update(
            state=YearlyReport.State.FAILED, finished_at=now,
            failure=_("Making the report got stuck; ask for it again."))
        stalled = list(YearlyReport.objects.unscoped().filter(_stalled(now)).values_list("pk", flat=True))
        requeued = 0
        for report_id in stalled:
            report = ask_again(report_id, by_sweep=True)
            requeued += bool(report and report.pk == report_id and report.state == YearlyReport.State.QUEUED)
    if failed or stalled:
        logger.warning("yearly reports swept: %s stuck in making marked failed, %s queued again, %s given up",
                       failed, requeued, len(stalled) - requeued)
    return {"failed": failed, "requeued": requeued, "given_up": len(stalled) - requeued}


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
    if settings.REPORT_FAULT_PAUSE:  # the worker integration test only: Redis is stopped meanwhile
        time.sleep(settings.REPORT_FAULT_PAUSE)
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
