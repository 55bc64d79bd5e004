import datetime

import pytest
from django.core.exceptions import ValidationError

from clients.models import Client, ContactMoment

from .factories import ClientFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_national_number_is_unique_within_an_organisation():
    existing = ClientFactory()
    duplicate = Client(organisation=existing.organisation, national_number=existing.national_number,
                       first_name="Ander", last_name="Persoon")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "al een dossier met dit rijksregisternummer" in error.value.message_dict["national_number"][0]


def test_the_same_person_may_have_a_file_in_another_organisation():
    existing = ClientFactory()
    moved = Client(organisation=OrganisationFactory(), national_number=existing.national_number,
                   first_name=existing.first_name, last_name=existing.last_name)
    moved.full_clean()
    moved.save()
    assert Client.objects.filter(national_number=existing.national_number).count() == 2


def test_birth_date_is_filled_in_from_the_national_number():
    client = Client(organisation=OrganisationFactory(), national_number="85073003328", first_name="A", last_name="B")
    client.full_clean()
    assert client.birth_date == datetime.date(1985, 7, 30)


def test_birth_date_must_agree_with_the_national_number():
    client = Client(organisation=OrganisationFactory(), national_number="85073003328", first_name="A",
                    last_name="B", birth_date=datetime.date(1985, 7, 31))
    with pytest.raises(ValidationError) as error:
        client.full_clean()
    assert "30/07/1985" in error.value.message_dict["birth_date"][0]


def test_counsellor_belongs_to_the_clients_organisation():
    client = ClientFactory.build(organisation=OrganisationFactory(), counsellor=UserFactory())
    with pytest.raises(ValidationError) as error:
        client.full_clean()
    assert "counsellor" in error.value.message_dict


def test_draagkracht_is_at_most_40_hours():
    client = ClientFactory.build(organisation=OrganisationFactory(), draagkracht_hours=41)
    with pytest.raises(ValidationError) as error:
        client.full_clean()
    assert "draagkracht_hours" in error.value.message_dict


def test_a_contact_moment_cannot_lie_in_the_future():
    client = ClientFactory()
    moment = ContactMoment(client=client, author=UserFactory(organisation=client.organisation),
                           date=datetime.date.today() + datetime.timedelta(days=1), duration_minutes=30, note="x")
    with pytest.raises(ValidationError) as error:
        moment.full_clean()
    assert "toekomst" in error.value.message_dict["date"][0]


@pytest.mark.parametrize("minutes", [0, 601])
def test_a_contact_moment_lasts_between_1_and_600_minutes(minutes):
    client = ClientFactory()
    moment = ContactMoment(client=client, author=UserFactory(organisation=client.organisation),
                           date=datetime.date.today(), duration_minutes=minutes, note="x")
    with pytest.raises(ValidationError) as error:
        moment.full_clean()
    assert "duration_minutes" in error.value.message_dict


def test_changes_are_recorded_with_the_author():
    client = ClientFactory()
    author = UserFactory(organisation=client.organisation)
    client._history_user = author
    client.goals = "Werken in de zorg"
    client.save()
    assert client.history.count() == 2
    newest = client.history.first()
    assert newest.history_user == author
    assert [change.field for change in newest.diff_against(client.history.last()).changes] == ["goals"]
