"""`import_caseload` when the database fails: in any step (finding the organisation, checking the
file, choosing who imports, writing) one Dutch line on stderr, exit status 1, no traceback, and
nothing written (CONTRACTS.md, import: 1 and nothing written)."""

import io
import traceback
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import IntegrityError, InterfaceError, OperationalError

from clients.models import Client

pytestmark = pytest.mark.django_db
COMMAND = "caseload.management.commands.import_caseload"
CSV = ("rijksregisternummer;voornaam;achternaam;traject_type;traject_start;traject_einde;uitstroom;werkgever;"
       "werkgever_kbo;trajectbegeleider\n90.02.01-002.29;Sara;Janssens;werk_zorg;01/12/2025;;;;;\n")
OUTAGE = OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused\n'
                          '\tIs the server running on that host and accepting TCP/IP connections?')


def run(tmp_path, world, *extra):
    path = tmp_path / "caseload.csv"
    path.write_text(CSV, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_caseload", str(path), "--organisation", world.menen.slug, *extra, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    except BaseException:  # what manage.py would print as a traceback
        return "traceback", out.getvalue(), err.getvalue() + traceback.format_exc()
    return 0, out.getvalue(), err.getvalue()


STEPS = {
    "organisation": lambda error: mock.patch(f"{COMMAND}.Organisation.objects.get", side_effect=error),
    "checking": lambda error: mock.patch(f"{COMMAND}.plan_import", side_effect=error),
    "importer": lambda error: mock.patch(f"{COMMAND}.Command._importer", side_effect=error),
    "writing": lambda error: mock.patch(f"{COMMAND}.apply_import", side_effect=error),
}


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("error", [OUTAGE, InterfaceError("connection already closed")],
                         ids=["operational", "interface"])
def test_a_database_outage_in_any_step_is_one_dutch_line(world, tmp_path, step, error):
    with STEPS[step](error):
        code, out, err = run(tmp_path, world)
    assert code == 1, err
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("De databank is niet bereikbaar: ")
    assert "Voer de import later opnieuw uit" in lines[0]
    assert not Client.objects.filter(national_number="90020100229").exists()


def test_a_dry_run_during_an_outage_says_the_same(world, tmp_path):
    with STEPS["checking"](OUTAGE):
        code, _out, err = run(tmp_path, world, "--dry-run")
    assert code == 1 and err.startswith("De databank is niet bereikbaar: connection to server at") and \
        "Is the server running" in err and err.count("\n") == 1


def test_a_refused_write_keeps_its_own_message(world, tmp_path):
    with STEPS["writing"](IntegrityError("duplicate key\nDETAIL: x")):
        code, _out, err = run(tmp_path, world)
    assert (code, err) == (1, "De databank weigerde de import, er werd niets geschreven: duplicate key DETAIL: x\n")


def test_the_command_still_imports_when_the_database_answers(world, tmp_path):
    code, out, _err = run(tmp_path, world)
    assert code == 0 and out.rstrip().endswith("Geïmporteerd."), out
    assert Client.objects.filter(national_number="90020100229").exists()
