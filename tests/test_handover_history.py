"""A handover must not rewrite what the history says about other fields, and the head's
'assigned, not yet opened' count must agree with what the counsellor sees."""

import pytest
from django.urls import reverse

from clients.models import Client
from clients.services import clients_hand_over

from .factories import CompetenceFactory, UserFactory

pytestmark = pytest.mark.django_db
NOTE = "Alice is met verlof."


def test_a_handover_does_not_show_the_competences_as_removed_in_the_history(world, login):
    competence = CompetenceFactory(organisation=world.menen, name="Heftruck rijden")
    world.client.competences.add(competence)  # recorded in the history like an edit-form save
    clients_hand_over(clients=Client.objects.filter(pk=world.client.pk), to=world.bob, by=world.hilde, note=NOTE)
    response = login(world.hilde).get(reverse("clients:history", args=[world.client.pk]))
    _record, changes = response.context["changes"][0]
    # Only the counsellor changed; the history must not say the competence was removed.
    assert [str(label) for label, _old, _new in changes] == ["trajectbegeleider"], changes


def test_the_heads_unopened_count_forgets_a_file_handed_on_before_it_was_opened(world, login):
    clients_hand_over(clients=Client.objects.filter(pk=world.client.pk), to=world.bob, by=world.hilde, note=NOTE)
    # Before Bob opens it, the head hands it on to Carl.
    carl = UserFactory(organisation=world.menen, role="trajectbegeleider", first_name="Carl")
    clients_hand_over(clients=Client.objects.filter(pk=world.client.pk), to=carl, by=world.hilde, note=NOTE)
    assert login(world.bob).get(reverse("home")).context["work"]["assigned"].count == 0  # Bob's own page: nothing
    team = login(world.hilde).get(reverse("home")).context["work"]
    bob_row = next(row for row in team["team"] if row["counsellor"] == world.bob)
    assert bob_row["assigned"] == 0, "the head sees Bob with a file to open that he no longer holds"
    assert team["totals"]["assigned"] == 1  # only Carl's
