"""The exports owed to POD MI (Uniek Verslag: GPMI and PSA parts) and VDAB (TWE follow-up): their
figures and rows on a built data set, who may download them, the access log, the number of queries,
and that LibreOffice reads the files."""

import datetime
import io
import shutil
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AccessLog
from clients.models import VdabConsent
from gpmi.models import Exemption, Gpmi, GpmiEvaluation
from groupmodules.models import Edition, Module, Session
from groupmodules.services import attendance_mark, edition_save, enrol, module_save, session_save
from reporting import uniek_verslag, vdab_export
from reporting.yearly import yearly_report_figures
from trajectories.models import Trajectory

from .conftest import require_service
from .factories import ClientFactory, EmployerFactory, running_twe

pytestmark = pytest.mark.django_db
D = datetime.date
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _module(organisation, title, kind, *days):
    module = module_save(Module(organisation=organisation, title=title, kind=kind))
    edition = edition_save(Edition(module=module, name="2025", start_date=D(2025, 1, 1), end_date=D(2025, 12, 31)))
    return edition, [session_save(Session(edition=edition, date=day)) for day in days]


@pytest.fixture
def year_2025(world):
    """Menen's 2025, with what falls outside it and a distractor in Wervik."""
    head = world.hilde
    people = {name: ClientFactory(organisation=world.menen, counsellor=world.alice, first_name=name)
              for name in ("An", "Bert", "Cas", "Eva")}
    gpmi = {}
    for name, orientation, signed_on in (("An", "werk", D(2025, 3, 1)), ("Bert", "werk", D(2025, 12, 31)),
                                         ("Cas", "opleiding", D(2025, 1, 1)), ("Eva", "werk", D(2024, 12, 31))):
        gpmi[name] = Gpmi.objects.create(client=people[name], orientation=orientation, signed_on=signed_on)
    Gpmi.objects.create(client=world.client, orientation="sociale_activering")  # not signed
    Gpmi.objects.create(client=world.other_client, orientation="werk", signed_on=D(2025, 5, 1))  # Wervik
    for client, ground, accepted_on in ((people["An"], "gezondheid", D(2025, 2, 1)),
                                        (people["Bert"], "billijkheid", D(2025, 7, 1)),
                                        (people["Cas"], "gezondheid", D(2026, 1, 1)),
                                        (world.other_client, "gezondheid", D(2025, 2, 1))):
        Exemption.objects.create(client=client, ground=ground, accepted_on=accepted_on)
    for name, day, in_person in (("Eva", D(2025, 2, 1), True), ("An", D(2025, 6, 1), False),
                                 ("Eva", D(2026, 1, 5), True)):
        GpmiEvaluation.objects.create(gpmi=gpmi[name], date=day, in_person=in_person, conclusion="ok")

    job, (held, cancelled) = _module(world.menen, "Klaar voor de job", "voortraject", D(2025, 3, 5), D(2025, 3, 12))
    sport, (first, second) = _module(world.menen, "Sportief", "sport", D(2025, 5, 2), D(2025, 5, 9))
    in_job = {name: enrol(client=people[name], edition=job, by=head, on=D(2025, 1, 2))
              for name in ("An", "Bert", "Cas")}
    in_sport = {name: enrol(client=people[name], edition=sport, by=head, on=D(2025, 1, 2)) for name in ("Eva", "Cas")}
    for session, enrolments, marks in ((held, in_job, {"An": "aanwezig", "Bert": "te_laat", "Cas": "onverwittigd"}),
                                       (cancelled, in_job, {"Cas": "aanwezig"}),
                                       (first, in_sport, {"Eva": "aanwezig"}),
                                       (second, in_sport, {"Cas": "ziek"})):
        for name, presence in marks.items():
            attendance_mark(session=session, enrolment=enrolments[name], presence=presence, by=head)
    cancelled.cancelled = True
    session_save(cancelled)
    wervik, (w1,) = _module(world.wervik, "Praattafel", "taal", D(2025, 2, 1))
    attendance_mark(session=w1, enrolment=enrol(client=world.other_client, edition=wervik, by=world.olga),
                    presence="aanwezig", by=world.olga)
    return people


def test_the_uniek_verslag_figures(year_2025, world):
    figures = uniek_verslag.uniek_verslag_figures(world.menen, 2025)
    assert figures["gpmi_ondertekend"] == {"werk": 2, "opleiding": 1, "sociale_activering": 0}
    assert figures["vrijstellingen"] == {"gezondheid": 1, "billijkheid": 1}
    assert (figures["evaluaties"], figures["evaluaties_persoonlijk"]) == (2, 1)
    assert figures["psa_deelnemers"] == 3  # An, Bert (late), Eva; not Cas (absent, or at a cancelled session)
    assert figures["psa_sessies"] == {"voortraject": 1, "workshop": 0, "taal": 0, "sport": 2, "jobclub": 0,
                                      "andere": 0}
    # Where they overlap, the yearly report has the same figures.
    modules = yearly_report_figures(world.menen, 2025)["groepsmodules"]
    assert modules["deelnemers"] == figures["psa_deelnemers"]
    assert modules["sessies"] == sum(figures["psa_sessies"].values())


def test_the_uniek_verslag_takes_a_fixed_number_of_queries(year_2025, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        uniek_verslag.as_xlsx(world.menen, 2025)


def _sheet(content):
    return [list(row) for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]


def test_the_uniek_verslag_file(year_2025, world, login):
    response = login(world.hilde).get(reverse("reporting:export_uniek_verslag"), {"year": 2025})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    rows = _sheet(response.content)
    assert rows[0][:2] == ["Organisatie", "OCMW Menen"]
    assert rows[1][:2] == ["Jaar", 2025]
    values = {row[1]: row[2] for row in rows[5:]}
    assert values["Deelnemers aan groepsmodules"] == 3
    figures = uniek_verslag.uniek_verslag_figures(world.menen, 2025)
    assert len(rows[5:]) == len(uniek_verslag.uniek_verslag_rows(figures))
    assert all(row[3] for row in rows[5:])  # each figure says what it counts
    log = AccessLog.objects.get(action=AccessLog.Action.EXPORTED)
    assert (log.user, log.organisation, log.detail) == (world.hilde, world.menen, "uniek_verslag.xlsx 2025")


@pytest.fixture
def twes(world):
    """A TWE of 2025 in Menen, one of 2023–2024, and one of Wervik in 2025."""
    ran = running_twe(ClientFactory(organisation=world.menen, counsellor=world.alice, first_name="Zoë",
                                    last_name="Aerts", national_number="85073003328"),
                      world.alice, world.employer, start=D(2025, 2, 3), weo_signed_on=D(2025, 2, 3),
                      vdab_registered_on=D(2025, 3, 1))
    VdabConsent.objects.create(client=ran.client, given_on=D(2025, 1, 10), scope="opvolging TWE")
    before = running_twe(ClientFactory(organisation=world.menen, counsellor=world.alice, last_name="Before"),
                         world.alice, world.employer, start=D(2023, 1, 2))
    Trajectory.objects.filter(pk=before.pk).update(status="afgerond", end_date=D(2024, 6, 30), outcome="werk")
    wervik = running_twe(world.other_client, world.oscar, EmployerFactory(organisation=world.wervik),
                         start=D(2025, 3, 3))
    return ran, before, wervik


def test_the_vdab_rows(twes, world):
    ran, _before, _wervik = twes
    rows = vdab_export.twe_rows(world.menen, D(2025, 1, 1), D(2025, 12, 31), today=D(2025, 12, 1))
    assert len(rows) == 1  # not the one that ended in 2024, not Wervik's, not world's TWE of 2026
    row = dict(zip(vdab_export.columns(), rows[0], strict=True))
    assert row == {
        "Rijksregisternummer": ran.client.national_number_display,
        "Naam": "Zoë Aerts",
        "Start TWE": D(2025, 2, 3),
        "WEO ondertekend op": D(2025, 2, 3),
        "Periode(s) art. 60 §7": "03/02/2025–",
        "Uren per week": "19",
        "Werkgever of eigen dienst": "Vanhoutte Logistiek NV (partner)",
        "Fase vandaag": "tewerkstelling art. 60 §7",
        "Geregistreerd bij VDAB op": D(2025, 3, 1),
        "VDAB-toestemming van kracht": "ja, gegeven op 10/01/2025",
        "Status": ran.get_status_display(),
        "Einde": None,
        "Uitstroom": "",
        "Leefloon na": "",
    }
    assert ran.client.national_number_display == "85.07.30-033.28"


def test_the_vdab_export_takes_a_fixed_number_of_queries(twes, world):
    period = (D(2025, 1, 1), D(2025, 12, 31))
    with CaptureQueriesContext(connection) as one:
        vdab_export.as_xlsx(world.menen, *period)
    for number in range(3):
        running_twe(ClientFactory(organisation=world.menen, counsellor=world.alice), world.alice,
                    EmployerFactory(organisation=world.menen), start=D(2025, 4, 1 + number))
    with CaptureQueriesContext(connection) as four:
        content = vdab_export.as_xlsx(world.menen, *period)
    assert len(_sheet(content)) == 5 + 4
    assert len(four) == len(one) <= 3


def test_the_vdab_file_for_the_head(twes, world, login):
    response = login(world.hilde).get(reverse("reporting:export_vdab_twe"), {"start": "2025-01-01",
                                                                            "end": "2025-12-31"})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    rows = _sheet(response.content)
    assert rows[4] == vdab_export.columns()
    assert [row[1] for row in rows[5:]] == ["Zoë Aerts"]
    assert AccessLog.objects.filter(user=world.hilde, action=AccessLog.Action.EXPORTED,
                                    detail__startswith="vdab_twe.xlsx").count() == 1


@pytest.mark.parametrize("name", ["export_uniek_verslag", "export_vdab_twe"])
@pytest.mark.parametrize("person", ["alice", "sam", "bea", "rita"])
def test_only_the_head_downloads(world, login, name, person):
    assert login(getattr(world, person)).get(reverse(f"reporting:{name}")).status_code == 403
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORTED).exists()


def test_a_wrong_period_is_refused(world, login):
    response = login(world.hilde).get(reverse("reporting:export_vdab_twe"), {"start": "2025-12-31",
                                                                            "end": "2025-01-01"})
    assert response.status_code == 400


def test_the_reports_page_offers_the_exports(world, login):
    page = login(world.hilde).get(reverse("reporting:reports")).content.decode()
    assert reverse("reporting:export_uniek_verslag") in page and reverse("reporting:export_vdab_twe") in page
    page = login(world.sam).get(reverse("reporting:reports")).content.decode()
    assert reverse("reporting:export_vdab_twe") not in page


@pytest.mark.libreoffice
def test_libreoffice_reads_the_uniek_verslag(year_2025, world, tmp_path):
    soffice = shutil.which("soffice")
    require_service(soffice, "LibreOffice (soffice) is not installed")
    source = tmp_path / "uniek-verslag.xlsx"
    source.write_bytes(uniek_verslag.as_xlsx(world.menen, 2025))
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to",
                    'csv:Text - txt - csv (StarCalc):44,34,76', "--outdir", str(tmp_path), str(source)],
                   check=True, timeout=120, capture_output=True)
    import csv

    rows = list(csv.reader((tmp_path / "uniek-verslag.csv").read_text(encoding="utf-8").splitlines()))
    assert rows[0][:2] == ["Organisatie", "OCMW Menen"]
    values = {row[1]: row[2] for row in rows[5:]}
    assert values["Deelnemers aan groepsmodules"] == "3"
    assert values["GPMI's ondertekend, gericht op werk"] == "2"


def test_the_period_is_typed_as_counsellors_type_dates(world, login):
    """DD/MM/YYYY, as every date field of the product (web.forms.DateInput), and ISO too."""
    http = login(world.hilde)
    url = reverse("reporting:export_vdab_twe")
    assert http.get(url, {"start": "01/01/2025", "end": "31/12/2025"}).status_code == 200
    assert http.get(url, {"start": "2025-01-01", "end": "2025-12-31"}).status_code == 200
    page = http.get(reverse("reporting:reports")).content.decode()
    assert 'value="01/01/' in page and 'type="date"' not in page


def test_the_exports_agree_with_the_dashboard(year_2025, twes, world, login):
    """What the diensthoofd downloads adds up to what her dashboard of the same year shows: the
    PSA participants and sessions, and the TWE-OCMW people of the year."""
    http = login(world.hilde)
    dashboard = http.get(reverse("reporting:dashboard"), {"jaar": 2025}).context["data"]
    modules = dashboard["group_modules"]["groepsmodules"]
    sheet = {row[1]: row[2] for row in _sheet(http.get(reverse("reporting:export_uniek_verslag"),
                                                       {"year": 2025}).content)[5:]}
    assert sheet["Deelnemers aan groepsmodules"] == modules["deelnemers"] == 3
    sessions = [value for figure, value in sheet.items() if figure.startswith("Sessies gehouden")]
    assert sum(sessions) == modules["sessies"] == 3
    assert sheet["Deelnemers aan groepsmodules"] == dict(
        (item.key, value) for item, value in http.get(reverse("reporting:dashboard"), {"jaar": 2025})
        .context["headline"])["deelnemers"]
    twe_rows = _sheet(http.get(reverse("reporting:export_vdab_twe"), {"start": "01/01/2025",
                                                                     "end": "31/12/2025"}).content)[5:]
    followed = next(t for t in dashboard["types"] if t["code"] == "twe")["figures"]["gevolgd"]
    assert len({row[0] for row in twe_rows}) == followed == 1
