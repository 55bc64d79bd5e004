from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from organisations.permissions import administrator_required, case_file_access
from reminders.models import Reminder, RuleSetting

from .forms import RuleSettingForm, SnoozeForm

TABS = {"open": gettext_lazy("Open"), "uitgesteld": gettext_lazy("Snoozed"), "afgehandeld": gettext_lazy("Done")}


@case_file_access
def reminder_list(request):
    today = timezone.localdate()
    tab = request.GET.get("tab", "open")
    reminders = Reminder.objects.visible_to(request.user).select_related(
        "client__counsellor", "trajectory", "agreement__employer")
    if tab == "uitgesteld":
        reminders = reminders.filter(status=Reminder.Status.SNOOZED, snoozed_until__gt=today)
    elif tab == "afgehandeld":
        reminders = reminders.filter(status=Reminder.Status.DONE).order_by("-handled_at")[:200]
    else:
        tab = "open"
        reminders = reminders.open_on(today)
    return render(request, "reminders/reminder_list.html", {
        "reminders": reminders, "tab": tab, "tabs": TABS.items(), "today": today,
        "snooze_form": SnoozeForm(today=today),
    })


def _own_reminder(request, pk):
    return get_object_or_404(Reminder.objects.visible_to(request.user), pk=pk)


@require_POST
@case_file_access
def reminder_done(request, pk):
    reminder = _own_reminder(request, pk)
    reminder.status, reminder.handled_at, reminder.handled_by = Reminder.Status.DONE, timezone.now(), request.user
    reminder.save(update_fields=["status", "handled_at", "handled_by"])
    messages.success(request, _("Reminder marked as done."))
    return redirect("reminders:list")


@require_POST
@case_file_access
def reminder_snooze(request, pk):
    reminder = _own_reminder(request, pk)
    form = SnoozeForm(request.POST, today=timezone.localdate())
    if form.is_valid():
        reminder.status, reminder.snoozed_until = Reminder.Status.SNOOZED, form.cleaned_data["until"]
        reminder.save(update_fields=["status", "snoozed_until"])
        messages.success(request, _("Reminder snoozed until %(day)s.") % {
            "day": reminder.snoozed_until.strftime("%d/%m/%Y")})
    else:
        messages.error(request, " ".join(form.errors["until"]))
    return redirect("reminders:list")


@require_POST
@case_file_access
def reminder_reopen(request, pk):
    reminder = _own_reminder(request, pk)
    reminder.status, reminder.snoozed_until, reminder.handled_at = Reminder.Status.OPEN, None, None
    reminder.save(update_fields=["status", "snoozed_until", "handled_at"])
    return redirect("reminders:list")


@administrator_required
def rule_settings(request):
    forms = [RuleSettingForm(request.POST or None, prefix=setting.rule, instance=setting)
             for setting in RuleSetting.objects.every_rule(request.user.organisation)]
    if request.method == "POST" and all(form.is_valid() for form in forms):
        with transaction.atomic():
            for form in forms:
                form.save()
        messages.success(request, _("Reminder rules saved."))
        return redirect("reminders:settings")
    has_errors = any(form.errors for form in forms)
    return render(request, "reminders/rule_settings.html", {"forms": forms, "has_errors": has_errors},
                  status=422 if has_errors else 200)
