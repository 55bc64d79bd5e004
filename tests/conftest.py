"""Named people in two organisations, so every test can say "oscar of another OCMW gets 404"
in one line (STYLE.md, healthchecks habit)."""

import datetime
import os
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from clients.models import Barrier
from organisations.models import Region, Role

from .factories import BarrierFactory, ClientFactory, EmployerFactory, OrganisationFactory, UserFactory, running_twe

IN_CI = os.environ.get("CI", "").lower() == "true"


def _run_the_suite_from_noon():
    """Test modules read today's date once, when they are collected, and the product reads it when
    a test runs. A run that crosses midnight in Brussels (CI starts when a session stops, often late
    in the evening) would compare yesterday with today. The suite's clock therefore starts at noon
    of today's date in Brussels and ticks on from there, so the whole run falls on one day."""
    zone = ZoneInfo(settings.TIME_ZONE)
    noon = datetime.datetime.combine(datetime.datetime.now(zone).date(), datetime.time(12), tzinfo=zone)
    time_machine.travel(noon, tick=True).start()


_run_the_suite_from_noon()


def require_service(condition, reason):
    """Skip a test that needs an absent service locally; under CI the same absence fails."""
    if not condition:
        if IN_CI:
            pytest.fail(f"CI needs this service: {reason}")
        pytest.skip(reason)


@dataclass
class World:
    menen: object
    wervik: object
    alice: object  # counsellor in Menen, owns `client`
    bob: object  # counsellor in Menen, colleague of alice
    hilde: object  # head of service in Menen
    sam: object  # schepen of Menen
    bea: object  # beheerder of Menen
    rita: object  # regiocoördinator over Menen and Wervik
    oscar: object  # counsellor in Wervik
    olga: object  # head of service in Wervik
    client: object  # alice's client in Menen, with a medical barrier
    barrier: object
    other_client: object  # oscar's client in Wervik
    employer: object  # a partner employer of Menen
    trajectory: object  # a running TWE of `client` at `employer`


@pytest.fixture
def world(db):
    menen = OrganisationFactory(slug="menen", name="OCMW Menen")
    wervik = OrganisationFactory(slug="wervik", name="OCMW Wervik")
    region = Region.objects.create(slug="zuidwest", name="Welzijnsregio Zuid-West")
    region.members.set([menen, wervik])

    def person(first_name, role, organisation=menen, **extra):
        return UserFactory(email=f"{first_name.lower()}@example.be", first_name=first_name, role=role,
                           organisation=organisation, **extra)

    alice = person("Alice", Role.COUNSELLOR)
    oscar = person("Oscar", Role.COUNSELLOR, wervik)
    client = ClientFactory(organisation=menen, counsellor=alice, first_name="Fatima", last_name="Benali")
    employer = EmployerFactory(organisation=menen, name="Vanhoutte Logistiek NV")
    return World(
        menen=menen, wervik=wervik, alice=alice, bob=person("Bob", Role.COUNSELLOR),
        hilde=person("Hilde", Role.HEAD), sam=person("Sam", Role.ALDERMAN), bea=person("Bea", Role.ADMINISTRATOR),
        rita=person("Rita", Role.REGION_COORDINATOR, None, region=region),
        oscar=oscar, olga=person("Olga", Role.HEAD, wervik),
        client=client,
        barrier=BarrierFactory(client=client, category=Barrier.Category.MEDICAL),
        other_client=ClientFactory(organisation=wervik, counsellor=oscar),
        employer=employer,
        trajectory=running_twe(client, alice, employer),
    )


@pytest.fixture
def login(client):
    """login(user) -> the Django test client, logged in as that user."""

    def as_user(user):
        client.force_login(user)
        pass_second_factor(client, user)
        return client

    return as_user


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def tasks_run_in_the_test(monkeypatch):
    """Tasks queued by the code under test run in-process, also when REDIS_URL is set; the real
    broker and workers are exercised by tests/test_celery_worker.py."""
    from ocmw_activation.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    monkeypatch.setitem(app.conf, "task_eager_propagates", True)


@pytest.fixture(autouse=True)
def media_in_a_temporary_folder(settings, tmp_path):
    """Uploaded documents and rendered reports land in the test's own folder, not in media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


def pass_second_factor(http, user):
    """The code step after the password, for the roles that require it (or a user with an app): the
    session is verified with the user's confirmed TOTP device, as organisations.second_factor does."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from organisations import second_factor

    session = http.session
    if not session.get(second_factor.PENDING):
        return
    session[second_factor.VERIFIED] = True
    device = (TOTPDevice.objects.filter(user=user, confirmed=True).first()
              or TOTPDevice.objects.create(user=user, name="app", confirmed=True))
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    del session[second_factor.PENDING]
    session.save()
