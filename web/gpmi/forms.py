from crispy_forms.layout import Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from clients.models import Client, VdabConsent
from gpmi.models import Amendment, Exemption, Gpmi, GpmiEvaluation, Sanction
from leefloon.models import LeefloonDecision, SocioProfessionalExemption
from web.forms import DateInput, form_helper, polish_choices, row


def _text(rows=3):
    return forms.Textarea(attrs={"rows": rows})


class DecisionForm(forms.ModelForm):
    class Meta:
        model = LeefloonDecision
        fields = ["kind", "category", "decided_on", "start_date", "end_date", "end_reason", "note"]
        widgets = {"decided_on": DateInput(), "start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        polish_choices(self)
        self.helper = form_helper(Layout(row("kind", "category"), row("decided_on", "start_date"),
                                         row("end_date", "end_reason"), "note"))


class SocioProfessionalForm(forms.ModelForm):
    class Meta:
        model = SocioProfessionalExemption
        fields = ["start_date", "end_date", "note"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Layout(row("start_date", "end_date"), "note"))


class GpmiForm(forms.ModelForm):
    """Drawing up a GPMI here: the content the contract holds is required (an imported GPMI may
    lack it, the model allows that)."""

    REQUIRED = ("orientation", "goals", "client_commitments", "ocmw_commitments")

    class Meta:
        model = Gpmi
        fields = ["decision", "orientation", "goals", "steps", "client_commitments", "ocmw_commitments",
                  "duration_months", "other_signatories"]
        widgets = {"goals": _text(), "steps": _text(), "client_commitments": _text(4), "ocmw_commitments": _text(4)}

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = client.leefloon_decisions.all()
        for name in self.REQUIRED:
            self.fields[name].required = True
        self.fields["duration_months"].widget.attrs.update(min=1, max=60)
        polish_choices(self)
        self.helper = form_helper(Layout(row("decision", "orientation"), "goals", "steps", "client_commitments",
                                         "ocmw_commitments", row("duration_months", "other_signatories")))


class SignForm(forms.Form):
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())


class AmendmentForm(forms.ModelForm):
    class Meta:
        model = Amendment
        fields = ["date", "requested_by", "changes"]
        widgets = {"date": DateInput(), "changes": _text()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        polish_choices(self)
        self.helper = form_helper(Layout(row("date", "requested_by"), "changes"))


class EvaluationForm(forms.ModelForm):
    class Meta:
        model = GpmiEvaluation
        fields = ["date", "in_person", "participants", "conclusion"]
        widgets = {"date": DateInput(), "conclusion": _text()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Layout(row("date", "participants"), "in_person", "conclusion"))


class ExemptionForm(forms.ModelForm):
    class Meta:
        model = Exemption
        fields = ["decision", "ground", "reason", "accepted_on"]
        widgets = {"accepted_on": DateInput(), "reason": _text()}

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = client.leefloon_decisions.all()
        self.fields["reason"].required = True
        polish_choices(self)
        self.helper = form_helper(Layout(row("decision", "ground"), "accepted_on", "reason"))


class SanctionForm(forms.ModelForm):
    class Meta:
        model = Sanction
        fields = ["gpmi", "decided_on", "decision", "suspended_from", "suspended_until"]
        widgets = {"decided_on": DateInput(), "suspended_from": DateInput(), "suspended_until": DateInput(),
                   "decision": _text()}

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gpmi"].queryset = client.gpmis.signed()
        polish_choices(self)
        self.helper = form_helper(Layout(row("gpmi", "decided_on"), "decision",
                                         row("suspended_from", "suspended_until")))


class VdabForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = ["vdab_registered_on", "vdab_not_registered_reason"]
        widgets = {"vdab_registered_on": DateInput()}


class VdabConsentForm(forms.ModelForm):
    class Meta:
        model = VdabConsent
        fields = ["given_on", "scope", "withdrawn_on"]
        widgets = {"given_on": DateInput(), "withdrawn_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].initial = _("Follow-up of the TWE in Mijn Loopbaan voor partners")
        self.helper = form_helper(Layout(row("given_on", "withdrawn_on"), "scope"))
