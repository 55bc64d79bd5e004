"""Reading the GPMI's legal state: of one case file (its page), and of many decisions at once (the
diensthoofd's deadline view, the reminders, the yearly figures), with one rule (leefloon.rules.covers)
written once in Python and once as the query below, which tests/test_gpmi_rules.py holds together."""

import datetime
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Exists, F, Max, OuterRef, Q, Subquery

from leefloon import rules as leefloon_rules
from leefloon.models import LeefloonDecision

from . import rules
from .models import Exemption, Gpmi, GpmiEvaluation


def _covering(model, start_field, end_field, by=None):
    """The GPMIs (or exemptions) of the decision's client that answer it by the day `by`: its deadline
    by default (on time), or a given day (answered, late or not), as rules.covers says."""
    return model.objects.filter(client=OuterRef("client")).filter(**{
        f"{start_field}__isnull": False, f"{start_field}__lte": by or OuterRef("gpmi_deadline")}).filter(
        Q(**{f"{end_field}__isnull": True}) | Q(**{f"{end_field}__gte": OuterRef("decided_on")}))


def with_gpmi_state(decisions):
    """Decisions annotated with `has_gpmi` and `exempted`: whether its deadline is met by either."""
    return decisions.annotate(
        has_gpmi=Exists(_covering(Gpmi, "signed_on", "end_date")),
        exempted=Exists(_covering(Exemption, "accepted_on", "ended_on")),
    )


def unmet(decisions):
    """The decisions whose deadline is not met and that still need a GPMI (the leefloon did not end
    before the deadline: leefloon.rules.needs_gpmi)."""
    return with_gpmi_state(decisions).filter(has_gpmi=False, exempted=False).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=F("gpmi_deadline")))


@dataclass
class CaseFileGpmi:
    """What the case file shows of the leefloon and the GPMI, as of `today`."""

    today: datetime.date
    decisions: list
    gpmis: list
    exemptions: list
    sanctions: list
    per_year: int
    in_person_per_year: int
    decision: LeefloonDecision | None = None
    current: Gpmi | None = None
    exemption: Exemption | None = None
    years: list = field(default_factory=list)

    @property
    def deadline(self):
        return self.decision.gpmi_deadline if self.decision else None

    @property
    def state(self):
        """'geen_leefloon', 'ondertekend', 'vrijgesteld', 'niet_nodig', 'laattijdig' or 'te_maken', as of
        today: a GPMI signed (or an exemption accepted) after the deadline answers the decision too;
        `on_time` says whether it was in time."""
        if self.decision is None:
            return "geen_leefloon"
        if self._met_by(self.gpmis, "signed_on", "end_date", by=self.today):
            return "ondertekend"
        if self._met_by(self.exemptions, "accepted_on", "ended_on", by=self.today):
            return "vrijgesteld"
        if not leefloon_rules.needs_gpmi(self.decision.decided_on, self.decision.end_date):
            return "niet_nodig"
        return "laattijdig" if self.deadline < self.today else "te_maken"

    @property
    def on_time(self):
        """Whether the latest decision's deadline was met by a GPMI or an exemption in time."""
        return self.decision is not None and (self._met_by(self.gpmis, "signed_on", "end_date")
                                              or self._met_by(self.exemptions, "accepted_on", "ended_on"))

    def _met_by(self, rows, start, end, by=None):
        return any(leefloon_rules.covers(self.decision.decided_on, getattr(row, start), getattr(row, end), by=by)
                   for row in rows)

    @property
    def days_left(self):
        return (self.deadline - self.today).days if self.deadline else None

    @property
    def days_late(self):
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0

    @property
    def next_evaluation(self):
        if self.current is None or not self.current.is_in_force_on(self.today):
            return None
        dates = [evaluation.date for evaluation in self.current.evaluations.all()]
        return rules.next_evaluation_due(self.current.signed_on, max(dates, default=None), self.per_year)

    @property
    def evaluation_overdue(self):
        due = self.next_evaluation
        return due is not None and due < self.today

    @property
    def this_year(self):
        return self.years[-1] if self.years else None


def case_file_gpmi(client, today, *, full=True):
    """The leefloon decisions, GPMIs (with their evaluations, and amendments when `full`), exemptions
    and sanctions of one case file, and what they mean today: four queries for the state (the case
    file's card, `full=False`), six with amendments and sanctions (the legal pages)."""
    organisation = client.organisation
    decisions = list(client.leefloon_decisions.all())
    gpmis = list(client.gpmis.prefetch_related(*(("amendments", "evaluations") if full else ("evaluations",))))
    status = CaseFileGpmi(
        today=today, decisions=decisions, gpmis=gpmis, exemptions=list(client.gpmi_exemptions.all()),
        sanctions=list(client.gpmi_sanctions.all()) if full else [], per_year=organisation.gpmi_evaluations_per_year,
        in_person_per_year=organisation.gpmi_in_person_per_year,
        decision=decisions[0] if decisions else None)
    in_force = [gpmi for gpmi in gpmis if gpmi.is_in_force_on(today)]
    status.current = in_force[0] if in_force else (gpmis[0] if gpmis else None)
    status.exemption = next((exemption for exemption in status.exemptions
                             if leefloon_rules.in_force(exemption.accepted_on, exemption.ended_on, today)), None)
    if status.current and status.current.is_signed:
        last_day = min(filter(None, (status.current.end_date, today)))
        status.years = rules.gpmi_years(
            status.current.signed_on, last_day,
            [(evaluation.date, evaluation.in_person) for evaluation in status.current.evaluations.all()],
            per_year=status.per_year, in_person_per_year=status.in_person_per_year)
    return status


# Organisation-level reads: the diensthoofd's deadline view (web/gpmi/deadline_views.py) and the
# reminders gpmi_termijn and gpmi_evaluatie (reminders.engine). Set-based: a fixed number of queries
# whatever the number of case files. An anonymised case file has nothing left to do.


def latest_decisions(decisions):
    """Each client's latest decision (the case file's own: the latest decision date, then the
    latest entered); a renewal replaces the decision before it."""
    later = LeefloonDecision.objects.filter(client=OuterRef("client")).filter(
        Q(decided_on__gt=OuterRef("decided_on")) | Q(decided_on=OuterRef("decided_on"), pk__gt=OuterRef("pk")))
    return decisions.exclude(Exists(later))


def to_draw_up(decisions, today):
    """The decisions whose GPMI is still to be made as of `today`, one per client: the client's
    latest decision, its deadline not met (`unmet`), no GPMI signed or exemption accepted since
    either (late, but done), and the leefloon not ended before today."""
    return (unmet(latest_decisions(decisions)).filter(client__anonymised_at__isnull=True)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
            .exclude(Exists(_covering(Gpmi, "signed_on", "end_date", by=today)))
            .exclude(Exists(_covering(Exemption, "accepted_on", "ended_on", by=today))))


def with_last_evaluation(gpmis):
    """GPMIs annotated with `last_evaluation`: the date of their latest evaluation (None: none yet)."""
    last = (GpmiEvaluation.objects.filter(gpmi=OuterRef("pk")).order_by().values("gpmi")
            .annotate(last=Max("date")).values("last"))
    return gpmis.annotate(last_evaluation=Subquery(last))


def in_force_with_next_evaluation(gpmis, today, per_year):
    """The GPMIs in force on `today`, each with `last_evaluation` and `next_evaluation_due`
    (rules.next_evaluation_due; None when the GPMI ends before it); one query."""
    rows = list(with_last_evaluation(gpmis.in_force_on(today).filter(client__anonymised_at__isnull=True)))
    for gpmi in rows:
        due = rules.next_evaluation_due(gpmi.signed_on, gpmi.last_evaluation, per_year)
        gpmi.next_evaluation_due = due if gpmi.end_date is None or due <= gpmi.end_date else None
    return rows


def evaluations_due(gpmis, today, per_year):
    """The GPMIs in force on `today` with an evaluation still coming by the cadence (a GPMI that ends
    before its next evaluation is due has none); one query."""
    return [gpmi for gpmi in in_force_with_next_evaluation(gpmis, today, per_year) if gpmi.next_evaluation_due]


def is_behind(gpmi, today):
    """A GPMI of in_force_with_next_evaluation whose next evaluation was due before `today`."""
    return gpmi.next_evaluation_due is not None and gpmi.next_evaluation_due < today


def evaluations_behind(gpmis, today, per_year):
    """The GPMIs in force whose next evaluation was due before `today`, the longest late first."""
    behind = [gpmi for gpmi in in_force_with_next_evaluation(gpmis, today, per_year) if is_behind(gpmi, today)]
    return sorted(behind, key=lambda gpmi: (gpmi.next_evaluation_due, gpmi.pk))


def gpmi_overdue(decisions, today):
    """The decisions whose GPMI is still to be made (to_draw_up) and whose deadline has passed."""
    return to_draw_up(decisions, today).filter(gpmi_deadline__lt=today)


def gpmi_due_this_month(decisions, today):
    """The decisions whose GPMI is still to be made by a deadline from today to the month's end."""
    return to_draw_up(decisions, today).filter(gpmi_deadline__gte=today,
                                               gpmi_deadline__lte=today + relativedelta(day=31))


def deadline_counts(decisions, today):
    """{"overdue", "this_month"}: the sizes of gpmi_overdue and gpmi_due_this_month, in one query."""
    return to_draw_up(decisions, today).aggregate(
        overdue=Count("pk", filter=Q(gpmi_deadline__lt=today)),
        this_month=Count("pk", filter=Q(gpmi_deadline__gte=today, gpmi_deadline__lte=today + relativedelta(day=31))))


def gpmi_coverage(clients, today):
    """{"leefloners", "covered"}: the clients with a leefloon decision running on `today`, and of
    them those with a GPMI or an accepted exemption in force today, or whose running decision's
    deadline was met (with_gpmi_state). One query."""
    running = LeefloonDecision.objects.running_on(today).filter(client=OuterRef("pk"))
    met = with_gpmi_state(running).filter(Q(has_gpmi=True) | Q(exempted=True))
    gpmi = Gpmi.objects.in_force_on(today).filter(client=OuterRef("pk"))
    exemption = Exemption.objects.filter(client=OuterRef("pk"), accepted_on__lte=today).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=today))
    return clients.filter(Exists(running), anonymised_at__isnull=True).aggregate(
        leefloners=Count("pk"), covered=Count("pk", filter=Q(Exists(gpmi)) | Q(Exists(exemption)) | Q(Exists(met))))
