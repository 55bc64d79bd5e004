"""Fields for official numbers (rijksregisternummer, KBO): stored compact, typed and shown
with the dots and dashes people are used to."""

from django import forms
from django.db import models


class CompactNumberFormField(forms.CharField):
    def __init__(self, *, compact, display, placeholder, **kwargs):
        self.compact, self.display = compact, display
        kwargs["max_length"] = 20
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": placeholder, "inputmode": "numeric"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return self.display(value) if value and value == self.compact(value) else value

    def to_python(self, value):
        return self.compact(super().to_python(value))


class CompactNumberField(models.CharField):
    """Subclasses set `length` and the `compact`/`display` functions (from python-stdnum)."""

    length = 0
    placeholder = ""

    def __init__(self, *args, **kwargs):
        kwargs["max_length"] = self.length
        super().__init__(*args, **kwargs)

    @staticmethod
    def compact(value):
        return value

    @staticmethod
    def display(value):
        return value

    def to_python(self, value):
        return self.compact(super().to_python(value) or "")

    def formfield(self, **kwargs):
        # The form checks the number itself, so a wrong number gets one message, not also
        # the model's "at most N characters".
        return super().formfield(**{"form_class": CompactNumberFormField, "compact": self.compact,
                                    "display": self.display, "placeholder": self.placeholder,
                                    "validators": self.default_validators, **kwargs})
