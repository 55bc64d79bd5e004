"""The portable GPMI: when a client moves to another OCMW, the GPMI goes along as one PDF (the
contract, its amendments and evaluations, with gpmi.json attached), and the new OCMW takes it over
whole on the new case file: every field, amendment and evaluation, the origin, and the file as
its document. Never on the wrong person, never from a file that is not one, never twice, and all
or nothing."""

import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader, PdfWriter

from audit.models import AccessLog
from clients import national_number
from documents.models import Document
from gpmi import portable, services
from gpmi.models import Amendment, Gpmi, GpmiEvaluation
from leefloon.services import decision_record
from organisations.models import Role

from .factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
CONTENT = ("orientation", "goals", "steps", "client_commitments", "ocmw_commitments", "duration_months",
           "other_signatories", "signed_on", "ended_on", "end_date")


def ago(days):
    return TODAY - datetime.timedelta(days=days)


@pytest.fixture
def gpmi(world):
    """The signed GPMI of alice's client in Menen, amended twice, evaluated three times."""
    decision_record(client=world.client, kind="leefloon", category="alleenstaand", decided_on=ago(330),
                    start_date=ago(330))
    gpmi = services.gpmi_draw_up(
        client=world.client, by=world.alice, orientation="opleiding",
        goals="Een opleiding tot zorgkundige volgen.", steps="1. Nederlands B1.\n2. Instapproef.",
        client_commitments="Naar elke les gaan en mij melden bij ziekte.",
        ocmw_commitments="Het inschrijvingsgeld en de kinderopvang betalen.", duration_months=18,
        other_signatories="CVO Menen")
    gpmi = services.gpmi_sign(gpmi, signed_on=ago(300))
    services.amendment_add(gpmi=gpmi, by=world.alice, date=ago(220), requested_by="client",
                           changes="Avondlessen in plaats van daglessen.")
    services.amendment_add(gpmi=gpmi, by=world.alice, date=ago(90), requested_by="ocmw",
                           changes="Ook een stage in een woonzorgcentrum.",
                           steps="1. Nederlands B1.\n2. Instapproef.\n3. Stage in een woonzorgcentrum.")
    for days, in_person, participants, conclusion in (
            (250, True, "Fatima, Alice", "Goed gestart, lessen lopen."),
            (150, False, "Fatima, Alice (telefonisch)", "Examen Nederlands gehaald."),
            (20, True, "Fatima, Alice, CVO Menen", "Stageplaats gevonden.")):
        services.evaluation_add(gpmi=gpmi, by=world.alice, date=ago(days), in_person=in_person,
                                participants=participants, conclusion=conclusion)
    gpmi.refresh_from_db()
    return gpmi


@pytest.fixture
def arrived(world):
    """The same person's new case file in Wervik, oscar's."""
    return ClientFactory(organisation=world.wervik, counsellor=world.oscar,
                         national_number=world.client.national_number, first_name="Fatima", last_name="Benali")


# `login` logs the one test client in as someone else: export first, then log in as who takes it over.


def export(http, gpmi):
    return http.get(reverse("gpmi:portable", args=[gpmi.client_id, gpmi.pk]))


def upload(http, client, content, name="gpmi-meeneembaar.pdf"):
    return http.post(reverse("gpmi:portable_import", args=[client.pk]),
                     {"file": SimpleUploadedFile(name, content, content_type="application/pdf")})


def errors(response):
    return " ".join(response.context["form"].errors["file"])


def nothing_written(client):
    return (not Gpmi.objects.of_client(client).exists()
            and not Document.objects.of_client(client).exists()
            and not Amendment.objects.filter(gpmi__client=client).unscoped().exists()
            and not GpmiEvaluation.objects.filter(gpmi__client=client).unscoped().exists())


def pdf_with(attachment):
    """A real PDF with `attachment` (bytes) attached as gpmi.json."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("gpmi.json", attachment)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def data_of(content):
    return json.loads(PdfReader(io.BytesIO(content)).attachments["gpmi.json"][0])


# The journey ---------------------------------------------------------------------------------------


def test_the_gpmi_moves_between_two_organisations_and_arrives_whole(world, login, gpmi, arrived):
    response = export(login(world.alice), gpmi)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="gpmi-meeneembaar-benali-{ago(300):%Y-%m-%d}.pdf"')
    content = response.content
    sent = data_of(content)
    assert (sent["formaat"], sent["versie"], sent["van"]) == ("ocmw-gpmi", 1, {"organisatie": "OCMW Menen"})
    assert sent["client"] == {"rijksregisternummer": world.client.national_number, "voornaam": "Fatima",
                              "achternaam": "Benali"}
    assert sent["leefloonbeslissing"]["beslist_op"] == ago(330).isoformat()
    assert not {"drempels", "barriers", "documenten"} & set(sent)  # only the contract travels
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())
    assert "Meeneembaar GPMI" in text and "Stageplaats gevonden." in text and "Plaats" in text

    http = login(world.oscar)
    assert http.get(reverse("gpmi:portable_import", args=[arrived.pk])).status_code == 200
    response = upload(http, arrived, content)
    taken = Gpmi.objects.of_client(arrived).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("gpmi:detail", args=[arrived.pk, taken.pk])

    assert {name: getattr(taken, name) for name in CONTENT} == {name: getattr(gpmi, name) for name in CONTENT}
    # Recorded here by who took it over; where it was drawn up is its origin.
    assert (taken.origin, taken.drawn_up_by, taken.decision) == ("OCMW Menen", world.oscar, None)
    assert [(a.date, a.requested_by, a.changes) for a in taken.amendments.all()] == [
        (a.date, a.requested_by, a.changes) for a in gpmi.amendments.all()]
    assert [(e.date, e.in_person, e.participants, e.conclusion) for e in taken.evaluations.all()] == [
        (e.date, e.in_person, e.participants, e.conclusion) for e in gpmi.evaluations.all()]
    assert {a.by for a in taken.amendments.all()} | {e.by for e in taken.evaluations.all()} == {world.oscar}
    # Read back as the format, the two are the same GPMI: only where it was taken over from differs.
    again = portable.portable_data(taken)
    assert again["gpmi"] == {**sent["gpmi"], "overgenomen_van": "OCMW Menen"}
    assert (again["aanpassingen"], again["evaluaties"]) == (sent["aanpassingen"], sent["evaluaties"])

    document = Document.objects.of_client(arrived).get()
    assert (document.kind, document.gpmi, document.added_by, document.content_type) == (
        Document.Kind.GPMI, taken, world.oscar, "application/pdf")
    assert document.description == "Meeneembaar GPMI van OCMW Menen" and document.date == TODAY
    with document.file.open("rb") as stored:
        assert stored.read() == content
    # The sender's GPMI is untouched and still Menen's.
    assert Gpmi.objects.of_client(world.client).get() == gpmi


def test_the_arrival_says_what_came_along(world, login, gpmi, arrived):
    content = export(login(world.alice), gpmi).content
    response = upload(login(world.oscar), arrived, content)
    shown = [str(message) for message in response.wsgi_request._messages]
    assert shown == ["Het GPMI van OCMW Menen werd overgenomen, met 2 aanpassingen en 3 evaluaties."]


def test_the_new_ocmw_answers_its_own_leefloon_decision(world, login, gpmi, arrived):
    """The GPMI goes along; the leefloon is the new OCMW's own decision, which the GPMI then answers."""
    decision = decision_record(client=arrived, kind="leefloon", decided_on=ago(5), start_date=ago(5))
    content = export(login(world.alice), gpmi).content
    assert upload(login(world.oscar), arrived, content).status_code == 302
    assert Gpmi.objects.of_client(arrived).get().decision == decision


def test_an_ended_and_a_draft_gpmi_arrive_as_they_are(world, login, arrived):
    ended = services.gpmi_sign(services.gpmi_draw_up(client=world.client, by=world.alice, orientation="werk",
                                                     goals="Werk"), signed_on=ago(400))
    ended = services.gpmi_end(ended, ended_on=ago(100))
    draft = services.gpmi_draw_up(client=world.client, by=world.alice, goals="Nog te bespreken")
    alice = login(world.alice)
    files = [export(alice, ended).content, export(alice, draft).content]
    oscar = login(world.oscar)
    for content in files:
        assert upload(oscar, arrived, content).status_code == 302
    taken = {gpmi.goals: gpmi for gpmi in Gpmi.objects.of_client(arrived)}
    assert (taken["Werk"].signed_on, taken["Werk"].ended_on, taken["Werk"].end_date) == (ago(400), ago(100), ago(100))
    assert (taken["Nog te bespreken"].signed_on, taken["Nog te bespreken"].is_signed) == (None, False)


def test_both_downloads_are_logged_as_exports(world, login, gpmi):
    http = login(world.bob)  # a colleague reads the case file, so he may print and send it; it is logged
    export(http, gpmi)
    http.get(reverse("gpmi:contract", args=[world.client.pk, gpmi.pk]))
    entries = AccessLog.objects.of_organisation(world.menen).filter(action=AccessLog.Action.EXPORTED)
    assert sorted((entry.user, entry.client, entry.detail) for entry in entries) == [
        (world.bob, world.client, "GPMI-contract (PDF)"), (world.bob, world.client, "meeneembaar GPMI (PDF)")]


# Refusals: nothing is written ----------------------------------------------------------------------


def test_a_gpmi_is_never_attached_to_the_wrong_person(world, login, gpmi):
    content = export(login(world.alice), gpmi).content
    someone_else = world.other_client  # oscar's client in Wervik, another national number
    response = upload(login(world.oscar), someone_else, content)
    assert response.status_code == 422
    assert errors(response) == (
        f"Dit GPMI is van Fatima Benali (rijksregisternummer {national_number.display(world.client.national_number)}), "
        f"niet van {someone_else.full_name} ({national_number.display(someone_else.national_number)}): "
        f"het werd niet overgenomen.")
    assert nothing_written(someone_else)


def test_a_file_from_the_own_ocmw_is_refused(world, login, gpmi):
    response = upload(login(world.alice), world.client, export(login(world.alice), gpmi).content)
    assert response.status_code == 422 and "komt van uw eigen OCMW" in errors(response)
    assert Gpmi.objects.of_client(world.client).count() == 1 and not Document.objects.of_client(world.client).exists()


def test_taking_the_same_file_over_twice_does_not_duplicate(world, login, gpmi, arrived):
    content = export(login(world.alice), gpmi).content
    http = login(world.oscar)
    assert upload(http, arrived, content).status_code == 302
    response = upload(http, arrived, content)
    assert response.status_code == 422
    assert errors(response) == f"Dit GPMI werd al overgenomen op {TODAY:%d/%m/%Y}."
    # Nor a newer file of the same GPMI (one more evaluation in Menen since).
    services.evaluation_add(gpmi=gpmi, by=world.alice, date=TODAY, in_person=True, conclusion="Afscheid")
    newer = export(login(world.alice), gpmi).content
    assert "werd al overgenomen" in errors(upload(login(world.oscar), arrived, newer))
    assert Gpmi.objects.of_client(arrived).count() == 1 and Document.objects.of_client(arrived).count() == 1
    assert GpmiEvaluation.objects.of_clients([arrived]).count() == 3


def version_one(**changes):
    """A valid portable GPMI's JSON with `changes` (a value None removes the key)."""
    data = {"formaat": "ocmw-gpmi", "versie": 1, "opgemaakt_op": f"{TODAY}T10:00:00+01:00",
            "van": {"organisatie": "OCMW Ieper"},
            "client": {"rijksregisternummer": "{number}", "voornaam": "Fatima", "achternaam": "Benali"},
            "leefloonbeslissing": None,
            "gpmi": {"richting": "werk", "doelen": "Werk", "ondertekend_op": ago(30).isoformat()},
            "aanpassingen": [], "evaluaties": [{"datum": ago(10).isoformat(), "persoonlijk": True,
                                                "besluit": "Goed"}]}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize(("content", "message"), [
    (b"Dit is geen PDF maar gewone tekst.", "is geen document dat dit systeem bewaart"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "is geen document dat dit systeem bewaart"),
    (b"%PDF-1.7\n% damaged beyond reading\n", "Dit PDF-bestand kan niet gelezen worden: het is beschadigd."),
    ("the contract", "Dit PDF-bestand bevat geen meeneembaar GPMI: de bijlage gpmi.json ontbreekt."),
    (pdf_with(b"{not json"), "De bijlage gpmi.json is geen geldige JSON."),
    (pdf_with(json.dumps([1, 2]).encode()), "De bijlage gpmi.json is geen meeneembaar GPMI (het formaat is —"),
    (version_one(formaat="ocmw-trajecten"), "(het formaat is ocmw-trajecten, niet ocmw-gpmi)"),
    (version_one(versie=2), "Dit meeneembaar GPMI is in versie 2 van het formaat; dit systeem leest versie 1."),
    (version_one(versie="1"), "is in versie 1 van het formaat"),
    (version_one(van=None), "Dit bestand is geen geldig meeneembaar GPMI: van ontbreekt of is ongeldig."),
    (version_one(gpmi={"richting": "naar de maan"}), "gpmi.richting ontbreekt of is ongeldig"),
    (version_one(gpmi={"duur_maanden": "twaalf"}), "gpmi.duur_maanden ontbreekt of is ongeldig"),
    (version_one(evaluaties=[{"datum": "gisteren", "persoonlijk": True}]), "evaluaties[1].datum ontbreekt"),
    (version_one(evaluaties=[{"datum": ago(3).isoformat()}]), "evaluaties[1].persoonlijk ontbreekt"),
    (version_one(aanpassingen=[{"datum": ago(3).isoformat(), "gevraagd_door": "de buren"}]),
     "aanpassingen[1].gevraagd_door ontbreekt of is ongeldig"),
])
def test_a_file_that_is_no_portable_gpmi_is_refused(world, login, gpmi, arrived, content, message):
    if content == "the contract":  # a PDF of this product, but without the attachment
        content = login(world.alice).get(reverse("gpmi:contract", args=[world.client.pk, gpmi.pk])).content
    elif isinstance(content, dict):
        content = pdf_with(json.dumps(content).replace("{number}", arrived.national_number).encode())
    response = upload(login(world.oscar), arrived, content)
    assert response.status_code == 422
    assert message in errors(response)
    assert nothing_written(arrived)


def test_a_file_the_rules_refuse_writes_nothing(world, login, arrived):
    """All or nothing: the GPMI and its first evaluation were fine, the second evaluation lies
    before the signing; the services refuse it and nothing of the file stays."""
    data = version_one(evaluaties=[{"datum": ago(10).isoformat(), "persoonlijk": True, "besluit": "Goed"},
                                   {"datum": ago(60).isoformat(), "persoonlijk": False, "besluit": "Te vroeg"}])
    content = pdf_with(json.dumps(data).replace("{number}", arrived.national_number).encode())
    response = upload(login(world.oscar), arrived, content)
    assert response.status_code == 422
    assert errors(response).startswith(f"de evaluatie van {ago(60):%d/%m/%Y}: ")
    assert nothing_written(arrived)


def test_a_well_made_file_of_another_installation_is_taken_over(world, login, arrived):
    data = version_one()
    content = pdf_with(json.dumps(data).replace("{number}", arrived.national_number).encode())
    assert upload(login(world.olga), arrived, content).status_code == 302  # the head of Wervik
    taken = Gpmi.objects.of_client(arrived).get()
    assert (taken.origin, taken.orientation, taken.goals, taken.signed_on, taken.steps) == (
        "OCMW Ieper", "werk", "Werk", ago(30), "")
    assert taken.evaluations.get().conclusion == "Goed"


# Who may ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("person", "status"), [
    ("alice", 200), ("bob", 200), ("hilde", 200),  # the case-file roles of Menen
    ("oscar", 404), ("olga", 404),  # Wervik cannot fetch Menen's file: Menen sends it
    ("sam", 403), ("bea", 403), ("rita", 403),
])
def test_who_exports_the_portable_gpmi(world, login, gpmi, person, status):
    assert export(login(getattr(world, person)), gpmi).status_code == status


@pytest.mark.parametrize(("person", "status"), [
    ("oscar", 200), ("olga", 200),  # the assigned counsellor and the head of the receiving OCMW
    ("wervik_colleague", 403),  # reads the case file, does not change it
    ("alice", 404), ("hilde", 404),  # another OCMW's case file does not exist for Menen
    ("sam", 403), ("bea", 403),
])
def test_who_takes_a_gpmi_over(world, login, gpmi, arrived, person, status):
    content = export(login(world.alice), gpmi).content
    user = (UserFactory(organisation=world.wervik, role=Role.COUNSELLOR, email="walter@example.be")
            if person == "wervik_colleague" else getattr(world, person))
    http = login(user)
    assert http.get(reverse("gpmi:portable_import", args=[arrived.pk])).status_code == status
    response = upload(http, arrived, content)
    assert response.status_code == (302 if status == 200 else status)
    assert Gpmi.objects.of_client(arrived).exists() == (status == 200)
