"""The 403, 404 and 500 pages are Dutch and say what happened and what to do, also in the demo
(DEBUG on: web/errors.py)."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views import defaults

pytestmark = pytest.mark.django_db


def test_another_ocmws_file_shows_the_dutch_404_also_with_debug_on(world, login, settings):
    settings.DEBUG = True
    response = login(world.oscar).get(reverse("clients:detail", args=[world.client.pk]))
    page = response.content.decode()
    assert response.status_code == 404
    assert "Niet gevonden" in page and "Een dossier van een ander OCMW blijft voor jou gesloten." in page
    assert "URLconf" not in page and "Page not found" not in page


def test_an_unknown_address_shows_the_dutch_404_also_with_debug_on(world, login, settings):
    settings.DEBUG = True
    response = login(world.alice).get("/bestaat-niet/")
    assert response.status_code == 404
    assert "Niet gevonden" in response.content.decode() and "URLconf" not in response.content.decode()


def test_a_developer_may_ask_for_the_technical_404(world, login, settings):
    settings.DEBUG, settings.TECHNICAL_404 = True, True
    response = login(world.oscar).get(reverse("clients:detail", args=[world.client.pk]))
    assert response.status_code == 404 and "Niet gevonden" not in response.content.decode()


def test_the_404_without_debug(world, login):
    response = login(world.oscar).get(reverse("clients:detail", args=[world.client.pk]))
    assert response.status_code == 404 and "Niet gevonden" in response.content.decode()


def test_the_500_page_is_dutch_and_needs_no_database(django_assert_num_queries):
    with translation.override("nl"), django_assert_num_queries(0):
        response = defaults.server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "Er ging iets mis" in page and "meld dan aan de beheerder" in page and 'href="/"' in page


def test_a_colleagues_file_says_it_is_a_colleagues_not_the_role(world, login):
    response = login(world.bob).get(reverse("clients:edit", args=[world.client.pk]))
    page = response.content.decode()
    assert response.status_code == 403
    assert "Dit dossier is van een collega: je kan het inkijken maar niet wijzigen." in page
    assert "Vraag het diensthoofd om het aan jou toe te wijzen of vraag toegang." in page
    assert "Je rol geeft geen toegang" not in page


def test_a_page_closed_to_the_role_still_blames_the_role(world, login):
    response = login(world.alice).get(reverse("clients:hand_over"))  # the head's page
    page = response.content.decode()
    assert response.status_code == 403
    assert "Je rol geeft geen toegang" in page and "collega" not in page
