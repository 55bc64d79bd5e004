from django import forms
from django.utils.translation import gettext_lazy as _

from common.uploads import validate_import_file


class UploadForm(forms.Form):
    # A CSV (text) or an XLSX (a ZIP archive, checked for a zip bomb), at most 20 MB: common/uploads.py.
    file = forms.FileField(label=_("Caseload file (CSV or XLSX)"), validators=[validate_import_file])
