"""The rijksregisternummer (and BIS number): validation and display through python-stdnum."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.be import bis, nn

from common.numbers import CompactNumberField

MESSAGES = {
    stdnum_errors.InvalidFormat: _("A national number contains only digits (dots, dashes and spaces are allowed)."),
    stdnum_errors.InvalidLength: _("A national number has 11 digits."),
    stdnum_errors.InvalidChecksum: _("The check digits of this national number are wrong: check for a typing error."),
    stdnum_errors.InvalidComponent: _("This national number does not contain a valid date of birth."),
}


def compact(value):
    return nn.compact(value or "")


def module_for(number):
    """python-stdnum's module that accepts the number: the national register or BIS."""
    return bis if bis.is_valid(number) else nn


def validate_national_number(value):
    number = compact(value)
    if bis.is_valid(number):
        return
    try:
        nn.validate(number)
    except stdnum_errors.ValidationError as error:
        message = MESSAGES.get(type(error), MESSAGES[stdnum_errors.InvalidFormat])
        raise ValidationError(message, code="invalid_national_number") from error


def birth_date_of(number):
    """The date of birth encoded in the number, or None when it is not (fully) known."""
    try:
        return module_for(number).get_birth_date(number)
    except (stdnum_errors.ValidationError, ValueError):
        return None


def display(number):
    """85073003328 -> 85.07.30-033.28"""
    return nn.format(number) if number else ""


class NationalNumberField(CompactNumberField):
    """Stored compact (11 digits); accepts dots, dashes and spaces on input."""

    length = 11
    placeholder = "85.07.30-033.28"
    default_validators = [validate_national_number]
    compact = staticmethod(compact)
    display = staticmethod(display)
