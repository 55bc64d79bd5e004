from crispy_forms.layout import Layout
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clients.models import Competence, Interest
from employers.models import Agreement, ContactPerson, Employer, Workplace
from web.forms import DateInput, form_helper, polish_choices, row


class EmployerForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Employer
        fields = ["name", "kind", "kbo_number", "sector", "street_address", "postcode", "municipality", "website",
                  "active"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        polish_choices(self)
        self.helper = form_helper(Layout(row("name", "kind"), row("kbo_number", "sector"),
                                         row("street_address", "postcode", "municipality"), "website", "active"))


class ContactPersonForm(forms.ModelForm):
    class Meta:
        model = ContactPerson
        fields = ["name", "role", "phone", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Layout(row("name", "role"), row("phone", "email")))


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["start_date", "end_date", "document", "note"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Layout(row("start_date", "end_date"), "document", "note"))


class WorkplaceForm(forms.ModelForm):
    class Meta:
        model = Workplace
        fields = ["function", "description", "required_competences", "useful_competences", "interests",
                  "hours_per_week", "capacity", "postcode", "municipality", "is_open"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "required_competences": forms.CheckboxSelectMultiple,
            "useful_competences": forms.CheckboxSelectMultiple,
            "interests": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, employer, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.employer = employer
        if not self.instance.pk:
            self.initial.setdefault("postcode", employer.postcode)
            self.initial.setdefault("municipality", employer.municipality)
        organisation = employer.organisation
        # Active terms plus those already chosen: deactivating a term does not strip it here.
        for name, model in (("required_competences", Competence), ("useful_competences", Competence),
                            ("interests", Interest)):
            chosen = getattr(self.instance, name).all() if self.instance.pk else model.objects.none()
            self.fields[name].queryset = model.objects.of_organisation(organisation).filter(
                Q(active=True) | Q(pk__in=chosen.values("pk")))
        self.helper = form_helper(Layout(
            row("function", "hours_per_week", "capacity"), "description",
            row("required_competences", "useful_competences", "interests"),
            row("postcode", "municipality"), "is_open"))

    def clean(self):
        cleaned = super().clean()
        both = set(cleaned.get("required_competences") or []) & set(cleaned.get("useful_competences") or [])
        if both:
            self.add_error("useful_competences", _("%(names)s is already required.") % {
                "names": ", ".join(sorted(c.name for c in both))})
        return cleaned
