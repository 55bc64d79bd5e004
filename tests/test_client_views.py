import pytest
from django.urls import reverse

from audit.models import AccessLog
from clients.models import Client, ContactMoment

from .factories import (
    BarrierFactory,
    ClientFactory,
    CompetenceFactory,
    ContactMomentFactory,
    UserFactory,
    edit_version,
    version_in_form,
)

pytestmark = pytest.mark.django_db


def client_data(**overrides):
    data = {"national_number": "85.07.30-033.28", "first_name": "Jonas", "last_name": "Peeters",
            "status": "intake", "draagkracht_hours": "16", "postcode": "8930", "municipality": "Menen"}
    data.update(overrides)
    return data


def test_a_counsellor_creates_a_client_in_her_own_caseload(world, login):
    competence = CompetenceFactory(organisation=world.menen, name="Heftruckattest")
    response = login(world.alice).post(reverse("clients:create"),
                                       client_data(competences=[competence.pk], goals="Werken in de logistiek"))
    client = Client.objects.get(national_number="85073003328")
    assert response.status_code == 302 and response.url == reverse("clients:detail", args=[client.pk])
    assert (client.organisation, client.counsellor, client.birth_date.isoformat()) == (
        world.menen, world.alice, "1985-07-30")
    assert list(client.competences.all()) == [competence]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("national_number", "85.07.30-033.27", "controlecijfers"),
        ("national_number", "1234", "11 cijfers"),
        ("first_name", "", "Dit veld is verplicht"),
        ("postcode", "893", "4 cijfers"),
        ("draagkracht_hours", "45", "hoogstens 40"),
        ("birth_date", "2001-01-01", "komt niet overeen met het rijksregisternummer"),
        ("email", "geen-adres", "geldig e-mailadres"),
    ],
)
def test_bad_input_gives_a_dutch_error_on_the_field_and_saves_nothing(world, login, field, value, message):
    before = Client.objects.count()
    response = login(world.alice).post(reverse("clients:create"), client_data(**{field: value}))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors[field]), errors
    assert "Er is niets opgeslagen" in response.content.decode()
    assert Client.objects.count() == before


def test_a_duplicate_national_number_in_the_organisation_is_refused(world, login):
    response = login(world.alice).post(reverse("clients:create"),
                                       client_data(national_number=world.client.national_number))
    assert "al een dossier" in response.context["form"].errors["national_number"][0]


def test_a_competence_of_another_organisation_cannot_be_chosen(world, login):
    foreign = CompetenceFactory(organisation=world.wervik)
    response = login(world.alice).post(reverse("clients:create"), client_data(competences=[foreign.pk]))
    assert "competences" in response.context["form"].errors


def test_only_the_head_assigns_a_counsellor(world, login):
    assert "counsellor" not in login(world.alice).get(reverse("clients:create")).context["form"].fields
    response = login(world.hilde).post(reverse("clients:edit", args=[world.client.pk]),
                                       client_data(national_number=world.client.national_number,
                                                   counsellor=world.bob.pk, version=edit_version(world.client)))
    assert response.status_code == 302
    world.client.refresh_from_db()
    assert world.client.counsellor == world.bob


def test_the_head_cannot_assign_a_counsellor_of_another_organisation(world, login):
    response = login(world.hilde).post(reverse("clients:edit", args=[world.client.pk]),
                                       client_data(national_number=world.client.national_number,
                                                   counsellor=world.oscar.pk))
    assert "counsellor" in response.context["form"].errors
    world.client.refresh_from_db()
    assert world.client.counsellor == world.alice


def test_editing_records_who_changed_what(world, login):
    login(world.alice).post(reverse("clients:edit", args=[world.client.pk]),
                            client_data(national_number=world.client.national_number, first_name="Fatima",
                                        last_name="Benali", goals="Een job in de kinderopvang",
                                        version=edit_version(world.client)))
    record = world.client.history.first()
    assert record.history_user == world.alice
    page = login(world.hilde).get(reverse("clients:history", args=[world.client.pk])).content.decode()
    assert "Een job in de kinderopvang" in page and "Alice" in page


def test_opening_a_case_file_is_logged(world, login):
    login(world.bob).get(reverse("clients:detail", args=[world.client.pk]))
    entry = AccessLog.objects.get()
    assert (entry.user, entry.client, entry.action) == (world.bob, world.client, AccessLog.Action.OPENED)


def test_reading_medical_details_is_logged(world, login):
    login(world.hilde).get(reverse("clients:barrier_details", args=[world.client.pk, world.barrier.pk]))
    assert AccessLog.objects.filter(user=world.hilde, action=AccessLog.Action.SENSITIVE_READ).count() == 1


def test_the_client_page_puts_strengths_before_barriers(world, login):
    page = login(world.alice).get(reverse("clients:detail", args=[world.client.pk])).content.decode()
    assert page.index("Sterktes en doelen") < page.index("Drempels")


class TestContactMoments:
    def post(self, http, world, headers=None, **data):
        fields = {"kind": "huisbezoek", "date": "15/01/2026", "duration_minutes": "45", "note": "Huisbezoek."}
        fields.update(data)
        return http.post(reverse("clients:contact_create", args=[world.client.pk]), fields, headers=headers)

    def test_logging_adds_it_to_the_timeline(self, world, login):
        response = self.post(login(world.alice), world)
        moment = ContactMoment.objects.get()
        assert (moment.author, moment.kind, moment.duration_minutes) == (world.alice, "huisbezoek", 45)
        assert response.status_code == 302
        page = login(world.alice).get(response.url).content.decode()
        assert "Huisbezoek." in page and "15/01/2026" in page

    def test_htmx_returns_the_refreshed_timeline(self, world, login):
        response = self.post(login(world.alice), world, headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert response.templates[0].name == "clients/_timeline_with_form.html"
        assert "Huisbezoek." in response.content.decode()

    @pytest.mark.parametrize(("field", "value"), [("date", "2999-01-01"), ("duration_minutes", "0"), ("note", "")])
    def test_bad_input_is_refused_with_a_dutch_message(self, world, login, field, value):
        response = self.post(login(world.alice), world, **{field: value})
        assert response.status_code == 422
        assert field in response.context["contact_form"].errors
        assert "niet opgeslagen" in response.content.decode()
        assert ContactMoment.objects.count() == 0


class TestCaseloadList:
    def test_a_counsellors_caseload_is_her_own_by_default(self, world, login):
        ClientFactory(organisation=world.menen, counsellor=world.bob, last_name="Vanneste")
        response = login(world.alice).get(reverse("clients:list"))
        names = [client.last_name for client in response.context["page"].object_list]
        assert names == ["Benali"]
        assert "Mijn caseload" in response.content.decode()

    def test_all_counsellors_of_the_organisation_and_nothing_else(self, world, login):
        ClientFactory(organisation=world.menen, counsellor=world.bob, last_name="Vanneste")
        response = login(world.alice).get(reverse("clients:list"), {"begeleider": "alle"})
        assert sorted(c.last_name for c in response.context["page"].object_list) == ["Benali", "Vanneste"]

    def test_search_by_name_or_national_number(self, world, login):
        http = login(world.hilde)
        ClientFactory(organisation=world.menen, last_name="Vanneste")
        by_name = http.get(reverse("clients:list"), {"q": "benal"}).context["page"].object_list
        formatted = world.client.national_number_display
        by_number = http.get(reverse("clients:list"), {"q": formatted}).context["page"].object_list
        assert [c.pk for c in by_name] == [c.pk for c in by_number] == [world.client.pk]

    def test_filter_by_status_and_counsellor(self, world, login):
        ClientFactory(organisation=world.menen, counsellor=world.alice, status="intake", last_name="Nieuw")
        http = login(world.hilde)
        page = http.get(reverse("clients:list"), {"status": "intake", "begeleider": world.alice.pk}).context["page"]
        assert [c.last_name for c in page.object_list] == ["Nieuw"]

    def test_a_counsellor_of_another_organisation_is_not_a_filter(self, world, login):
        assert login(world.hilde).get(reverse("clients:list"), {"begeleider": world.oscar.pk}).status_code == 404

    def test_sorting_on_last_contact(self, world, login):
        recent = ClientFactory(organisation=world.menen, counsellor=world.alice, last_name="Recent")
        ContactMomentFactory(client=recent, author=world.alice)
        page = login(world.alice).get(reverse("clients:list"), {"sortering": "-laatste_contact"}).context["page"]
        assert page.object_list[0] == recent

    def test_pagination_and_a_constant_number_of_queries(self, world, login, django_assert_max_num_queries):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        http = login(world.alice)

        def count(**filters):
            with CaptureQueriesContext(connection) as queries:
                http.get(reverse("clients:list"), filters)
            return len(queries)

        small = [count(), count(q="Benali"), count(traject="twe", trajectstatus="lopend")]
        for client in ClientFactory.create_batch(30, organisation=world.menen, counsellor=world.alice):
            ContactMomentFactory(client=client, author=world.alice)
        assert [count(), count(q="Benali"), count(traject="twe", trajectstatus="lopend")] == small
        # session, user, organisation, count, rows, counsellors, open reminders, savepoint x2
        with django_assert_max_num_queries(9):
            response = http.get(reverse("clients:list"))
        assert len(response.context["page"].object_list) == 25
        second = http.get(reverse("clients:list"), {"pagina": 2}).context["page"]
        assert len(second.object_list) == 6

    def test_htmx_filtering_returns_only_the_table(self, world, login):
        response = login(world.alice).get(reverse("clients:list"), {"q": "Benali"}, headers={"HX-Request": "true"})
        assert [t.name for t in response.templates][0] == "clients/_client_table.html"
        assert "<nav class=\"navbar" not in response.content.decode()


def test_the_client_page_has_a_constant_number_of_queries(world, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from trajectories import services

    from .factories import EmployerFactory

    http = login(world.alice)

    def queries_for_page():
        with CaptureQueriesContext(connection) as context:
            assert http.get(reverse("clients:detail", args=[world.client.pk])).status_code == 200
        return len(context)

    small = queries_for_page()
    for _ in range(10):
        ContactMomentFactory(client=world.client, author=UserFactory(organisation=world.menen))
        BarrierFactory(client=world.client, category="taal")
    for type_ in ("voortraject", "opleiding", "ama"):
        services.trajectory_register(client=world.client, by=world.alice, type=type_,
                                     start_date=world.trajectory.start_date, start=True,
                                     placement={"employer": EmployerFactory(organisation=world.menen),
                                                "function": "f", "hours_per_week": 10})
    # 16, the documents with the trajectories to file one under, the holder, and the leefloon and GPMI
    # state (decisions, GPMIs with their evaluations, exemptions).
    assert queries_for_page() == small <= 23


def test_a_barrier_without_description_is_refused_in_dutch(world, login):
    response = login(world.alice).post(reverse("clients:barrier_create", args=[world.client.pk]),
                                       {"category": "taal", "description": ""})
    assert response.status_code == 422
    assert "Dit veld is verplicht" in response.context["barrier_form"].errors["description"][0]
    assert world.client.barriers.count() == 1


def test_a_barrier_is_added_by_the_assigned_counsellor(world, login):
    login(world.alice).post(reverse("clients:barrier_create", args=[world.client.pk]),
                            {"category": "taal", "description": "Nederlands A2"})
    assert world.client.barriers.filter(category="taal", description="Nederlands A2").exists()


def test_never_contacted_clients_come_first_when_sorting_on_longest_without_contact(world, login):
    ContactMomentFactory(client=world.client, author=world.alice)
    silent = ClientFactory(organisation=world.menen, counsellor=world.alice, last_name="Zonder")
    page = login(world.alice).get(reverse("clients:list"), {"sortering": "laatste_contact"}).context["page"]
    assert list(page.object_list) == [silent, world.client]


def test_one_save_is_one_entry_in_the_history_with_a_constant_number_of_queries(world, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    competence = CompetenceFactory(organisation=world.menen, name="Heftruckattest")
    http = login(world.alice)
    url = reverse("clients:history", args=[world.client.pk])

    def edit(**changes):
        data = client_data(national_number=world.client.national_number, first_name="Fatima", last_name="Benali",
                           version=edit_version(world.client))
        data.update(changes)
        assert http.post(reverse("clients:edit", args=[world.client.pk]), data).status_code == 302

    edit(goals="Werken in de logistiek", competences=[competence.pk])
    with CaptureQueriesContext(connection) as few:
        changes = http.get(url).context["changes"]
    newest_labels = [str(label) for label, _old, _new in changes[0][1]]
    assert "doelen" in newest_labels and "competenties" in newest_labels
    assert changes[0][1][newest_labels.index("competenties")][2] == "Heftruckattest"
    for n in range(10):
        edit(goals=f"Doel {n}", competences=[] if n % 2 else [competence.pk])
    with CaptureQueriesContext(connection) as many:
        assert len(http.get(url).context["changes"]) == 1 + 1 + 10  # created, first edit, ten edits
    assert len(many) == len(few)


def test_a_barrier_is_corrected_and_removed_and_opening_a_medical_one_is_logged(world, login):
    http = login(world.alice)
    url = reverse("clients:barrier_edit", args=[world.client.pk, world.barrier.pk])
    assert http.get(url).status_code == 200
    assert AccessLog.objects.filter(user=world.alice, action=AccessLog.Action.SENSITIVE_READ).count() == 1
    http.post(url, {"category": "medisch", "description": "Geen zware lasten boven 15 kg."})
    world.barrier.refresh_from_db()
    assert world.barrier.description == "Geen zware lasten boven 15 kg."
    response = http.post(url, {"category": "", "description": ""})
    assert response.status_code == 422 and "Dit veld is verplicht" in response.content.decode()
    http.post(url, {"verwijderen": "1"})
    assert not world.client.barriers.exists()


def test_a_colleague_cannot_edit_a_barrier(world, login):
    url = reverse("clients:barrier_edit", args=[world.client.pk, world.barrier.pk])
    assert login(world.bob).get(url).status_code == 403
    assert login(world.bob).post(url, {"verwijderen": "1"}).status_code == 403
    assert world.client.barriers.exists()


def test_two_people_editing_the_same_file_lose_nothing(world, login):
    """Alice and the head open the edit form at the same time; the head saves first. Alice's save is
    refused with who and when, her typing stays in the form, and saving again keeps her version."""
    from clients.models import Client

    opened = version_in_form(login(world.alice), reverse("clients:edit", args=[world.client.pk]))
    head = client_data(national_number=world.client.national_number, first_name="Fatima", last_name="Benali",
                       goals="Eerst taalles", counsellor=world.alice.pk, version=opened)
    assert login(world.hilde).post(reverse("clients:edit", args=[world.client.pk]), head).status_code == 302
    alice = login(world.alice)
    mine = client_data(national_number=world.client.national_number, first_name="Fatima", last_name="Benali",
                       goals="Een job in de kinderopvang", phone="0470 12 34 56", version=opened)
    refused = alice.post(reverse("clients:edit", args=[world.client.pk]), mine)
    page = refused.content.decode()
    assert refused.status_code == 409
    assert "Hilde" in page and "heeft dit intussen opgeslagen" in page
    assert "Een job in de kinderopvang" in page and "0470 12 34 56" in page  # what she typed is still there
    assert Client.objects.get(pk=world.client.pk).goals == "Eerst taalles"  # nothing of hers written
    again = dict(mine, version=refused.context["form"]["version"].value())
    assert alice.post(reverse("clients:edit", args=[world.client.pk]), again).status_code == 302
    assert Client.objects.get(pk=world.client.pk).goals == "Een job in de kinderopvang"


def test_a_stale_save_writes_nothing_of_the_file_or_its_lists(world, login):
    from clients.models import Client

    competence = CompetenceFactory(organisation=world.menen, name="Heftruckattest")
    stale = edit_version(world.client)
    Client.objects.get(pk=world.client.pk).save()  # someone else saved meanwhile
    response = login(world.alice).post(reverse("clients:edit", args=[world.client.pk]), client_data(
        national_number=world.client.national_number, competences=[competence.pk], version=stale))
    assert response.status_code == 409
    assert not world.client.competences.exists()
    assert Client.objects.get(pk=world.client.pk).first_name == world.client.first_name
