"""Form helpers every page's forms share: the Belgian date field, crispy layouts, Dutch select
prompts, and a service's ValidationError shown on the form."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div
from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    """A text field in DD/MM/YYYY: a browser's date picker follows the browser's language, which
    on many municipal PCs is not Belgian, and counsellors type dates faster than they pick them."""

    def __init__(self, **kwargs):
        attrs = {"placeholder": _("DD/MM/YYYY"), "inputmode": "numeric", "autocomplete": "off"}
        super().__init__(format="%d/%m/%Y", attrs=attrs, **kwargs)


def row(*fields):
    return Div(*[Div(field, css_class="col-md") for field in fields], css_class="row")


def form_helper(layout):
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the template's <form> carries the token
    helper.layout = layout
    return helper


def polish_choices(form):
    """Select options read as labels: capitalised, with a Dutch prompt instead of dashes."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField) and field.empty_label is not None:
            field.empty_label = _("choose…")
        elif isinstance(field, forms.TypedChoiceField):
            field.choices = [(value, _("choose…") if value == "" else capfirst(label))
                             for value, label in field.choices]


def add_service_errors(form, error, aliases=None):
    """Show a service's ValidationError on the form: on the field it names (through `aliases`
    when the service's name differs), else at the top of the form."""
    aliases = aliases or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, errors in error.error_dict.items():
        field = aliases.get(key, key)
        form.add_error(field if field in form.fields else None, errors)
