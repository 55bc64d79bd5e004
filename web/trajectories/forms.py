from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from employers.models import Employer, Workplace
from trajectories.models import CareOrganisation, Evaluation, Goal, HoursStep, Placement, Trajectory
from trajectories.rules import CLOSING_OUTCOMES, NAZORG_CAN_FOLLOW, TrajectoryType
from web.forms import DateInput, form_helper, polish_choices, row


def employers_of(organisation):
    return Employer.objects.of_organisation(organisation).filter(active=True)


def care_organisations_of(organisation, keep=None):
    """The active care organisations, and the one a trajectory already has (`keep`) even if inactive."""
    queryset = CareOrganisation.objects.of_organisation(organisation)
    return queryset.filter(Q(active=True) | Q(pk=keep)) if keep else queryset.active()


class TrajectoryForm(forms.ModelForm):
    """Registers a trajectory, with its workplace, and starts it at once if asked."""

    start_now = forms.BooleanField(label=_("Start the trajectory now"), required=False, initial=True,
                                   help_text=_("Leave unticked to register it for a later start."))
    employer = forms.ModelChoiceField(label=_("Employer or own service"), queryset=Employer.objects.none(),
                                      required=False)
    function = forms.CharField(label=_("Function"), max_length=200, required=False)
    hours_per_week = forms.IntegerField(label=_("Hours a week"), min_value=1, max_value=40, required=False)
    mentor = forms.CharField(label=_("Mentor"), max_length=200, required=False)

    class Meta:
        model = Trajectory
        fields = ["type", "follows", "start_date", "planned_end_date", "description", "work_casemanager",
                  "work_casemanager_name", "care_organisation", "care_moments", "next_evaluation_date",
                  "vdab_decided_on", "job_start", "weo_signed_on", "vdab_registered_on"]
        widgets = {
            "start_date": DateInput(), "planned_end_date": DateInput(), "next_evaluation_date": DateInput(),
            "vdab_decided_on": DateInput(), "job_start": DateInput(), "extended_to": DateInput(),
            "weo_signed_on": DateInput(), "vdab_registered_on": DateInput(), "training_start": DateInput(),
            "training_end": DateInput(),
            "description": forms.Textarea(attrs={"rows": 2}), "care_moments": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["follows"].queryset = client.trajectories.exclude(type=TrajectoryType.NAZORG).filter(
            status__in=NAZORG_CAN_FOLLOW)
        self.fields["care_organisation"].queryset = care_organisations_of(client.organisation)
        self.fields["employer"].queryset = employers_of(client.organisation)
        polish_choices(self)
        self.helper = form_helper(Layout(
            Fieldset(_("Trajectory"), row("type", "follows"), row("start_date", "planned_end_date"),
                     "description", "start_now"),
            Fieldset(_("Workplace"), row("employer", "function"), row("hours_per_week", "mentor"),
                     css_class="for-type", data_types="twe werk_zorg ama opleiding"),
            Fieldset(_("TWE-OCMW"), row("weo_signed_on", "vdab_registered_on"), css_class="for-type",
                     data_types="twe"),
            Fieldset(_("Werk-zorg: casemanagers and care"), "vdab_decided_on",
                     row("work_casemanager", "work_casemanager_name"), "care_organisation",
                     "care_moments", css_class="for-type", data_types="werk_zorg"),
            Fieldset(_("Nazorg"), "job_start", css_class="for-type", data_types="nazorg"),
            Fieldset(_("AMA"), "next_evaluation_date", css_class="for-type", data_types="ama"),
        ))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("employer") and not cleaned.get("function"):
            self.add_error("function", _("Which function does the client take up at this workplace?"))
        if cleaned.get("employer") and not cleaned.get("hours_per_week"):
            self.add_error("hours_per_week", _("How many hours a week does the client work here?"))
        return cleaned

    def placement(self):
        data = self.cleaned_data
        if not data.get("employer"):
            return None
        return {key: data[key] for key in ("employer", "function", "hours_per_week", "mentor")}

    def trajectory_fields(self):
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class TrajectoryEditForm(forms.ModelForm):
    """What may change while a trajectory runs; type, start and lifecycle go through their steps.
    An extension of a werk-zorgtraject needs its reason here (the model accepts history without)."""

    def clean(self):
        cleaned = super().clean()
        if "extended_to" in self.changed_data and cleaned.get("extended_to") and not cleaned.get("extension_reason"):
            self.add_error("extension_reason", _("Why was the activeringstraject extended?"))
        return cleaned

    class Meta:
        model = Trajectory
        fields = ["planned_end_date", "description", "weo_signed_on", "vdab_registered_on", "training_name",
                  "training_start", "training_end", "vdab_decided_on", "extended_to", "extension_reason",
                  "work_casemanager", "work_casemanager_name", "care_organisation", "care_moments",
                  "next_evaluation_date", "job_start", "version"]
        widgets = TrajectoryForm.Meta.widgets

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        polish_choices(self)
        trajectory_type = self.instance.type
        if trajectory_type != TrajectoryType.WERK_ZORG:
            for name in ("work_casemanager", "work_casemanager_name", "care_organisation", "care_moments",
                         "vdab_decided_on", "extended_to", "extension_reason"):
                del self.fields[name]
        else:
            self.fields["care_organisation"].queryset = care_organisations_of(
                self.instance.client.organisation, keep=self.instance.care_organisation_id)
        if trajectory_type != TrajectoryType.TWE:
            for name in ("weo_signed_on", "vdab_registered_on", "training_name", "training_start", "training_end"):
                del self.fields[name]
        if trajectory_type != TrajectoryType.NAZORG:
            del self.fields["job_start"]
        if trajectory_type != TrajectoryType.AMA:
            del self.fields["next_evaluation_date"]
        self.helper = form_helper(Layout(*self.fields))


class TransitionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", _("choose…")), *CLOSING_OUTCOMES])
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, transition, **kwargs):
        super().__init__(*args, **kwargs)
        self.transition = transition
        self.fields["date"].initial = timezone.localdate
        if not transition.needs_outcome:
            del self.fields["outcome"]
        if not transition.needs_reason:
            del self.fields["reason"]
        else:
            del self.fields["note"]
        self.helper = form_helper(Layout(*self.fields))


class PlacementForm(forms.ModelForm):
    """Adds a workplace, or corrects or ends one."""

    class Meta:
        model = Placement
        fields = ["employer", "workplace", "function", "hours_per_week", "start_date", "end_date", "mentor"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organisation = self.instance.trajectory.client.organisation
        self.fields["employer"].queryset = employers_of(organisation)
        self.fields["workplace"].queryset = Workplace.objects.of_organisation(organisation)
        self.fields["workplace"].help_text = _("Optional: the workplace (werkpost) of that employer.")
        polish_choices(self)
        self.helper = form_helper(Layout(row("employer", "workplace"), row("function", "hours_per_week"),
                                         row("start_date", "end_date"), "mentor"))


class HoursStepForm(forms.ModelForm):
    class Meta:
        model = HoursStep
        fields = ["from_date", "hours_per_week"]
        widgets = {"from_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Layout(row("from_date", "hours_per_week")))


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["description", "target_date"]
        widgets = {"target_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Layout(row("description", "target_date")))


class EvaluationForm(forms.ModelForm):
    class Meta:
        model = Evaluation
        fields = ["date", "note"]
        widgets = {"date": DateInput(), "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate
        self.helper = form_helper(Layout("date", "note"))

