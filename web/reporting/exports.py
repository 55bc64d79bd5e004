"""The exports the OCMW owes other administrations, for the head of service only, each download
written to the access log: POD MI's Uniek Verslag (GPMI and PSA parts) and VDAB's TWE follow-up."""

import datetime

from django import forms
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import AccessLog
from organisations.permissions import head_required
from reporting import uniek_verslag, vdab_export

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class YearForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)


class PeriodForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("From"))
    end = forms.DateField(label=gettext_lazy("To"))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The period cannot end before it starts."))
        return data


def _download(request, content, name, detail):
    organisation = request.user.organisation
    AccessLog.objects.create(user=request.user, organisation=organisation, action=AccessLog.Action.EXPORTED,
                             detail=detail)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}-{organisation.slug}.xlsx"'
    return response


@head_required
def uniek_verslag_export(request):
    """?year=YYYY (default: last year)."""
    # Each parameter on its own: other parameters in the address change nothing.
    form = YearForm({"year": request.GET.get("year") or timezone.localdate().year - 1})
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose a valid year."))
    year = form.cleaned_data["year"]
    content = uniek_verslag.as_xlsx(request.user.organisation, year)
    return _download(request, content, f"uniek-verslag-{year}", f"uniek_verslag.xlsx {year}")


@head_required
def vdab_twe_export(request):
    """?start=YYYY-MM-DD&end=YYYY-MM-DD (default: the current year)."""
    this_year = timezone.localdate().year
    form = PeriodForm({"start": request.GET.get("start") or datetime.date(this_year, 1, 1),
                       "end": request.GET.get("end") or datetime.date(this_year, 12, 31)})
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose a valid period."))
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    content = vdab_export.as_xlsx(request.user.organisation, start, end)
    return _download(request, content, f"vdab-twe-{start.isoformat()}-{end.isoformat()}",
                     f"vdab_twe.xlsx {start.isoformat()}–{end.isoformat()}")
