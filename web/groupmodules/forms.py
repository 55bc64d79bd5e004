from crispy_forms.layout import Layout
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from groupmodules.models import Edition, Module, Session
from organisations.models import CASE_FILE_ROLES, User
from trajectories.rules import TrajectoryType
from web.forms import DateInput, form_helper, polish_choices, row


class ModuleForm(forms.ModelForm):
    class Meta:
        model = Module
        fields = ["title", "kind", "goals", "trainer", "partner", "place", "capacity", "active"]
        widgets = {"goals": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        polish_choices(self)
        self.helper = form_helper(Layout(row("title", "kind"), "goals", row("trainer", "partner"),
                                         row("place", "capacity"), "active"))


class EditionForm(forms.ModelForm):
    class Meta:
        model = Edition
        fields = ["name", "start_date", "end_date", "capacity", "trainer"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, module, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.module = module
        # The colleagues of the OCMW who work with case files (and the trainer already chosen).
        self.fields["trainer"].queryset = User.objects.of_organisation(module.organisation_id).filter(
            Q(role__in=CASE_FILE_ROLES, is_active=True) | Q(pk=self.instance.trainer_id))
        self.fields["trainer"].empty_label = _("nobody in particular (every counsellor takes attendance)")
        if module.capacity:
            self.fields["capacity"].help_text = _("Empty: the module's %(places)s places.") % {
                "places": module.capacity}
        self.helper = form_helper(Layout("name", row("start_date", "end_date"), row("capacity", "trainer")))


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["date", "start_time", "end_time", "topic", "place", "cancelled"]
        widgets = {"date": DateInput(),
                   "start_time": forms.TimeInput(format="%H:%M", attrs={"placeholder": "09:30"}),
                   "end_time": forms.TimeInput(format="%H:%M", attrs={"placeholder": "12:00"})}

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.edition = edition
        if edition.module.place:
            self.fields["place"].help_text = _("Empty: %(place)s.") % {"place": edition.module.place}
        if not self.instance.pk:
            del self.fields["cancelled"]
        self.helper = form_helper(Layout(row("date", "start_time", "end_time"), row("topic", "place"),
                                         *(["cancelled"] if "cancelled" in self.fields else [])))


class EnrolmentForm(forms.Form):
    """Enrol one chosen client, optionally for one of their voortrajecten or GPMIs."""

    trajectory = forms.ModelChoiceField(label=_("For the voortraject"), queryset=None, required=False,
                                        empty_label=_("none"))
    gpmi = forms.ModelChoiceField(label=_("For the GPMI"), queryset=None, required=False, empty_label=_("none"))

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        # The client was read through a scope: what hangs under it is scoped by it.
        self.fields["trajectory"].queryset = client.trajectories.filter(type=TrajectoryType.VOORTRAJECT).order_by(
            "-start_date")
        self.fields["gpmi"].queryset = client.gpmis.order_by("-pk")
        for name in ("trajectory", "gpmi"):  # nothing to link: no field
            if not self.fields[name].queryset.exists():
                del self.fields[name]
        self.helper = form_helper(Layout(row(*self.fields)))
