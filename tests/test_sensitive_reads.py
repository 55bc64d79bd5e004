"""Special-category data (medical and psychological barriers, a werk-zorg trajectory's care details,
a medical document, the subject-access file) is read through audit.sensitive.read_sensitive: only
the assigned counsellor and the head, and every page that shows it is in the access log, also a
page sent back with a refused form."""

import ast
import datetime
import pathlib

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from audit.models import AccessLog
from audit.sensitive import may_read_sensitive, read_sensitive
from common import personal_data
from trajectories import services
from trajectories.models import CareOrganisation

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
CARE = "Gesprek met de psychiater op dinsdag"
ROOT = pathlib.Path(__file__).resolve().parent.parent


def sensitive_reads(user):
    return list(AccessLog.objects.filter(user=user, action=AccessLog.Action.SENSITIVE_READ)
                .values_list("client", "detail"))


@pytest.fixture
def werk_zorg(world):
    care = CareOrganisation.objects.create(organisation=world.client.organisation, name="PZ Menen",
                                           kind=CareOrganisation.Kind.PSYCHIATRIC)
    return services.trajectory_register(client=world.client, by=world.alice, type="werk_zorg", start_date=TODAY,
                                        care_organisation=care, care_moments=CARE)


def test_read_sensitive_checks_then_logs(world):
    entry = read_sensitive(world.hilde, world.client, detail="medisch")
    assert (entry.user, entry.client, entry.action, entry.detail) == (
        world.hilde, world.client, AccessLog.Action.SENSITIVE_READ, "medisch")
    for refused in (world.bob, world.olga, world.sam):
        assert not may_read_sensitive(refused, world.client)
        with pytest.raises(PermissionDenied):
            read_sensitive(refused, world.client, detail="medisch")
    assert AccessLog.objects.count() == 1
    assert may_read_sensitive(world.alice, world.client)
    exported = read_sensitive(world.alice, world.client, detail="inzage (json)", export=True)
    assert exported.action == AccessLog.Action.EXPORTED


def test_the_edit_page_of_a_werk_zorg_shows_and_logs_its_care_details(world, login, werk_zorg):
    response = login(world.alice).get(reverse("trajectories:edit", args=[world.client.pk, werk_zorg.pk]))
    assert response.status_code == 200 and CARE in response.content.decode()
    assert sensitive_reads(world.alice) == [(world.client.pk, str(werk_zorg))]


def test_the_edit_page_sent_back_with_errors_logs_again(world, login, werk_zorg):
    from .factories import edit_version

    url = reverse("trajectories:edit", args=[world.client.pk, werk_zorg.pk])
    response = login(world.alice).post(url, {"planned_end_date": "nonsens", "care_moments": CARE,
                                             "version": edit_version(werk_zorg)})
    assert response.status_code == 422 and CARE in response.content.decode()
    assert sensitive_reads(world.alice) == [(world.client.pk, str(werk_zorg))]


def test_the_edit_page_of_another_trajectory_logs_nothing(world, login):
    url = reverse("trajectories:edit", args=[world.client.pk, world.trajectory.pk])
    assert login(world.alice).get(url).status_code == 200
    assert sensitive_reads(world.alice) == []


def test_a_colleague_sees_no_care_details_and_nothing_is_logged(world, login, werk_zorg):
    http = login(world.bob)
    page = http.get(reverse("trajectories:detail", args=[world.client.pk, werk_zorg.pk])).content.decode()
    assert "psychiater" not in page and "PZ Menen" not in page
    assert http.get(reverse("trajectories:edit", args=[world.client.pk, werk_zorg.pk])).status_code == 403
    assert sensitive_reads(world.bob) == []


@pytest.mark.parametrize("form, data", [
    ("goal_create", {"description": ""}),
    ("evaluation_create", {"date": "", "note": ""}),
    ("hours_step_create", {"from_date": "", "hours_per_week": ""}),
    ("placement_create", {"function": ""}),
])
def test_the_trajectory_page_sent_back_after_a_refused_form_logs_its_care_details(
        world, login, werk_zorg, form, data):
    response = login(world.alice).post(reverse(f"trajectories:{form}", args=[world.client.pk, werk_zorg.pk]), data)
    assert response.status_code == 422 and CARE in response.content.decode()
    assert sensitive_reads(world.alice) == [(world.client.pk, str(werk_zorg))]


def test_the_head_reads_the_care_details_and_each_page_is_logged(world, login, werk_zorg):
    http = login(world.hilde)
    http.get(reverse("trajectories:detail", args=[world.client.pk, werk_zorg.pk]))
    http.post(reverse("trajectories:goal_create", args=[world.client.pk, werk_zorg.pk]), {"description": ""})
    assert len(sensitive_reads(world.hilde)) == 2


def test_a_medical_barrier_form_sent_back_with_errors_logs_again(world, login):
    http = login(world.alice)
    url = reverse("clients:barrier_edit", args=[world.client.pk, world.barrier.pk])
    response = http.post(url, {"category": "", "description": world.barrier.description})
    assert response.status_code == 422 and world.barrier.description in response.content.decode()
    assert sensitive_reads(world.alice) == [(world.client.pk, "medisch")]


def test_the_subject_access_export_is_logged_once_as_an_export(world, login):
    login(world.alice).get(reverse("subject_access", args=[world.client.pk, "json"]))
    assert list(AccessLog.objects.values_list("action", "detail")) == [
        (AccessLog.Action.EXPORTED, "inzagerecht (json)")]


def test_each_app_with_personal_data_declares_it_in_a_privacy_module():
    modules = {module.__name__: module for module in personal_data.modules()}
    assert list(modules) == ["clients.privacy", "leefloon.privacy", "gpmi.privacy", "trajectories.privacy",
                             "groupmodules.privacy", "ladder.privacy", "documents.privacy", "reminders.privacy",
                             "audit.privacy"]
    assert not hasattr(modules["groupmodules.privacy"], "erase")  # no free text; the figures count it
    assert not hasattr(modules["audit.privacy"], "erase")  # the access log stays
    assert not hasattr(modules["reminders.privacy"], "export")


@pytest.mark.parametrize("path", ["clients/retention.py", "caseload/subject_access.py"])
def test_retention_and_subject_access_import_no_other_apps_models(path):
    own_app = path.split("/")[0]
    imported = set()
    for node in ast.walk(ast.parse((ROOT / path).read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
    projects_apps = {"organisations", "audit", "clients", "employers", "trajectories", "documents", "reminders",
                     "matching", "reporting", "caseload", "groupmodules", "ladder"} - {own_app}
    assert not {name for name in imported if name.split(".")[0] in projects_apps and "models" in name}
    assert not {name for name in imported if name.split(".")[0] in {"trajectories", "documents", "reminders"}}
