import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from employers.models import Agreement, Employer, Workplace
from trajectories.models import Trajectory

from .factories import EmployerFactory

pytestmark = pytest.mark.django_db


class TestKbo:
    @pytest.mark.parametrize("value", ["0403.170.701", "BE 0403 170 701", "0403170701"])
    def test_valid_numbers_are_stored_compact(self, world, value):
        employer = Employer(organisation=world.menen, name="Test NV", kbo_number=value)
        employer.full_clean()
        assert employer.kbo_number == "0403170701" and employer.kbo_display == "0403.170.701"

    @pytest.mark.parametrize(("value", "fragment"), [("0403.170.702", "controlecijfers"), ("12345", "10 cijfers")])
    def test_invalid_numbers_are_refused_in_dutch(self, world, value, fragment):
        with pytest.raises(ValidationError) as error:
            Employer(organisation=world.menen, name="Test NV", kbo_number=value).full_clean()
        assert fragment in " ".join(error.value.message_dict["kbo_number"])

    def test_unique_within_an_organisation_not_across(self, world):
        Employer.objects.create(organisation=world.menen, name="A", kbo_number="0403170701")
        with pytest.raises(ValidationError):
            Employer(organisation=world.menen, name="B", kbo_number="0403170701").full_clean()
        Employer(organisation=world.wervik, name="A", kbo_number="0403170701").full_clean()


def employer_urls(world, workplace, agreement):
    pk = world.employer.pk
    return [
        ("get", reverse("employers:detail", args=[pk])),
        ("get", reverse("employers:edit", args=[pk])),
        ("post", reverse("employers:edit", args=[pk])),
        ("get", reverse("employers:contact_create", args=[pk])),
        ("get", reverse("employers:agreement_create", args=[pk])),
        ("get", reverse("employers:agreement_document", args=[pk, agreement.pk])),
        ("get", reverse("employers:workplace_create", args=[pk])),
        ("get", reverse("employers:workplace_edit", args=[pk, workplace.pk])),
        ("get", reverse("employers:workplace_matches", args=[pk, workplace.pk])),
        ("post", reverse("employers:placement_propose", args=[pk, workplace.pk, world.client.pk])),
    ]


@pytest.fixture
def workplace(world):
    return Workplace.objects.create(employer=world.employer, function="orderpicker", hours_per_week=19,
                                    postcode="8930")


@pytest.fixture
def agreement(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return Agreement.objects.create(employer=world.employer, start_date=datetime.date(2026, 1, 1),
                                    document=SimpleUploadedFile("overeenkomst.pdf", b"%PDF-1.4 test"))


def test_another_organisation_gets_404_on_every_employer_url(world, login, workplace, agreement):
    for method, url in employer_urls(world, workplace, agreement):
        assert getattr(login(world.olga), method)(url).status_code == 404, url


def test_roles_without_case_files_get_403(world, login, workplace, agreement):
    for user in (world.sam, world.bea, world.rita):
        http = login(user)
        for method, url in [*employer_urls(world, workplace, agreement), ("get", reverse("employers:list"))]:
            assert getattr(http, method)(url).status_code == 403, (user, url)


def test_only_the_head_edits_employers(world, login, workplace, agreement):
    http = login(world.alice)
    for name, args in [("employers:create", []), ("employers:edit", [world.employer.pk]),
                       ("employers:workplace_create", [world.employer.pk]),
                       ("employers:agreement_create", [world.employer.pk])]:
        assert http.get(reverse(name, args=args)).status_code == 403
    assert http.get(reverse("employers:detail", args=[world.employer.pk])).status_code == 200
    assert http.get(reverse("employers:agreement_document", args=[world.employer.pk, agreement.pk])).status_code == 200


def test_the_head_adds_an_employer_with_a_workplace(world, login):
    http = login(world.hilde)
    response = http.post(reverse("employers:create"), {"name": "Bakkerij Dewulf", "kind": "partner",
                                                       "kbo_number": "0403.170.701", "postcode": "8930",
                                                       "municipality": "Menen", "active": "on"})
    employer = Employer.objects.get(name="Bakkerij Dewulf")
    assert response.status_code == 302 and employer.organisation == world.menen
    http.post(reverse("employers:workplace_create", args=[employer.pk]), {
        "function": "hulpbakker", "hours_per_week": "19", "capacity": "2", "postcode": "8930", "is_open": "on"})
    assert employer.workplaces.get().function == "hulpbakker"


def test_bad_input_is_refused_in_dutch_and_saves_nothing(world, login):
    http = login(world.hilde)
    response = http.post(reverse("employers:create"), {"name": "X", "kind": "partner", "kbo_number": "0403170702"})
    assert response.status_code == 422
    assert "controlecijfers" in " ".join(response.context["form"].errors["kbo_number"])
    response = http.post(reverse("employers:workplace_create", args=[world.employer.pk]), {
        "function": "x", "hours_per_week": "50", "capacity": "1", "postcode": "89"})
    assert set(response.context["form"].errors) == {"hours_per_week", "postcode"}
    assert not Employer.objects.filter(name="X").exists() and not Workplace.objects.exists()


def test_an_agreement_document_must_be_a_document(world, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = login(world.hilde).post(reverse("employers:agreement_create", args=[world.employer.pk]), {
        "start_date": "01/01/2026", "document": SimpleUploadedFile("virus.exe", b"MZ")})
    assert "document" in response.context["form"].errors
    assert not Agreement.objects.exists()


def test_the_counsellor_proposes_a_placement_from_a_match(world, login, workplace):
    world.trajectory.delete()
    http = login(world.alice)
    page = http.get(reverse("employers:workplace_matches", args=[world.employer.pk, workplace.pk]))
    assert world.client.pk in [m.client.pk for m, yours, _ in page.context["matches"] if yours]
    response = http.post(reverse("employers:placement_propose", args=[world.employer.pk, workplace.pk,
                                                                      world.client.pk]))
    trajectory = Trajectory.objects.get(client=world.client)
    assert response.status_code == 302
    assert (trajectory.type, trajectory.status) == ("twe", "aangemeld")
    placement = trajectory.placements.get()
    assert (placement.workplace, placement.employer, placement.function) == (workplace, world.employer, "orderpicker")


def test_a_colleague_cannot_propose_for_someone_elses_client(world, login, workplace):
    url = reverse("employers:placement_propose", args=[world.employer.pk, workplace.pk, world.client.pk])
    assert login(world.bob).post(url).status_code == 403


def test_the_employer_page_shows_its_results(world, login):
    from trajectories import services

    services.trajectory_transition(trajectory=world.trajectory, action="close", by=world.alice, outcome="werk")
    page = login(world.alice).get(reverse("employers:detail", args=[world.employer.pk]))
    assert page.context["results"]["placed"] == 1 and page.context["results"]["to_work"] == 1
    assert world.client.full_name in page.content.decode()


def test_the_employer_list_searches_and_filters(world, login):
    EmployerFactory(organisation=world.menen, name="Groendienst vzw", sector="groenonderhoud")
    http = login(world.alice)
    assert [e.name for e in http.get(reverse("employers:list"), {"q": "groen"}).context["page"].object_list] == [
        "Groendienst vzw"]
    assert [e.name for e in http.get(reverse("employers:list"), {"sector": "logistiek"}).context[
        "page"].object_list] == ["Vanhoutte Logistiek NV"]


def test_client_matches_page(world, login, workplace):
    response = login(world.bob).get(reverse("client_matches", args=[world.client.pk]))
    assert response.status_code == 200 and response.context["can_propose"] is False
    assert login(world.olga).get(reverse("client_matches", args=[world.client.pk])).status_code == 404


class TestProposalIsCheckedAgain:
    def propose(self, world, workplace, login, user=None):
        url = reverse("employers:placement_propose", args=[world.employer.pk, workplace.pk, world.client.pk])
        return login(user or world.alice).post(url, follow=True)

    def test_hours_above_the_draagkracht(self, world, login, workplace):
        world.trajectory.delete()
        workplace.hours_per_week = 30
        workplace.save()
        world.client.draagkracht_hours = 8
        world.client.save()
        response = self.propose(world, workplace, login)
        assert "overschrijdt de draagkracht" in response.content.decode()
        assert not Trajectory.objects.filter(client=world.client).exists()

    def test_a_closed_workplace(self, world, login, workplace):
        world.trajectory.delete()
        workplace.is_open = False
        workplace.save()
        assert "deze werkpost is gesloten" in self.propose(world, workplace, login).content.decode()
        assert not Trajectory.objects.filter(client=world.client).exists()

    def test_a_client_already_working_or_proposed(self, world, login, workplace):
        assert "lopende" in self.propose(world, workplace, login).content.decode()  # her running TWE
        world.trajectory.delete()
        self.propose(world, workplace, login)
        self.propose(world, workplace, login)  # a double click
        assert Trajectory.objects.filter(client=world.client).count() == 1

    def test_a_client_of_another_organisation_with_an_own_workplace(self, world, login, workplace):
        url = reverse("employers:placement_propose", args=[world.employer.pk, workplace.pk, world.other_client.pk])
        assert login(world.alice).post(url).status_code == 404


def test_a_proposal_that_never_started_is_not_counted_as_placed(world, login, workplace):
    from matching import services

    other = world.client.__class__.objects.create(organisation=world.menen, national_number="85073003328",
                                                  first_name="X", last_name="Y", counsellor=world.alice,
                                                  draagkracht_hours=38)
    services.placement_propose(client=other, workplace=workplace, by=world.alice, start_date=datetime.date.today())
    results = login(world.alice).get(reverse("employers:detail", args=[world.employer.pk])).context["results"]
    assert (results["placed"], results["running"]) == (1, 1)  # world.client's running TWE only


def test_a_placements_workplace_belongs_to_its_employer(world, login, workplace):
    other_employer = EmployerFactory(organisation=world.menen)
    placement = world.trajectory.placements.get()
    url = reverse("trajectories:placement_edit", args=[world.client.pk, world.trajectory.pk, placement.pk])
    response = login(world.alice).post(url, {
        "employer": other_employer.pk, "workplace": workplace.pk, "function": "f", "hours_per_week": "10",
        "start_date": placement.start_date.strftime("%d/%m/%Y")})
    assert "workplace" in response.context["form"].errors


def test_a_counsellor_cannot_post_to_the_heads_forms(world, login, workplace, agreement):
    http = login(world.alice)
    contact = world.employer.contacts.create(name="Koen")
    for name, args in [("employers:create", []), ("employers:edit", [world.employer.pk]),
                       ("employers:contact_create", [world.employer.pk]),
                       ("employers:contact_edit", [world.employer.pk, contact.pk]),
                       ("employers:agreement_create", [world.employer.pk]),
                       ("employers:agreement_edit", [world.employer.pk, agreement.pk]),
                       ("employers:workplace_create", [world.employer.pk]),
                       ("employers:workplace_edit", [world.employer.pk, workplace.pk])]:
        assert http.post(reverse(name, args=args), {"name": "x", "verwijderen": "1"}).status_code == 403, name
    assert world.employer.contacts.count() == 1


def test_the_head_corrects_an_agreement_and_removes_a_contact(world, login, agreement):
    http = login(world.hilde)
    http.post(reverse("employers:agreement_edit", args=[world.employer.pk, agreement.pk]),
              {"start_date": "01/01/2026", "end_date": "31/12/2027"})
    agreement.refresh_from_db()
    assert agreement.end_date == datetime.date(2027, 12, 31)
    contact = world.employer.contacts.create(name="Koen")
    http.post(reverse("employers:contact_edit", args=[world.employer.pk, contact.pk]), {"verwijderen": "1"})
    assert not world.employer.contacts.exists()


@pytest.mark.parametrize("page", ["list", "detail", "matches", "client"])
def test_employer_pages_have_a_fixed_number_of_queries(world, login, workplace, page):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .factories import ClientFactory, running_twe

    url = {"list": reverse("employers:list"), "detail": reverse("employers:detail", args=[world.employer.pk]),
           "matches": reverse("employers:workplace_matches", args=[world.employer.pk, workplace.pk]),
           "client": reverse("client_matches", args=[world.client.pk])}[page]
    http = login(world.hilde)

    def count():
        with CaptureQueriesContext(connection) as context:
            assert http.get(url).status_code == 200
        return len(context)

    few = count()
    for _ in range(5):
        EmployerFactory(organisation=world.menen)
        Workplace.objects.create(employer=world.employer, function="extra", hours_per_week=10, postcode="8930")
        running_twe(ClientFactory(organisation=world.menen, counsellor=world.alice), world.alice, world.employer)
    assert count() == few


class TestMatchingSaysWhy:
    def test_a_workplace_under_half_time_takes_no_proposal_and_says_why(self, world, login, workplace):
        world.trajectory.delete()
        workplace.hours_per_week = 12
        workplace.save()
        http = login(world.alice)
        page = http.get(reverse("employers:workplace_matches", args=[world.employer.pk, workplace.pk]))
        text = page.content.decode()
        assert "Hier kan nu niemand voorgesteld worden: een voorstel registreert een TWE" in text
        assert "Werkplek voorstellen" not in text and world.client.full_name.split()[0] in text
        client_page = http.get(reverse("client_matches", args=[world.client.pk])).content.decode()
        assert "Hier geen voorstel: een voorstel registreert een TWE" in client_page
        response = http.post(reverse("employers:placement_propose", args=[world.employer.pk, workplace.pk,
                                                                          world.client.pk]), follow=True)
        assert "minstens 19 u/week" in response.content.decode()
        assert not Trajectory.objects.filter(client=world.client).exists()

    def test_a_colleagues_candidate_says_who_proposes(self, world, login, workplace):
        world.trajectory.delete()
        text = login(world.bob).get(reverse("employers:workplace_matches",
                                            args=[world.employer.pk, workplace.pk])).content.decode()
        assert f"Cliënt van {world.alice}: die begeleider of het diensthoofd stelt voor." in text
        client_page = login(world.bob).get(reverse("client_matches", args=[world.client.pk])).content.decode()
        assert f"{world.alice} volgt deze cliënt" in client_page and "Werkplek voorstellen" not in client_page

    def test_a_busy_client_is_told_why_nothing_fits(self, world, login, workplace):
        text = login(world.alice).get(reverse("client_matches", args=[world.client.pk])).content.decode()
        assert "Er past nu geen open werkpost." in text
        assert "Werkt al in een lopende tijdelijke werkervaring (TWE)" in text
        # One reason for every workplace: said once, the list behind its link.
        assert "Nu niet mogelijk" not in text and "Toon de werkposten die niet mogelijk zijn" in text
        Workplace.objects.create(employer=world.employer, function="poetshulp", hours_per_week=30, postcode="8930")
        world.trajectory.delete()
        world.client.draagkracht_hours = 20
        world.client.save()
        workplace.hours_per_week = 25
        workplace.save()
        text = login(world.alice).get(reverse("client_matches", args=[world.client.pk])).content.decode()
        assert "2 vragen meer uren dan de draagkracht" in text
        assert "Nu niet mogelijk" in text  # two reasons (25 h and 30 h): each workplace's own, at once

    def test_a_full_workplace_is_shown_full_and_proposes_nobody(self, world, login, workplace):
        from trajectories.models import Placement

        Placement.objects.filter(trajectory=world.trajectory).update(workplace=workplace)  # its 1 place
        http = login(world.hilde)
        detail = http.get(reverse("employers:detail", args=[world.employer.pk])).content.decode()
        assert ">volzet</span>" in detail and "1 van 1 plaatsen bezet" in detail
        page = http.get(reverse("employers:workplace_matches", args=[world.employer.pk, workplace.pk]))
        text = page.content.decode()
        assert "Hier kan nu niemand voorgesteld worden: de enige plaats is bezet." in text
        assert "Werkplek voorstellen" not in text
