"""Pages of the leefloon, the GPMI and VDAB on a case file (being built)."""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


overview = decision_add = decision_edit = socio_professional_add = gpmi_create = gpmi_detail = _todo
gpmi_edit = gpmi_sign = amendment_add = evaluation_add = exemption_add = sanction_add = _todo
vdab_edit = vdab_consent_add = _todo
