from django import forms
from django.utils.translation import gettext_lazy as _

from reminders.models import DEFAULTS, Rule, RuleSetting
from web.forms import DateInput


class SnoozeForm(forms.Form):
    until = forms.DateField(label=_("Snooze until"), widget=DateInput())

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until <= self.today:
            raise forms.ValidationError(_("Snooze until a day after today."))
        return until


# What the number of days means, where the label alone does not say it.
DAYS_HELP = {
    Rule.LADDER_MEASUREMENT: _("The first measurement is due this many days after the follow-up (werk-zorg, "
                               "voortraject, AMA or a group module) started; after that every 6 months."),
}

# Each rule with months says what they count from, with its own example (its default).
MONTHS_HELP = {
    Rule.WERK_ZORG_LIMIT: _("Months since the start of the werk-zorgtraject, comma-separated, e.g. 15,17."),
    Rule.NAZORG_CHECK_IN: _("Months after the job started, comma-separated, e.g. 1,3,6."),
}


class RuleSettingForm(forms.ModelForm):
    class Meta:
        model = RuleSetting
        fields = ["enabled", "days", "months"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        default = DEFAULTS[self.instance.rule]
        if "days" not in default:
            del self.fields["days"]
        else:
            self.fields["days"].required = True
            if self.instance.rule in DAYS_HELP:
                self.fields["days"].help_text = DAYS_HELP[self.instance.rule]
        if "months" not in default:
            del self.fields["months"]
        else:
            self.fields["months"].required = True
            self.fields["months"].help_text = MONTHS_HELP[self.instance.rule]
