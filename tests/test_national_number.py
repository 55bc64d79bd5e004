import datetime

import pytest
from django.core.exceptions import ValidationError

from clients import national_number as nn


@pytest.mark.parametrize("value", ["85073003328", "85.07.30-033.28", "85 07 30 033 28", "00000000097"])
def test_valid_national_numbers_are_accepted_in_any_notation(value):
    nn.validate_national_number(value)


@pytest.mark.parametrize("value", ["85.27.30-033.71", "85.47.30-033.17"])
def test_bis_numbers_are_accepted(value):
    nn.validate_national_number(value)
    assert nn.birth_date_of(nn.compact(value)) == datetime.date(1985, 7, 30)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("85073003327", "controlecijfers"),
        ("8507300332", "11 cijfers"),
        ("85a73003328", "alleen cijfers"),
    ],
)
def test_invalid_national_numbers_name_what_is_wrong_in_dutch(value, fragment):
    with pytest.raises(ValidationError) as error:
        nn.validate_national_number(value)
    assert fragment in str(error.value.messages[0])


def test_display_groups_the_digits():
    assert nn.display("85073003328") == "85.07.30-033.28"


def test_the_birth_date_comes_from_the_number():
    assert nn.birth_date_of("85073003328") == datetime.date(1985, 7, 30)


def test_born_from_2000_uses_the_prefixed_checksum():
    base = "030405012"
    born_2003 = base + f"{97 - int('2' + base) % 97:02d}"
    born_1903 = base + f"{97 - int(base) % 97:02d}"
    nn.validate_national_number(born_2003)
    assert nn.birth_date_of(born_2003) == datetime.date(2003, 4, 5)
    assert nn.birth_date_of(born_1903) == datetime.date(1903, 4, 5)


def test_a_twelve_digit_number_gets_one_message(world, login):
    from django.urls import reverse

    response = login(world.alice).post(reverse("clients:create"), {
        "national_number": "850730033280", "first_name": "A", "last_name": "B", "status": "intake"})
    assert response.context["form"].errors["national_number"] == ["Een rijksregisternummer heeft 11 cijfers."]
