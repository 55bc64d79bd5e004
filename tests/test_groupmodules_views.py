"""The pages of group modules (issue 19): the catalogue, editions, enrolment with its waiting list,
and the attendance sheet taken with one tap per person; scoped to the own OCMW, for the case-file
roles only."""

import datetime

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groupmodules import selectors, services
from groupmodules.models import Attendance, Edition, Enrolment, Module, Session
from trajectories import services as trajectory_services

from .factories import ClientFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def edition(world):
    """A job-search club of Menen with two places, given by Bob (a colleague of Alice)."""
    module = services.module_save(Module(organisation=world.menen, title="Sollicitatieclub", kind="jobclub",
                                         capacity=2, place="Sociaal huis, zaal 2"))
    return services.edition_save(Edition(module=module, name="Voorjaar", start_date=TODAY - datetime.timedelta(days=30),
                                         end_date=TODAY + datetime.timedelta(days=60), trainer=world.bob))


@pytest.fixture
def session(edition):
    return services.session_save(Session(edition=edition, date=TODAY, topic="Cv schrijven"))


def enrolled(world, edition, count, counsellor=None):
    return [services.enrol(client=ClientFactory(organisation=world.menen, counsellor=counsellor or world.alice),
                           edition=edition, by=world.hilde) for _ in range(count)]


def test_the_catalogue_lists_the_own_modules_active_first(world, login, edition):
    services.module_save(Module(organisation=world.menen, title="Aquagym", kind="sport", active=False))
    services.module_save(Module(organisation=world.wervik, title="Taalcafé Wervik", kind="taal"))
    page = login(world.alice).get(reverse("groupmodules:index"))
    text = page.content.decode()
    assert page.status_code == 200 and "Taalcafé Wervik" not in text
    assert text.index("Sollicitatieclub") < text.index("Aquagym")
    assert "Groepsmodules" in text and "Sessies vandaag" in text


@pytest.mark.parametrize("person", ["sam", "bea", "rita"])
def test_figures_and_administration_roles_are_refused(world, login, edition, session, person):
    http = login(getattr(world, person))
    for url in (reverse("groupmodules:index"), reverse("groupmodules:module", args=[edition.module_id]),
                reverse("groupmodules:edition", args=[edition.pk]), reverse("groupmodules:session", args=[session.pk])):
        assert http.get(url).status_code == 403, url


def test_another_ocmws_module_edition_and_session_do_not_exist(world, login, edition, session):
    participant = enrolled(world, edition, 1)[0]
    for person in (world.oscar, world.olga):
        http = login(person)
        for url in (reverse("groupmodules:module", args=[edition.module_id]),
                    reverse("groupmodules:module_edit", args=[edition.module_id]),
                    reverse("groupmodules:edition", args=[edition.pk]),
                    reverse("groupmodules:enrol", args=[edition.pk]),
                    reverse("groupmodules:session", args=[session.pk])):
            assert http.get(url).status_code == 404, url
        response = http.post(reverse("groupmodules:mark", args=[session.pk, participant.pk]), {"presence": "aanwezig"})
        assert response.status_code == 404
    assert not Attendance.objects.unscoped().exists()


def test_a_counsellor_adds_a_module_and_an_edition_with_a_colleague_as_trainer(world, login):
    http = login(world.alice)
    response = http.post(reverse("groupmodules:module_create"), {
        "title": "Taalcafé", "kind": "taal", "goals": "Nederlands oefenen", "capacity": "10", "active": "on"})
    module = Module.objects.unscoped().get(title="Taalcafé")
    assert response.status_code == 302 and module.organisation == world.menen
    edition_form = http.get(reverse("groupmodules:edition_create", args=[module.pk]))
    trainers = list(edition_form.context["form"].fields["trainer"].queryset)
    assert world.bob in trainers and world.hilde in trainers and world.sam not in trainers
    assert world.oscar not in trainers
    response = http.post(reverse("groupmodules:edition_create", args=[module.pk]), {
        "name": "Najaar", "start_date": "01/09/2026", "end_date": "30/06/2026", "trainer": world.bob.pk})
    assert response.status_code == 422
    assert "De einddatum kan niet vóór de startdatum" in response.content.decode()
    response = http.post(reverse("groupmodules:edition_create", args=[module.pk]), {
        "name": "Najaar", "start_date": "01/09/2026", "trainer": world.oscar.pk})
    assert response.status_code == 422  # a trainer of another OCMW is no choice
    response = http.post(reverse("groupmodules:edition_create", args=[module.pk]), {
        "name": "Najaar", "start_date": "01/09/2026", "trainer": world.bob.pk})
    edition = Edition.objects.unscoped().get(module=module)
    assert response.status_code == 302 and edition.trainer == world.bob


def test_a_session_outside_its_edition_gets_a_dutch_message(world, login, edition):
    http = login(world.alice)
    outside = (edition.end_date + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    response = http.post(reverse("groupmodules:session_create", args=[edition.pk]),
                         {"date": outside, "start_time": "09:30", "end_time": "12:00"})
    assert response.status_code == 422
    assert "Een sessie valt binnen haar editie" in response.content.decode()
    response = http.post(reverse("groupmodules:session_create", args=[edition.pk]),
                         {"date": TODAY.strftime("%d/%m/%Y"), "start_time": "12:00", "end_time": "09:30"})
    assert response.status_code == 422 and not Session.objects.unscoped().exists()
    response = http.post(reverse("groupmodules:session_create", args=[edition.pk]),
                         {"date": TODAY.strftime("%d/%m/%Y"), "start_time": "09:30", "end_time": "12:00"})
    assert response.status_code == 302 and Session.objects.unscoped().get().edition == edition


def test_a_session_is_cancelled_by_editing_it(world, login, session):
    http = login(world.alice)
    response = http.post(reverse("groupmodules:session_edit", args=[session.pk]), {
        "date": TODAY.strftime("%d/%m/%Y"), "cancelled": "on"})
    assert response.status_code == 302
    sheet = http.get(reverse("groupmodules:session", args=[session.pk])).content.decode()
    assert "Deze sessie werd geannuleerd." in sheet


def test_enrolling_in_a_full_edition_puts_the_client_on_the_waiting_list(world, login, edition):
    enrolled(world, edition, 2)
    voortraject = trajectory_services.trajectory_register(client=world.client, by=world.alice, type="voortraject",
                                                          start_date=TODAY - datetime.timedelta(days=10))
    http = login(world.alice)
    search = http.get(reverse("groupmodules:enrol", args=[edition.pk]), {"q": "Benali"})
    assert world.client in list(search.context["candidates"])
    live = http.get(reverse("groupmodules:enrol", args=[edition.pk]), {"q": "Benali"}, HTTP_HX_REQUEST="true")
    assert "<html" not in live.content.decode() and "Fatima Benali" in live.content.decode()  # the list only
    form = http.get(reverse("groupmodules:enrol", args=[edition.pk]), {"client": world.client.pk})
    assert "Deze editie is volzet" in form.content.decode()
    response = http.post(reverse("groupmodules:enrol", args=[edition.pk]), {
        "client": world.client.pk, "trajectory": voortraject.pk}, follow=True)
    enrolment = Enrolment.objects.unscoped().get(client=world.client)
    assert enrolment.status == "wachtlijst" and enrolment.trajectory == voortraject
    text = response.content.decode()
    assert "staat op de wachtlijst" in text and "Wachtlijst" in text
    assert response.context["waiting"][0].position == 1 and response.context["waiting"][0].client == world.client
    # Already waiting: not a candidate any more, and enrolling again says so in Dutch.
    search = http.get(reverse("groupmodules:enrol", args=[edition.pk]), {"q": "Benali"})
    assert world.client not in list(search.context["candidates"])
    again = http.post(reverse("groupmodules:enrol", args=[edition.pk]), {"client": world.client.pk})
    assert again.status_code == 422 and "staat al" in again.content.decode()


def test_a_place_that_frees_goes_to_the_first_on_the_waiting_list(world, login, edition):
    first, _second, third = enrolled(world, edition, 3)
    response = login(world.alice).post(reverse("groupmodules:leave", args=[edition.pk, first.pk]), follow=True)
    assert "schuift op van de wachtlijst" in response.content.decode()
    assert Enrolment.objects.unscoped().get(pk=third.pk).status == "ingeschreven"


def test_who_enrols_whom(world, login, edition):
    colleague_client = ClientFactory(organisation=world.menen, counsellor=world.hilde, first_name="Zoë")
    # Alice may not enrol a colleague's client (403), nor take them off; the trainer may do both.
    http, url = login(world.alice), reverse("groupmodules:enrol", args=[edition.pk])
    assert http.get(url, {"client": colleague_client.pk}).status_code == 403
    assert colleague_client not in list(http.get(url).context["candidates"])
    assert http.get(url, {"client": world.other_client.pk}).status_code == 404
    trainer = login(world.bob)
    assert colleague_client in list(trainer.get(url).context["candidates"])
    response = trainer.post(url, {"client": colleague_client.pk})
    assert response.status_code == 302
    enrolment = Enrolment.objects.unscoped().get(client=colleague_client)
    assert login(world.alice).post(reverse("groupmodules:leave", args=[edition.pk, enrolment.pk])).status_code == 403
    assert Enrolment.objects.unscoped().get(pk=enrolment.pk).status == "ingeschreven"


def test_the_trainer_marks_attendance_with_one_tap_and_a_colleague_may_not(world, login, edition, session):
    participant = enrolled(world, edition, 1)[0]
    trainer = login(world.bob)
    sheet = trainer.get(reverse("groupmodules:session", args=[session.pk])).content.decode()
    assert "Aanwezig" in sheet and "Te laat" in sheet and "Onverwittigd" in sheet and "Ziek" in sheet
    url = reverse("groupmodules:mark", args=[session.pk, participant.pk])
    response = trainer.post(url, {"presence": "te_laat"})
    assert response.status_code == 302 and response["Location"].endswith(f"#deelnemer-{participant.pk}")
    assert Attendance.objects.unscoped().get().presence == "te_laat"
    trainer.post(url, {"presence": "aanwezig"})  # a second tap changes the mark
    assert Attendance.objects.unscoped().get().presence == "aanwezig"
    # Alice (a colleague, not the trainer): read-only sheet, and a mark is refused.
    alice = login(world.alice)
    sheet = alice.get(reverse("groupmodules:session", args=[session.pk])).content.decode()
    assert "alleen-lezen" in sheet and 'name="presence"' not in sheet
    assert alice.post(url, {"presence": "ziek"}).status_code == 403
    assert Attendance.objects.unscoped().get().presence == "aanwezig"
    # The diensthoofd may.
    assert login(world.hilde).post(url, {"presence": "ziek"}).status_code == 302


def test_a_tap_with_htmx_answers_only_that_row(world, login, edition, session):
    participant = enrolled(world, edition, 1)[0]
    response = login(world.bob).post(reverse("groupmodules:mark", args=[session.pk, participant.pk]),
                                     {"presence": "onverwittigd"}, HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert response.status_code == 200 and text.lstrip().startswith("<li") and "<html" not in text
    assert f'id="deelnemer-{participant.pk}"' in text and 'data-mark="onverwittigd"' in text
    assert 'aria-pressed="true"' in text and "Afwezig, onverwittigd" in text
    assert 'id="sheet-count" hx-swap-oob="true"' in text and "1 van 1 aangeduid" in text


def test_a_wrong_mark_and_a_future_session_get_dutch_messages(world, login, edition):
    participant = enrolled(world, edition, 1)[0]
    future = services.session_save(Session(edition=edition, date=TODAY + datetime.timedelta(days=7)))
    http = login(world.bob)
    response = http.post(reverse("groupmodules:mark", args=[future.pk, participant.pk]), {"presence": "aanwezig"},
                         HTTP_HX_REQUEST="true")
    assert "Aanwezigheid neem je op de dag van de sessie of erna." in response.content.decode()
    past = services.session_save(Session(edition=edition, date=TODAY - datetime.timedelta(days=7)))
    response = http.post(reverse("groupmodules:mark", args=[past.pk, participant.pk]), {"presence": "weg"},
                         follow=True)
    assert "Tik op een van de vijf" in response.content.decode()
    assert not Attendance.objects.unscoped().exists()


def test_the_attendance_sheet_reads_a_fixed_number_of_queries(world, login, edition, session):
    edition.capacity = 100
    services.edition_save(edition)
    http = login(world.bob)
    url = reverse("groupmodules:session", args=[session.pk])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert http.get(url).status_code == 200
        return len(queries)

    for participant in enrolled(world, edition, 2):
        services.attendance_mark(session=session, enrolment=participant, presence="aanwezig", by=world.bob)
    few = count()
    for participant in enrolled(world, edition, 20):
        services.attendance_mark(session=session, enrolment=participant, presence="te_laat", by=world.bob)
    assert count() == few
    edition_url = reverse("groupmodules:edition", args=[edition.pk])
    with CaptureQueriesContext(connection) as queries:
        assert http.get(edition_url).status_code == 200
    many = len(queries)
    Enrolment.objects.unscoped().filter(pk__in=[e.pk for e in Enrolment.objects.unscoped()[:15]]).delete()
    with CaptureQueriesContext(connection) as queries:
        assert http.get(edition_url).status_code == 200
    assert len(queries) == many


def test_todays_sessions_are_the_trainers_way_in(world, login, edition, session):
    services.session_save(Session(edition=edition, date=TODAY + datetime.timedelta(days=1)))
    other_module = services.module_save(Module(organisation=world.menen, title="Sport", kind="sport"))
    hilde_edition = services.edition_save(Edition(module=other_module, name="Dinsdag", start_date=TODAY,
                                                  trainer=world.hilde))
    services.session_save(Session(edition=hilde_edition, date=TODAY))
    assert [s.pk for s in login(world.bob).get(reverse("groupmodules:index")).context["sessions"]] == [session.pk]
    assert len(login(world.alice).get(reverse("groupmodules:index")).context["sessions"]) == 0
    assert len(login(world.hilde).get(reverse("groupmodules:index")).context["sessions"]) == 2


def test_the_client_file_partial_shows_modules_and_marks(world, rf, edition, session):
    enrolment = services.enrol(client=world.client, edition=edition, by=world.alice)
    services.attendance_mark(session=session, enrolment=enrolment, presence="te_laat", by=world.bob)
    request = rf.get("/")
    request.user = world.alice
    html = render_to_string("groupmodules/_client_modules.html", {
        "client": world.client, "can_edit": True, "module_enrolments": selectors.client_modules(world.client)},
        request=request)
    assert "Groepsmodules" in html and "Sollicitatieclub · Voorjaar" in html and "Ingeschreven" in html
    assert f"{TODAY:%d/%m} te laat" in html and "aanwezig 1 · afwezig 0" in html
    assert "Inschrijven in een groepsmodule" in html and f"?client={world.client.pk}" in html
    html = render_to_string("groupmodules/_client_modules.html", {
        "client": world.client, "can_edit": False, "module_enrolments": []}, request=request)
    assert "Niet ingeschreven in een groepsmodule." in html and "Inschrijven in een groepsmodule" not in html


def test_the_link_from_the_client_file_lists_the_open_editions(world, login, edition):
    ended_module = services.module_save(Module(organisation=world.menen, title="Oud", kind="andere"))
    services.edition_save(Edition(module=ended_module, name="2020", start_date=datetime.date(2020, 1, 1),
                                  end_date=datetime.date(2020, 6, 30)))
    http = login(world.alice)
    response = http.get(reverse("groupmodules:index"), {"client": world.client.pk})
    assert list(response.context["open_editions"]) == [edition]
    assert f"?client={world.client.pk}" in response.content.decode()
    assert http.get(reverse("groupmodules:index"), {"client": world.other_client.pk}).status_code == 404
    assert http.get(reverse("groupmodules:index"), {"client": "²"}).status_code == 200


def test_enrolling_again_without_anything_to_link_says_why_in_dutch(world, login, edition):
    client = ClientFactory(organisation=world.menen, counsellor=world.alice)
    http, url = login(world.alice), reverse("groupmodules:enrol", args=[edition.pk])
    form = http.get(url, {"client": client.pk})
    assert "trajectory" not in form.context["form"].fields and "gpmi" not in form.context["form"].fields
    assert http.post(url, {"client": client.pk}).status_code == 302
    again = http.post(url, {"client": client.pk})
    assert again.status_code == 422 and "staat al in deze editie (ingeschreven)" in again.content.decode()
