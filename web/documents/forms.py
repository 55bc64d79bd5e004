from crispy_forms.layout import Layout
from django import forms
from django.conf import settings
from django.utils import timezone

from documents.models import Document
from web.forms import DateInput, form_helper, polish_choices, row


class DocumentForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["kind", "date", "trajectory", "gpmi", "description", "file"]
        widgets = {"date": DateInput()}

    # Prefixed: the case file page holds other forms with a description field (one id per page).
    prefix = "document"

    @property
    def limit(self):
        """The largest document accepted, for the help text (the check is the model's)."""
        return settings.DOCUMENT_MAX_BYTES

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.client = client
        self.fields["trajectory"].queryset = client.trajectories.order_by("-start_date")
        self.fields["trajectory"].label_from_instance = lambda trajectory: (
            f"{trajectory.get_type_display()} ({trajectory.start_date:%d/%m/%Y})")
        self.fields["gpmi"].queryset = client.gpmis.all()
        if not self.initial.get("gpmi") and not self.data.get(self.add_prefix("gpmi")):
            self.fields["gpmi"].widget = forms.HiddenInput()  # offered when uploading from a GPMI's page
        self.fields["date"].initial = timezone.localdate()
        self.fields["file"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,.docx,.odt"
        self.fields["file"].max_length = None  # a long name is shortened for the download, not refused
        polish_choices(self)
        self.helper = form_helper(Layout(row("kind", "date"), row("trajectory", "description"), "gpmi", "file"))
