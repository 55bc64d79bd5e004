"""Importing history (issue 18, CONTRACTS.md "Caseload import format"): what is only incomplete
imports with a warning naming row and column (a nazorg whose step lies outside the file, a running
TWE without its employer), what is impossible is still refused, an organisation without users can
receive the file, the yearly report counts what was imported, and the worklist asks for what is
missing (a running TWE without a workplace)."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.models import Assignment, Client
from employers.models import Employer
from gpmi.models import Exemption, Gpmi
from leefloon.models import LeefloonDecision
from organisations.models import Organisation
from reminders import engine
from reminders.models import Reminder, Rule
from reporting.yearly import yearly_report_figures
from trajectories import services
from trajectories.models import Trajectory, TrajectoryEvent

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = datetime.date.today()
HEADER = "rijksregisternummer;voornaam;achternaam;traject_type;traject_start;traject_einde;uitstroom;werkgever;" \
         "job_start;verlengd_tot"
JONAS, SARA = "85.07.30-033.28;Jonas;Peeters", "90.02.01-002.29;Sara;Janssens"
LIES, TOM = "75.12.01-004.73;Lies;Maes", "62.05.17-009.42;Tom;Claes"
HISTORY = [
    f"{JONAS};nazorg;2025-03-03;2025-08-31;werk;;2025-02-24;",  # its TWE was at another OCMW
    f"{SARA};twe;2025-01-06;;;;;",  # running, the employer not known yet (screening)
    f"{LIES};werk_zorg;2024-01-01;2025-09-30;zorg;;;2025-10-31",  # beyond 18 months: extended
    f"{TOM};opleiding;2025-02-03;2025-06-30;opleiding;;;",
]


@pytest.fixture
def csv_folder(tmp_path, monkeypatch):
    """The file lands in the test's own folder."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(slug, *rows, extra=()):
    """import_caseload on a file of these rows: (exit status, stdout, stderr)."""
    with open("caseload.csv", "w", encoding="utf-8") as file:
        file.write("\n".join([HEADER, *rows]) + "\n")
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_caseload", "caseload.csv", "--organisation", slug, *extra, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def fresh(csv_folder):
    """An OCMW as `create_organisation` leaves it: no users, no vocabularies filled in by hand."""
    call_command("create_organisation", "historiek", "OCMW Historiek", stdout=io.StringIO())
    return Organisation.objects.get(slug="historiek")


def test_history_with_incomplete_rows_imports_into_an_organisation_without_users(fresh):
    code, out, err = run(fresh.slug, *HISTORY)
    assert code == 0, err
    assert err.splitlines() == [
        "waarschuwing: rij 2, kolom traject_type: geen eerdere stap van deze cliënt die gelopen heeft, in het "
        "bestand of in het dossier: de nazorg wordt op zichzelf geïmporteerd",
        "waarschuwing: rij 3, kolom werkgever: een lopende TWE zonder werkgever: geïmporteerd in de screeningsfase; "
        "vul de werkgever (de werkplek) aan in het dossier",
    ]
    assert "4 rijen: 4 nieuwe cliënten, 4 nieuwe trajecten" in out
    assert "2 waarschuwingen: onvolledige rijen worden geïmporteerd; vul ze aan in de dossiers." in out
    assert out.endswith("Geïmporteerd.\n")

    trajectories = {t.type: t for t in Trajectory.objects.of_organisation(fresh)}
    assert len(trajectories) == 4 and {t.created_by for t in trajectories.values()} == {None}
    assert set(TrajectoryEvent.objects.filter(trajectory__client__organisation=fresh).values_list("by", flat=True)) \
        == {None}
    nazorg, twe, werk_zorg = trajectories["nazorg"], trajectories["twe"], trajectories["werk_zorg"]
    assert (nazorg.follows, nazorg.job_start, nazorg.status) == (None, D(2025, 2, 24), "afgerond")
    assert (twe.status, twe.placements.count()) == ("lopend", 0)
    assert (werk_zorg.extended_to, werk_zorg.planned_end_date, werk_zorg.status) == (
        D(2025, 10, 31), D(2025, 10, 31), "afgerond")
    # No counsellor yet: the head assigns the files; nobody is recorded as their assigner.
    assert set(Client.objects.of_organisation(fresh).values_list("counsellor", flat=True)) == {None}
    assert not Assignment.objects.filter(client__organisation=fresh).exists()
    assert Client.history.filter(organisation=fresh).values_list("history_user", flat=True).distinct().get() is None

    figures = yearly_report_figures(fresh, 2025, today=TODAY)
    assert figures["personen"]["gevolgd"] == 4
    assert figures["trajecten"]["nazorg"]["gevolgd"] == 1
    assert figures["trajecten"]["nazorg"]["uitstroom"]["werk"] == 1
    assert figures["trajecten"]["twe"]["gevolgd"] == 1 and figures["trajecten"]["twe"]["lopend"] == 1
    assert figures["trajecten"]["werk_zorg"]["uitstroom"]["zorg"] == 1
    assert figures["trajecten"]["opleiding"]["gevolgd"] == 1

    # Importing the same file again writes nothing new and warns about nothing.
    code, out, err = run(fresh.slug, *HISTORY)
    assert (code, err) == (0, "") and "4 ongewijzigd" in out and Trajectory.objects.of_organisation(fresh).count() == 4


def test_a_dry_run_warns_alike_and_writes_nothing(fresh):
    code, out, err = run(fresh.slug, *HISTORY, extra=["--dry-run"])
    assert code == 0 and err.count("waarschuwing: ") == 2
    assert "2 waarschuwingen" in out and out.endswith("Proefdraai: er werd niets geschreven.\n")
    assert not Trajectory.objects.of_organisation(fresh).exists()


@pytest.mark.parametrize("row, expected", [
    # A werk-zorgtraject longer than 18 months without an extension.
    (f"{LIES};werk_zorg;2024-01-01;2025-09-30;zorg;;;",
     "rij 3, kolom traject_einde: Een werk-zorgtraject duurt maximaal 18 maanden: de laatste dag is 30/06/2025."),
    # An extension that ends before the 18 months are over.
    (f"{LIES};werk_zorg;2024-01-01;2025-05-31;zorg;;;2025-05-31",
     "rij 3, kolom verlengd_tot: Een verlenging eindigt na de 18 maanden (30/06/2025)."),
    # An end after the extension.
    (f"{LIES};werk_zorg;2024-01-01;2025-11-30;zorg;;;2025-10-31",
     "rij 3, kolom traject_einde: De verlenging eindigt op 31/10/2025: de einddatum kan niet later liggen."),
    # A job start belongs to a nazorg, an extension to a werk-zorgtraject.
    (f"{LIES};twe;2024-01-01;2024-12-31;werk;Bakkerij Dewulf;2024-06-01;",
     "rij 3, kolom job_start: Alleen een nazorg heeft een startdatum van de job."),
    (f"{LIES};opleiding;2024-01-01;2024-12-31;werk;;;2025-12-31",
     "rij 3, kolom verlengd_tot: Alleen een werk-zorgtraject wordt verlengd tot na 18 maanden."),
    (f"{LIES};nazorg;2024-01-01;;;;1/13/2024;", "rij 3, kolom job_start: “1/13/2024” is geen datum"),
])
def test_an_impossible_row_is_still_refused_and_nothing_is_written(fresh, row, expected):
    code, _out, err = run(fresh.slug, HISTORY[3], row)
    assert code == 1 and expected in err, err
    assert "niets geïmporteerd" in err
    assert not Client.objects.of_organisation(fresh).exists()


def test_a_running_werk_zorg_past_its_extension_asks_for_its_end(fresh):
    start = TODAY - datetime.timedelta(days=700)
    extended = TODAY - datetime.timedelta(days=10)
    code, _out, err = run(fresh.slug, f"{LIES};werk_zorg;{start};;;;;{extended}")
    assert code == 1 and ("rij 2, kolom traject_einde: het werk-zorgtraject werd verlengd tot "
                          f"{extended:%d/%m/%Y}: geef het einde (uiterlijk die dag)") in err
    code, _out, err = run(fresh.slug, f"{LIES};werk_zorg;{start};;;;;{TODAY + datetime.timedelta(days=30)}")
    assert code == 0, err


def test_the_worklist_asks_for_the_workplace_of_an_imported_twe_until_it_has_one(fresh):
    run(fresh.slug, *HISTORY)
    twe = Trajectory.objects.of_organisation(fresh).get(type="twe")
    found = engine.due_reminders(fresh, TODAY)[Rule.TWE_NO_WORKPLACE]
    assert [(due.subject, due.due_date) for due in found] == [(f"traject:{twe.pk}", D(2025, 2, 5))]
    engine.evaluate(TODAY)
    reminder = Reminder.objects.get(rule=Rule.TWE_NO_WORKPLACE)
    assert reminder.explanation == ("nog geen werkplek sinds de start op 06/01/2025: vul de werkgever (de werkplek) "
                                    "aan, en de dag waarop de WEO getekend werd")
    assert reminder.get_rule_display() == "lopende TWE zonder werkplek"
    employer = Employer.objects.create(organisation=fresh, name="Bakkerij Dewulf")
    services.placement_add(trajectory=twe, employer=employer, function="verkoper", hours_per_week=19,
                           start_date=TODAY)
    reminder.refresh_from_db()
    assert (reminder.status, reminder.closed_by_itself) == (Reminder.Status.DONE, True)
    assert reminder.closed_by_itself_because == "vanzelf afgesloten: de TWE heeft een werkplek, of ze is beëindigd"
    assert engine.due_reminders(fresh, TODAY)[Rule.TWE_NO_WORKPLACE] == []


def test_the_rule_reads_every_twe_in_a_fixed_number_of_queries(fresh):
    def queries():
        with CaptureQueriesContext(connection) as context:
            found = engine.findings(fresh, TODAY)[0][Rule.TWE_NO_WORKPLACE]
        return len(context), len(found)

    numbers = ["85073003328", "90020100229", "75120100473", "62051700942", "00010100105", "00010100204"]
    run(fresh.slug, *(f"{n};Naam;Achternaam{n[-3:]};twe;2025-01-06;;;;;" for n in numbers[:2]))
    few = queries()
    run(fresh.slug, *(f"{n};Naam;Achternaam{n[-3:]};twe;2025-01-06;;;;;" for n in numbers))
    many = queries()
    assert (few[1], many[1]) == (2, 6) and few[0] == many[0]


def test_the_leefloon_and_gpmi_of_a_file_are_written_without_a_user(fresh):
    """Every writer behind the import accepts that nobody records it: decisions, their end, GPMIs and
    exemptions (format version 2) in an organisation without users."""
    header = "rijksregisternummer;voornaam;achternaam;leefloon_categorie;leefloon_beslissing;leefloon_einde;" \
             "leefloon_verlaten;gpmi_ondertekend;gpmi_vrijstelling"
    with open("caseload.csv", "w", encoding="utf-8") as file:
        file.write("\n".join([header, f"{JONAS};alleenstaand;2024-01-31;2024-09-30;werk;2024-04-30;",
                              f"{SARA};samenwonend;2024-03-01;;;;gezondheid"]) + "\n")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_caseload", "caseload.csv", "--organisation", fresh.slug, stdout=out, stderr=err)
    assert err.getvalue() == "" and "2 nieuwe beslissingen" in out.getvalue()
    assert LeefloonDecision.objects.of_organisation(fresh).count() == 2
    assert Gpmi.objects.of_organisation(fresh).get().drawn_up_by is None
    assert Exemption.objects.of_organisation(fresh).get().by is None


def test_the_upload_page_names_the_step_columns(world, login):
    page = login(world.hilde).get(reverse("caseload:import")).content.decode()
    assert "Optioneel, voor één soort traject" in page and "job_start" in page and "verlengd_tot" in page
    assert "wordt geïmporteerd met een waarschuwing" in page


def test_the_preview_lists_the_warnings_by_row_and_the_head_imports_them(world, login):
    http = login(world.hilde)
    content = "\n".join([HEADER, f"{SARA};twe;2025-01-06;;;;;", *HISTORY[:1]]).encode()
    preview = http.post(reverse("caseload:import"), {"file": SimpleUploadedFile("caseload.csv", content)},
                        follow=True)
    assert preview.status_code == 200
    assert [(w.row, w.column) for w in preview.context["plan"].warnings] == [(2, "werkgever"), (3, "traject_type")]
    page = preview.content.decode()
    assert "2 waarschuwingen" in page and "een lopende TWE zonder werkgever" in page
    http.post(reverse("caseload:import_confirm", args=[preview.context["upload"].pk]))
    imported = Trajectory.objects.of_organisation(world.menen).filter(client__national_number__in=[
        "85073003328", "90020100229"])
    assert {(t.type, t.created_by) for t in imported} == {("twe", world.hilde), ("nazorg", world.hilde)}
