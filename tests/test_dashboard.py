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
    for user in (world.alice, world.bea):
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


def test_the_region_coordinator_sees_the_members_side_by_side(world, login):
    from reporting.suppression import Hidden
    from reporting.yearly import yearly_figures
    from trajectories.rules import TrajectoryType

    year = world.trajectory.start_date.year
    response = login(world.rita).get(reverse("reporting:dashboard"), {"jaar": year})
    data, page = response.context["data"], response.content.decode()
    assert data["organisations"] == [world.menen, world.wervik]  # by name
    _key_figures, general, followed, _outflow = data["sections"]  # the key figures first (reporting.region)
    open_files, running = general.rows[0].cells, general.rows[1].cells
    # One client each: a count below the threshold is hidden (reporting.suppression), a zero is shown.
    hidden = Hidden(5)
    assert open_files == [hidden, hidden] and running == [hidden, 0]  # Wervik's one client has no trajectory
    twe = followed.rows[TrajectoryType.values.index("twe")].cells
    assert yearly_figures(world.menen, year)["trajecten"]["twe"]["gevolgd"] == 1 and twe == [hidden, 0]
    # The region total gives neither member's hidden count away: with one hidden, it is hidden too.
    assert isinstance(general.rows[1].total, Hidden)
    assert isinstance(followed.rows[TrajectoryType.values.index("twe")].total, Hidden)
    assert "&lt; 5" in page
    assert "OCMW Menen" in page and "OCMW Wervik" in page and "<svg" in page
    assert world.client.last_name not in page and world.alice.last_name not in page


def test_the_comparison_takes_a_fixed_number_of_queries(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reporting.region import comparison

    from .factories import OrganisationFactory

    def count(organisations):
        with CaptureQueriesContext(connection) as context:
            comparison(organisations, 2026)
        return len(context)

    # Four for today's figures, six or seven for the year's people and rates (reporting.yearly).
    assert count([world.menen]) == count([world.menen, world.wervik, *OrganisationFactory.create_batch(5)]) <= 11
