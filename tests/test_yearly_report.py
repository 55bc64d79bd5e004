"""Seed 001's paragraph for Menen in 2018, built by hand with distractors: "83 followed nazorg: 46
found permanent work, 16 training, 7 maatwerk, 2 own business, 12 stayed unemployed"."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from reporting.yearly import yearly_figures
from trajectories.models import Trajectory, TrajectoryEvent

from .factories import ClientFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date
OUTCOMES = ["werk"] * 46 + ["opleiding"] * 16 + ["maatwerk"] * 7 + ["zelfstandige"] * 2 + ["werkloos"] * 12


def trajectory(client, by, type, start, end=None, outcome="", started=True):
    status = ("stopgezet" if outcome == "stopgezet" else "afgerond") if end else ("lopend" if started else "aangemeld")
    made = Trajectory.objects.create(client=client, type=type, start_date=start, end_date=end, outcome=outcome,
                                     status=status, created_by=by, stop_reason="x" if outcome == "stopgezet" else "")
    if started:
        TrajectoryEvent.objects.create(trajectory=made, action="start", to_status="lopend", date=start, by=by)
    return made


@pytest.fixture
def menen_2018(db):
    menen = OrganisationFactory(slug="menen")
    head = UserFactory(organisation=menen, role="diensthoofd")
    clients = ClientFactory.create_batch(83, organisation=menen)
    for index, (client, outcome) in enumerate(zip(clients, OUTCOMES, strict=True)):
        trajectory(client, head, "twe", D(2017, 3, 1), D(2018, 2, 28), "werk")  # another type
        start = D(2018, 1, 1) + datetime.timedelta(days=index)
        trajectory(client, head, "nazorg", start, start + datetime.timedelta(days=150), outcome)
    # A client who ended two nazorgs in 2018: the later one (werk) counts, once.
    trajectory(clients[0], head, "nazorg", D(2017, 10, 1), D(2018, 1, 5), "werkloos")
    # Distractors: another year, a registration that never started, another organisation.
    trajectory(clients[1], head, "nazorg", D(2019, 2, 1))
    trajectory(clients[2], head, "nazorg", D(2017, 1, 1), D(2017, 12, 31), "werk")
    trajectory(clients[3], head, "nazorg", D(2018, 6, 1), started=False)
    elsewhere = OrganisationFactory(slug="elders")
    other_head = UserFactory(organisation=elsewhere, role="diensthoofd")
    for client in ClientFactory.create_batch(5, organisation=elsewhere):
        trajectory(client, other_head, "nazorg", D(2018, 3, 1), D(2018, 9, 1), "werk")
    return menen


def test_the_json_gives_seed_001s_figures(menen_2018, tmp_path):
    output = tmp_path / "menen-2018.json"
    call_command("yearly_report", "--organisation", "menen", "--year", "2018", "--output", str(output),
                 "--format", "json", stdout=io.StringIO())
    data = json.loads(output.read_text())
    assert data["organisation"] == "menen" and data["year"] == 2018
    assert data["trajecten"]["nazorg"] == {"gevolgd": 83, "lopend": 0, "uitstroom": {
        "werk": 46, "opleiding": 16, "maatwerk": 7, "zelfstandige": 2, "werkloos": 12, "ama": 0, "zorg": 0,
        "stopgezet": 0}}
    assert set(data["trajecten"]) == {"voortraject", "twe", "nazorg", "werk_zorg", "opleiding", "ama"}
    assert data["trajecten"]["twe"]["uitstroom"]["werk"] == 83 and data["trajecten"]["werk_zorg"]["gevolgd"] == 0


def test_the_pdf_shows_the_same_figures(menen_2018, tmp_path):
    output = tmp_path / "menen-2018.pdf"
    call_command("yearly_report", "--organisation", "menen", "--year", "2018", "--output", str(output),
                 stdout=io.StringIO())
    text = "\n".join(page.extract_text() for page in PdfReader(output).pages)
    assert "Jaarverslag activering voor de gemeenteraad" in text and "2018" in text
    # Per type: followed in 2018 and 2017 (two, hidden: no difference shown), running, average duration.
    assert "Nazorg 83 < 5 — 0 150 dagen" in " ".join(text.split())
    # The outcome table: one row per outcome, the columns voortraject, TWE, nazorg, werk-zorg, opleiding,
    # AMA and the total. Small counts are hidden for the council (reporting.suppression): Zelfstandige 2
    # shows as "< 5", and Maatwerk 7, the smallest other cell of nazorg, as "x" so that 2 cannot be found
    # from nazorg's total ended (83); the row total of Maatwerk then goes too.
    outcomes = " ".join(text[text.index("Werk (regulier)"):].split())
    for row in ["Werk (regulier) 0 83 46 0 0 0 129", "Opleiding 0 0 16 0 0 0 16",
                "Maatwerk / sociale economie 0 0 x 0 0 0 x", "Zelfstandige 0 0 < 5 0 0 0 < 5",
                "Werkloos 0 0 12 0 0 0 12", "Totaal beëindigd 0 83 83 0 0 0 166"]:
        assert row in outcomes, row
    for client in menen_2018.clients.all()[:5]:
        assert client.last_name not in text and client.national_number not in text


def test_lopend_counts_who_still_runs_on_31_december(menen_2018):
    assert yearly_figures(menen_2018, 2019)["trajecten"]["nazorg"]["gevolgd"] == 1 + 0  # the 2019 start only


def test_a_fixed_number_of_queries(menen_2018, django_assert_num_queries):
    with django_assert_num_queries(1):
        yearly_figures(menen_2018, 2018)
