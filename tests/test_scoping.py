"""Scoping in the data layer (organisations.scoping, issue 15): every model that holds client or
organisation data says whose rows a query reads, and with the guard on a query that does not say
so fails, in a test and in a view, instead of reading every OCMW's data."""

import datetime

import pytest
from celery import shared_task
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Subquery
from django.forms import modelform_factory
from django.http import HttpResponse
from django.template import Context, Template
from django.test import override_settings
from django.urls import path, reverse
from django.utils import timezone

from audit.models import AccessLog, ImmutableLog
from caseload.models import Upload
from clients.models import Assignment, Barrier, Client, Competence, ContactMoment, Interest
from documents.models import Document
from employers.models import Agreement, ContactPerson, Employer, Workplace
from organisations.models import Organisation, User
from organisations.scoping import ScopedModel, ScopedQuerySet, UnscopedQuery, scope_guard
from reminders.models import Reminder, Rule
from reporting.models import YearlyReport
from trajectories.models import Evaluation, Goal, HoursStep, Placement, Trajectory, TrajectoryEvent

from .factories import ClientFactory, ContactMomentFactory, EmployerFactory, running_twe

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()

SCOPED_MODELS = [Client, Barrier, ContactMoment, Assignment, Competence, Interest, Trajectory, TrajectoryEvent,
                 Placement, HoursStep, Goal, Evaluation, Document, Reminder, Employer, Workplace, ContactPerson,
                 Agreement, Upload, YearlyReport, AccessLog]
CASE_FILE_MODELS = [Client, Barrier, ContactMoment, Assignment, Trajectory, TrajectoryEvent, Placement, HoursStep,
                    Goal, Evaluation, Document, Employer, Workplace, ContactPerson, Agreement]
PEOPLE = ["alice", "bob", "hilde", "sam", "bea", "rita", "oscar", "olga"]


@pytest.fixture
def rows(world):
    """A row of every scoped model in Menen and in Wervik."""
    wervik_employer = EmployerFactory(organisation=world.wervik, name="Wervikse Bouw BV")
    wervik_trajectory = running_twe(world.other_client, world.oscar, wervik_employer)
    for organisation, client, trajectory, employer, counsellor, head in (
        (world.menen, world.client, world.trajectory, world.employer, world.alice, world.hilde),
        (world.wervik, world.other_client, wervik_trajectory, wervik_employer, world.oscar, world.olga),
    ):
        ContactMomentFactory(client=client, author=counsellor)
        Barrier.objects.create(client=client, category=Barrier.Category.DEBTS, description="Schuldbemiddeling")
        Assignment.objects.create(client=client, counsellor=counsellor, by=head, note="Nieuw dossier.")
        competence = Competence.objects.create(organisation=organisation, name="Stiptheid")
        Interest.objects.create(organisation=organisation, name="Logistiek")
        HoursStep.objects.create(trajectory=trajectory, from_date=trajectory.start_date, hours_per_week=10)
        Goal.objects.create(trajectory=trajectory, description="Op tijd komen")
        Evaluation.objects.create(trajectory=trajectory, date=TODAY, note="Goed bezig.", author=counsellor)
        Document.objects.create(client=client, kind=Document.Kind.GPMI, date=TODAY, file="documenten/x",
                                filename="gpmi.pdf", content_type="application/pdf", size=3, added_by=counsellor)
        workplace = Workplace.objects.create(employer=employer, function="Magazijnier", hours_per_week=19,
                                             postcode="8930")
        workplace.required_competences.add(competence)
        ContactPerson.objects.create(employer=employer, name="Jan Peeters")
        agreement = Agreement.objects.create(employer=employer, start_date=TODAY)
        Reminder.objects.create(organisation=organisation, rule=Rule.NO_CONTACT, subject=f"client:{client.pk}",
                                client=client, due_date=TODAY)
        Reminder.objects.create(organisation=organisation, rule=Rule.AGREEMENT_ENDING,
                                subject=f"agreement:{agreement.pk}", agreement=agreement, due_date=TODAY)
        Upload.objects.create(organisation=organisation, uploaded_by=head, filename="caseload.csv", content=b"x")
        YearlyReport.objects.create(organisation=organisation, year=2025, requested_by=head)
        AccessLog.objects.create(user=counsellor, organisation=organisation, client=client,
                                 action=AccessLog.Action.OPENED)
    return world


def person(world, name):
    return AnonymousUser() if name == "anonymous" else getattr(world, name)


def pks(queryset):
    return set(queryset.values_list("pk", flat=True))


# Every model is scoped -----------------------------------------------------------------------


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda model: model.__name__)
def test_every_model_with_client_or_organisation_data_reads_through_a_scoped_queryset(model):
    assert issubclass(model, ScopedModel)
    queryset = model.objects.all()
    assert isinstance(queryset, ScopedQuerySet)
    assert model._default_manager is model.objects
    # The organisation path leads to an Organisation.
    field_model, field = model, None
    for name in queryset.organisation_path.split("__"):
        field = field_model._meta.get_field(name)
        field_model = field.related_model
    assert field_model is Organisation


@override_settings(SCOPE_GUARD=True)
def test_outside_a_request_the_guard_is_off_unless_asked_for(world):
    assert Client.objects.count() == 2  # tasks, commands and tests outside a request


def test_the_setting_comes_from_the_environment():
    from .test_settings import manage

    code = "from django.conf import settings; print(settings.SCOPE_GUARD)"
    assert manage("shell", "-c", code).stdout.split()[-1] == "True"
    assert manage("shell", "-c", code, DJANGO_SCOPE_GUARD="false").stdout.split()[-1] == "False"


# The guard -----------------------------------------------------------------------------------


EVALUATIONS = {
    "list": list,
    "iterate": lambda queryset: [row for row in queryset],
    "bool": bool,
    "len": len,
    "count": lambda queryset: queryset.count(),
    "exists": lambda queryset: queryset.exists(),
    "first": lambda queryset: queryset.first(),
    "last": lambda queryset: queryset.last(),
    "get": lambda queryset: queryset.get(pk=1),
    "index": lambda queryset: queryset[0],
    "slice": lambda queryset: list(queryset[:2]),
    "values_list": lambda queryset: list(queryset.values_list("pk", flat=True)),
    "aggregate": lambda queryset: queryset.aggregate(Count("pk")),
    "iterator": lambda queryset: list(queryset.iterator()),
    "in_bulk": lambda queryset: queryset.in_bulk([1]),
    "contains": lambda queryset: queryset.contains(Client(pk=1)) if queryset.model is Client else queryset.exists(),
    "update": lambda queryset: queryset.update(pk=models.F("pk")),
    "delete": lambda queryset: queryset.delete(),
    "explain": lambda queryset: queryset.explain(),
    "paginate": lambda queryset: Paginator(queryset.order_by("pk"), 10).get_page(1).object_list,
}


@pytest.mark.parametrize("evaluate", EVALUATIONS.values(), ids=EVALUATIONS.keys())
def test_with_the_guard_on_an_unscoped_query_fails(world, evaluate):
    with scope_guard():
        with pytest.raises(UnscopedQuery, match="clients.Client.*visible_to.*editable_by.*of_organisation.*unscoped"):
            evaluate(Client.objects.all())
        with pytest.raises(UnscopedQuery, match="trajectories.Trajectory"):
            evaluate(Trajectory.objects.filter(client__organisation=world.menen).running())
    assert Client.objects.count() == 2 and Trajectory.objects.running().count() == 1  # nothing changed


def test_building_an_unscoped_query_is_not_evaluating_it(world):
    with scope_guard():
        queryset = Client.objects.filter(last_name="Benali").order_by("pk")
        assert "Benali" in str(queryset.query)
        with pytest.raises(UnscopedQuery):
            list(queryset)


def test_a_manager_method_alone_does_not_scope(world):
    with scope_guard(), pytest.raises(UnscopedQuery):
        list(Client.objects.search("Benali"))
    with scope_guard(), pytest.raises(UnscopedQuery):
        list(Reminder.objects.open_on(TODAY))


def test_with_the_guard_on_a_scoped_query_runs(world):
    with scope_guard():
        assert list(Client.objects.visible_to(world.alice)) == [world.client]
        assert list(Client.objects.of_organisation(world.wervik)) == [world.other_client]
        assert list(Client.objects.of_organisation(world.wervik.pk)) == [world.other_client]
        assert not Client.objects.of_organisation(None).exists()
        assert list(Client.objects.none()) == []  # no rows: nobody else's either
        assert Client.objects.of_organisations([world.menen, world.wervik]).count() == 2
        assert Trajectory.objects.of_organisations(Organisation.objects.filter(slug="menen")).count() == 1
        assert Client.objects.unscoped().count() == 2


@shared_task
def count_every_client():
    return Client.objects.count()


def test_a_task_runs_unguarded_also_in_process_within_a_request(world):
    """Without a broker (the demo) a task queued on commit runs inside the request; it works for
    every organisation, as in a worker, and scopes its own queries."""
    import organisations.middleware  # noqa: F401 (connects the task signals, as a web process does)

    with scope_guard():
        assert count_every_client.delay().get() == 2
        with pytest.raises(UnscopedQuery):
            Client.objects.count()  # the guard is back after the task


# visible_to ----------------------------------------------------------------------------------


def expected_organisations(model, name):
    """The organisations whose rows `name` sees of `model`, as today's views decide it."""
    menen = {"alice", "bob", "hilde"}
    wervik = {"oscar", "olga"}
    if model in (Competence, Interest):  # the case-file roles use them, the beheerder keeps them
        menen = menen | {"bea"}
    elif model is YearlyReport:  # the roles that read the organisation's figures
        menen, wervik = {"hilde", "sam"}, {"olga"}
    elif model in (AccessLog, Upload):  # the diensthoofd (an upload: her own)
        menen, wervik = {"hilde"}, {"olga"}
    return {"menen"} if name in menen else {"wervik"} if name in wervik else set()


@pytest.mark.parametrize("model", [model for model in SCOPED_MODELS if model is not Reminder],
                         ids=lambda model: model.__name__)
def test_visible_to_gives_exactly_the_rows_of_the_own_organisation_for_the_roles_that_may_see_them(rows, model):
    by_organisation = {slug: pks(model.objects.of_organisation(Organisation.objects.get(slug=slug)))
                       for slug in ("menen", "wervik")}
    assert all(by_organisation.values()), "the fixture makes a row in each organisation"
    with scope_guard():
        for name in [*PEOPLE, "anonymous"]:
            expected = set().union(*(by_organisation[slug] for slug in expected_organisations(model, name)))
            assert pks(model.objects.visible_to(person(rows, name))) == expected, name


def test_an_upload_is_visible_to_the_head_who_uploaded_it_only(rows):
    second_head = User.objects.create_user("hanne@example.be", role="diensthoofd", organisation=rows.menen)
    Upload.objects.create(organisation=rows.menen, uploaded_by=second_head, filename="ander.csv", content=b"y")
    assert list(Upload.objects.visible_to(rows.hilde).values_list("filename", flat=True)) == ["caseload.csv"]
    assert list(Upload.objects.visible_to(second_head).values_list("filename", flat=True)) == ["ander.csv"]


def test_a_reminder_is_visible_to_whom_it_is_for(rows):
    """Reminder.visible_to, as for_user was: the client's counsellor; the head for an agreement or a client
    without an active counsellor. It was called for_user."""
    about_client = Reminder.objects.get(organisation=rows.menen, rule=Rule.NO_CONTACT)
    about_agreement = Reminder.objects.get(organisation=rows.menen, rule=Rule.AGREEMENT_ENDING)
    expected = {"alice": {about_client.pk}, "hilde": {about_agreement.pk}, "bob": set(), "sam": set(),
                "bea": set(), "rita": set()}
    with scope_guard():
        for name, reminders in expected.items():
            assert pks(Reminder.objects.visible_to(getattr(rows, name))) == reminders, name
            assert pks(Reminder.objects.visible_to(getattr(rows, name))) == reminders, name
            assert pks(Reminder.objects.editable_by(getattr(rows, name))) == reminders, name
        assert not pks(Reminder.objects.visible_to(AnonymousUser()))
        assert len(pks(Reminder.objects.visible_to(rows.oscar) | Reminder.objects.visible_to(rows.olga))) == 2
        User.objects.filter(pk=rows.alice.pk).update(is_active=False)  # alice left: the head takes over
        assert pks(Reminder.objects.visible_to(rows.hilde)) == {about_client.pk, about_agreement.pk}


def test_employers_and_workplaces_keep_their_visible_to(rows):
    with scope_guard():
        assert list(Employer.objects.visible_to(rows.alice)) == [rows.employer]
        assert not Employer.objects.visible_to(rows.bea).exists()
        assert list(Workplace.objects.visible_to(rows.oscar).values_list("employer__name", flat=True)) == [
            "Wervikse Bouw BV"]


# editable_by ---------------------------------------------------------------------------------


@pytest.fixture
def files(world):
    """Menen: alice's client (world.client), one of bob's, an anonymised one."""
    bob_client = ClientFactory(organisation=world.menen, counsellor=world.bob)
    anonymised = ClientFactory(organisation=world.menen, counsellor=world.alice, anonymised_at=timezone.now())
    return bob_client, anonymised


def test_editable_by_is_can_edit_client_as_a_filter(world, files):
    clients = list(Client.objects.unscoped())
    with scope_guard():
        for name in PEOPLE:
            user = getattr(world, name)
            assert pks(Client.objects.editable_by(user)) == {c.pk for c in clients if user.can_edit_client(c)}, name
        assert not Client.objects.editable_by(AnonymousUser()).exists()


def test_who_changes_which_case_file(world, files):
    bob_client, anonymised = files
    with scope_guard():
        assert pks(Client.objects.editable_by(world.alice)) == {world.client.pk}
        assert pks(Client.objects.editable_by(world.bob)) == {bob_client.pk}
        assert pks(Client.objects.editable_by(world.hilde)) == {world.client.pk, bob_client.pk}
        assert pks(Client.objects.editable_by(world.oscar)) == {world.other_client.pk}
        for name in ("sam", "bea", "rita"):
            assert not Client.objects.editable_by(getattr(world, name)).exists()
        # Readable, not changeable: a colleague's client and an anonymised file.
        assert anonymised.pk in pks(Client.objects.visible_to(world.alice))


def test_trajectories_and_what_hangs_under_a_client_are_changed_as_the_client_is(rows, files):
    with scope_guard():
        for model in (Trajectory, TrajectoryEvent, Placement, HoursStep, Goal, Evaluation, Barrier, ContactMoment,
                      Assignment, Document):
            menen = pks(model.objects.of_organisation(rows.menen))
            assert pks(model.objects.editable_by(rows.alice)) == menen, model  # all of it is on her client
            assert pks(model.objects.editable_by(rows.hilde)) == menen, model
            assert not model.objects.editable_by(rows.bob).exists(), model
            assert not model.objects.editable_by(rows.sam).exists(), model
            assert pks(model.objects.editable_by(rows.oscar)) == pks(model.objects.of_organisation(rows.wervik))


def test_only_the_head_changes_employers_and_only_the_beheerder_the_vocabularies(rows):
    with scope_guard():
        for model in (Employer, Workplace, ContactPerson, Agreement):
            assert pks(model.objects.editable_by(rows.hilde)) == pks(model.objects.of_organisation(rows.menen))
            for name in ("alice", "bea", "sam", "rita"):
                assert not model.objects.editable_by(getattr(rows, name)).exists(), (model, name)
        for model in (Competence, Interest):
            assert pks(model.objects.editable_by(rows.bea)) == pks(model.objects.of_organisation(rows.menen))
            assert not model.objects.editable_by(rows.hilde).exists()
        assert pks(YearlyReport.objects.editable_by(rows.hilde)) == pks(YearlyReport.objects.of_organisation(
            rows.menen))
        assert not YearlyReport.objects.editable_by(rows.sam).exists()
        assert not AccessLog.objects.editable_by(rows.hilde).exists()  # the log is written once


# The scope follows the queryset --------------------------------------------------------------


def test_chained_querysets_stay_scoped(rows):
    alice = rows.alice
    with scope_guard():
        clients = Client.objects.visible_to(alice)
        assert list(clients.search("Benali").select_related("counsellor").order_by("pk")) == [rows.client]
        assert clients.filter(status=Client.Status.ACTIVE).exclude(pk=0).annotate(n=Count("trajectories")).get().n == 1
        assert list(clients.values_list("last_name", flat=True).distinct()) == ["Benali"]
        assert clients.in_bulk([rows.client.pk]) == {rows.client.pk: rows.client}
        assert clients.aggregate(n=Count("pk")) == {"n": 1} and clients[:1][0] == rows.client
        assert Paginator(clients.order_by("pk"), 10).get_page(1).object_list[0] == rows.client
        assert Trajectory.objects.visible_to(alice).running().get() == rows.trajectory
        assert Trajectory.objects.running().visible_to(alice).get() == rows.trajectory  # scoped at the end
        assert Workplace.objects.visible_to(alice).open().search("magazijnier").count() == 1
        assert Reminder.objects.visible_to(alice).open_on(TODAY).count() == 1
        assert Document.objects.readable_by(alice, rows.client).count() == 1
        assert Trajectory.objects.visible_to(alice).filter(client__in=clients).update(description="x") == 1


def test_combining_with_an_unscoped_queryset(rows):
    scoped, everything = Client.objects.visible_to(rows.alice), Client.objects.all()
    with scope_guard():
        with pytest.raises(UnscopedQuery):
            list(scoped | everything)  # either: every organisation's rows
        with pytest.raises(UnscopedQuery):
            list(scoped.union(everything))
        with pytest.raises(UnscopedQuery):
            list(rows.client.trajectories.all() | Trajectory.objects.all())
        assert list(scoped & everything) == [rows.client]  # both: still alice's
        assert list(scoped.order_by().difference(everything.order_by())) == []
        assert len(scoped | Client.objects.visible_to(rows.oscar)) == 2
        assert list(Client.objects.none() | scoped) == [rows.client]


def test_related_managers_and_prefetches_through_a_scoped_parent(rows):
    with scope_guard():
        client = Client.objects.visible_to(rows.alice).get()
        assert list(client.trajectories.all()) == [rows.trajectory]
        assert client.trajectories.running().count() == 1 and client.barriers.exists()
        assert rows.trajectory.placements.get().employer == rows.employer  # forward: the base manager
        assert rows.employer.workplaces.get().required_competences.get().name == "Stiptheid"  # many-to-many
        assert Barrier.objects.visible_to(rows.alice).first().client == rows.client
        clients = list(Client.objects.visible_to(rows.hilde).prefetch_related(
            "barriers", "competences", "trajectories__placements__workplace", "trajectories__events",
            Prefetch("contact_moments", queryset=ContactMoment.objects.order_by("-date"), to_attr="moments"),
            Prefetch("documents", queryset=Document.objects.filter(kind=Document.Kind.GPMI))))
        assert [len(c.trajectories.all()[0].placements.all()) for c in clients] == [1]
        assert len(clients[0].moments) == 1 and len(clients[0].documents.all()) == 1
        employers = Employer.objects.visible_to(rows.alice).prefetch_related("workplaces__required_competences")
        assert [w.function for e in employers for w in e.workplaces.all()] == ["Magazijnier"]


def test_subqueries_inside_a_scoped_query_are_not_evaluated_on_their_own(rows):
    with scope_guard():
        running = Trajectory.objects.filter(client=OuterRef("pk")).running()
        clients = (Client.objects.visible_to(rows.alice)
                   .filter(Exists(running))
                   .annotate(last_contact=Subquery(ContactMoment.objects.filter(client=OuterRef("pk"))
                                                   .order_by("-date").values("date")[:1]))
                   .filter(pk__in=Trajectory.objects.values("client")))
        assert [(c, c.last_contact) for c in clients] == [(rows.client, TODAY)]
        # The outer query's scope holds: the subqueries join every organisation's rows to alice's clients only.
        assert Client.objects.visible_to(rows.oscar).filter(Exists(running)).get() == rows.other_client


# Saving, validating, deleting: Django's own queries ------------------------------------------


def test_full_clean_and_save_of_a_client_and_a_trajectory_under_the_guard(rows):
    with scope_guard():
        client = Client.objects.visible_to(rows.alice).get()
        client.goals = "Werken in de logistiek"
        client.full_clean()  # unique national number per organisation, constraints, clean()
        client.save()  # version check (django-concurrency), history (django-simple-history)
        client.competences.set(Competence.objects.visible_to(rows.alice))  # history of a many-to-many
        assert client.history.count() >= 2
        trajectory = client.trajectories.get()
        trajectory.description = "Met begeleiding op de werkvloer"
        trajectory.full_clean()  # one running trajectory per type
        trajectory.save()
        twin = Client(organisation=rows.menen, national_number=client.national_number, first_name="A", last_name="B")
        with pytest.raises(ValidationError, match="national_number"):
            twin.full_clean()
        second = Trajectory(client=client, type="twe", status="lopend", start_date=TODAY, created_by=rows.alice)
        with pytest.raises(ValidationError):
            second.full_clean()


def test_a_stale_copy_is_refused_by_the_version_check_not_by_the_guard(rows):
    from concurrency.exceptions import RecordModifiedError

    with scope_guard():
        first = Client.objects.visible_to(rows.alice).get()
        second = Client.objects.visible_to(rows.hilde).get()
        first.goals = "een"
        first.save()
        second.goals = "twee"
        with pytest.raises(RecordModifiedError):
            second.save()


def test_a_model_form_validates_unique_fields_and_constraints_under_the_guard(rows):
    form_class = modelform_factory(Employer, fields=["name", "kbo_number"])
    with scope_guard():
        form = form_class({"name": "vanhoutte logistiek nv", "kbo_number": ""},
                          instance=Employer(organisation=rows.menen))
        assert not form.is_valid() and "name" in form.errors
        form = form_class({"name": "Nieuwe Werkgever", "kbo_number": ""}, instance=Employer(organisation=rows.menen))
        assert form.is_valid(), form.errors
        form.save()


def test_creating_bulk_updating_and_deleting_instances_under_the_guard(rows):
    with scope_guard():
        moment = ContactMoment.objects.create(client=rows.client, date=TODAY, duration_minutes=5, note="Kort.",
                                              author=rows.alice)
        moment.note = "Kort gesprek."
        ContactMoment.objects.bulk_update([moment], ["note"])  # these instances, as save() does
        moment.delete()
        client = ClientFactory(organisation=rows.menen, counsellor=rows.alice)
        Barrier.objects.create(client=client, category=Barrier.Category.DEBTS, description="Schuldbemiddeling")
        client.delete()  # cascades through the base managers
        log = AccessLog.objects.create(user=rows.alice, organisation=rows.menen, client=rows.client,
                                       action=AccessLog.Action.OPENED)
        with pytest.raises(ImmutableLog):
            AccessLog.objects.visible_to(rows.hilde).update(detail="weg")
        with pytest.raises(ImmutableLog):
            log.delete()
    assert not Client.objects.filter(pk=client.pk).exists()


# Views ---------------------------------------------------------------------------------------


def forgetful_view(request):
    """A view that forgets to scope: every OCMW's clients."""
    return HttpResponse(", ".join(str(client) for client in Client.objects.all()))


def scoped_view(request):
    return HttpResponse(", ".join(str(client) for client in Client.objects.visible_to(request.user)))


def swallowing_view(request):
    try:
        names = [str(client) for client in Client.objects.all()]
    except UnscopedQuery:
        names = []
    return HttpResponse(", ".join(names))


def template_view(request):
    """{% if a and b %} turns any error into False: the page would just leave the list out."""
    template = Template("{% if clients and user %}{% for c in clients %}{{ c }}{% endfor %}{% else %}-{% endif %}")
    return HttpResponse(template.render(Context({"clients": Client.objects.all(), "user": request.user})))


class ClientAdminSite(admin.AdminSite):
    """Client is not in the operators' admin; a test site shows that an admin page of it works."""


client_admin = ClientAdminSite(name="client_admin")
client_admin.register(Client)

urlpatterns = [
    path("vergeten/", forgetful_view, name="forgetful"),
    path("gescoped/", scoped_view, name="scoped"),
    path("ingeslikt/", swallowing_view, name="swallowing"),
    path("sjabloon/", template_view, name="template"),
    path("beheer/django/", admin.site.urls),
    path("beheer/clienten/", client_admin.urls),
]

in_this_urlconf = pytest.mark.urls(__name__)


@in_this_urlconf
@override_settings(SCOPE_GUARD=False)
def test_without_the_guard_a_view_that_forgets_to_scope_shows_every_organisation(world, login):
    assert login(world.alice).get("/vergeten/").content.decode().count(",") == 1  # both OCMWs: the leak


@in_this_urlconf
@override_settings(SCOPE_GUARD=True)
def test_with_the_guard_a_view_that_forgets_to_scope_fails(world, login):
    http = login(world.alice)
    with pytest.raises(UnscopedQuery, match="clients.Client"):
        http.get("/vergeten/")
    with pytest.raises(UnscopedQuery, match="Caught and passed over"):
        http.get("/ingeslikt/")
    with pytest.raises(UnscopedQuery, match="Caught and passed over"):
        http.get("/sjabloon/")


@in_this_urlconf
@override_settings(SCOPE_GUARD=True)
def test_with_the_guard_a_scoped_view_shows_the_own_organisation_only(world, login):
    assert login(world.alice).get("/gescoped/").content.decode() == "Fatima Benali"
    assert login(world.oscar).get("/gescoped/").content.decode() == str(world.other_client)
    assert login(world.sam).get("/gescoped/").content.decode() == ""


@in_this_urlconf
@override_settings(SCOPE_GUARD=True)
def test_the_guard_ends_with_the_request(world, login):
    login(world.alice).get("/gescoped/")
    assert Client.objects.count() == 2


@pytest.fixture
def operator(world, login):
    operator = User.objects.create_superuser("operator@example.be", "een-sterk-wachtwoord-42")
    return login(operator)


@in_this_urlconf
@override_settings(SCOPE_GUARD=True)
def test_the_admin_of_clients_works_with_the_guard_on(world, operator):
    assert operator.get("/beheer/clienten/clients/client/").status_code == 200
    assert operator.get(f"/beheer/clienten/clients/client/{world.client.pk}/change/").status_code == 200


@override_settings(SCOPE_GUARD=True)
def test_the_operators_admin_works_with_the_guard_on(rows, operator):
    employer = rows.employer
    bare = EmployerFactory(organisation=rows.menen, name="Zonder Contacten")
    for url in (reverse("admin:employers_employer_changelist"),
                reverse("admin:employers_employer_change", args=[employer.pk]),  # with inlines
                reverse("admin:employers_workplace_changelist"),
                reverse("admin:employers_workplace_change", args=[employer.workplaces.get().pk]),
                reverse("admin:clients_competence_changelist"),
                reverse("admin:audit_accesslog_changelist")):
        assert operator.get(url).status_code == 200, url
    response = operator.post(reverse("admin:employers_employer_change", args=[bare.pk]), {
        "name": "Vanhoutte Logistiek", "kind": "partner", "kbo_number": "", "organisation": rows.menen.pk,
        "active": "on", **{f"{prefix}-{key}": value for prefix in ("contacts", "agreements") for key, value in {
            "TOTAL_FORMS": "0", "INITIAL_FORMS": "0", "MIN_NUM_FORMS": "0", "MAX_NUM_FORMS": "1000"}.items()}})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Employer.objects.get(pk=bare.pk).name == "Vanhoutte Logistiek"
