"""Reading the GPMI's legal state: of one case file (its page), and of many decisions at once (the
diensthoofd's deadline view, the reminders, the yearly figures), with one rule (leefloon.rules.covers)
written once in Python and once as the query below, which tests/test_gpmi_rules.py holds together."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Q

from leefloon import rules as leefloon_rules
from leefloon.models import LeefloonDecision

from . import rules
from .models import Exemption, Gpmi


def _covering(model, start_field, end_field):
    """The GPMIs (or exemptions) of the decision's client that meet its deadline (rules.covers)."""
    return model.objects.filter(client=OuterRef("client")).filter(**{
        f"{start_field}__isnull": False, f"{start_field}__lte": OuterRef("gpmi_deadline")}).filter(
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
        """'geen_leefloon', 'ondertekend', 'vrijgesteld', 'niet_nodig', 'laattijdig' or 'te_maken'."""
        if self.decision is None:
            return "geen_leefloon"
        if self._met_by(self.gpmis, "signed_on", "end_date"):
            return "ondertekend"
        if self._met_by(self.exemptions, "accepted_on", "ended_on"):
            return "vrijgesteld"
        if not leefloon_rules.needs_gpmi(self.decision.decided_on, self.decision.end_date):
            return "niet_nodig"
        return "laattijdig" if self.deadline < self.today else "te_maken"

    def _met_by(self, rows, start, end):
        return any(leefloon_rules.covers(self.decision.decided_on, getattr(row, start), getattr(row, end))
                   for row in rows)

    @property
    def days_left(self):
        return (self.deadline - self.today).days if self.deadline else None

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


def case_file_gpmi(client, today):
    """The leefloon decisions, GPMIs (with amendments and evaluations), exemptions and sanctions of
    one case file, in five queries, and what they mean today."""
    organisation = client.organisation
    decisions = list(client.leefloon_decisions.all())
    gpmis = list(client.gpmis.prefetch_related("amendments", "evaluations"))
    status = CaseFileGpmi(
        today=today, decisions=decisions, gpmis=gpmis, exemptions=list(client.gpmi_exemptions.all()),
        sanctions=list(client.gpmi_sanctions.all()), per_year=organisation.gpmi_evaluations_per_year,
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
