import json

import pytest
from django.urls import reverse

from audit.models import AccessLog

pytestmark = pytest.mark.django_db


def url(world, extension):
    return reverse("subject_access", args=[world.client.pk, extension])


def test_the_json_holds_the_whole_file_including_sensitive_details(world, login):
    response = login(world.alice).get(url(world, "json"))
    data = json.loads(response.content)
    assert response["Content-Disposition"].startswith('attachment; filename="inzage-')
    assert data["persoon"]["achternaam"] == "Benali"
    assert data["drempels"] == [{"soort": "medisch", "beschrijving": world.barrier.description}]
    assert data["trajecten"][0]["werkplekken"][0]["werkgever"] == world.employer.name
    assert AccessLog.objects.filter(user=world.alice, client=world.client, action="geexporteerd").exists()


def test_the_pdf_is_a_pdf(world, login):
    response = login(world.hilde).get(url(world, "pdf"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_only_who_may_read_sensitive_details(world, login):
    assert login(world.bob).get(url(world, "json")).status_code == 403  # a colleague
    assert login(world.sam).get(url(world, "json")).status_code == 403
    assert login(world.olga).get(url(world, "json")).status_code == 404
    assert login(world.alice).get(url(world, "xml")).status_code == 404


def test_a_fixed_number_of_queries(world, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from trajectories import services

    http = login(world.alice)

    def count():
        with CaptureQueriesContext(connection) as context:
            http.get(url(world, "json"))
        return len(context)

    few = count()
    for n in range(3):
        services.goal_add(trajectory=world.trajectory, description=f"Doel {n}")
        world.client.contact_moments.create(author=world.alice, date=world.trajectory.start_date, duration_minutes=5,
                                            note="x")
    assert count() == few
