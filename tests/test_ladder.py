"""The participation ladder on the case file: adding a measurement (who may, what is refused, in
Dutch) and the path as a small chart on the client page, in a fixed number of queries."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groupmodules import services as module_services
from groupmodules.models import Edition, Module, Session
from ladder import services
from ladder.models import LadderMeasurement

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def add_url(client):
    return reverse("ladder:add", args=[client.pk])


def measure(world, days_ago, rung, note=""):
    return services.measurement_add(client=world.client, by=world.alice, rung=rung, note=note,
                                    date=today() - datetime.timedelta(days=days_ago))


def posted(day, rung=3, note="Gaat naar de buurtwerking"):
    return {"date": day.strftime("%d/%m/%Y"), "rung": str(rung), "note": note}


def test_the_counsellor_adds_a_measurement(world, login):
    http = login(world.alice)
    page = http.get(add_url(world.client)).content.decode()
    assert "Meting op de participatieladder" in page and "3. deelname aan georganiseerde activiteiten" in page
    response = http.post(add_url(world.client), posted(today()))
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:detail", args=[world.client.pk]) + "#participatieladder"
    measurement = LadderMeasurement.objects.of_client(world.client).get()
    assert (measurement.rung, measurement.date, measurement.by, measurement.note) == (
        3, today(), world.alice, "Gaat naar de buurtwerking")
    page = http.get(response["Location"]).content.decode()
    assert "Meting op de participatieladder opgeslagen." in page


def test_the_head_adds_one_too(world, login):
    assert login(world.hilde).post(add_url(world.client), posted(today(), rung=2)).status_code == 302
    assert LadderMeasurement.objects.of_client(world.client).get().by == world.hilde


def test_a_future_date_is_refused_in_dutch(world, login):
    response = login(world.alice).post(add_url(world.client), posted(today() + datetime.timedelta(days=1)))
    assert response.status_code == 422
    assert "de datum kan niet in de toekomst liggen" in response.content.decode()
    assert not LadderMeasurement.objects.of_client(world.client).exists()


def test_a_second_measurement_on_the_same_day_is_refused_in_dutch(world, login):
    measure(world, 0, 2)
    response = login(world.alice).post(add_url(world.client), posted(today(), rung=4))
    assert response.status_code == 422
    assert "Deze cliënt heeft op deze dag al een meting." in response.content.decode()
    assert list(LadderMeasurement.objects.of_client(world.client).values_list("rung", flat=True)) == [2]


def test_a_rung_is_required(world, login):
    response = login(world.alice).post(add_url(world.client), posted(today(), rung=""))
    assert response.status_code == 422
    assert "Dit veld is verplicht" in response.content.decode()


def test_another_ocmws_client_does_not_exist(world, login):
    http = login(world.oscar)
    assert http.get(add_url(world.client)).status_code == 404
    assert http.post(add_url(world.client), posted(today())).status_code == 404
    assert not LadderMeasurement.objects.of_client(world.client).exists()


def test_a_colleague_reads_the_path_but_does_not_add(world, login):
    measure(world, 30, 2)
    http = login(world.bob)
    assert http.get(add_url(world.client)).status_code == 403
    assert http.post(add_url(world.client), posted(today())).status_code == 403
    page = http.get(reverse("clients:detail", args=[world.client.pk])).content.decode()
    assert "2. sociale contacten buitenshuis" in page
    assert add_url(world.client) not in page
    assert login(world.sam).get(add_url(world.client)).status_code == 403


def test_the_client_page_shows_the_path_as_a_chart(world, login):
    measure(world, 400, 1, note="Komt weinig buiten")
    measure(world, 200, 3)
    measure(world, 10, 5)
    page = login(world.alice).get(reverse("clients:detail", args=[world.client.pk])).content.decode()
    section = page[page.index('id="participatieladder"'):]
    section = section[:section.index("</section>")]
    assert "Participatieladder" in section and "Meting toevoegen" in section and add_url(world.client) in section
    assert "Laatste trede: <strong>5. betaald werk met ondersteuning</strong>" in section
    svg = section[section.index("<svg"):section.index("</svg>")]
    assert '<title id="ladder-title">Participatieladder doorheen de tijd</title>' in svg
    assert "1. geïsoleerd" in svg and "3. deelname aan georganiseerde activiteiten" in svg  # the description
    points = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', svg)
    assert len(points) == 3
    xs, ys = [float(x) for x, _y in points], [float(y) for _x, y in points]
    assert xs == sorted(xs) and xs[0] < xs[-1]  # oldest left, newest right
    assert ys[0] > ys[1] > ys[2]  # higher rungs higher up
    assert "<polyline" in svg and "," not in re.search(r'cx="[^"]*"', svg).group(0)  # no decimal comma
    # The measurements as a table too, newest first, with the note.
    table = section[section.index("<table"):]
    assert table.index("5. betaald werk") < table.index("1. geïsoleerd") and "Komt weinig buiten" in table


def test_a_file_without_measurements_says_so(world, login):
    page = login(world.alice).get(reverse("clients:detail", args=[world.client.pk])).content.decode()
    assert "Nog niet gemeten." in page and "<svg" not in page[page.index('id="participatieladder"'):]


def test_the_client_page_shows_both_sections_in_a_fixed_number_of_queries(world, login):
    http = login(world.alice)

    def queries_for_page():
        with CaptureQueriesContext(connection) as context:
            response = http.get(reverse("clients:detail", args=[world.client.pk]))
        assert response.status_code == 200
        return len(context), response

    measure(world, 300, 1)
    module = Module.objects.create(organisation=world.menen, title="Sterk in je vel", kind="workshop")
    edition = Edition.objects.create(module=module, name="Voorjaar", start_date=today() - datetime.timedelta(days=60))
    session = Session.objects.create(edition=edition, date=today() - datetime.timedelta(days=7))
    enrolment = module_services.enrol(client=world.client, edition=edition, by=world.alice)
    module_services.attendance_mark(session=session, enrolment=enrolment, presence="aanwezig", by=world.alice)
    few, response = queries_for_page()
    assert response.context["module_enrolments"] == [enrolment]
    assert 'id="participatieladder"' in response.content.decode() and 'id="groepsmodules"' in response.content.decode()
    for days_ago in range(1, 11):
        measure(world, days_ago, days_ago % 6 + 1)
    for n in range(5):
        other = Edition.objects.create(module=module, name=f"Groep {n}",
                                       start_date=today() - datetime.timedelta(days=60))
        other_session = Session.objects.create(edition=other, date=today() - datetime.timedelta(days=3))
        other_enrolment = module_services.enrol(client=world.client, edition=other, by=world.alice)
        module_services.attendance_mark(session=other_session, enrolment=other_enrolment, presence="onverwittigd",
                                        by=world.alice)
    many, response = queries_for_page()
    assert len(response.context["ladder"]) == 11 and len(response.context["module_enrolments"]) == 6
    assert many == few
