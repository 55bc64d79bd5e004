from django import forms
from django.utils.translation import gettext_lazy as _

MAX_BYTES = 20 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Caseload file (CSV or XLSX)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("A caseload file is at most 20 MB."))
        return upload
