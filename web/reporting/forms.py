from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReportRequestForm(forms.Form):
    """Which year; the range is checked by reporting.services.request_report, with a Dutch message."""

    year = forms.IntegerField(label=_("Year"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        years = range(this_year, this_year - 10, -1)
        self.fields["year"].widget = forms.Select(choices=[(year, year) for year in years])
        self.fields["year"].initial = this_year - 1
