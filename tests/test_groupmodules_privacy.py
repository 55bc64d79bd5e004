"""A client's group modules and ladder in the subject-access file (GDPR art. 15), and what
anonymisation keeps of them (the yearly figures count them) and removes."""

import datetime

import pytest
from django.urls import reverse

from caseload.subject_access import client_file
from clients import retention
from groupmodules import services
from groupmodules.models import Edition, Module, Session
from ladder.models import LadderMeasurement
from ladder.services import measurement_add

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def participant(world):
    module = services.module_save(Module(organisation=world.menen, title="Sportief naar werk", kind="sport"))
    edition = services.edition_save(Edition(module=module, name="Najaar", trainer=world.alice,
                                            start_date=TODAY - datetime.timedelta(days=20)))
    session = services.session_save(Session(edition=edition, date=TODAY - datetime.timedelta(days=6)))
    enrolment = services.enrol(client=world.client, edition=edition, by=world.alice)
    services.attendance_mark(session=session, enrolment=enrolment, presence="te_laat", by=world.alice)
    measurement_add(client=world.client, date=TODAY - datetime.timedelta(days=30), rung=2, by=world.alice,
                    note="Komt buiten voor de sportclub")
    return world.client


def test_the_subject_access_file_holds_the_modules_and_the_ladder(participant, world, login):
    data = client_file(participant)
    [enrolment] = data["groepsmodules"]
    assert (enrolment["module"], enrolment["status"], enrolment["aanwezigheid"]) == (
        "Sportief naar werk", "ingeschreven", [{"sessie": (TODAY - datetime.timedelta(days=6)).isoformat(),
                                                "aanwezig": "te laat"}])
    assert data["participatieladder"][0]["notitie"] == "Komt buiten voor de sportclub"
    pdf = login(world.alice).get(reverse("subject_access", args=[participant.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_anonymising_blanks_the_ladder_notes_and_keeps_what_the_figures_count(participant):
    retention.anonymise([participant.pk])
    measurement = LadderMeasurement.objects.unscoped().get(client=participant)
    assert (measurement.rung, measurement.note) == (2, "")
    assert not LadderMeasurement.history.filter(client_id=participant.pk).exists()
    assert participant.enrolments.get().attendances.get().presence == "te_laat"
