"""Handing case files over (leave, departure): a selection or a whole caseload, with a note; the
reminders follow, the history says who held the file when, and the receiving counsellor sees
the files as recently assigned until opened."""

import datetime

import pytest
from django.urls import reverse

from clients.models import Assignment, Client
from reminders.models import Reminder

from .factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db
NOTE = "Alice is met zwangerschapsverlof; GPMI loopt, volgende afspraak op 3/12."


def hand_over(http, to, note=NOTE, **selection):
    return http.post(reverse("clients:hand_over"), {"to": to.pk, "note": note, **selection})


def test_the_head_hands_a_selection_over_with_a_note(world, login):
    second = ClientFactory(organisation=world.menen, counsellor=world.alice)
    stays = ClientFactory(organisation=world.menen, counsellor=world.alice)
    reminder = Reminder.objects.create(organisation=world.menen, rule="geen_contact", subject=f"client:{second.pk}",
                                       client=second, due_date=datetime.date.today())
    http = login(world.hilde)
    page = http.get(reverse("clients:hand_over"), {"client": [world.client.pk, second.pk]}).content.decode()
    assert "Benali, Fatima" in page and second.last_name in page and stays.last_name not in page

    response = hand_over(http, world.bob, client=[world.client.pk, second.pk])
    assert response.status_code == 302 and response["Location"] == f"/clienten/?begeleider={world.bob.pk}"
    assert set(Client.objects.filter(counsellor=world.bob)) == {world.client, second}
    assert Client.objects.get(pk=stays.pk).counsellor == world.alice
    assignment = world.client.assignments.first()
    assert (assignment.previous, assignment.counsellor, assignment.by, assignment.note, assignment.seen_at) == (
        world.alice, world.bob, world.hilde, NOTE, None)
    # The change is in the file's own history too, by the head.
    latest = world.client.history.first()
    assert (latest.counsellor_id, latest.history_user) == (world.bob.pk, world.hilde)
    # The open reminder went along.
    assert reminder in Reminder.objects.visible_to(world.bob)
    assert reminder not in Reminder.objects.visible_to(world.alice)
    history = http.get(reverse("clients:history", args=[world.client.pk])).content.decode()
    assert "Wie had het dossier" in history and NOTE in history and "overgenomen van Alice" in history


def test_a_whole_caseload_moves_without_the_closed_files(world, login):
    closed = ClientFactory(organisation=world.menen, counsellor=world.alice, status=Client.Status.CLOSED)
    intake = ClientFactory(organisation=world.menen, counsellor=world.alice, status=Client.Status.INTAKE)
    http = login(world.hilde)
    page = http.get(reverse("clients:hand_over"), {"van": world.alice.pk}).content.decode()
    assert "De 2 open dossiers van Alice" in page
    assert hand_over(http, world.bob, van=world.alice.pk).status_code == 302
    assert set(Client.objects.filter(counsellor=world.bob)) == {world.client, intake}
    assert Client.objects.get(pk=closed.pk).counsellor == world.alice


@pytest.mark.parametrize("change, message", [
    ({"note": "  "}, "Schrijf een overdrachtsnota"),
    ({"to": "wervik"}, "Selecteer een geldige keuze"),
    ({"to": "inactive"}, "Selecteer een geldige keuze"),
    ({"client": []}, "Kies de dossiers die je wilt overdragen"),
])
def test_a_handover_without_note_or_to_someone_unfit_changes_nothing(world, login, change, message):
    people = {"wervik": world.oscar, "inactive": UserFactory(organisation=world.menen, role="trajectbegeleider",
                                                             is_active=False)}
    data = {"to": world.bob.pk, "note": NOTE, "client": [world.client.pk], **change}
    if change.get("to") in people:
        data["to"] = people[change["to"]].pk
    response = login(world.hilde).post(reverse("clients:hand_over"), data)
    assert response.status_code == 422 and message in response.content.decode()
    assert Client.objects.get(pk=world.client.pk).counsellor == world.alice
    assert not Assignment.objects.filter(previous=world.alice).exists()


def test_only_the_head_hands_over_and_only_her_own_organisations_files(world, login):
    assert login(world.alice).get(reverse("clients:hand_over")).status_code == 403
    assert hand_over(login(world.alice), world.bob, client=[world.client.pk]).status_code == 403
    # Wervik's head cannot name Menen's client or counsellor.
    response = hand_over(login(world.olga), world.oscar, client=[world.client.pk])
    assert response.status_code == 422
    assert Client.objects.get(pk=world.client.pk).counsellor == world.alice


def test_the_receiving_counsellor_has_seen_the_file_once_she_opens_it(world, login):
    hand_over(login(world.hilde), world.bob, client=[world.client.pk])
    assert Assignment.objects.filter(counsellor=world.bob, seen_at__isnull=True).count() == 1
    login(world.hilde).get(reverse("clients:detail", args=[world.client.pk]))  # the head's look does not count
    assert Assignment.objects.filter(counsellor=world.bob, seen_at__isnull=True).count() == 1
    page = login(world.bob).get(reverse("clients:detail", args=[world.client.pk])).content.decode()
    assert NOTE in page and "overgedragen door Hilde" in page
    assert Assignment.objects.filter(counsellor=world.bob, seen_at__isnull=True).count() == 0


def test_choosing_another_counsellor_in_the_case_file_is_an_assignment_too(world, login):
    from .factories import version_in_form

    http = login(world.hilde)
    url = reverse("clients:edit", args=[world.client.pk])
    form = http.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and name not in (
        "competences", "interests")}
    data.update({"counsellor": world.bob.pk, "birth_date": "", "version": version_in_form(http, url)})
    response = http.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    assignment = world.client.assignments.first()
    assert (assignment.previous, assignment.counsellor, assignment.by, assignment.seen_at) == (
        world.alice, world.bob, world.hilde, None)


def test_handing_over_takes_the_same_queries_for_one_file_or_many(world, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from clients.services import clients_hand_over

    def count(clients, to):
        with CaptureQueriesContext(connection) as context:
            clients_hand_over(clients=Client.objects.filter(pk__in=[c.pk for c in clients]), to=to, by=world.hilde,
                              note=NOTE)
        return len(context)

    many = ClientFactory.create_batch(12, organisation=world.menen, counsellor=world.alice)
    assert count([world.client], world.bob) == count(many, world.bob)
