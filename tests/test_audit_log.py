"""The access log: every opening of a case file and every read of special-category details leaves
an entry; the diensthoofd reads them per client; nobody changes or removes them."""

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from audit.models import AccessLog, ImmutableLog

pytestmark = pytest.mark.django_db


def test_the_head_sees_who_opened_the_file_and_read_the_medical_details(world, login):
    login(world.alice).get(reverse("clients:detail", args=[world.client.pk]))
    login(world.alice).get(reverse("clients:barrier_details", args=[world.client.pk, world.barrier.pk]))
    login(world.bob).get(reverse("clients:detail", args=[world.client.pk]))
    login(world.bob).get(reverse("clients:barrier_details", args=[world.client.pk, world.barrier.pk]))  # 403
    http = login(world.hilde)
    page = http.get(reverse("clients:access_log", args=[world.client.pk]))
    entries = [(entry.user, entry.action) for entry in page.context["page"]]
    assert entries == [(world.bob, "geopend"), (world.alice, "gevoelig_gelezen"), (world.alice, "geopend")]
    text = page.content.decode()
    assert "Bob" in text and "las medische of psychische gegevens" in text.lower()
    only_sensitive = http.get(reverse("clients:access_log", args=[world.client.pk]), {"actie": "gevoelig_gelezen"})
    assert [entry.user for entry in only_sensitive.context["page"]] == [world.alice]
    assert AccessLog.objects.filter(client=world.client).count() == 3  # reading the log is not itself logged


def test_the_log_cannot_be_changed_or_removed(world, login):
    login(world.alice).get(reverse("clients:detail", args=[world.client.pk]))
    entry = AccessLog.objects.get()
    entry.detail = "gewist"
    with pytest.raises(ImmutableLog):
        entry.save()
    with pytest.raises(ImmutableLog):
        entry.delete()
    with pytest.raises(ImmutableLog):
        AccessLog.objects.filter(pk=entry.pk).update(detail="gewist")
    with pytest.raises(ImmutableLog):
        AccessLog.objects.all().delete()
    with pytest.raises(ImmutableLog):
        AccessLog.objects.purge_demo(world.menen)  # a real OCMW
    with pytest.raises(Exception, match="protected"):
        world.client.delete()  # a file with readers is anonymised, never deleted
    assert AccessLog.objects.get().detail == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database trigger exists on PostgreSQL")
def test_postgresql_refuses_changes_to_the_log_itself(world, login):
    login(world.alice).get(reverse("clients:detail", args=[world.client.pk]))
    for statement in ("UPDATE audit_accesslog SET detail = 'x'", "DELETE FROM audit_accesslog"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert AccessLog.objects.count() == 1


def test_the_access_log_page_takes_the_same_queries_for_few_or_many_entries(world, login):
    from django.test.utils import CaptureQueriesContext

    from audit.models import log_access

    http = login(world.hilde)
    url = reverse("clients:access_log", args=[world.client.pk])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert http.get(url).status_code == 200
        return len(queries)

    log_access(world.alice, world.client, AccessLog.Action.OPENED)
    few = count()
    for user in (world.bob, world.hilde, world.alice) * 10:
        log_access(user, world.client, AccessLog.Action.SENSITIVE_READ)
    assert count() == few
