"""The case file's legal pages: a counsellor records the leefloon decision, draws up the GPMI, signs
it, evaluates and amends it, records an exemption, a sanction and VDAB; colleagues read, another OCMW
sees nothing; bad input is refused in Dutch and nothing is written."""

import datetime

import pytest
from django.urls import reverse

from clients.models import VdabConsent
from gpmi import services
from gpmi.models import Exemption, Gpmi, GpmiEvaluation, Sanction
from leefloon.models import LeefloonDecision
from leefloon.services import decision_record

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def day(date):
    return date.strftime("%d/%m/%Y")


def url(name, client, *args):
    return reverse(f"gpmi:{name}", args=[client.pk, *args])


GPMI_FORM = {"orientation": "werk", "goals": "Werk vinden als magazijnier", "steps": "Heftruckattest",
             "client_commitments": "Elke week twee sollicitaties", "ocmw_commitments": "Wekelijkse begeleiding",
             "duration_months": "12", "other_signatories": ""}


def test_a_counsellor_goes_from_the_decision_to_an_evaluated_gpmi(world, login):
    http = login(world.alice)
    client = world.client
    decided = TODAY - datetime.timedelta(days=20)
    response = http.post(url("decision_add", client), {"kind": "leefloon", "category": "alleenstaand",
                                                       "decided_on": day(decided), "start_date": day(decided)})
    assert response.status_code == 302
    decision = LeefloonDecision.objects.of_client(client).get()
    page = http.get(reverse("clients:detail", args=[client.pk])).content.decode()
    assert "Stel het GPMI op en laat het ondertekenen uiterlijk op" in page
    response = http.post(url("create", client), {**GPMI_FORM, "decision": decision.pk})
    gpmi = Gpmi.objects.of_client(client).get()
    assert response["Location"] == url("detail", client, gpmi.pk)
    assert (gpmi.decision, gpmi.drawn_up_by, gpmi.is_signed) == (decision, world.alice, False)
    assert http.post(url("sign", client, gpmi.pk), {"signed_on": day(TODAY)}).status_code == 302
    http.post(url("evaluation_add", client, gpmi.pk), {"date": day(TODAY), "in_person": "on",
                                                       "participants": "Fatima, Alice", "conclusion": "Goed op weg"})
    http.post(url("amendment_add", client, gpmi.pk), {"date": day(TODAY), "requested_by": "client",
                                                      "changes": "Ook opleiding Nederlands"})
    gpmi.refresh_from_db()
    assert gpmi.signed_on == TODAY and gpmi.evaluations.get().in_person and gpmi.amendments.count() == 1
    page = http.get(url("detail", client, gpmi.pk)).content.decode()
    assert "GPMI-jaar 1: 1 van 3 evaluaties, 1 van 2 persoonlijk." in page and "Ook opleiding Nederlands" in page
    assert "GPMI ondertekend op" in http.get(reverse("clients:detail", args=[client.pk])).content.decode()


@pytest.mark.parametrize(("name", "data", "message"), [
    ("decision_add", {"kind": "leefloon", "decided_on": day(TODAY), "start_date": day(TODAY),
                      "end_date": day(TODAY - datetime.timedelta(days=3))}, "Het leefloon kan niet eindigen voor het"),
    ("decision_add", {"kind": "leefloon", "decided_on": "31/02/2026", "start_date": day(TODAY)}, "geldige datum"),
    ("create", {**GPMI_FORM, "client_commitments": ""}, "Dit veld is verplicht"),
    ("exemption_add", {"ground": "gezondheid", "reason": "Opname", "accepted_on": day(TODAY + datetime.timedelta(
        days=2))}, "kan niet in de toekomst aanvaard worden"),
    ("sanction_add", {"decided_on": day(TODAY), "decision": "Schorsing",
                      "suspended_from": day(TODAY), "suspended_until": day(TODAY - datetime.timedelta(days=1))},
     "De schorsing kan niet eindigen voor ze begint"),
    ("vdab", {"vdab_registered_on": day(TODAY), "vdab_not_registered_reason": "student"}, "laat de reden waarom"),
])
def test_bad_input_is_refused_in_dutch_and_nothing_is_written(world, login, name, data, message):
    response = login(world.alice).post(url(name, world.client), data)
    assert response.status_code == 422 and message in response.content.decode()
    assert not LeefloonDecision.objects.unscoped().exists() and not Gpmi.objects.unscoped().exists()
    assert not Exemption.objects.unscoped().exists() and not Sanction.objects.unscoped().exists()
    world.client.refresh_from_db()
    assert world.client.vdab_registered_on is None


def test_signing_in_the_future_or_twice_is_refused(world, login):
    gpmi = services.gpmi_draw_up(client=world.client, by=world.alice, **{k: v for k, v in GPMI_FORM.items()
                                                                         if k != "duration_months"})
    http = login(world.alice)
    refused = http.post(url("sign", world.client, gpmi.pk), {"signed_on": day(TODAY + datetime.timedelta(days=1))})
    assert refused.status_code == 422 and "kan niet in de toekomst ondertekend worden" in refused.content.decode()
    http.post(url("sign", world.client, gpmi.pk), {"signed_on": day(TODAY)})
    again = http.post(url("sign", world.client, gpmi.pk), {"signed_on": day(TODAY)})
    assert again.status_code == 422 and "werd al ondertekend op" in again.content.decode()
    evaluation = http.post(url("evaluation_add", world.client, gpmi.pk), {"date": day(TODAY), "conclusion": ""})
    assert evaluation.status_code == 422 and not GpmiEvaluation.objects.unscoped().exists()


def test_a_colleague_reads_and_another_ocmw_sees_nothing(world, login):
    decision_record(client=world.client, decided_on=TODAY, start_date=TODAY)
    gpmi = services.gpmi_draw_up(client=world.client, by=world.alice, goals="Werk vinden")
    http = login(world.bob)
    assert "Werk vinden" in http.get(url("detail", world.client, gpmi.pk)).content.decode()
    assert http.post(url("decision_add", world.client), {}).status_code == 403
    assert http.post(url("sign", world.client, gpmi.pk), {"signed_on": day(TODAY)}).status_code == 403
    other = login(world.oscar)
    assert other.get(url("overview", world.client)).status_code == 404
    assert other.get(url("detail", world.client, gpmi.pk)).status_code == 404


def test_the_vdab_section_says_when_a_twe_runs_without_consent(world, login):
    http = login(world.alice)
    page = http.get(url("overview", world.client)).content.decode()
    assert "Er loopt een TWE, maar er is geen toestemming" in page  # world.trajectory is a running TWE
    http.post(url("vdab_consent_add", world.client), {"given_on": day(TODAY), "scope": "Opvolging TWE"})
    assert VdabConsent.objects.of_client(world.client).count() == 1
    assert "Er loopt een TWE, maar" not in http.get(url("overview", world.client)).content.decode()
    twe_page = reverse("trajectories:detail", args=[world.client.pk, world.trajectory.pk])
    assert "Er is geen toestemming voor het partnerportaal" not in http.get(twe_page).content.decode()
    VdabConsent.objects.of_client(world.client).update(withdrawn_on=TODAY)
    assert "Er is geen toestemming voor het partnerportaal" in http.get(twe_page).content.decode()


def test_the_overview_reads_in_a_fixed_number_of_queries(world, login, django_assert_num_queries):
    def add(month):
        decision = decision_record(client=world.client, decided_on=datetime.date(2025, month, 1),
                                   start_date=datetime.date(2025, month, 1))
        gpmi = services.gpmi_draw_up(client=world.client, by=world.alice, decision=decision)
        services.gpmi_sign(gpmi, signed_on=datetime.date(2025, month, 2))
        services.evaluation_add(gpmi=gpmi, by=world.alice, date=datetime.date(2025, month, 20), conclusion="ok")
        services.exemption_accept(client=world.client, by=world.alice, ground="billijkheid",
                                  accepted_on=datetime.date(2025, month, 3))

    add(1)
    http = login(world.alice)
    http.get(url("overview", world.client))  # the session's first request
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert http.get(url("overview", world.client)).status_code == 200
    add(2)
    add(3)
    with django_assert_num_queries(len(one)):  # three of everything: not one query more
        assert http.get(url("overview", world.client)).status_code == 200
