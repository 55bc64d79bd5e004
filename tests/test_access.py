"""Every client URL, for every kind of visitor: another organisation's user gets 404, a role
without case files 403, an anonymous visitor the login page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def client_urls(world):
    pk = world.client.pk
    return [
        ("get", reverse("clients:detail", args=[pk])),
        ("get", reverse("clients:edit", args=[pk])),
        ("post", reverse("clients:edit", args=[pk])),
        ("get", reverse("clients:history", args=[pk])),
        ("post", reverse("clients:contact_create", args=[pk])),
        ("post", reverse("clients:barrier_create", args=[pk])),
        ("get", reverse("clients:barrier_details", args=[pk, world.barrier.pk])),
        ("get", reverse("clients:barrier_edit", args=[pk, world.barrier.pk])),
        ("post", reverse("clients:barrier_edit", args=[pk, world.barrier.pk])),
        *trajectory_urls(world),
    ]


def trajectory_urls(world):
    """Every trajectory URL of `world.client`; the GET ones are readable by a colleague."""
    args = [world.client.pk, world.trajectory.pk]
    goal = world.trajectory.goals.create(description="Stiptheid")
    return [
        ("get", reverse("trajectories:create", args=[world.client.pk])),
        ("post", reverse("trajectories:create", args=[world.client.pk])),
        ("get", reverse("trajectories:detail", args=args)),
        ("get", reverse("trajectories:edit", args=args)),
        ("post", reverse("trajectories:edit", args=args)),
        ("get", reverse("trajectories:transition", args=[*args, "suspend"])),
        ("post", reverse("trajectories:transition", args=[*args, "suspend"])),
        ("post", reverse("trajectories:placement_create", args=args)),
        ("get", reverse("trajectories:placement_edit", args=[*args, world.trajectory.placements.get().pk])),
        ("post", reverse("trajectories:placement_edit", args=[*args, world.trajectory.placements.get().pk])),
        ("post", reverse("trajectories:hours_step_create", args=args)),
        ("post", reverse("trajectories:goal_create", args=args)),
        ("post", reverse("trajectories:goal_update", args=[*args, goal.pk])),
        ("post", reverse("trajectories:evaluation_create", args=args)),
    ]


COLLECTION_URLS = [("get", "clients:list"), ("get", "clients:create"), ("post", "clients:create")]


def request(http, method, url):
    return getattr(http, method)(url)


def test_every_client_url_answers_404_to_another_organisation(world, login):
    for user in (world.oscar, world.olga):
        http = login(user)
        for method, url in client_urls(world):
            assert request(http, method, url).status_code == 404, (user, method, url)


@pytest.mark.parametrize("role", ["sam", "bea", "rita"])
def test_roles_without_case_files_get_403_on_every_client_url(world, login, role):
    http = login(getattr(world, role))
    for method, url in client_urls(world) + [(m, reverse(name)) for m, name in COLLECTION_URLS]:
        assert request(http, method, url).status_code == 403, (role, method, url)


def test_anonymous_visitors_are_sent_to_the_login_page(world, client):
    for method, url in client_urls(world) + [(m, reverse(name)) for m, name in COLLECTION_URLS]:
        response = request(client, method, url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


def test_a_colleague_reads_but_does_not_change_the_case_file(world, login):
    http = login(world.bob)
    pk = world.client.pk
    assert http.get(reverse("clients:detail", args=[pk])).status_code == 200
    assert http.get(reverse("clients:history", args=[pk])).status_code == 200
    assert http.get(reverse("clients:edit", args=[pk])).status_code == 403
    valid_contact = {"kind": "telefoon", "date": "01/02/2026", "duration_minutes": "10", "note": "x"}
    assert http.post(reverse("clients:contact_create", args=[pk]), valid_contact).status_code == 403
    valid_barrier = {"category": "taal", "description": "A2"}
    assert http.post(reverse("clients:barrier_create", args=[pk]), valid_barrier).status_code == 403
    assert world.client.barriers.count() == 1
    assert world.client.contact_moments.count() == 0
    for method, url in trajectory_urls(world):
        read_only = method == "get" and not any(part in url for part in ("/stap/", "nieuw", "bewerken",
                                                                         "/werkplekken/"))
        expected = 200 if read_only else 403
        assert request(http, method, url).status_code == expected, (method, url)
    world.trajectory.refresh_from_db()
    assert world.trajectory.status == "lopend"


def test_medical_details_are_for_the_assigned_counsellor_and_the_head_only(world, login):
    url = reverse("clients:barrier_details", args=[world.client.pk, world.barrier.pk])
    assert login(world.bob).get(url).status_code == 403
    for reader in (world.alice, world.hilde):
        response = login(reader).get(url)
        assert response.status_code == 200
        assert world.barrier.description in response.content.decode()


def test_a_colleague_does_not_receive_the_medical_description_in_the_page(world, login):
    page = login(world.bob).get(reverse("clients:detail", args=[world.client.pk])).content.decode()
    assert world.barrier.description not in page
    assert "Vertrouwelijk" in page


def test_the_head_edits_any_client_of_the_organisation(world, login):
    assert login(world.hilde).get(reverse("clients:edit", args=[world.client.pk])).status_code == 200


def test_administration_pages_belong_to_the_administrator(world, login):
    for user in (world.alice, world.hilde, world.sam, world.rita):
        http = login(user)
        for name in ("user_list", "user_create", "vocabulary"):
            assert http.get(reverse(name)).status_code == 403, (user, name)
    http = login(world.bea)
    for name in ("user_list", "user_create", "vocabulary"):
        assert http.get(reverse(name)).status_code == 200


def test_logging_out_is_confirmed_on_the_login_page(world, login):
    response = login(world.alice).post(reverse("logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert "Je bent afgemeld" in response.content.decode()


def test_a_schepen_is_told_why_case_files_are_closed(world, login):
    page = login(world.sam).get(reverse("clients:detail", args=[world.client.pk])).content.decode()
    assert "alleen geaggregeerde cijfers" in page
    assert world.client.last_name not in page


def test_case_file_pages_are_not_kept_by_the_browser(world, login):
    response = login(world.alice).get(reverse("clients:detail", args=[world.client.pk]))
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "HX-Request" in response["Vary"]


def test_opening_the_edit_form_is_logged_as_an_opening(world, login):
    from audit.models import AccessLog

    login(world.alice).get(reverse("clients:edit", args=[world.client.pk]))
    assert AccessLog.objects.filter(user=world.alice, client=world.client, action="geopend").count() == 1


def test_the_healthcheck_answers_without_login(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200 and response.content == b"ok"
