"""One search box: clients, employers and workplaces the user may see, and nothing of another OCMW."""

import pytest
from django.urls import reverse

from employers.models import Workplace

from .factories import ClientFactory, EmployerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def found(world):
    ClientFactory(organisation=world.wervik, counsellor=world.oscar, first_name="Fatima", last_name="Vanhoutte")
    EmployerFactory(organisation=world.wervik, name="Vanhoutte Wervik BV")
    Workplace.objects.create(employer=world.employer, function="Orderpicker", hours_per_week=19, postcode="8930",
                             municipality="Menen")
    Workplace.objects.create(employer=EmployerFactory(organisation=world.menen, name="Bakkerij Dewulf"),
                             function="Hulp in de bakkerij", hours_per_week=10, postcode="8930", municipality="Lauwe",
                             is_open=False)
    return world


def search(http, text):
    response = http.get(reverse("search"), {"q": text})
    assert response.status_code == 200
    return response.context


def test_a_name_finds_clients_employers_and_workplaces_of_the_own_ocmw(found, login):
    context = search(login(found.alice), "vanhoutte")
    assert [e.name for e in context["employers"].rows] == ["Vanhoutte Logistiek NV"]
    assert [w.function for w in context["workplaces"].rows] == ["Orderpicker"]  # at that employer
    assert context["clients"].count == 0  # Wervik's Vanhoutte is not hers
    context = search(login(found.alice), "fatima")
    assert [c.last_name for c in context["clients"].rows] == ["Benali"]


def test_a_national_number_finds_the_client_and_a_kbo_number_the_employer(found, login):
    http = login(found.hilde)
    number = found.client.national_number
    assert [c.pk for c in search(http, f"{number[:2]}.{number[2:4]}.{number[4:6]}")["clients"].rows] == [
        found.client.pk]
    kbo = found.employer.kbo_number
    if kbo:
        assert [e.pk for e in search(http, kbo[:6])["employers"].rows] == [found.employer.pk]


def test_every_word_counts_and_filled_workplaces_come_last(found, login):
    context = search(login(found.bob), "bakkerij lauwe")
    assert [(w.function, w.is_open) for w in context["workplaces"].rows] == [("Hulp in de bakkerij", False)]
    page = login(found.bob).get(reverse("search"), {"q": "bakkerij"}).content.decode()
    assert "Hulp in de bakkerij" in page and "ingevuld" in page


def test_one_character_asks_for_more_and_the_box_is_on_every_page(found, login):
    http = login(found.alice)
    response = http.get(reverse("search"), {"q": "a"})
    assert "Typ minstens twee tekens." in response.content.decode() and "clients" not in response.context
    assert 'action="/zoeken/"' in http.get(reverse("clients:list")).content.decode()


def test_roles_without_case_files_cannot_search(found, login):
    for person in (found.sam, found.bea, found.rita):
        assert login(person).get(reverse("search"), {"q": "vanhoutte"}).status_code == 403
    assert 'action="/zoeken/"' not in login(found.sam).get(reverse("reporting:dashboard")).content.decode()


def test_an_htmx_search_answers_the_results_only_in_a_fixed_number_of_queries(found, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    http = login(found.alice)

    def count():
        with CaptureQueriesContext(connection) as context:
            response = http.get(reverse("search"), {"q": "an"}, HTTP_HX_REQUEST="true")
        assert "<html" not in response.content.decode()
        return len(context)

    few = count()
    for n in range(15):
        ClientFactory(organisation=found.menen, counsellor=found.alice, last_name=f"Jansen{n}")
        EmployerFactory(organisation=found.menen, name=f"Janssens {n} BV")
    assert count() == few


def nav_search(http, text):
    return http.get(reverse("search"), {"q": text}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="nav-search-results")


def test_the_navigation_box_lists_a_few_of_each_kind_and_the_way_to_all(found, login):
    http = login(found.alice)
    for n in range(7):
        ClientFactory(organisation=found.menen, counsellor=found.alice, first_name="Eva", last_name=f"Vanhoutte{n}")
    text = nav_search(http, "vanhoutte").content.decode()
    assert "<html" not in text and 'id="nav-search-list"' in text
    assert text.count("/clienten/") == 5 and "Vanhoutte Logistiek NV" in text  # five clients, then the employer
    assert "Vanhoutte Wervik BV" not in text and "Fatima" not in text  # nothing of Wervik
    assert "Orderpicker" in text  # its workplace, found by the employer's name
    assert "Alle resultaten voor “vanhoutte” (9)" in text and "/zoeken/?q=vanhoutte" in text


def test_the_navigation_box_says_when_nothing_is_found_or_more_is_needed(found, login):
    http = login(found.alice)
    assert "Niets gevonden voor “zzqq”." in nav_search(http, "zzqq").content.decode()
    assert "Typ minstens twee tekens." in nav_search(http, "z").content.decode()
    assert nav_search(http, "").content.decode().strip() == ""
