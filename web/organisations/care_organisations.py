"""The care organisations an OCMW works with (casemanager Zorg of a werk-zorgtraject): a vocabulary
the beheerder keeps. Counsellors choose from the active ones in the trajectory forms."""

from crispy_forms.layout import Layout
from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organisations.permissions import administrator_required
from trajectories.models import CareOrganisation
from web.forms import form_helper, polish_choices, row


class CareOrganisationForm(forms.ModelForm):
    class Meta:
        model = CareOrganisation
        fields = ["name", "kind", "active"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        self.fields["name"].help_text = gettext_lazy("For example: CAW Zuid-West-Vlaanderen, CGG Largo.")
        polish_choices(self)
        self.helper = form_helper(Layout(row("name", "kind"), "active"))

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        same = (CareOrganisation.objects.of_organisation(self.instance.organisation).filter(name__iexact=name)
                .exclude(pk=self.instance.pk))
        if same.exists():
            raise forms.ValidationError(_("“%(name)s” is already on this list.") % {"name": name})
        return name


@administrator_required
def care_organisation_list(request):
    care_organisations = CareOrganisation.objects.editable_by(request.user).order_by("-active", "name")
    return render(request, "organisations/care_organisation_list.html", {"care_organisations": care_organisations})


@administrator_required
def care_organisation_create(request):
    return _form_page(request, CareOrganisation(), _("New care organisation"))


@administrator_required
def care_organisation_edit(request, pk):
    care_organisation = get_object_or_404(CareOrganisation.objects.editable_by(request.user), pk=pk)
    return _form_page(request, care_organisation, _("Edit %(name)s") % {"name": care_organisation.name})


def _form_page(request, care_organisation, title):
    form = CareOrganisationForm(request.POST or None, instance=care_organisation,
                                organisation=request.user.organisation)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("“%(name)s” saved.") % {"name": saved.name})
        return redirect("care_organisation_list")
    return render(request, "form_page.html", {
        "form": form, "title": title, "back": reverse("care_organisation_list"),
        "back_label": _("Care organisations"),
        "intro": _("Counsellors choose the casemanager Zorg of a werk-zorgtraject from the active care "
                   "organisations. An inactive one is no longer offered; trajectories keep it."),
    }, status=422 if form.errors else 200)
