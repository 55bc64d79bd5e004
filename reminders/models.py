"""Follow-up reminders (opvolging): the nine rules of DOMAIN.md (and a TWE that still lacks its
workplace, which an import may leave behind; the participation ladder to measure; repeated
unexcused absence at a group module), their per-organisation settings,
the reminders they create (once per rule, subject and due date) and the daily digests."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from organisations.models import Organisation, Role
from organisations.scoping import ScopedModel, ScopedQuerySet


class Rule(models.TextChoices):
    TWE_ENDING = "twe_einde", _("TWE ends soon without nazorg")
    WERK_ZORG_LIMIT = "werk_zorg_grens", _("werk-zorgtraject nears 18 months")
    NO_CONTACT = "geen_contact", _("no contact moment for a while")
    END_PASSED = "einde_voorbij", _("planned end passed, trajectory not closed")
    NAZORG_CHECK_IN = "nazorg_opvolging", _("nazorg check-in due")
    AMA_EVALUATION = "ama_evaluatie", _("AMA yearly evaluation due")
    AGREEMENT_ENDING = "overeenkomst_einde", _("cooperation agreement ends soon")
    GPMI_DEADLINE = "gpmi_termijn", _("GPMI due and not yet signed")
    GPMI_EVALUATION = "gpmi_evaluatie", _("GPMI evaluation due")
    TWE_NO_WORKPLACE = "twe_zonder_werkplek", _("running TWE without a workplace")
    LADDER_MEASUREMENT = "ladder_meting", _("participation ladder to measure")
    UNEXCUSED_ABSENCE = "onverwittigd_afwezig", _("repeatedly absent without notice")


# The rules whose reminders close by themselves when their cause is gone (engine.resolve): every rule.
# The GPMI signed, an exemption accepted, the leefloon ended; an evaluation logged; a workplace entered for
# the TWE (or the TWE ended); a ladder measurement recorded; attendance at a later session (or the mark
# corrected); a contact moment logged; a nazorg registered after the TWE; the trajectory closed or its
# planned end moved; the agreement renewed.
CLOSE_BY_THEMSELVES = tuple(Rule)


# Defaults of DOMAIN.md; an organisation changes them in its RuleSetting rows.
DEFAULTS = {
    Rule.TWE_ENDING: {"days": 30},
    Rule.WERK_ZORG_LIMIT: {"months": "15,17"},
    Rule.NO_CONTACT: {"days": 30},
    Rule.END_PASSED: {},
    Rule.NAZORG_CHECK_IN: {"months": "1,3,6"},
    Rule.AMA_EVALUATION: {"days": 14},
    Rule.AGREEMENT_ENDING: {"days": 60},
    Rule.GPMI_DEADLINE: {"days": 30},
    Rule.GPMI_EVALUATION: {"days": 14},
    # A TWE's screening normally takes less than 30 days; from the WEO on, the workplace is needed.
    Rule.TWE_NO_WORKPLACE: {"days": 30},
    # Measured at intake (within N days of the start of the follow-up), then every 6 months
    # (ladder.models.MEASURE_EVERY_MONTHS).
    Rule.LADDER_MEASUREMENT: {"days": 30},
    # groupmodules.rules.UNEXCUSED_IN_A_ROW unexcused absences in a row.
    Rule.UNEXCUSED_ABSENCE: {},
}


def validate_months(value):
    try:
        months = [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise ValidationError(_("Give months as numbers separated by commas, e.g. 15,17.")) from None
    if not months or any(not 1 <= month <= 24 for month in months):
        raise ValidationError(_("Give months between 1 and 24, separated by commas, e.g. 15,17."))


class RuleSettingQuerySet(models.QuerySet):
    def every_rule(self, organisation):
        """One setting per rule of the organisation, in the order of Rule: the stored one, or an
        unsaved one with the defaults (the organisation changed nothing)."""
        stored = {setting.rule: setting for setting in self.filter(organisation=organisation)}
        return [stored.get(rule) or RuleSetting(organisation=organisation, rule=rule, days=DEFAULTS[rule].get("days"),
                                                months=DEFAULTS[rule].get("months", ""))
                for rule in Rule]


class RuleSetting(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="reminder_rules")
    rule = models.CharField(_("rule"), max_length=30, choices=Rule.choices)
    enabled = models.BooleanField(_("on"), default=True)
    days = models.PositiveSmallIntegerField(_("days"), null=True, blank=True,
                                            validators=[MinValueValidator(1), MaxValueValidator(365)])
    months = models.CharField(_("months"), max_length=30, blank=True, validators=[validate_months])

    objects = RuleSettingQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "rule"], name="one_setting_per_rule")]

    def __str__(self):
        return f"{self.organisation}: {self.get_rule_display()}"

    @property
    def month_list(self):
        return sorted({int(part) for part in self.months.split(",") if part.strip()})


class ReminderScan(models.Model):
    """A day the engine evaluated for every organisation (engine.evaluate), recorded when it finished.
    The daily task evaluates every day after the last one recorded (engine.catch_up), so a day that beat
    missed (the beat container recreated after the scan time, an outage) is still evaluated, in order."""

    day = models.DateField(unique=True)
    finished_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["day"]

    def __str__(self):
        return f"{self.day:%d/%m/%Y}"


def handled_by_head():
    """Reminders nobody else handles: an agreement's, or a client's without an active counsellor."""
    counsellor_works = models.Q(client__counsellor__is_active=True, client__counsellor__role=Role.COUNSELLOR)
    # Without a counsellor the negation alone is NULL in SQL (no row), not true: say it.
    return models.Q(client__isnull=True) | models.Q(client__counsellor__isnull=True) | ~counsellor_works


class ReminderQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """Who a reminder is for is decided when it is read, not when it was made: the client's
        counsellor today (after a reassignment, the new one), and the head for the rest. Whoever
        it is for handles it (editable_by); the head's dashboard lists all of the organisation's
        through of_organisation."""
        if not user.is_authenticated or not user.works_with_case_files:
            return self.none()
        mine = models.Q(client__counsellor=user, client__counsellor__is_active=True,
                        client__counsellor__role=Role.COUNSELLOR)
        if user.is_head:
            mine |= handled_by_head()
        return self.of_organisation(user.organisation_id).filter(mine)

    def editable_by(self, user):
        return self.visible_to(user)

    def open_on(self, day):
        return self.filter(models.Q(status=Reminder.Status.OPEN) | models.Q(
            status=Reminder.Status.SNOOZED, snoozed_until__lte=day))


class Reminder(ScopedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "afgehandeld", _("done")
        SNOOZED = "uitgesteld", _("snoozed")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="reminders")
    rule = models.CharField(_("rule"), max_length=30, choices=Rule.choices)
    # The subject, as a stable key for uniqueness ("trajectory:12") and as links for the page.
    subject = models.CharField(max_length=50)
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, null=True, related_name="reminders")
    trajectory = models.ForeignKey("trajectories.Trajectory", on_delete=models.CASCADE, null=True,
                                   related_name="reminders")
    agreement = models.ForeignKey("employers.Agreement", on_delete=models.CASCADE, null=True,
                                  related_name="reminders")
    due_date = models.DateField(_("due"))
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    snoozed_until = models.DateField(_("snoozed until"), null=True, blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    # Closed by the engine because its cause is gone (CLOSE_BY_THEMSELVES), not by a person.
    closed_by_itself = models.BooleanField(_("closed by itself"), default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    digest = models.ForeignKey("Digest", on_delete=models.SET_NULL, null=True, blank=True, related_name="reminders")

    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [
            # Exactly once: a rerun, a retry or two workers at once never create a second reminder.
            models.UniqueConstraint(fields=["rule", "subject", "due_date"], name="one_reminder_per_rule_subject_day"),
        ]

    def __str__(self):
        return f"{self.get_rule_display()} ({self.subject}, {self.due_date:%d/%m/%Y})"

    def get_absolute_url(self):
        if self.rule == Rule.LADDER_MEASUREMENT and self.client_id:
            return reverse("clients:detail", args=[self.client_id]) + "#participatieladder"
        if self.rule == Rule.UNEXCUSED_ABSENCE and self.client_id:
            return reverse("clients:detail", args=[self.client_id]) + "#groepsmodules"
        if self.rule == Rule.GPMI_EVALUATION and self.client_id:
            return reverse("gpmi:detail", args=[self.client_id, self._subject_pk])
        if self.rule == Rule.GPMI_DEADLINE and self.client_id:
            return reverse("gpmi:overview", args=[self.client_id])
        if self.agreement_id:
            return reverse("employers:detail", args=[self.agreement.employer_id])
        if self.trajectory_id:
            return reverse("trajectories:detail", args=[self.client_id, self.trajectory_id])
        return reverse("clients:detail", args=[self.client_id])

    @property
    def _subject_pk(self):
        return int(self.subject.rpartition(":")[2])

    @property
    def shows_closed_by_itself(self):
        """Done because its cause went, not by a person (who reopened and closed it again)."""
        return self.status == self.Status.DONE and self.closed_by_itself and self.handled_by_id is None

    @property
    def closed_by_itself_because(self):
        return {Rule.GPMI_DEADLINE: _("closed by itself: the GPMI was signed, an exemption accepted or the "
                                      "leefloon ended"),
                Rule.GPMI_EVALUATION: _("closed by itself: an evaluation was logged or the GPMI ended"),
                Rule.TWE_NO_WORKPLACE: _("closed by itself: the TWE has a workplace, or it ended"),
                Rule.LADDER_MEASUREMENT: _("closed by itself: the participation ladder was measured, or the "
                                           "follow-up ended"),
                Rule.UNEXCUSED_ABSENCE: _("closed by itself: attendance at a later session, the mark corrected, "
                                          "or the client left the module"),
                Rule.NO_CONTACT: _("closed by itself: a contact moment was logged, or no trajectory runs any more"),
                Rule.TWE_ENDING: _("closed by itself: a nazorg was registered, or the TWE ended or its end moved"),
                Rule.END_PASSED: _("closed by itself: the trajectory was closed or its planned end moved"),
                Rule.NAZORG_CHECK_IN: _("closed by itself: the nazorg ended"),
                Rule.AMA_EVALUATION: _("closed by itself: the evaluation date moved, or the trajectory ended"),
                Rule.AGREEMENT_ENDING: _("closed by itself: the agreement was renewed or its end moved"),
                }.get(self.rule, _("closed by itself"))

    @property
    def about(self):
        """Who or what the reminder is about, in words."""
        if self.agreement_id:
            return str(self.agreement.employer)
        if self.trajectory_id:
            return f"{self.client.full_name} · {self.trajectory.get_type_display()}"
        return self.client.full_name if self.client_id else self.subject

    @property
    def about_in_mail(self):
        """What an e-mail may say: a first name and an initial, never a trajectory type (a
        werk-zorgtraject would tell about health); the link leads to the rest, behind a login."""
        if self.agreement_id:
            return str(self.agreement.employer)
        client = self.client
        return f"{client.first_name} {client.last_name[:1]}." if client else self.subject

    @property
    def explanation(self):
        """The rule's finding in one sentence."""
        detail = self.detail
        def day(iso):
            return datetime.date.fromisoformat(iso).strftime("%d/%m/%Y") if iso[:1].isdigit() else "—"

        def count(number):  # picks the singular or plural sentence
            return int(number) if number.strip().isdigit() else 2

        texts = {
            Rule.TWE_ENDING: lambda: _("ends on %(day)s and no nazorg is planned") % {"day": day(detail)},
            Rule.WERK_ZORG_LIMIT: lambda: (ngettext("the extension ends on %(day)s, in %(months)s month",
                                                    "the extension ends on %(day)s, in %(months)s months",
                                                    count(detail.split(":")[2])) % {
                "day": day(detail.split(":")[1]), "months": detail.split(":")[2]}) if detail.startswith("verlengd:")
            else ngettext("reaches %(months)s month (the limit is 18)", "reaches %(months)s months (the limit is 18)",
                          count(detail)) % {"months": detail},
            Rule.NO_CONTACT: lambda: (_("last contact moment on %(day)s") % {"day": day(detail)}) if detail
            else _("no contact moment yet"),
            Rule.END_PASSED: lambda: _("the planned end was %(day)s: close or stop the trajectory, or move the end") % {
                "day": day(detail)},
            Rule.NAZORG_CHECK_IN: lambda: ngettext("check-in %(months)s month after the job started",
                                                   "check-in %(months)s months after the job started",
                                                   count(detail)) % {"months": detail},
            Rule.AMA_EVALUATION: lambda: _("yearly evaluation on %(day)s") % {"day": day(detail)},
            Rule.AGREEMENT_ENDING: lambda: _("the agreement ends on %(day)s") % {"day": day(detail)},
            Rule.GPMI_DEADLINE: lambda: self._gpmi_deadline_text(day),
            Rule.GPMI_EVALUATION: lambda: self._gpmi_evaluation_text(day),
            Rule.TWE_NO_WORKPLACE: lambda: self._twe_no_workplace_text(day),
            Rule.LADDER_MEASUREMENT: lambda: self._ladder_text(day),
            Rule.UNEXCUSED_ABSENCE: lambda: self._unexcused_text(day),
        }
        return texts[self.rule]()

    def _twe_no_workplace_text(self, day):
        # detail: "weo:<date>" when the WEO date is known, else "start:<date>" (engine.twe_no_workplace_causes)
        kind, _sep, date = self.detail.partition(":")
        if kind == "weo":
            return _("no workplace yet, and the WEO was signed on %(day)s: fill in the employer (the workplace)") % {
                "day": day(date)}
        return _("no workplace yet since the start on %(day)s: fill in the employer (the workplace) and the day the "
                 "WEO was signed") % {"day": day(date)}

    def _ladder_text(self, day):
        # detail: "laatste:<date>" after a measurement, else "start:<date>" (engine.ladder_measurement_causes)
        kind, _sep, date = self.detail.partition(":")
        if kind == "laatste":
            return _("the last participation-ladder measurement was on %(day)s: measure again (at least twice a "
                     "year)") % {"day": day(date)}
        return _("followed since %(day)s and the participation ladder was not measured yet: measure it at "
                 "intake") % {"day": day(date)}

    def _unexcused_text(self, day):
        # detail: "<count>|<first session>|<last session>" (engine.unexcused_absence_causes). No module
        # title: the digest e-mail shows this text, and a module's title may tell about health.
        count, first, last = (self.detail.split("|") + [""] * 3)[:3]
        return _("%(count)s times in a row absent without notice at a group module (from %(first)s to %(last)s): "
                 "talk it over with the client") % {"count": count, "first": day(first), "last": day(last)}

    def _gpmi_deadline_text(self, day):
        # detail: "deadline|decision date" (engine.gpmi_deadline_causes)
        deadline, _sep, decided_on = self.detail.partition("|")
        return _("the GPMI is due by %(day)s, 3 months after the leefloon decision of %(decided)s") % {
            "day": day(deadline), "decided": day(decided_on)}

    def _gpmi_evaluation_text(self, day):
        # detail: "due|last evaluation|signed on|in person held|in person required" (engine.gpmi_evaluation)
        due, last, signed_on, held, required = (self.detail.split("|") + [""] * 5)[:5]
        if last:
            text = _("evaluation due on %(day)s (the last one on %(last)s)") % {"day": day(due), "last": day(last)}
        else:
            text = _("evaluation due on %(day)s (none yet since the signing on %(signed)s)") % {
                "day": day(due), "signed": day(signed_on)}
        if held and required:  # only when the in-person count of its GPMI year is short
            text += "; " + _("this GPMI year only %(held)s of the %(required)s required evaluations in a personal "
                             "conversation so far: hold this one in person") % {"held": held, "required": required}
        return text


class Digest(models.Model):
    """One daily e-mail per person, at least once and never twice (reminders.digest). The row, its
    reminders and its Message-ID are committed together when it is claimed, before anything is sent;
    the claim is a lease: a digest not sent within settings.REMINDERS_DIGEST_LEASE_SECONDS of its
    claim is taken over by the next run and sent with the same reminders and the same Message-ID."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests")
    day = models.DateField()
    # When the current claim was taken; null: nobody holds it (a send failed and gave it back).
    claimed_at = models.DateTimeField(default=timezone.now, null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # How many claims (the first one and the take-overs) tried to send it.
    attempts = models.PositiveSmallIntegerField(default=1)
    # The e-mail's Message-ID, fixed at the claim: a resend carries the same one (idempotency key).
    message_id = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["recipient", "day"], name="one_digest_per_person_day")]

    def __str__(self):
        return f"{self.recipient} {self.day:%d/%m/%Y}"
