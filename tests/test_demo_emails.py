"""The demo's e-mail addresses are plain ASCII, so the client edit form accepts every one of them
(an accented first name once gave `chloé.160@example.be`, which the form then refused)."""

import io

import pytest
from django.core.management import call_command
from faker.providers.person.nl_BE import Provider

from clients.models import Client
from demo.builders import mailbox
from employers.models import ContactPerson
from web.clients.forms import ClientForm

EMAIL = ClientForm.base_fields["email"]  # the form's own field: its validators are the ones that refused


@pytest.mark.parametrize(("name", "expected"), [
    ("Chloé", "chloe"), ("Zoë-Océane", "zoe-oceane"), ("Anaïs", "anais"), ("Ömer", "omer"), ("Çelik", "celik"),
    ("Søren", "soren"), ("Łukasz", "lukasz"), ("Jörg Ånström", "jorg-anstrom"), ("Maëlle", "maelle"),
    ("Ægir", "aegir"), ("François", "francois"), ("Noé", "noe"), ("Marie_Louise", "marie-louise"),
    ("Иван", "client"), ("", "client"),
])
def test_a_name_becomes_a_plain_ascii_mailbox(name, expected):
    assert mailbox(name) == expected
    assert EMAIL.clean(f"{mailbox(name)}.160@example.be") == f"{expected}.160@example.be"


def test_every_first_name_the_demo_can_draw_gives_an_address_the_form_accepts():
    names = {*Provider.first_names_male, *Provider.first_names_female}  # the demo's Faker("nl_BE")
    assert "Cédric" in names and "Björn" in names
    for name in names:
        address = f"{mailbox(name)}.999@example.be"
        assert address.isascii() and EMAIL.clean(address) == address, name


@pytest.mark.django_db
def test_a_demo_of_300_clients_has_only_addresses_the_form_accepts():
    call_command("seed_demo", "--clients", "300", stdout=io.StringIO())
    addresses = list(Client.objects.exclude(email="").values_list("email", flat=True))
    assert len(addresses) >= 300
    refused = [address for address in addresses if not address.isascii() or EMAIL.clean(address) != address]
    assert refused == []
    for address in ContactPerson.objects.exclude(email="").values_list("email", flat=True):
        assert EMAIL.clean(address) == address
