import datetime

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_head_sees_the_dashboard_with_a_counsellor_filter(world, login):
    http = login(world.hilde)
    year = world.trajectory.start_date.year
    response = http.get(reverse("reporting:dashboard"), {"jaar": year})
    data = response.context["data"]
    assert response.status_code == 200 and data["running_now"] == 1
    twe = next(t for t in data["types"] if t["figures"] and t["figures"]["gevolgd"])
    assert twe["figures"]["gevolgd"] == 1
    assert [row["n"] for row in data["caseload"]] == [1]
    filtered = http.get(reverse("reporting:dashboard"), {"jaar": year, "begeleider": world.bob.pk}).context["data"]
    assert filtered["running_now"] == 0


def test_the_schepen_sees_figures_without_anything_personal(world, login):
    response = login(world.sam).get(reverse("reporting:dashboard"))
    page = response.content.decode()
    assert response.status_code == 200 and response.context["data"]["caseload"] == []
    assert world.client.last_name not in page and world.alice.last_name not in page


def test_who_may_not_see_it(world, login):
    for user in (world.alice, world.bea, world.rita):
        assert login(user).get(reverse("reporting:dashboard")).status_code == 403
    assert login(world.hilde).get(reverse("reporting:dashboard"), {"begeleider": world.oscar.pk}).status_code == 404


def test_a_fixed_number_of_queries(world, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .factories import ClientFactory, running_twe

    http = login(world.hilde)

    def count():
        with CaptureQueriesContext(connection) as context:
            http.get(reverse("reporting:dashboard"), {"jaar": datetime.date.today().year})
        return len(context)

    few = count()
    for _ in range(5):
        running_twe(ClientFactory(organisation=world.menen, counsellor=world.alice), world.alice, world.employer)
    assert count() == few


def test_the_charts_are_svg_without_scripts(world, login):
    response = login(world.hilde).get(reverse("reporting:dashboard"))
    page = response.content.decode()
    assert "<svg" in response.context["flow_chart"] and "Instroom en uitstroom per maand" in page
    assert "<script" not in response.context["flow_chart"] + response.context["outcome_chart"]
