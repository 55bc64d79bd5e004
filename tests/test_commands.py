import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from stdnum.be import nn

from clients.models import Client, ContactMoment
from organisations.models import Organisation, Role, User

pytestmark = pytest.mark.django_db


def run(*args, **options):
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def test_create_organisation_is_idempotent():
    first = run("create_organisation", "menen", "OCMW Menen")
    second = run("create_organisation", "menen", "Andere naam")
    assert "aangemaakt" in first and "bestond al" in second
    assert list(Organisation.objects.values_list("slug", "name")) == [("menen", "OCMW Menen")]


def test_create_organisation_refuses_a_bad_code():
    with pytest.raises(CommandError, match="ongeldige code|Ongeldige code"):
        run("create_organisation", "OCMW Menen!", "OCMW Menen")
    assert not Organisation.objects.exists()


def snapshot():
    return sorted(Client.objects.values_list("organisation__slug", "national_number", "first_name", "last_name",
                                             "draagkracht_hours", "counsellor__email"))


def test_seed_demo_gives_every_role_a_login_and_valid_national_numbers():
    out = run("seed_demo", clients=20, seed=7)
    for role in Role:
        active = User.objects.filter(role=role, is_active=True)  # not the colleague waiting for approval
        assert active.exists(), role
        assert active.first().email in out
    assert "demo-wachtwoord" in out
    assert Client.objects.count() == 20
    assert all(nn.is_valid(number) for number in Client.objects.values_list("national_number", flat=True))
    assert ContactMoment.objects.count() >= 20


def test_seed_demo_never_touches_a_real_organisation():
    run("create_organisation", "demo-menen", "Een echt OCMW")
    with pytest.raises(CommandError, match="demo-menen"):
        run("seed_demo", clients=4)
    assert Organisation.objects.get(slug="demo-menen").name == "Een echt OCMW"
    assert not Client.objects.exists()


def test_seed_demo_is_reproducible_and_replaces_itself():
    run("seed_demo", clients=12, seed=3)
    first = snapshot()
    deleted = Client.history.filter(history_type="-").count()
    run("seed_demo", clients=12, seed=3)
    assert snapshot() == first
    # Replacing the old demo writes no 'deleted' history row for each of its rows.
    assert Client.history.filter(history_type="-").count() == deleted == 0
    run("seed_demo", clients=12, seed=4)
    assert snapshot() != first
    assert Client.objects.count() == 12


def test_seed_demo_shows_every_trajectory_type_and_status():
    from trajectories.models import Trajectory
    from trajectories.rules import Status, TrajectoryType

    run("seed_demo", clients=30, seed=4)
    assert set(Trajectory.objects.values_list("type", flat=True)) == set(TrajectoryType.values)
    assert set(Trajectory.objects.values_list("status", flat=True)) == set(Status.values)


def test_a_large_demo_is_built_in_bulk_and_keeps_the_rules():
    """Beyond the first 80 clients per OCMW the demo is written in bulk (demo/volume.py): years of
    trajectories, steps, placements and contact moments that follow the same rules as the services."""
    from django.db.models import Count, F, Q

    from trajectories.models import Placement, Trajectory, TrajectoryEvent
    from trajectories.rules import Status, TrajectoryType, werk_zorg_last_day

    run("seed_demo", clients=400, seed=5)
    menen = Client.objects.filter(organisation__slug="demo-menen").order_by("pk")
    volume = Client.objects.filter(pk__in=list(menen.values_list("pk", flat=True)[80:]))
    trajectories = Trajectory.objects.filter(client__in=volume)
    assert trajectories.count() > 3 * volume.count()
    assert ContactMoment.objects.filter(client__in=volume).count() >= 10 * volume.count()
    # One running trajectory per type and client, only the last of a client's chain.
    assert not trajectories.filter(end_date__isnull=True).values("client", "type").annotate(
        n=Count("pk")).filter(n__gt=1).exists()
    # A nazorg follows a TWE of the same client that ended before it started.
    nazorg = trajectories.filter(type=TrajectoryType.NAZORG)
    assert nazorg.exists() and not nazorg.exclude(follows__client=F("client"), follows__type=TrajectoryType.TWE,
                                                  follows__end_date__lt=F("start_date")).exists()
    for werk_zorg in trajectories.filter(type=TrajectoryType.WERK_ZORG, end_date__isnull=False)[:50]:
        assert werk_zorg.end_date <= werk_zorg_last_day(werk_zorg.start_date)
    # A TWE starts with its screening (no workplace needed); its art. 60 §7 employment starts on its
    # WEO or later, and a TWE without a WEO is still in a screening of at most four weeks.
    twe = trajectories.filter(type=TrajectoryType.TWE)
    employments = Placement.objects.filter(trajectory__in=twe)
    assert employments.exists() and not employments.filter(trajectory__weo_signed_on__isnull=True).exists()
    assert not employments.filter(start_date__lt=F("trajectory__weo_signed_on")).exists()
    assert not twe.filter(weo_signed_on__isnull=True,
                          start_date__lt=datetime.date.today() - datetime.timedelta(days=28)).exists()
    # Every trajectory has a start step on its start date.
    started = TrajectoryEvent.objects.filter(trajectory__in=trajectories, action="start",
                                             date=F("trajectory__start_date"))
    assert started.count() == trajectories.count()
    ended = trajectories.filter(~Q(status=Status.LOPEND))
    assert not ended.filter(end_date__isnull=True).exists() and not ended.filter(outcome="").exists()
    # A file with a running trajectory is open.
    assert not volume.filter(status=Client.Status.CLOSED, trajectories__end_date__isnull=True).exists()
