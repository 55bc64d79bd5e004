"""The rijksregisternummer (and BIS number): validation and display through python-stdnum."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.be import bis, nn

MESSAGES = {
    stdnum_errors.InvalidFormat: _("A national number contains only digits (dots, dashes and spaces are allowed)."),
    stdnum_errors.InvalidLength: _("A national number has 11 digits."),
    stdnum_errors.InvalidChecksum: _("The check digits of this national number are wrong: check for a typing error."),
    stdnum_errors.InvalidComponent: _("This national number does not contain a valid date of birth."),
}


def compact(value):
    return nn.compact(value or "")


def is_bis(number):
    """BIS numbers carry the birth month plus 20 or plus 40."""
    return len(number) == 11 and number.isdigit() and int(number[2:4]) >= 20


def module_for(number):
    return bis if is_bis(number) else nn


def validate_national_number(value):
    number = compact(value)
    try:
        module_for(number).validate(number)
    except stdnum_errors.ValidationError as error:
        message = MESSAGES.get(type(error), MESSAGES[stdnum_errors.InvalidFormat])
        raise ValidationError(message, code="invalid_national_number") from error


def birth_date_of(number):
    """The date of birth encoded in the number, or None when it is not (fully) known."""
    try:
        return module_for(number).get_birth_date(number)
    except (stdnum_errors.ValidationError, ValueError):
        return None


def gender_of(number):
    try:
        return module_for(number).get_gender(number)
    except stdnum_errors.ValidationError:
        return None


def display(number):
    """85073003328 -> 85.07.30-033.28"""
    return nn.format(number) if number else ""


class NationalNumberFormField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs["max_length"] = 20
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "85.07.30-033.28",
                                                           "inputmode": "numeric"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        number = compact(value)
        return display(number) if len(number) == 11 else value

    def to_python(self, value):
        return compact(super().to_python(value))


class NationalNumberField(models.CharField):
    """Stored compact (11 digits); accepts dots, dashes and spaces on input."""

    default_validators = [validate_national_number]

    def __init__(self, *args, **kwargs):
        kwargs["max_length"] = 11
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        return compact(super().to_python(value))

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": NationalNumberFormField, **kwargs})
