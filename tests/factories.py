import datetime

import factory
from faker import Faker

from clients.models import Barrier, Client, Competence, ContactMoment, Interest
from employers.models import Employer
from organisations.models import Organisation, Role, User

PASSWORD = "een-sterk-wachtwoord-42"
_faker = Faker("nl_BE")
_issued = set()


def valid_national_number():
    """A fresh, valid rijksregisternummer per call, from Faker's nl_BE provider."""
    number = _faker.ssn()
    while number in _issued:
        number = _faker.ssn()
    _issued.add(number)
    return number


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"ocmw-{n}")
    name = factory.LazyAttribute(lambda o: f"OCMW {o.slug.title()}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.be")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Gebruiker{n}")
    role = Role.COUNSELLOR
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    organisation = factory.SubFactory(OrganisationFactory)
    national_number = factory.LazyFunction(valid_national_number)
    first_name = factory.Faker("first_name", locale="nl_BE")
    last_name = factory.Faker("last_name", locale="nl_BE")
    status = Client.Status.ACTIVE
    draagkracht_hours = 19


class CompetenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competence

    name = factory.Sequence(lambda n: f"Competentie {n}")


class InterestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interest

    name = factory.Sequence(lambda n: f"Interesse {n}")


class BarrierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Barrier

    category = Barrier.Category.MEDICAL
    description = "Rugklachten; geen zware lasten."


class ContactMomentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactMoment

    kind = ContactMoment.Kind.CONVERSATION
    date = factory.LazyFunction(datetime.date.today)
    duration_minutes = 30
    note = "Opvolggesprek."


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Werkgever {n} NV")
    sector = "logistiek"


def running_twe(client, by, employer, start=None, **fields):
    """A TWE that runs at `employer`, registered and started through the services."""
    from trajectories import services

    return services.trajectory_register(
        client=client, by=by, type="twe", start_date=start or datetime.date.today() - datetime.timedelta(days=90),
        placement={"employer": employer, "function": "magazijnmedewerker", "hours_per_week": 19},
        start=True, **fields)


def edit_version(instance):
    """The signed version an edit form carries for this record as it is now (optimistic locking)."""
    from concurrency.forms import get_signer

    return get_signer().sign(type(instance).objects.values_list("version", flat=True).get(pk=instance.pk))


def version_in_form(http, url):
    """The version as the edit form at `url` carries it (the hidden field a browser posts back)."""
    import re

    page = http.get(url).content.decode()
    found = re.search(r'<input type="hidden" name="version" value="([^"]+)"', page)
    assert found, f"the form at {url} carries no version"
    return found.group(1)
