from crispy_forms.layout import Layout
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ladder.models import LadderMeasurement
from web.forms import DateInput, form_helper, polish_choices, row


class MeasurementForm(forms.ModelForm):
    """Date, rung and a note; the model refuses a future date, the service a second measurement on
    the same day."""

    class Meta:
        model = LadderMeasurement
        fields = ["date", "rung", "note"]
        widgets = {"date": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"note": _("What the client does now, in a few words: what the rung rests on.")}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        polish_choices(self)
        self.fields["rung"].widget = forms.RadioSelect(choices=self.fields["rung"].choices[1:])
        self.helper = form_helper(Layout(row("date"), "rung", "note"))
