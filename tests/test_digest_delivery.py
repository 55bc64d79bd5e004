"""The daily digest at least once and never twice (reminders.digest), without a worker: claims that
expire and are taken over, the Message-ID fixed at the claim and reused on a resend, earlier days'
digests sent later. tests/test_digest_faults.py kills real workers."""

import datetime
import threading

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from reminders import digest, faults
from reminders.apps import retry_unsent_digests
from reminders.models import Digest, Reminder

from .conftest import require_service
from .test_reminders import reminder

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
YESTERDAY = TODAY - datetime.timedelta(days=1)
LEASE = 60


@pytest.fixture(autouse=True)
def lease(settings):
    settings.REMINDERS_DIGEST_LEASE_SECONDS = LEASE


def claimed(world, day=TODAY, expired=True, person=None):
    """A digest claimed with its reminder by a worker that then died (before sending)."""
    person = person or world.alice
    item = reminder(world, person)
    claim = digest._claim(person, day, [item.pk])
    if expired:
        Digest.objects.filter(pk=claim.pk).update(claimed_at=timezone.now() - datetime.timedelta(seconds=LEASE + 1))
    return Digest.objects.get(pk=claim.pk), item


def message_ids():
    return [message.message()["Message-ID"] for message in mail.outbox]


class Killed(BaseException):
    """SIGKILL, as far as the code can tell: nothing after it runs."""


def test_the_claim_commits_the_reminders_and_the_message_id_together(world):
    claim, item = claimed(world, expired=False)
    assert claim.message_id.startswith("<") and claim.message_id.endswith(">") and claim.attempts == 1
    assert list(claim.reminders.all()) == [item] and claim.sent_at is None


def test_an_expired_claim_is_taken_over_and_sent_once(world):
    claim, item = claimed(world)
    assert digest.send_digests() == 1
    assert digest.send_digests() == 0 and digest.send_digests(TODAY) == 0
    assert [message.to for message in mail.outbox] == [[world.alice.email]]
    assert f"/clienten/{world.client.pk}/" in mail.outbox[0].body
    claim.refresh_from_db()
    assert claim.sent_at is not None and claim.attempts == 2
    assert message_ids() == [claim.message_id]


def test_an_unexpired_claim_is_left_alone(world):
    claim, _item = claimed(world, expired=False)
    assert digest.send_digests(TODAY) == 0 and digest.send_digests() == 0
    assert mail.outbox == []
    claim.refresh_from_db()
    assert claim.sent_at is None and claim.attempts == 1


def test_of_two_runs_only_one_takes_the_claim_over(world):
    claim, _item = claimed(world)
    assert digest._take_over(claim.pk) is not None
    assert digest._take_over(claim.pk) is None  # the second run finds a fresh claim
    assert Digest.objects.get(pk=claim.pk).attempts == 2


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_never_both_send(world):
    require_service(connection.vendor == "postgresql", "a PostgreSQL DATABASE_URL (row locks between connections)")
    claims = [claimed(world, person=person)[0] for person in (world.alice, world.bob)]
    start, results, failures = threading.Barrier(4), [], []

    def run():
        try:
            start.wait()
            results.append(digest.send_digests(TODAY))
        except Exception as error:  # noqa: BLE001 (reported by the assertion below)
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == [] and sum(results) == 2
    assert sorted(message.to[0] for message in mail.outbox) == sorted([world.alice.email, world.bob.email])
    assert Digest.objects.filter(pk__in=[claim.pk for claim in claims], sent_at__isnull=False).count() == 2


def test_the_message_id_is_stored_before_the_send_and_reused_on_a_resend(world, monkeypatch):
    reminder(world, world.alice)
    seen = []
    real_send = digest._send

    def send_then_die(user, reminders, day, message_id):
        seen.append((message_id, Digest.objects.get(recipient=user, day=day).message_id))
        real_send(user, reminders, day, message_id)  # the mail server accepts it ...

    def killed_before_sent_at(point):
        if point == "sent":
            raise Killed  # ... and the worker dies before sent_at is committed

    monkeypatch.setattr(digest, "_send", send_then_die)
    monkeypatch.setattr(faults, "pause", killed_before_sent_at)
    with pytest.raises(Killed):
        digest.send_digests(TODAY)
    monkeypatch.undo()
    stored = Digest.objects.get()
    assert seen == [(stored.message_id, stored.message_id)] and stored.sent_at is None
    assert digest.send_digests() == 0  # the claim has not expired yet
    Digest.objects.update(claimed_at=timezone.now() - datetime.timedelta(seconds=LEASE + 1))
    assert digest.send_digests() == 1
    # The window left: handed over twice, with the same Message-ID, which mail systems de-duplicate.
    assert message_ids() == [stored.message_id, stored.message_id]
    assert mail.outbox[0].body == mail.outbox[1].body
    assert Digest.objects.get().sent_at is not None


def test_a_failed_send_gives_the_claim_back_with_its_message_id(world, monkeypatch):
    reminder(world, world.alice)

    def refused(*args, **kwargs):
        raise ConnectionError("mail server down")

    monkeypatch.setattr(digest, "_send", refused)
    with pytest.raises(ConnectionError):
        digest.send_digests(TODAY)
    monkeypatch.undo()
    given_back = Digest.objects.get()
    assert given_back.claimed_at is None and given_back.sent_at is None
    assert digest.send_digests() == 1  # taken over at once, no lease to wait for
    assert message_ids() == [given_back.message_id]


def test_a_failed_send_does_not_hold_back_the_others(world, monkeypatch):
    reminder(world, world.alice)
    reminder(world, world.bob)
    real_send = digest._send

    def refused_for_alice(user, *args):
        if user == world.alice:
            raise ConnectionError("mailbox unavailable")
        real_send(user, *args)

    monkeypatch.setattr(digest, "_send", refused_for_alice)
    with pytest.raises(ConnectionError):
        digest.send_digests(TODAY)
    assert [message.to for message in mail.outbox] == [[world.bob.email]]


def test_yesterdays_unsent_digest_is_sent_today_with_its_reminders(world):
    claim, item = claimed(world, day=YESTERDAY)
    later = reminder(world, world.bob)
    assert digest.send_digests(TODAY) == 2
    by_person = {message.to[0]: message for message in mail.outbox}
    assert f"/clienten/{world.client.pk}/" in by_person[world.alice.email].body
    claim.refresh_from_db()
    assert claim.sent_at is not None and list(claim.reminders.all()) == [item]
    assert not Digest.objects.filter(recipient=world.alice, day=TODAY).exists()
    assert Reminder.objects.get(pk=later.pk).digest.day == TODAY


def test_a_claim_of_before_the_lease_gets_its_waiting_reminders_when_taken_over(world):
    """A row left by the old code: claimed, no Message-ID, its reminders never attached."""
    item = reminder(world, world.alice)
    old = Digest.objects.create(recipient=world.alice, day=YESTERDAY,
                                claimed_at=timezone.now() - datetime.timedelta(days=1))
    assert digest.send_digests() == 1
    old.refresh_from_db()
    assert old.message_id and old.sent_at and list(old.reminders.all()) == [item]
    assert message_ids() == [old.message_id]


def test_a_worker_that_starts_and_beat_every_ten_minutes_retry(world):
    entry = django_settings.CELERY_BEAT_SCHEDULE["retry-unsent-digests"]
    assert entry["task"] == "reminders.tasks.send_digests" and "args" not in entry
    assert entry["schedule"] == datetime.timedelta(minutes=10)
    from celery.signals import worker_ready

    assert retry_unsent_digests in [receiver() for _key, receiver in worker_ready.receivers]
    claimed(world)
    retry_unsent_digests()  # the tests run tasks in-process
    assert [message.to for message in mail.outbox] == [[world.alice.email]]
