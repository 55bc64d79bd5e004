"""Retention: closed case files are anonymised once the organisation's period has passed since
their last trajectory ended; the yearly figures, before and after, stay the same."""

import datetime
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from clients import retention
from clients.models import Barrier, Client, ContactMoment
from reporting.models import YearlyReport
from reporting.yearly import yearly_figures
from trajectories.models import Goal, Placement, Trajectory

from .factories import BarrierFactory, ClientFactory, CompetenceFactory, ContactMomentFactory
from .test_yearly_report import trajectory

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2025, 1, 15)


def closed_file(world, organisation, ended, **fields):
    client = ClientFactory(organisation=organisation, status=Client.Status.CLOSED, first_name="Karim",
                           last_name="El Idrissi", phone="0470 11 22 33", goals="Heftruck rijden", **fields)
    made = trajectory(client, world.hilde, "nazorg", ended - datetime.timedelta(days=200), ended, "werk")
    Placement.objects.create(trajectory=made, employer=world.employer, function="magazijnier", hours_per_week=19,
                             start_date=made.start_date, mentor="Jan Vermeersch")
    Goal.objects.create(trajectory=made, description="Rijbewijs C halen")
    ContactMomentFactory(client=client, author=world.alice, date=ended - datetime.timedelta(days=30),
                         note="Vertelde over de scheiding en schulden.")
    BarrierFactory(client=client, description="Depressie, in behandeling")
    client.competences.set([CompetenceFactory(organisation=organisation)])  # also kept in the history
    return client


def test_a_closed_file_is_anonymised_after_ten_years_and_the_figures_stay(world, login):
    old = closed_file(world, world.menen, D(2014, 6, 30))
    recent = closed_file(world, world.menen, D(2016, 3, 31))  # 10 years not yet over on TODAY
    active = ClientFactory(organisation=world.menen, status=Client.Status.ACTIVE)
    trajectory(active, world.hilde, "twe", D(2010, 1, 1), D(2010, 6, 30), "werkloos")  # open file: kept
    login(world.hilde).get(reverse("clients:detail", args=[old.pk]))  # leaves an access log entry
    before = yearly_figures(world.menen, 2014)
    report = YearlyReport.objects.create(organisation=world.menen, year=2014, state="klaar", figures=before)

    assert list(retention.due(TODAY).values_list("pk", flat=True)) == [old.pk]
    assert retention.run(TODAY) == {"OCMW Menen": 1}

    old.refresh_from_db()
    assert (old.first_name, old.last_name, old.phone, old.goals) == ("Geanonimiseerd", f"#{old.pk}", "", "")
    assert old.national_number.startswith("X") and old.national_number_display == "" and old.anonymised_at
    assert not Barrier.objects.filter(client=old).exists() and not Goal.objects.filter(trajectory__client=old)
    assert ContactMoment.objects.get(client=old).note == ""
    assert Placement.objects.get(trajectory__client=old).mentor == ""
    assert not Client.history.filter(id=old.pk).exists() and not Barrier.history.filter(client_id=old.pk)
    assert not Trajectory.history.filter(client_id=old.pk).exists()
    assert not apps.get_model("clients", "HistoricalClient_competences").objects.filter(client=old.pk).exists()
    assert AccessLog.objects.filter(client=old).count() == 1  # who read it stays on record
    # What the figures count is kept: the report of 2014 reads the same, made again or kept.
    assert yearly_figures(world.menen, 2014) == before == YearlyReport.objects.get(pk=report.pk).figures
    recent.refresh_from_db()
    active.refresh_from_db()
    assert recent.last_name == "El Idrissi" and active.anonymised_at is None
    page = login(world.hilde).get(reverse("clients:detail", args=[old.pk])).content.decode()
    assert "Geanonimiseerd" in page and "Karim" not in page and "Depressie" not in page


def test_each_organisation_keeps_files_as_long_as_it_chose(world):
    world.wervik.retention_years = 5
    world.wervik.save()
    in_wervik = closed_file(world, world.wervik, D(2019, 6, 30))
    in_menen = closed_file(world, world.menen, D(2019, 6, 30))
    assert list(retention.due(TODAY).values_list("pk", flat=True)) == [in_wervik.pk]
    assert in_menen.pk not in retention.due(D(2029, 6, 29)).values_list("pk", flat=True)
    assert in_menen.pk in retention.due(D(2029, 6, 30)).values_list("pk", flat=True)


def test_the_command_counts_first_and_anonymises_once(world):
    closed_file(world, world.menen, D(2013, 1, 31))
    out = io.StringIO()
    call_command("anonymise_closed_files", "--today", "2025-01-15", "--dry-run", stdout=out)
    assert "klaar voor anonimisering: 1 (niets gewijzigd)" in out.getvalue()
    assert Client.objects.filter(anonymised_at__isnull=False).count() == 0
    out = io.StringIO()
    call_command("anonymise_closed_files", "--today", "2025-01-15", stdout=out)
    assert "OCMW Menen: 1" in out.getvalue() and "geanonimiseerd: 1" in out.getvalue()
    out = io.StringIO()
    call_command("anonymise_closed_files", "--today", "2025-01-15", stdout=out)
    assert "geanonimiseerd: 0" in out.getvalue()
    with pytest.raises(Exception, match="JJJJ-MM-DD|YYYY-MM-DD"):
        call_command("anonymise_closed_files", "--today", "15/01/2025")


def test_anonymising_takes_the_same_queries_for_one_file_or_many(world):
    def count(files):
        ids = [closed_file(world, world.menen, D(2012, 1, 31)).pk for _ in range(files)]
        with CaptureQueriesContext(connection) as queries:
            retention.anonymise(ids)
        return len(queries)

    assert count(1) == count(6)


def test_an_upload_that_was_never_confirmed_is_kept_one_day(world):
    from caseload.models import Upload
    from caseload.tasks import forget_abandoned_uploads

    old = Upload.objects.create(organisation=world.menen, uploaded_by=world.hilde, filename="a.csv", content=b"x")
    fresh = Upload.objects.create(organisation=world.menen, uploaded_by=world.hilde, filename="b.csv", content=b"y")
    Upload.objects.filter(pk=old.pk).update(uploaded_at=timezone.now() - datetime.timedelta(hours=25))
    assert forget_abandoned_uploads.delay().get() == 1
    assert list(Upload.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_a_form_opened_before_the_anonymisation_cannot_write_the_data_back(world, login):
    from .factories import version_in_form

    old = closed_file(world, world.menen, D(2012, 6, 30), counsellor=world.alice)
    http = login(world.hilde)
    edit = reverse("clients:edit", args=[old.pk])
    opened = version_in_form(http, edit)
    retention.run(TODAY)
    response = http.post(edit, {"national_number": "85.07.30-033.28", "first_name": "Karim", "last_name": "El Idrissi",
                                "phone": "0470 11 22 33", "status": "afgesloten", "version": opened})
    assert response.status_code == 403  # an anonymised file is read-only for everyone
    old.refresh_from_db()
    assert old.first_name == "Geanonimiseerd" and old.phone == ""
    page = http.get(reverse("clients:detail", args=[old.pk])).content.decode()
    assert reverse("clients:edit", args=[old.pk]) not in page
