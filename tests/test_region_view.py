"""The regiocoördinator's view of the member OCMWs: the key figures (people counted once) with their
rates, each member suppressed with its own threshold, a region total that gives no hidden count
away, and the same table as a CSV and a PDF for her only."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse

from audit.models import AccessLog
from leefloon.services import decision_record
from organisations.models import Region
from reporting.headline import Rate
from reporting.region import as_rows, comparison
from reporting.suppression import Hidden

from .factories import ClientFactory, OrganisationFactory
from .test_yearly_report import trajectory

pytestmark = pytest.mark.django_db
D = datetime.date
YEAR = 2024


@pytest.fixture
def region_2024(world):
    """Menen: 15 leefloners of 2024, 10 of them in a trajectory (5 ended in work, 5 running):
    10 followed, 5 to work (50 per 100), activation 10 of 15 (67%), no GPMI (0%). Wervik: 2 people
    followed, none to work: "< 5", and rates that cannot be shown."""
    for number in range(15):
        client = ClientFactory(organisation=world.menen, first_name=f"Leefloner{number}")
        decision_record(client=client, decided_on=D(YEAR, 1, 15), start_date=D(YEAR, 1, 15))
        if number < 5:
            trajectory(client, world.hilde, "opleiding", D(YEAR, 2, 5), D(YEAR, 6, 28), "werk")
        elif number < 10:
            trajectory(client, world.hilde, "opleiding", D(YEAR, 2, 5))
    for _number in range(2):
        trajectory(ClientFactory(organisation=world.wervik, counsellor=world.oscar), world.olga, "twe",
                   D(YEAR, 3, 4), D(YEAR, 9, 30), "werkloos")
    return world


def row(data, key):
    return next(row for section in data["sections"] for row in section.rows if row.key == key)


def test_the_key_figures_show_rates_beside_the_counts(region_2024, login):
    response = login(region_2024.rita).get(reverse("reporting:dashboard"), {"jaar": YEAR})
    data, page = response.context["data"], response.content.decode()
    assert data["sections"][0].title == "Kerncijfers"
    assert row(data, "gevolgd").cells[0] == 10 and row(data, "naar_werk").cells[0] == 5
    assert row(data, "leefloners").cells[0] == 15
    assert row(data, "naar_werk_per_100").cells[0] == Rate(5, 10, 50)
    assert row(data, "activeringsgraad").cells[0] == Rate(10, 15, 67)
    assert row(data, "gpmi_dekking").cells[0] == Rate(0, 15, 0)
    assert '<span class="fw-semibold">67%</span>' in page and '<span class="fw-semibold">50%</span>' in page
    assert "activeringsgraad" in page.lower() and "naar werk per 100 gevolgd" in page.lower()
    # The older sections stay, said to be counted per type.
    assert f"Cliënten gevolgd in {YEAR}, per type" in page
    assert "Geteld per type traject: wie trajecten van twee types heeft, telt in beide mee." in page
    # The chart draws people, not per-type sums.
    assert "<svg" in page and "Personen gevolgd en naar werk per OCMW" in page
    assert data["followed"] == [10, None] and data["to_work"] == [5, 0]
    assert region_2024.client.last_name not in page


def test_a_small_member_shows_less_than_5_and_no_rate_and_the_total_gives_nothing_away(region_2024, login):
    response = login(region_2024.rita).get(reverse("reporting:dashboard"), {"jaar": YEAR})
    data, page = response.context["data"], response.content.decode()
    followed = row(data, "gevolgd")
    assert followed.cells == [10, Hidden(5)] and str(followed.cells[1]) == "< 5"
    # 12 in all would give Wervik's 2 away (12 - 10): the total is hidden.
    assert isinstance(followed.total, Hidden) and str(followed.total) == "x"
    per_100 = row(data, "naar_werk_per_100")
    assert per_100.cells[1].percent is None and per_100.total.percent is None
    assert "—" in page
    # No row anywhere lets a hidden member cell be worked out from the total.
    for section in data["sections"]:
        for line in section.rows:
            if line.is_rate:
                for attribute in ("part", "whole"):
                    cells = [getattr(cell, attribute) for cell in line.cells]
                    total = getattr(line.total, attribute)
                    assert isinstance(total, Hidden) or sum(isinstance(cell, Hidden) for cell in cells) != 1
            else:
                assert isinstance(line.total, Hidden) or sum(isinstance(cell, Hidden) for cell in line.cells) != 1
            values = line.cells + [line.total]
            counts = [v for value in values for v in ((value.part, value.whole) if line.is_rate else (value,))]
            assert not [n for n in counts if isinstance(n, int) and 0 < n < 5]
    assert not [n for n in re.findall(r'<td class="text-end[^"]*">(\d+)</td>', page) if 0 < int(n) < 5]


def test_a_total_stays_when_two_members_are_hidden(world):
    """Two hidden members: the total minus the shown ones gives only their sum."""
    ieper = OrganisationFactory(slug="ieper", name="OCMW Ieper")
    for organisation, number in ((world.menen, 3), (world.wervik, 2), (ieper, 9)):
        for _ in range(number):
            trajectory(ClientFactory(organisation=organisation), world.hilde, "twe", D(YEAR, 3, 4))
    data = comparison([world.menen, world.wervik, ieper], YEAR)
    assert row(data, "gevolgd").cells == [Hidden(5), Hidden(5), 9] and row(data, "gevolgd").total == 14


def test_each_member_follows_its_own_threshold(region_2024):
    region_2024.menen.small_number_threshold = 11
    data = comparison([region_2024.menen, region_2024.wervik], YEAR)
    assert row(data, "gevolgd").cells == [Hidden(11), Hidden(5)]
    assert row(data, "leefloners").cells[0] == 15 and row(data, "activeringsgraad").cells[0].percent is None


def test_the_csv_has_the_cells_of_the_page(region_2024, login):
    http = login(region_2024.rita)
    page = http.get(reverse("reporting:dashboard"), {"jaar": YEAR})
    assert reverse("reporting:region_csv") in page.content.decode()
    response = http.get(reverse("reporting:region_csv"), {"jaar": YEAR})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == f'attachment; filename="regio-zuidwest-{YEAR}.csv"'
    assert response.content.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == ["Cijfer", "OCMW Menen", "OCMW Wervik", "Totaal"]
    assert lines == as_rows(page.context["data"])
    by_label = {line[0]: line[1:] for line in lines}
    assert by_label["Personen gevolgd"] == ["10", "< 5", "x"]
    assert by_label["Activeringsgraad (%)"][0] == "67"
    assert by_label["Naar werk per 100 gevolgd (%)"] == ["50", "", ""]
    log = AccessLog.objects.unscoped().filter(action=AccessLog.Action.EXPORTED, user=region_2024.rita)
    assert {entry.organisation for entry in log} == {region_2024.menen, region_2024.wervik}
    assert {entry.detail for entry in log} == {f"regio.csv {YEAR}"}


@pytest.mark.parametrize("name", ["region_csv", "region_pdf"])
@pytest.mark.parametrize("person", ["hilde", "sam", "bea", "alice", "oscar", "olga"])
def test_only_the_region_coordinator_downloads(world, login, name, person):
    assert login(getattr(world, person)).get(reverse(f"reporting:{name}"), {"jaar": YEAR}).status_code == 403


def test_the_operator_home_has_no_region_downloads(world, login):
    from .factories import UserFactory

    operator = UserFactory(email="op@example.be", organisation=None, role="", is_superuser=True, is_staff=True)
    http = login(operator)
    response = http.get(reverse("home"))
    page = response.content.decode()
    assert response.status_code == 200 and "Kerncijfers" in page and "OCMW Wervik" in page
    assert reverse("reporting:region_csv") not in page and response.context["region"] is None
    assert http.get(reverse("reporting:region_csv")).status_code == 403


def test_the_pdf_downloads_for_the_region_coordinator(region_2024, login):
    pytest.importorskip("weasyprint")
    from pypdf import PdfReader

    response = login(region_2024.rita).get(reverse("reporting:region_pdf"), {"jaar": YEAR})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="regio-zuidwest-{YEAR}.pdf"'
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = "\n".join(page.extract_text() for page in pages)
    assert "Welzijnsregio Zuid-West" in text and "OCMW Wervik" in text and "Kerncijfers" in text
    assert all(f"Welzijnsregio Zuid-West · {YEAR}" in page.extract_text() for page in pages)
    assert "67%" in text and region_2024.client.last_name not in text


def test_the_query_count_does_not_grow_with_the_members(region_2024, django_assert_num_queries):
    """Four for today's figures, at most seven for the year's (reporting.yearly), whatever the number
    of members: the same count for one member as for seven."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    world = region_2024
    with CaptureQueriesContext(connection) as one:
        comparison([world.menen], YEAR)
    assert len(one) <= 11
    many = [world.menen, world.wervik, *OrganisationFactory.create_batch(5)]
    Region.objects.get(slug="zuidwest").members.add(*many)
    with django_assert_num_queries(len(one)):
        comparison(many, YEAR)
