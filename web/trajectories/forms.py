from crispy_forms.layout import HTML, Fieldset, Layout
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from employers.models import Employer, Workplace
from trajectories.models import CareOrganisation, Evaluation, Goal, HoursStep, Placement, Trajectory
from trajectories.rules import CLOSING_OUTCOMES, NAZORG_CAN_FOLLOW, LeefloonAfter, TrajectoryType
from web.forms import DateInput, form_helper, polish_choices, row


def employers_of(organisation):
    return Employer.objects.of_organisation(organisation).filter(active=True)


def care_organisations_of(organisation, keep=None):
    """The active care organisations, and the one a trajectory already has (`keep`) even if inactive."""
    queryset = CareOrganisation.objects.of_organisation(organisation)
    return queryset.filter(Q(active=True) | Q(pk=keep)) if keep else queryset.active()


def explain_twe_and_werk_zorg_fields(form):
    """Help texts for the TWE and werk-zorg fields both trajectory forms share (those present)."""
    texts = {
        "weo_signed_on": _("The werkervaringsovereenkomst: signed at the latest on the first working day of the "
                           "art. 60 §7 employment. The TWE lasts at most 2 years from it."),
        "vdab_registered_on": _("The day the TWE was registered in Mijn Loopbaan voor partners (VDAB)."),
        "work_casemanager": _("VDAB, or the work actor VDAB mandated (for example GTB)."),
        "work_casemanager_name": _("Optional: the person or service, for example the GTB office."),
        "care_organisation": _("The welfare or care organisation that is casemanager Zorg, from the list your "
                               "beheerder keeps."),
    }
    for name, text in texts.items():
        if name in form.fields:
            form.fields[name].help_text = text


def twe_fieldset(*extra):
    return Fieldset(_("TWE-OCMW"), row("weo_signed_on", "vdab_registered_on"), *extra, css_class="for-type",
                    data_types="twe")


def werk_zorg_fieldset(*extra):
    return Fieldset(_("Werk-zorg: casemanagers and care"), "vdab_decided_on", *extra,
                    row("work_casemanager", "work_casemanager_name"), "care_organisation", "care_moments",
                    css_class="for-type", data_types="werk_zorg")


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
        self.fields["employer"].help_text = _(
            "Optional for a TWE: it may start with the screening and get its art. 60 §7 employment later.")
        explain_twe_and_werk_zorg_fields(self)
        polish_choices(self)
        self.helper = form_helper(Layout(
            Fieldset(_("Trajectory"), row("type", "follows"), row("start_date", "planned_end_date"),
                     "description", "start_now"),
            Fieldset(_("Workplace"), row("employer", "function"), row("hours_per_week", "mentor"),
                     css_class="for-type", data_types="twe werk_zorg ama opleiding"),
            twe_fieldset(),
            werk_zorg_fieldset(),
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
        explain_twe_and_werk_zorg_fields(self)
        polish_choices(self)
        layout = [row("planned_end_date"), "description"]
        if trajectory_type == TrajectoryType.TWE:
            layout.append(twe_fieldset("training_name", row("training_start", "training_end")))
        elif trajectory_type == TrajectoryType.WERK_ZORG:
            layout.append(werk_zorg_fieldset(row("extended_to", "extension_reason")))
        layout += [name for name in ("job_start", "next_evaluation_date") if name in self.fields]
        self.helper = form_helper(Layout(*layout, "version"))


class TransitionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", _("choose…")), *CLOSING_OUTCOMES])
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    # Whether the person left the leefloon: asked when closing, optional when stopping (DOMAIN.md, outcomes).
    leefloon_after = forms.ChoiceField(
        label=_("Leefloon after the trajectory"), choices=[("", _("choose…")), *LeefloonAfter.choices],
        error_messages={"required": _("Did the person leave the leefloon? Choose one.")},
        help_text=_("An art. 60 §7 employment that ends in unemployment benefit reached its goal: "
                    "choose “left the leefloon: unemployment or other benefit”."))
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
        if transition.action not in ("close", "stop"):
            del self.fields["leefloon_after"]
        else:
            leefloon_after = self.fields["leefloon_after"]
            leefloon_after.choices = [(value, capfirst(label)) for value, label in leefloon_after.choices]
            leefloon_after.required = transition.action == "close"
        self.helper = form_helper(Layout(*self.fields))


class EmployerSelect(forms.Select):
    """The employers, each own service marked (data-own-service), so the page can hide what only a
    partner employer needs."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        employer = getattr(value, "instance", None)
        if employer is not None and employer.kind == Employer.Kind.OWN_SERVICE:
            option["attrs"]["data-own-service"] = ""
        return option


# A placement agreement is made only at a partner: hidden while an own service is chosen (CSS only:
# the page has no script of its own; the model refuses one for an own service anyway).
HIDE_AGREEMENT_AT_OWN_SERVICE = HTML(
    "<style>form:has(#id_employer option[data-own-service]:checked) #div_id_agreement_signed_on "
    "{ display: none; }</style>")


class PlacementForm(forms.ModelForm):
    """Adds a workplace, or corrects or ends one."""

    class Meta:
        model = Placement
        fields = ["employer", "workplace", "function", "hours_per_week", "start_date", "end_date", "mentor",
                  "agreement_signed_on"]
        widgets = {"employer": EmployerSelect(), "start_date": DateInput(), "end_date": DateInput(),
                   "agreement_signed_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        trajectory = self.instance.trajectory
        organisation = trajectory.client.organisation
        self.fields["employer"].queryset = employers_of(organisation)
        self.fields["workplace"].queryset = Workplace.objects.of_organisation(organisation)
        self.fields["workplace"].help_text = _("Optional: the workplace (werkpost) of that employer.")
        last_row = ["mentor"]
        if trajectory.type == TrajectoryType.TWE:
            # The art. 60 §7 employment: at least half-time (the model says so on the hours field).
            self.fields["hours_per_week"].help_text = _("At least 19 hours a week (half-time).")
            self.fields["agreement_signed_on"].help_text = _(
                "Only at a partner employer: the placement agreement between the OCMW, the partner and the "
                "worker, signed before the work starts. Add the signed agreement under Documents.")
            last_row.append("agreement_signed_on")
        else:
            del self.fields["agreement_signed_on"]
        polish_choices(self)
        extra = [HIDE_AGREEMENT_AT_OWN_SERVICE] if "agreement_signed_on" in self.fields else []
        self.helper = form_helper(Layout(row("employer", "workplace"), row("function", "hours_per_week"),
                                         row("start_date", "end_date"), row(*last_row), *extra))


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

