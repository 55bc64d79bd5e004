"""A database outage answers 503 with Retry-After and a short Dutch page, not 500: in a view, in
the healthcheck, and in a middleware that loads the user (common/middleware.py)."""

from unittest import mock

import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.test import Client as HttpClient
from django.urls import path, reverse

pytestmark = pytest.mark.django_db
TEXT = "De toepassing is even niet bereikbaar. Probeer het over een halve minuut opnieuw."


def unreachable(request):
    raise OperationalError("server closed the connection unexpectedly")


def closed(request):
    raise InterfaceError("connection already closed")


def broken(request):
    raise ValueError("a bug, not an outage")


def fine(request):
    return HttpResponse("ok")


urlpatterns = [path("weg/", unreachable), path("dicht/", closed), path("fout/", broken), path("goed/", fine)]


def assert_outage_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert TEXT in page and 'lang="nl-be"' in page and "Traceback" not in page


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("address", ["/weg/", "/dicht/"])
def test_a_view_that_meets_a_database_outage_answers_503_with_retry_after(client, address):
    assert_outage_page(client.get(address))


@pytest.mark.urls(__name__)
def test_other_errors_and_good_pages_are_left_alone():
    http = HttpClient(raise_request_exception=False)
    assert http.get("/fout/").status_code == 500
    response = http.get("/goed/")
    assert response.status_code == 200 and "Retry-After" not in response


def test_the_healthcheck_answers_503_when_the_database_is_down(client):
    with mock.patch("web.organisations.views.connection") as connection:
        connection.cursor.side_effect = OperationalError("could not connect to server")
        assert_outage_page(client.get(reverse("healthz")))


def test_an_outage_while_a_middleware_loads_the_session_also_answers_503(world, login):
    http = login(world.alice)
    http.raise_request_exception = False  # Django turns it into a 500 below, with the signal
    with mock.patch("organisations.second_factor.idle_too_long", side_effect=OperationalError("gone")):
        response = http.get(reverse("home"))
    assert_outage_page(response)


def test_the_middleware_sits_above_everything_that_reads_the_session_or_the_user():
    order = settings.MIDDLEWARE
    ours = order.index("common.middleware.DatabaseOutageMiddleware")
    assert order.index("whitenoise.middleware.WhiteNoiseMiddleware") < ours
    assert ours < order.index("django.contrib.sessions.middleware.SessionMiddleware")
    assert ours < order.index("django.contrib.auth.middleware.AuthenticationMiddleware")
