import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AccessLog
from caseload import exporter
from caseload.importer import apply_import, plan_import

from .factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

SOURCE = (
    "rijksregisternummer;voornaam;achternaam;geboortedatum;postcode;gemeente;leefloon_categorie;traject_type;"
    "traject_start;traject_einde;uitstroom;werkgever;werkgever_kbo;trajectbegeleider;job_start;verlengd_tot\n"
    "85.07.30-033.28;Jonas;Peeters;1985-07-30;8930;Menen;alleenstaand;twe;2025-04-01;2026-03-31;werk;"
    "Bakkerij Dewulf;0403.170.701;;;\n"
    "85.07.30-033.28;Jonas;Peeters;1985-07-30;8930;Menen;alleenstaand;nazorg;2026-03-15;;;;;;2026-04-01;\n"
    "90.02.01-002.29;Sara;Janssens;1990-02-01;8940;Wervik;gezinslast;werk_zorg;2025-03-01;2025-09-30;stopgezet;"
    "Groendienst vzw;;;;\n"
    "90.02.01-002.29;Sara;Janssens;1990-02-01;8940;Wervik;gezinslast;ama;2025-10-01;;;OCMW Technische dienst;;;;\n"
    "93.05.12-001.75;Lotte;Maes;1993-05-12;8930;Menen;;werk_zorg;2023-01-02;2024-12-31;werk;;;;;2024-12-31\n"
)


def organisation_with(content):
    organisation = OrganisationFactory()
    head = UserFactory(organisation=organisation, role="diensthoofd")
    plan = plan_import(organisation, content)
    assert plan.valid, [str(p) for p in plan.problems]
    apply_import(plan, by=head)
    return organisation


def test_round_trip_export_import_export_gives_the_same_file():
    first = exporter.as_csv(organisation_with(SOURCE.encode()))
    second = exporter.as_csv(organisation_with(first))
    assert first == second
    assert first.decode("utf-8-sig").replace("\r\n", "\n") == SOURCE


def test_the_xlsx_export_imports_back_too():
    organisation = organisation_with(SOURCE.encode())
    workbook = load_workbook(io.BytesIO(exporter.as_xlsx(organisation)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0] == "rijksregisternummer" and len(rows) == 6
    assert exporter.as_csv(organisation_with(exporter.as_xlsx(organisation))) == exporter.as_csv(organisation)


def test_only_the_head_downloads_the_caseload_and_it_is_logged(world, login):
    response = login(world.hilde).get(reverse("caseload:export", args=["csv"]))
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.csv"')
    assert world.client.national_number_display.encode() in response.content
    # Another organisation's client (by national number: a random last name may also be in an employer's name).
    assert world.other_client.national_number_display.encode() not in response.content
    assert AccessLog.objects.filter(user=world.hilde, action="geexporteerd").count() == 1
    for user in (world.alice, world.sam, world.bea):
        assert login(user).get(reverse("caseload:export", args=["xlsx"])).status_code == 403
    assert login(world.hilde).get(reverse("caseload:export", args=["pdf"])).status_code == 404


def test_the_export_is_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        exporter.caseload_rows(world.menen)
