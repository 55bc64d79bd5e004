from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Layout
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from clients.models import Competence, Interest
from organisations.models import Organisation, Role, User, check_logo


class EmailAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("This e-mail address and password do not match. Mind that the password is case-sensitive."),
    }
    username = forms.EmailField(label=_("E-mail address"),
                                widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}))


class UserForm(forms.ModelForm):
    """A user of the administrator's own organisation; region coordinators are made by the
    operator in the Django admin because they belong to a region, not an OCMW."""

    class Meta:
        model = User
        fields = ["email", "first_name", "last_name", "role", "is_active"]

    def __init__(self, *args, organisation, editor, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        if self.instance.pk == editor.pk:
            # Nobody raises their own access (a beheerder making themselves diensthoofd would
            # read medical details) or locks themselves out.
            for name in ("role", "is_active"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Another administrator changes this for you.")
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        self.fields["role"].choices = [(value, label) for value, label in Role.choices
                                       if value != Role.REGION_COORDINATOR]
        self.fields["role"].help_text = _("A role that reads case files (counsellor, head of service), and a new "
                                          "e-mail address or reactivation of such an account, take effect when a "
                                          "head of service approves them.")

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("A user with this e-mail address already exists."))
        return email


VOCABULARIES = {"competentie": Competence, "interesse": Interest}


class VocabularyTermForm(forms.Form):
    vocabulary = forms.ChoiceField(label=_("List"), choices=[
        (key, capfirst(model._meta.verbose_name)) for key, model in VOCABULARIES.items()])
    name = forms.CharField(label=_("Term"), max_length=100)


class OrganisationSettingsForm(forms.ModelForm):
    """The organisation's settings, and the logo on the yearly report's cover (organisations.models.check_logo
    says what is accepted: a PNG or JPEG image of at most 500 KB)."""

    logo_file = forms.FileField(label=_("Logo"), required=False, help_text=_(
        "Shown on the cover of the yearly report for the council: a PNG or JPEG image of at most 500 KB."))
    remove_logo = forms.BooleanField(label=_("Remove the current logo"), required=False)

    class Meta:
        model = Organisation
        fields = ["session_timeout_minutes", "retention_years", "gpmi_evaluations_per_year", "gpmi_in_person_per_year",
                  "small_number_threshold"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False  # form_page.html holds the <form> (multipart) and its token
        self.helper.disable_csrf = True
        fields = [*self.Meta.fields, "logo_file"]
        uri = self.instance.logo_data_uri
        if uri:
            preview = format_html('<div class="mb-2"><div class="form-label">{}</div><img src="{}" alt="{}" '
                                  'style="max-height: 5rem; max-width: 16rem" class="border p-1 bg-white"></div>',
                                  _("Current logo"), uri, _("Current logo"))
            # The preview is markup made here, not a template: keep crispy from reading it as one.
            fields = [*self.Meta.fields, HTML(preview.replace("{", "&#123;")), "logo_file", "remove_logo"]
        else:
            del self.fields["remove_logo"]
        self.helper.layout = Layout(*fields)

    def clean_logo_file(self):
        upload = self.cleaned_data.get("logo_file")
        if not upload:
            return None
        data = upload.read()
        self.logo_content_type = check_logo(data, upload.name)
        return data

    def save(self, commit=True):
        organisation = super().save(commit=False)
        data = self.cleaned_data.get("logo_file")
        if data:
            organisation.logo, organisation.logo_content_type = data, self.logo_content_type
        elif self.cleaned_data.get("remove_logo"):
            organisation.set_logo(None)
        if commit:
            organisation.save()
        return organisation
