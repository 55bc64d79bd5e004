"""The care organisations (casemanager Zorg of a werk-zorgtraject): a list each OCMW's beheerder keeps,
and the trajectory forms offer its active ones."""

import pytest
from django.urls import reverse

from trajectories.models import CareOrganisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def caw(world):
    return CareOrganisation.objects.create(organisation=world.menen, name="CAW Zuid-West", kind="caw")


def test_the_beheerder_adds_a_care_organisation(world, login):
    http = login(world.bea)
    response = http.post(reverse("care_organisation_create"), {"name": "CGG Largo", "kind": "cgg", "active": "on"})
    assert response.status_code == 302
    added = CareOrganisation.objects.of_organisation(world.menen).get()
    assert (added.name, added.kind, added.active) == ("CGG Largo", "cgg", True)
    page = http.get(reverse("care_organisation_list")).content.decode()
    assert "CGG Largo" in page and "CGG (centrum geestelijke gezondheidszorg)" in page


def test_the_beheerder_edits_and_deactivates_one(world, login, caw):
    http = login(world.bea)
    url = reverse("care_organisation_edit", args=[caw.pk])
    assert http.get(url).status_code == 200
    assert http.post(url, {"name": "CAW Zuid-West-Vlaanderen", "kind": "caw"}).status_code == 302
    caw.refresh_from_db()
    assert (caw.name, caw.active) == ("CAW Zuid-West-Vlaanderen", False)


def test_a_name_already_on_the_list_is_refused_in_dutch(world, login, caw):
    response = login(world.bea).post(reverse("care_organisation_create"), {"name": "caw zuid-west", "kind": "caw"})
    assert response.status_code == 422
    assert response.context["form"].errors["name"] == ["“caw zuid-west” staat al op deze lijst."]
    assert CareOrganisation.objects.of_organisation(world.menen).count() == 1


def test_the_page_is_reached_from_the_beheerders_navigation(world, login):
    page = login(world.bea).get(reverse("user_list")).content.decode()
    assert reverse("care_organisation_list") in page
    assert reverse("care_organisation_list") not in login(world.alice).get(reverse("home")).content.decode()


@pytest.mark.parametrize("person", ["alice", "hilde"])
def test_a_counsellor_and_the_head_cannot_change_the_list(world, login, caw, person):
    http = login(getattr(world, person))
    assert http.get(reverse("care_organisation_list")).status_code == 403
    assert http.post(reverse("care_organisation_create"), {"name": "X", "kind": "caw"}).status_code == 403
    assert http.post(reverse("care_organisation_edit", args=[caw.pk]), {"name": "X", "kind": "caw"}).status_code == 403
    caw.refresh_from_db()
    assert caw.name == "CAW Zuid-West"
    assert CareOrganisation.objects.of_organisation(world.menen).count() == 1


def test_another_ocmws_care_organisation_is_404(world, login, caw):
    from organisations.models import Role

    from .factories import UserFactory

    wervik_beheerder = UserFactory(organisation=world.wervik, role=Role.ADMINISTRATOR, email="beheer@wervik.be")
    http = login(wervik_beheerder)
    url = reverse("care_organisation_edit", args=[caw.pk])
    assert http.get(url).status_code == 404
    assert http.post(url, {"name": "Overgenomen", "kind": "caw"}).status_code == 404
    assert "CAW Zuid-West" not in http.get(reverse("care_organisation_list")).content.decode()
    caw.refresh_from_db()
    assert caw.name == "CAW Zuid-West"


def test_the_trajectory_form_offers_the_active_ones_of_the_own_ocmw(world, login, caw):
    CareOrganisation.objects.create(organisation=world.menen, name="Oud CGG", kind="cgg", active=False)
    CareOrganisation.objects.create(organisation=world.wervik, name="CAW Wervik", kind="caw")
    form = login(world.alice).get(reverse("trajectories:create", args=[world.client.pk])).context["form"]
    assert list(form.fields["care_organisation"].queryset) == [caw]
