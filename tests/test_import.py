"""The caseload import with real, messy files: every problem named by row and column in Dutch,
and nothing written unless every row is valid."""

import datetime
import io

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from clients.models import Client
from employers.models import Employer
from trajectories.models import Trajectory

pytestmark = pytest.mark.django_db

HEADER = "rijksregisternummer;voornaam;achternaam;traject_type;traject_start;traject_einde;uitstroom;werkgever;" \
         "werkgever_kbo;trajectbegeleider"
GOOD = [
    "85.07.30-033.28;Jonas;Peeters;voortraject;2025-01-06;31/03/2025;opleiding;;;alice@example.be",
    "85.07.30-033.28;Jonas;Peeters;twe;2025-04-01;2026-03-31;werk;Bakkerij Dewulf;0403.170.701;alice@example.be",
    "85.07.30-033.28;Jonas;Peeters;nazorg;2026-03-15;;;;;alice@example.be",
    "90.02.01-002.29;Sara;Janssens;werk_zorg;01/12/2025;;;;;",
]


def write(tmp_path, text, name="caseload.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def run(path, world, *extra):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_caseload", str(path), "--organisation", world.menen.slug, *extra, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def csv_text(*rows, header=HEADER):
    return "\n".join([header, *rows]) + "\n"


def nothing_written(world):
    return not Client.objects.filter(organisation=world.menen).exclude(pk=world.client.pk).exists() and \
        Trajectory.objects.filter(client__organisation=world.menen).count() == 1


def test_a_valid_file_imports_clients_trajectories_and_employers(world, tmp_path):
    code, out, err = run(write(tmp_path, csv_text(*GOOD)), world)
    # The nazorg imports, and the file does not say when the job started: the one thing to complete.
    assert (code, err) == (0, "waarschuwing: rij 4, kolom job_start: een nazorg zonder de dag waarop de job begon: de "
                              "opvolgmomenten tellen vanaf de start van de nazorg tot u de jobstart aanvult in het "
                              "dossier\n")
    assert "1 waarschuwing: een onvolledige rij wordt geïmporteerd" in out
    jonas = Client.objects.get(organisation=world.menen, national_number="85073003328")
    assert (jonas.counsellor, jonas.birth_date) == (world.alice, datetime.date(1985, 7, 30))
    trajectories = {t.type: t for t in jonas.trajectories.all()}
    assert (trajectories["twe"].status, trajectories["twe"].outcome) == ("afgerond", "werk")
    assert trajectories["nazorg"].follows == trajectories["twe"] and trajectories["nazorg"].status == "lopend"
    assert trajectories["twe"].placements.get().employer.kbo_number == "0403170701"
    sara = Trajectory.objects.get(client__national_number="90020100229")
    assert sara.planned_end_date == datetime.date(2027, 5, 31)
    assert "2 nieuwe cliënten" in out


def test_a_re_import_creates_no_duplicates(world, tmp_path):
    path = write(tmp_path, csv_text(*GOOD))
    run(path, world)
    counts = (Client.objects.count(), Trajectory.objects.count(), Employer.objects.count())
    code, out, _err = run(path, world)
    assert code == 0 and (Client.objects.count(), Trajectory.objects.count(), Employer.objects.count()) == counts
    assert "4 ongewijzigd" in out


def test_a_re_import_with_an_end_closes_the_trajectory(world, tmp_path):
    run(write(tmp_path, csv_text(*GOOD)), world)
    closed = GOOD[2].replace("2026-03-15;;", "2026-03-15;2026-09-14;werk")
    code, out, _err = run(write(tmp_path, csv_text(*GOOD[:2], closed, GOOD[3])), world)
    nazorg = Trajectory.objects.get(type="nazorg")
    assert code == 0 and "1 bijgewerkt" in out
    assert (nazorg.status, nazorg.outcome, nazorg.end_date) == ("afgerond", "werk", datetime.date(2026, 9, 14))


def test_dry_run_writes_nothing(world, tmp_path):
    code, out, _err = run(write(tmp_path, csv_text(*GOOD)), world, "--dry-run")
    assert code == 0 and "niets geschreven" in out and nothing_written(world)


@pytest.mark.parametrize(("row", "expected"), [
    ("85.07.30-033.27;Jonas;Peeters;opleiding;2025-01-06;;;;;", "rij 2, kolom rijksregisternummer: De controlecijfers"),
    ("85.07.30-033.28;Jonas;Peeters;opleiding;31/02/2025;;;;;", "kolom traject_start: “31/02/2025” is geen datum"),
    ("85.07.30-033.28;Jonas;Peeters;stage;2025-01-06;;;;;", "rij 2, kolom traject_type: onbekende code “stage”"),
    ("85.07.30-033.28;Jonas;Peeters;opleiding;2025-01-06;2025-01-05;werk;;;",
     "rij 2, kolom traject_einde: De einddatum kan niet vóór"),  # the model's message, shared (issue 15)
    ("85.07.30-033.28;Jonas;Peeters;werk_zorg;2017-03-01;2018-09-01;zorg;;;", "31/08/2018"),
    ("85.07.30-033.28;Jonas;Peeters;opleiding;2025-01-06;2025-06-30;;;;", "rij 2, kolom uitstroom"),
    ("85.07.30-033.28;Jonas;Peeters;opleiding;2025-01-06;2025-06-30;vast;;;", "onbekende code “vast”"),
    ("85.07.30-033.28;Jonas;Peeters;opleiding;2025-01-06;;;;;nobody@example.be", "kolom trajectbegeleider"),
    ("85.07.30-033.28;Jonas;Peeters;twe;2025-01-06;;;X;0403.170.702;", "kolom werkgever_kbo"),
    (";Jonas;Peeters;opleiding;2025-01-06;;;;;", "rij 2, kolom rijksregisternummer: deze kolom is verplicht"),
])
def test_a_bad_row_is_named_and_nothing_is_written(world, tmp_path, row, expected):
    code, _out, err = run(write(tmp_path, csv_text(row)), world)
    assert code == 1
    assert expected in err, err
    assert "niets geïmporteerd" in err and nothing_written(world)


@pytest.mark.parametrize("row, expected", [
    ("85.07.30-033.28;Jonas;Peeters;twe;2025-01-06;;;;;",
     "waarschuwing: rij 2, kolom werkgever: een lopende TWE zonder werkgever: geïmporteerd in de screeningsfase"),
    ("85.07.30-033.28;Jonas;Peeters;nazorg;2025-01-06;;;;;",
     "waarschuwing: rij 2, kolom traject_type: geen eerdere stap van deze cliënt die gelopen heeft"),
])
def test_an_incomplete_row_imports_with_a_warning(world, tmp_path, row, expected):
    """Incomplete, not impossible (CONTRACTS.md): the row is written and the warning names row and column."""
    code, out, err = run(write(tmp_path, csv_text(row)), world)
    assert code == 0 and expected in err, err
    assert "waarschuwing" in out and "Geïmporteerd" in out
    assert Trajectory.objects.filter(client__national_number="85073003328", type=row.split(";")[3]).exists()


def test_the_same_person_with_another_name(world, tmp_path):
    other = GOOD[0].replace("Jonas", "Jonathan")
    code, _out, err = run(write(tmp_path, csv_text(GOOD[0], other)), world)
    assert code == 1 and "rij 3, kolom voornaam" in err and "rij 2" in err and nothing_written(world)


def test_two_running_trajectories_of_a_type(world, tmp_path):
    rows = ["85.07.30-033.28;Jonas;Peeters;opleiding;2025-01-06;;;;;", "85.07.30-033.28;Jonas;Peeters;opleiding;"
            "2025-02-06;;;;;"]
    code, _out, err = run(write(tmp_path, csv_text(*rows)), world)
    assert code == 1 and "rij 3, kolom traject_type" in err and nothing_written(world)


def test_unknown_and_missing_columns(world, tmp_path):
    header = HEADER.replace("traject_start", "trajectstart")
    code, _out, err = run(write(tmp_path, csv_text(GOOD[3], header=header)), world)
    assert code == 1
    assert "rij 1, kolom trajectstart: onbekende kolom" in err
    assert "rij 1, kolom traject_start: deze verplichte kolom ontbreekt" in err


def test_windows_1252_comma_and_bom(world, tmp_path):
    text = csv_text("90.02.01-002.29,Séverine,Janssens,opleiding,2025-01-06,,,,,",
                    header=HEADER.replace(";", ","))
    code, _out, err = run(write(tmp_path, text, encoding="cp1252"), world)
    assert (code, err) == (0, "")
    assert Client.objects.get(national_number="90020100229").first_name == "Séverine"
    code, _out, err = run(write(tmp_path, "\ufeff" + csv_text(GOOD[0]), name="bom.csv"), world)
    assert (code, err) == (0, "")


@pytest.mark.parametrize(("content", "expected"), [
    (b"", "Het bestand is leeg."),
    (b"%PDF-1.4\x00\x01binary", "geen CSV- of XLSX-bestand"),
    (b"PK\x03\x04not really a workbook", "geen CSV- of XLSX-bestand"),
    (HEADER.encode() + b"\n", "een kop maar geen rijen"),
])
def test_files_that_cannot_be_read(world, tmp_path, content, expected):
    code, _out, err = run(write(tmp_path, content, name="x.csv"), world)
    assert code == 1 and expected in err and nothing_written(world)


def xlsx(tmp_path, rows, empty=False):
    workbook = Workbook()
    sheet = workbook.active
    if not empty:
        for row in rows:
            sheet.append(row)
    path = tmp_path / "caseload.xlsx"
    workbook.save(path)
    return path


def test_an_xlsx_first_sheet_with_real_dates(world, tmp_path):
    path = xlsx(tmp_path, [HEADER.split(";"), ["90.02.01-002.29", "Sara", "Janssens", "opleiding",
                                               datetime.datetime(2025, 1, 6), None, None, None, None, None]])
    code, _out, err = run(path, world)
    assert (code, err) == (0, "")
    assert Trajectory.objects.get(client__national_number="90020100229").start_date == datetime.date(2025, 1, 6)


def test_an_xlsx_with_an_empty_first_sheet(world, tmp_path):
    code, _out, err = run(xlsx(tmp_path, [], empty=True), world)
    assert code == 1 and "eerste werkblad" in err


def test_the_import_uses_a_fixed_number_of_queries(world, tmp_path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from caseload.importer import apply_import, plan_import

    def rows(count):
        numbers = [f"{n:03d}" for n in range(1, 400, 2)][:count]
        lines = []
        for sequence in numbers:
            base = f"850730{sequence}"
            nn = base + f"{97 - int(base) % 97:02d}"
            lines.append(f"{nn};P;Q{sequence};opleiding;2025-01-06;;;;;")
        return csv_text(*lines).encode()

    def queries(count):
        Client.objects.exclude(pk=world.client.pk).delete()
        with CaptureQueriesContext(connection) as context:
            apply_import(plan_import(world.menen, rows(count)), by=world.hilde)
        return len(context)

    assert queries(5) == queries(20)  # SQLite splits bigger inserts in batches of 999 values


class TestInTheBrowser:
    """The same import for the head of service: upload, preview, confirm."""

    def upload(self, http, content, name="caseload.csv"):
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.urls import reverse

        return http.post(reverse("caseload:import"), {"file": SimpleUploadedFile(name, content)}, follow=True)

    def test_preview_then_confirm(self, world, login):
        from django.urls import reverse

        http = login(world.hilde)
        preview = self.upload(http, csv_text(*GOOD).encode())
        plan = preview.context["plan"]
        assert plan.valid and len(plan.new_clients) == 2 and len(plan.new_trajectories) == 4
        assert nothing_written(world)  # a preview writes nothing
        upload = preview.context["upload"]
        http.post(reverse("caseload:import_confirm", args=[upload.pk]))
        assert Client.objects.filter(national_number="85073003328").exists()

    def test_a_file_with_problems_lists_them_and_cannot_be_confirmed(self, world, login):
        from django.urls import reverse

        http = login(world.hilde)
        preview = self.upload(http, csv_text("85.07.30-033.27;Jonas;Peeters;opleiding;2025-01-06;;;;;").encode())
        assert preview.status_code == 422
        assert "De controlecijfers" in preview.content.decode()
        http.post(reverse("caseload:import_confirm", args=[preview.context["upload"].pk]))
        assert nothing_written(world)

    def test_an_unreadable_file_says_so(self, world, login):
        preview = self.upload(login(world.hilde), b"%PDF-1.4\x00binary", name="scan.pdf")
        assert "geen CSV- of XLSX-bestand" in preview.content.decode()

    def test_only_the_head_and_only_her_own_upload(self, world, login):
        from django.urls import reverse

        assert login(world.alice).get(reverse("caseload:import")).status_code == 403
        upload = self.upload(login(world.hilde), csv_text(*GOOD).encode()).context["upload"]
        assert login(world.olga).get(reverse("caseload:import_preview", args=[upload.pk])).status_code == 404


class TestWhatTheReviewFound:
    def test_more_cells_than_columns_duplicate_and_nameless_columns(self, world, tmp_path):
        code, _out, err = run(write(tmp_path, csv_text(GOOD[0] + ";extra;cel")), world)
        assert code == 1 and "rij 2, kolom -: meer cellen dan er kolommen zijn" in err
        code, _out, err = run(write(tmp_path, csv_text(GOOD[0] + ";x", header=HEADER + ";voornaam")), world)
        assert code == 1 and "kolom voornaam: deze kolom staat er twee keer" in err
        assert nothing_written(world)

    def test_identical_rows_count_once_and_conflicting_ones_are_named(self, world, tmp_path):
        code, _out, _err = run(write(tmp_path, csv_text(GOOD[0], GOOD[0])), world)
        assert code == 0 and Trajectory.objects.filter(type="voortraject").count() == 1
        other = GOOD[0].replace("31/03/2025;opleiding", "30/04/2025;werk")
        code, _out, err = run(write(tmp_path, csv_text(GOOD[0], other)), world)
        assert code == 1 and "hetzelfde traject als rij 2" in err

    def test_a_file_never_reopens_a_closed_trajectory(self, world, tmp_path):
        run(write(tmp_path, csv_text(GOOD[0])), world)
        reopened = GOOD[0].replace("31/03/2025;opleiding", ";")
        code, _out, err = run(write(tmp_path, csv_text(reopened)), world)
        assert code == 1 and "al afgesloten op 31/03/2025" in err
        assert Trajectory.objects.get(type="voortraject").status == "afgerond"

    @pytest.mark.parametrize("start", ["9999-06-01", "0025-01-06"])
    def test_dates_outside_the_years_we_accept(self, world, tmp_path, start):
        code, _out, err = run(write(tmp_path, csv_text(f"85.07.30-033.28;Jonas;Peeters;ama;{start};;;;;")), world)
        assert code == 1 and "valt buiten de jaren" in err and nothing_written(world)

    def test_a_running_werk_zorg_past_18_months(self, world, tmp_path):
        code, _out, err = run(write(tmp_path, csv_text("85.07.30-033.28;Jonas;Peeters;werk_zorg;2020-01-01;;;;;")),
                              world)
        assert code == 1 and "hoogstens 18 maanden" in err

    def test_an_employer_name_with_another_enterprise_number(self, world, tmp_path):
        Employer.objects.create(organisation=world.menen, name="Bakkerij Dewulf", kbo_number="0403170701")
        row = "85.07.30-033.28;Jonas;Peeters;twe;2025-04-01;;;Bakkerij Dewulf;0202.239.951;"
        code, _out, err = run(write(tmp_path, csv_text(row)), world)
        assert code == 1 and "kolom werkgever_kbo" in err and nothing_written(world)

    def test_a_name_known_without_kbo_is_found_by_name(self, world, tmp_path):
        row = f"85.07.30-033.28;Jonas;Peeters;twe;2025-04-01;;;{world.employer.name};0403.170.701;"
        code, _out, err = run(write(tmp_path, csv_text(row)), world)
        assert (code, err) == (0, "")
        assert Employer.objects.filter(organisation=world.menen).count() == 1

    def test_an_xlsx_number_that_lost_its_leading_zero(self, world, tmp_path):
        base = "040405002"  # born 5 April 2004
        number = int(base + f"{97 - int('2' + base) % 97:02d}")  # typed as a number: no leading zero
        path = xlsx(tmp_path, [HEADER.split(";"), [number, "Lien", "Maes", "opleiding", "2025-01-06"]])
        code, _out, err = run(path, world)
        assert (code, err) == (0, "")

    def test_a_damaged_xlsx(self, world, tmp_path):
        import zipfile

        good = xlsx(tmp_path, [HEADER.split(";")])
        damaged = tmp_path / "damaged.xlsx"
        with zipfile.ZipFile(good) as source, zipfile.ZipFile(damaged, "w") as target:
            for item in source.infolist():
                data = source.read(item.filename)
                target.writestr(item, b"<broken" if item.filename.endswith("sheet1.xml") else data)
        code, _out, err = run(damaged, world)
        assert code == 1 and "geen CSV- of XLSX-bestand" in err


def test_a_name_that_looks_like_a_formula_is_exported_safely_and_imports_back(world, tmp_path):
    from caseload import exporter

    row = "85.07.30-033.28;=1+1;Peeters;opleiding;2025-01-06;;;;;"
    assert run(write(tmp_path, csv_text(row)), world)[0] == 0
    content = exporter.as_csv(world.menen)
    assert ";'=1+1;Peeters;" in content.decode("utf-8-sig")
    code, _out, err = run(write(tmp_path, content, name="export.csv"), world)  # imports back: unchanged
    assert (code, err) == (0, "") and Client.objects.filter(first_name="=1+1").count() == 1
    workbook = exporter.as_xlsx(world.menen)
    from openpyxl import load_workbook

    cells = [cell for row in load_workbook(io.BytesIO(workbook)).active.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
