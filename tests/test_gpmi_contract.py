"""The GPMI contract to print and sign: a real PDF in Dutch with both parties, the commitments, the
duration, the organisation's evaluation cadence, what happens when it is not kept, the amendments
and signature blocks; read by the case-file roles of the OCMW (another OCMW gets 404), logged as an
export, and rendered without fetching anything."""

import datetime
import io

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from audit.models import AccessLog
from clients import national_number
from gpmi import contract, services
from leefloon.services import decision_record

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def ago(days):
    return TODAY - datetime.timedelta(days=days)


@pytest.fixture
def gpmi(world):
    """alice's client's signed GPMI, answering a leefloon decision, amended once, evaluated three times."""
    decision_record(client=world.client, kind="leefloon", category="alleenstaand", decided_on=ago(330),
                    start_date=ago(330))
    gpmi = services.gpmi_draw_up(
        client=world.client, by=world.alice, orientation="werk",
        goals="Werk vinden als magazijnier in de regio Menen.",
        steps="1. Een heftruckattest halen.\n2. Solliciteren bij drie logistieke bedrijven.",
        client_commitments="Elke week twee sollicitaties versturen en naar elke afspraak komen.",
        ocmw_commitments="Wekelijkse begeleiding en de kosten van het heftruckattest betalen.",
        duration_months=12, other_signatories="VDAB Kortrijk; CVO Menen")
    gpmi = services.gpmi_sign(gpmi, signed_on=ago(300))
    services.amendment_add(gpmi=gpmi, by=world.alice, date=ago(200), requested_by="client",
                           changes="Ook een cursus Nederlands (niveau B1).",
                           steps="1. Een heftruckattest halen.\n2. Solliciteren.\n3. Cursus Nederlands B1.")
    for days, in_person, conclusion in ((250, True, "Goed gestart."), (130, False, "Attest behaald."),
                                        (10, True, "Twee sollicitatiegesprekken gehad.")):
        services.evaluation_add(gpmi=gpmi, by=world.alice, date=ago(days), in_person=in_person,
                                participants="Fatima, Alice", conclusion=conclusion)
    gpmi.refresh_from_db()
    return gpmi


def url(gpmi):
    return reverse("gpmi:contract", args=[gpmi.client_id, gpmi.pk])


def text_of(content):
    """The PDF's text, its whitespace made single spaces (lines break anywhere)."""
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_contract_is_a_pdf_in_dutch_with_everything_the_law_asks(world, login, gpmi):
    world.menen.gpmi_evaluations_per_year, world.menen.gpmi_in_person_per_year = 4, 3
    world.menen.save()
    response = login(world.alice).get(url(gpmi))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="gpmi-benali-{ago(300):%Y-%m-%d}.pdf"'
    assert response.content.startswith(b"%PDF-")
    text = text_of(response.content)
    with translation.override("nl-be"):
        orientation = gpmi.get_orientation_display()
    for expected in (
        "OCMW Menen", "Fatima Benali", national_number.display(world.client.national_number),
        "Geïndividualiseerd project voor maatschappelijke integratie", f"Ondertekend op {ago(300).day} ",
        "Werk vinden als magazijnier in de regio Menen.", "Cursus Nederlands B1.",  # the amended steps
        "Elke week twee sollicitaties versturen en naar elke afspraak komen.",
        "Wekelijkse begeleiding en de kosten van het heftruckattest betalen.",
        f"☒ {orientation}", "12 maanden",
        # Menen's cadence:
        "Minstens 4 keer per jaar", "waarvan minstens 3 in een persoonlijk gesprek", "om de 3 maanden",
        "uw leefloon helemaal of gedeeltelijk te schorsen", "arbeidsrechtbank",
        "VDAB Kortrijk", "CVO Menen", "Ook een cursus Nederlands (niveau B1).",  # the amendment
        "Alice", "Handtekening", "Plaats", "Opgemaakt in 4 exemplaren",
    ):
        assert expected in text, expected
    assert "." in national_number.display(world.client.national_number)


def test_a_draft_prints_with_room_to_write_and_says_it_is_a_draft(world, login):
    draft = services.gpmi_draw_up(client=world.client, by=world.alice)
    response = login(world.alice).get(url(draft))
    assert response["Content-Disposition"] == f'attachment; filename="gpmi-benali-{TODAY:%Y-%m-%d}.pdf"'
    text = text_of(response.content)
    assert "Ontwerp: nog niet ondertekend" in text
    assert "begint op de dag dat u en het OCMW het ondertekenen" in text and "Opgemaakt in 2 exemplaren" in text


@pytest.mark.parametrize(("person", "status"), [
    ("alice", 200), ("bob", 200), ("hilde", 200),  # the case-file roles of Menen read it
    ("oscar", 404), ("olga", 404),  # another OCMW: it does not exist for them
    ("sam", 403), ("bea", 403),  # the schepen and the beheerder do not work with case files
])
def test_who_gets_the_contract(world, login, gpmi, person, status):
    assert login(getattr(world, person)).get(url(gpmi)).status_code == status


def test_a_gpmi_of_another_case_file_is_not_found_under_this_one(world, login, gpmi):
    other = services.gpmi_draw_up(client=world.other_client, by=world.oscar)
    assert login(world.alice).get(reverse("gpmi:contract", args=[world.client.pk, other.pk])).status_code == 404


def test_the_download_is_logged_as_an_export(world, login, gpmi):
    login(world.bob).get(url(gpmi))
    entry = AccessLog.objects.of_organisation(world.menen).get(action=AccessLog.Action.EXPORTED)
    assert (entry.user, entry.client, entry.detail) == (world.bob, world.client, "GPMI-contract (PDF)")
    login(world.oscar).get(url(gpmi))
    assert AccessLog.objects.unscoped().filter(action=AccessLog.Action.EXPORTED).count() == 1


@pytest.mark.parametrize("name", ["gpmi:contract", "gpmi:portable"])
def test_the_pdfs_read_in_a_fixed_number_of_queries(world, login, gpmi, name, django_assert_num_queries):
    """The session and the user, the client, the GPMI, its amendments and evaluations, the log entry
    (and a savepoint around the view): however many amendments and evaluations there are."""
    http = login(world.alice)
    with django_assert_num_queries(9):
        assert http.get(reverse(name, args=[gpmi.client_id, gpmi.pk])).status_code == 200


def test_nothing_is_fetched(world, gpmi):
    """The HTML names nothing to fetch, and the fetcher refuses any URL anyway."""
    html = render_to_string(contract.TEMPLATE, contract.contract_context(gpmi))
    assert not any(name in html for name in ("url(", "src=", "href=", "@import", "http"))
    with pytest.raises(ValueError, match="fetches nothing"):
        contract._refuse_every_url().fetch("https://example.com/font.woff")


def test_other_signatories_each_get_a_signature_block():
    assert contract.signatories("VDAB Kortrijk; CVO Menen\nCAW, ") == ["VDAB Kortrijk", "CVO Menen", "CAW"]
    assert contract.signatories("") == []
