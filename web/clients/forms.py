from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Barrier, Client, Competence, ContactMoment, Interest
from organisations.models import User
from web.forms import DateInput, form_helper, polish_choices, row


class ClientForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = [
            "national_number", "first_name", "last_name", "birth_date",
            "street_address", "postcode", "municipality", "phone", "email", "leefloon_category",
            "competences", "competences_note", "interests", "interests_note", "goals",
            "education_level", "languages", "driving_licence", "mobility", "childcare_needs",
            "work_history", "draagkracht_hours", "status", "counsellor", "version",
        ]
        widgets = {
            "birth_date": DateInput(),
            "competences": forms.CheckboxSelectMultiple,
            "interests": forms.CheckboxSelectMultiple,
            "competences_note": forms.Textarea(attrs={"rows": 2}),
            "interests_note": forms.Textarea(attrs={"rows": 2}),
            "goals": forms.Textarea(attrs={"rows": 3}),
            "childcare_needs": forms.Textarea(attrs={"rows": 2}),
            "work_history": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organisation = user.organisation
        if not self.instance.pk:
            self.instance.organisation = organisation
            if user.is_counsellor:
                self.instance.counsellor = user
        # Active terms, plus the ones the client already has: deactivating a term stops it being
        # offered, it does not silently remove it from clients at their next save.
        for name, model in (("competences", Competence), ("interests", Interest)):
            chosen = getattr(self.instance, name).all() if self.instance.pk else model.objects.none()
            self.fields[name].queryset = model.objects.visible_to(user).filter(
                Q(active=True) | Q(pk__in=chosen.values("pk")))
        # Assigning caseloads is the head's job (DOMAIN.md).
        if user.is_head:
            self.fields["counsellor"].queryset = User.objects.colleagues_of(user).counsellors().filter(is_active=True)
        else:
            del self.fields["counsellor"]
        for name in ("competences", "interests"):
            if not self.fields[name].queryset.exists():
                self.fields[name].help_text = _("No terms yet: the administrator adds them under Vocabularies.")
        polish_choices(self)
        self.helper = form_helper(Layout(
            Fieldset(_("Person"), row("national_number", "birth_date"), row("first_name", "last_name"),
                     row("street_address", "postcode", "municipality"), row("phone", "email"),
                     "leefloon_category"),
            Fieldset(_("Strengths and goals"), "goals", row("competences", "interests"),
                     row("competences_note", "interests_note")),
            Fieldset(_("Intake"), row("draagkracht_hours", "education_level"), "languages",
                     row("driving_licence", "mobility"), "childcare_needs", "work_history"),
            Fieldset(_("Follow-up"), row("status", *(["counsellor"] if user.is_head else []))),
            "version",  # hidden: the version this form was opened on (optimistic locking)
        ))


class BarrierForm(forms.ModelForm):
    class Meta:
        model = Barrier
        fields = ["category", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        polish_choices(self)


class ContactMomentForm(forms.ModelForm):
    class Meta:
        model = ContactMoment
        fields = ["kind", "date", "duration_minutes", "note"]
        widgets = {"date": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate
        self.fields["duration_minutes"].initial = 30
        polish_choices(self)
        self.helper = form_helper(Layout(row("kind", "date", "duration_minutes"), "note"))


class HandoverForm(forms.Form):
    """The head hands files over: a selection (`client`, repeated) or the open files of one
    counsellor (`van`), to another counsellor, with a note.

    The server checks the required fields and answers in Dutch: no `required` attribute, so the
    browser does not stop the form first with its own message in its own language."""

    use_required_attribute = False

    client = forms.ModelMultipleChoiceField(queryset=Client.objects.none(), required=False,
                                            widget=forms.MultipleHiddenInput)
    van = forms.ModelChoiceField(queryset=User.objects.none(), required=False, widget=forms.HiddenInput)
    to = forms.ModelChoiceField(label=_("Hand over to"), queryset=User.objects.none(), error_messages={
        "required": _("Choose the counsellor who takes over the case files.")})
    note = forms.CharField(label=_("Handover note"), widget=forms.Textarea(attrs={"rows": 4}), error_messages={
                               "required": _("Write a handover note: what should the new counsellor know?")},
                           help_text=_("What the new counsellor should know: agreements made, what is pending. "
                                       "It stays in each file's history."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["client"].queryset = Client.objects.visible_to(user)
        self.fields["van"].queryset = User.objects.colleagues_of(user).counsellors()
        self.fields["to"].queryset = User.objects.colleagues_of(user).counsellors().filter(is_active=True)
        polish_choices(self)
        self.helper = form_helper(Layout("client", "van", "to", "note"))

    def clean(self):
        data = super().clean()
        if not data.get("client") and not data.get("van"):
            raise forms.ValidationError(_("Choose the case files to hand over: tick them in the caseload, or "
                                          "filter the caseload on one counsellor."))
        return data

    def clients(self):
        """The files this form is about: the ticked ones, or the open files of `van`."""
        chosen = self.cleaned_data.get("client")
        if chosen:
            return chosen
        return (Client.objects.visible_to(self.user).filter(counsellor=self.cleaned_data["van"])
                .exclude(status=Client.Status.CLOSED))
