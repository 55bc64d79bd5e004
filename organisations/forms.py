from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import Role, User


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

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        self.fields["role"].choices = [(value, label) for value, label in Role.choices
                                       if value != Role.REGION_COORDINATOR]

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("A user with this e-mail address already exists."))
        return email


class VocabularyTermForm(forms.Form):
    vocabulary = forms.ChoiceField(label=_("List"), choices=[("competentie", _("Competence")),
                                                             ("interesse", _("Interest"))])
    name = forms.CharField(label=_("Term"), max_length=100)
