"""Import format version 2 (CONTRACTS.md): a client's leefloon decision, GPMI and exemption, read per
client over its rows, and rows that record a client without a trajectory. A file without these
columns is read as before."""

import datetime

import pytest
from django.urls import reverse

from clients.models import Client
from gpmi.models import Exemption, Gpmi
from gpmi.services import gpmi_draw_up, gpmi_sign
from leefloon.models import LeefloonDecision
from leefloon.services import decision_record
from trajectories.models import Trajectory

from .test_import import GOOD, HEADER, csv_text, nothing_written, run, write

pytestmark = pytest.mark.django_db
D = datetime.date
SOON = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()  # in the future, within the years read

HEADER_2 = HEADER + ";leefloon_categorie;leefloon_beslissing;leefloon_einde;leefloon_verlaten;gpmi_ondertekend;" \
                    "gpmi_vrijstelling"
JONAS = "85.07.30-033.28;Jonas;Peeters"
SARA = "90.02.01-002.29;Sara;Janssens"
COLUMNS_2 = HEADER_2.split(";")


def line(person, **cells):
    """A row of HEADER_2: `person` gives the first three cells, the others are named."""
    assert set(cells) <= set(COLUMNS_2[3:]), cells
    return ";".join([person, *(cells.get(column, "") for column in COLUMNS_2[3:])])


def v2(*rows):
    return csv_text(*rows, header=HEADER_2)


def jonas():
    return Client.objects.get(national_number="85073003328")


def leefloon_written():
    return (LeefloonDecision.objects.count(), Gpmi.objects.count(), Exemption.objects.count())


def test_each_column_is_imported(world, tmp_path):
    rows = [
        line(JONAS, traject_type="opleiding", traject_start="2024-02-05", leefloon_categorie="alleenstaand",
             leefloon_beslissing="31/01/2024", leefloon_einde="2024-09-30", leefloon_verlaten="werk",
             gpmi_ondertekend="2024-04-30"),
        line(SARA, trajectbegeleider="bob@example.be", leefloon_categorie="samenwonend",
             leefloon_beslissing="2024-03-01", gpmi_vrijstelling="gezondheid"),
    ]
    code, out, err = run(write(tmp_path, v2(*rows)), world)
    assert (code, err) == (0, "")
    assert "Leefloon en GPMI: 2 nieuwe beslissingen, 0 beëindigd, 1 nieuwe GPMI's, 1 nieuwe vrijstellingen" in out
    decision = LeefloonDecision.objects.get(client__national_number="85073003328")
    assert (decision.kind, decision.category, decision.decided_on, decision.start_date, decision.end_date,
            decision.end_reason) == ("leefloon", "alleenstaand", D(2024, 1, 31), D(2024, 1, 31), D(2024, 9, 30),
                                     "werk")
    assert decision.gpmi_deadline == D(2024, 4, 30)  # set by the bulk service, as save() sets it
    assert decision.history.get().history_user == world.hilde  # the head records the command's import
    gpmi = Gpmi.objects.get()
    assert (gpmi.client.national_number, gpmi.signed_on, gpmi.decision, gpmi.goals, gpmi.end_date) == (
        "85073003328", D(2024, 4, 30), decision, "", None)
    assert gpmi.drawn_up_by == world.hilde and gpmi.history.count() == 1
    # A row without a trajectory records the client, her counsellor, leefloon and exemption.
    sara = Client.objects.get(national_number="90020100229")
    assert (sara.counsellor, sara.leefloon_category, sara.trajectories.count()) == (world.bob, "samenwonend", 0)
    exemption = Exemption.objects.get()
    assert (exemption.client, exemption.ground, exemption.accepted_on, exemption.decision.decided_on) == (
        sara, "gezondheid", D(2024, 3, 1), D(2024, 3, 1))
    assert Trajectory.objects.filter(client__national_number="85073003328").count() == 1


def test_a_row_without_a_trajectory_records_the_client(world, tmp_path):
    """Format version 2: every trajectory cell empty, also in a file without the leefloon columns."""
    row = ";".join(["85.07.30-033.28", "Jonas", "Peeters", "", "", "", "", "", "", "alice@example.be"])
    code, out, err = run(write(tmp_path, csv_text(row)), world)
    assert (code, err) == (0, "") and "1 nieuwe cliënten, 0 nieuwe trajecten" in out
    assert jonas().counsellor == world.alice and jonas().trajectories.count() == 0


def test_a_file_of_clients_only(world, tmp_path):
    """No trajectory column at all: a list of clients with their leefloon (format version 2)."""
    header = "rijksregisternummer;voornaam;achternaam;leefloon_beslissing;gpmi_ondertekend"
    code, out, err = run(write(tmp_path, csv_text(f"{JONAS};2024-01-31;2024-03-15", header=header)), world)
    assert (code, err) == (0, "")
    assert "1 nieuwe cliënten, 0 nieuwe trajecten" in out
    assert jonas().trajectories.count() == 0 and leefloon_written() == (1, 1, 0)


def test_the_decision_may_stand_on_any_row_of_the_client(world, tmp_path):
    rows = [line(JONAS, traject_type="voortraject", traject_start="2024-01-08", traject_einde="2024-03-31",
                 uitstroom="opleiding"),
            line(JONAS, traject_type="opleiding", traject_start="2024-04-01", leefloon_beslissing="2024-01-31",
                 gpmi_ondertekend="2024-04-15"),
            line(JONAS, traject_type="ama", traject_start="2024-04-01", leefloon_beslissing="2024-01-31")]
    code, _out, err = run(write(tmp_path, v2(*rows)), world)
    assert (code, err) == (0, "") and leefloon_written() == (1, 1, 0)


@pytest.mark.parametrize(("cells", "expected"), [
    ({"leefloon_beslissing": "31/01/2024", "leefloon_verlaten": "werk"},
     "rij 2, kolom leefloon_verlaten: Geef de datum waarop het leefloon eindigde, of laat de reden leeg."),
    ({"leefloon_einde": "2024-09-30"},
     "rij 2, kolom leefloon_einde: welk leefloon eindigde? Geef de datum van de beslissing in leefloon_beslissing"),
    ({"leefloon_verlaten": "werk"}, "rij 2, kolom leefloon_verlaten: welk leefloon eindigde?"),
    ({"leefloon_beslissing": "31/01/2024", "leefloon_einde": "2024-01-30", "leefloon_verlaten": "uitkering"},
     "rij 2, kolom leefloon_einde: Het leefloon kan niet eindigen voor het begint."),
    ({"leefloon_beslissing": "31/01/2024", "leefloon_einde": "2024-06-30", "leefloon_verlaten": "pensioen"},
     "rij 2, kolom leefloon_verlaten: onbekende code “pensioen” (toegelaten: werk, uitkering, verhuisd, ander)"),
    ({"leefloon_beslissing": "31/01/2024", "gpmi_vrijstelling": "medisch"},
     "rij 2, kolom gpmi_vrijstelling: onbekende code “medisch” (toegelaten: gezondheid, billijkheid)"),
    ({"leefloon_beslissing": "31/02/2024"}, "rij 2, kolom leefloon_beslissing: “31/02/2024” is geen datum"),
    ({"gpmi_ondertekend": "01/13/2024"}, "rij 2, kolom gpmi_ondertekend: “01/13/2024” is geen datum"),
    ({"leefloon_beslissing": "2024-01-31", "gpmi_ondertekend": SOON},
     "rij 2, kolom gpmi_ondertekend: Een GPMI kan niet in de toekomst ondertekend worden."),
    ({"leefloon_beslissing": SOON, "gpmi_vrijstelling": "billijkheid"},
     "rij 2, kolom gpmi_vrijstelling: Een vrijstelling kan niet in de toekomst aanvaard worden."),
])
def test_impossible_leefloon_cells_are_refused(world, tmp_path, cells, expected):
    row = line(JONAS, traject_type="opleiding", traject_start="2024-02-05", **cells)
    code, _out, err = run(write(tmp_path, v2(row)), world)
    assert code == 1 and expected in err, err
    assert "niets geïmporteerd" in err and nothing_written(world) and leefloon_written() == (0, 0, 0)


def test_a_row_with_part_of_a_trajectory_still_needs_its_type_and_start(world, tmp_path):
    row = line(JONAS, traject_einde="2024-06-30", uitstroom="werk", leefloon_beslissing="2024-01-31")
    code, _out, err = run(write(tmp_path, v2(row)), world)
    assert code == 1 and "rij 2, kolom traject_type: deze kolom is verplicht" in err
    assert "rij 2, kolom traject_start: deze kolom is verplicht" in err and nothing_written(world)


@pytest.mark.parametrize(("second", "expected"), [
    ({"leefloon_beslissing": "2024-02-29"},
     "rij 3, kolom leefloon_beslissing: rij 2 geeft deze cliënt een andere waarde (31/01/2024): welke geldt?"),
    ({"leefloon_beslissing": "2024-01-31", "leefloon_einde": "2024-06-30", "leefloon_verlaten": "werk"},
     "rij 3, kolom leefloon_einde: rij 2 geeft deze cliënt een andere waarde (leeg): welke geldt?"),
    ({"gpmi_ondertekend": "2024-04-01"},
     "rij 3, kolom gpmi_ondertekend: rij 2 geeft deze cliënt een andere waarde (15/04/2024): welke geldt?"),
    ({"gpmi_vrijstelling": "billijkheid"},
     "rij 3, kolom gpmi_vrijstelling: rij 2 geeft deze cliënt een andere waarde (gezondheid): welke geldt?"),
])
def test_rows_of_one_client_that_disagree_are_ambiguous(world, tmp_path, second, expected):
    rows = [line(JONAS, traject_type="opleiding", traject_start="2024-02-05", leefloon_beslissing="2024-01-31",
                 gpmi_ondertekend="2024-04-15", gpmi_vrijstelling="gezondheid"),
            line(JONAS, **second)]
    code, _out, err = run(write(tmp_path, v2(*rows)), world)
    assert code == 1 and expected in err, err
    assert nothing_written(world) and leefloon_written() == (0, 0, 0)


def test_an_exemption_without_a_decision_date_imports_the_row_with_a_warning(world, tmp_path):
    row = line(JONAS, traject_type="opleiding", traject_start="2024-02-05", gpmi_vrijstelling="billijkheid")
    code, out, err = run(write(tmp_path, v2(row)), world)
    assert code == 0
    assert err == ("waarschuwing: rij 2, kolom gpmi_vrijstelling: een vrijstelling wordt aanvaard op de datum van de "
                   "leefloonbeslissing, en leefloon_beslissing is leeg: de vrijstelling werd niet geïmporteerd; "
                   "registreer ze in het dossier\n")
    assert "Geïmporteerd" in out and jonas().trajectories.count() == 1 and leefloon_written() == (0, 0, 0)


def test_a_re_import_creates_no_duplicates(world, tmp_path):
    rows = [line(JONAS, traject_type="opleiding", traject_start="2024-02-05", leefloon_categorie="alleenstaand",
                 leefloon_beslissing="31/01/2024", gpmi_ondertekend="2024-04-30"),
            line(SARA, leefloon_categorie="samenwonend", leefloon_beslissing="2024-03-01",
                 leefloon_einde="2024-05-31", leefloon_verlaten="verhuisd", gpmi_vrijstelling="gezondheid")]
    path = write(tmp_path, v2(*rows))
    run(path, world)
    before = (Client.objects.count(), Trajectory.objects.count(), leefloon_written())
    code, out, err = run(path, world)
    assert (code, err) == (0, "")
    after = (Client.objects.count(), Trajectory.objects.count(), leefloon_written())
    assert after == before == (4, 2, (2, 1, 1))  # with world's two clients and one trajectory
    assert "Leefloon en GPMI: 0 nieuwe beslissingen, 0 beëindigd, 0 nieuwe GPMI's, 0 nieuwe vrijstellingen, " \
           "4 ongewijzigd." in out


def test_what_the_case_file_holds_is_the_same_decision_and_gpmi(world, tmp_path):
    """A decision of the same client and date, a GPMI signed the same day: recorded through the case
    file's services, they are not made again by the file."""
    decision = decision_record(client=world.client, decided_on=D(2024, 1, 31), start_date=D(2024, 1, 1))
    gpmi_sign(gpmi_draw_up(client=world.client, by=world.alice, goals="Rijbewijs"), signed_on=D(2024, 4, 2))
    fatima = f"{world.client.national_number};Fatima;Benali"
    row = line(fatima, traject_type="opleiding", traject_start="2024-02-05", leefloon_beslissing="2024-01-31",
               gpmi_ondertekend="2024-04-02")
    code, out, err = run(write(tmp_path, v2(row)), world)
    assert (code, err) == (0, "") and "0 nieuwe beslissingen, 0 beëindigd, 0 nieuwe GPMI's" in out
    assert leefloon_written() == (1, 1, 0) and Gpmi.objects.get().goals == "Rijbewijs"
    # A GPMI signed another day is another GPMI; it answers the client's decision.
    code, _out, _err = run(write(tmp_path, v2(row.replace("2024-04-02", "2025-01-10"))), world)
    assert code == 0 and Gpmi.objects.get(signed_on=D(2025, 1, 10)).decision == decision


def test_a_re_import_ends_a_running_decision_and_never_rewrites_an_ended_one(world, tmp_path):
    running = line(JONAS, traject_type="opleiding", traject_start="2024-02-05", leefloon_beslissing="2024-01-31")
    run(write(tmp_path, v2(running)), world)
    ended = line(JONAS, traject_type="opleiding", traject_start="2024-02-05", leefloon_beslissing="2024-01-31",
                 leefloon_einde="2024-10-31", leefloon_verlaten="werk")
    code, out, err = run(write(tmp_path, v2(ended)), world)
    decision = LeefloonDecision.objects.get()
    assert (code, err) == (0, "") and "0 nieuwe beslissingen, 1 beëindigd" in out
    assert (decision.end_date, decision.end_reason, decision.history.count()) == (D(2024, 10, 31), "werk", 2)
    assert run(write(tmp_path, v2(ended)), world)[0] == 0  # the same again: unchanged
    for other in (running, ended.replace("2024-10-31", "2024-11-30")):
        code, _out, err = run(write(tmp_path, v2(other)), world)
        assert code == 1 and "rij 2, kolom leefloon_einde: deze leefloonbeslissing eindigde al op 31/10/2024" in err
    decision.refresh_from_db()
    assert decision.end_date == D(2024, 10, 31)


def test_the_clients_category_follows_the_imported_decision(world, tmp_path):
    world.client.leefloon_category = "samenwonend"
    world.client.save()
    row = line(f"{world.client.national_number};Fatima;Benali", leefloon_categorie="gezinslast",
               leefloon_beslissing="2024-01-31")
    code, _out, err = run(write(tmp_path, v2(row)), world)
    world.client.refresh_from_db()
    assert (code, err) == (0, "") and world.client.leefloon_category == "gezinslast"
    assert LeefloonDecision.objects.get().category == "gezinslast"


def test_a_file_of_format_version_1_reads_as_before(world, tmp_path, django_assert_max_num_queries):
    from caseload.importer import plan_import

    code, out, err = run(write(tmp_path, csv_text(*GOOD)), world)
    # Only the nazorg's job start is missing (a column of a later version): a warning, not a refusal.
    assert code == 0 and err.count("\n") == 1 and err.startswith("waarschuwing: rij 4, kolom job_start: een nazorg")
    assert out == ("4 rijen: 2 nieuwe cliënten, 4 nieuwe trajecten, 0 bijgewerkt, 0 ongewijzigd.\n"
                   "1 waarschuwing: een onvolledige rij wordt geïmporteerd; vul ze aan in het dossier.\n"
                   "Geïmporteerd.\n")
    assert leefloon_written() == (0, 0, 0)
    with django_assert_max_num_queries(4):  # clients, counsellors, trajectories, employers: no leefloon read
        plan = plan_import(world.menen, csv_text(*GOOD).encode())
    assert plan.valid and plan.leefloon == [] and plan.warnings == []  # imported now: nothing new to warn about


def test_the_leefloon_columns_write_in_a_fixed_number_of_queries(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from caseload.importer import apply_import, plan_import

    def content(count):
        lines = []
        for sequence in range(1, 2 * count, 2):
            base = f"850730{sequence:03d}"
            number = base + f"{97 - int(base) % 97:02d}"
            lines.append(line(f"{number};P;Q{sequence}", leefloon_categorie="alleenstaand",
                              leefloon_beslissing="2024-01-31", leefloon_einde="2024-06-30", leefloon_verlaten="werk",
                              gpmi_ondertekend="2024-03-01", gpmi_vrijstelling="gezondheid"))
        return v2(*lines).encode()

    def queries(count):
        Client.objects.exclude(pk=world.client.pk).delete()
        with CaptureQueriesContext(connection) as context:
            plan = plan_import(world.menen, content(count))
            apply_import(plan, by=world.hilde)
        assert plan.valid and LeefloonDecision.objects.count() == count == Exemption.objects.count()
        return len(context)

    assert queries(3) == queries(15)


class TestInTheBrowser:
    def upload(self, http, content):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return http.post(reverse("caseload:import"), {"file": SimpleUploadedFile("caseload.csv", content)},
                         follow=True)

    def test_the_upload_page_names_the_new_columns(self, world, login):
        page = login(world.hilde).get(reverse("caseload:import")).content.decode()
        assert "Optioneel, voor het leefloon en het GPMI" in page and "gpmi_vrijstelling" in page
        assert "leefloon_beslissing, leefloon_einde, leefloon_verlaten" in page

    def test_the_preview_shows_the_leefloon_and_the_warnings_then_imports(self, world, login):
        http = login(world.hilde)
        rows = [line(JONAS, traject_type="opleiding", traject_start="2024-02-05", leefloon_categorie="gezinslast",
                     leefloon_beslissing="31/01/2024", gpmi_ondertekend="2024-04-30"),
                line(SARA, gpmi_vrijstelling="billijkheid")]
        preview = self.upload(http, v2(*rows).encode())
        page = preview.content.decode()
        assert preview.status_code == 200 and leefloon_written() == (0, 0, 0)
        assert "1 waarschuwing: deze rij wordt geïmporteerd" in page
        assert "gpmi_vrijstelling" in page and "Leefloon en GPMI" in page
        assert "1 nieuwe leefloonbeslissingen, 0 beëindigd, 1 nieuwe GPMI's, 0 nieuwe vrijstellingen" in page
        assert "31/01/2024" in page and "30/04/2024" in page and "niet geïmporteerd" in page
        http.post(reverse("caseload:import_confirm", args=[preview.context["upload"].pk]))
        assert leefloon_written() == (1, 1, 0) and Client.objects.filter(national_number="90020100229").exists()
        assert jonas().leefloon_category == "gezinslast" and Gpmi.objects.get().decision.client == jonas()
