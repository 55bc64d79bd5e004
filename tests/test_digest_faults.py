"""Fault campaign for the daily digest (reminders.digest): real Celery workers on Redis, killed with
SIGKILL at random moments of the reminder scan and of the digests, at least 20 times, then a clean
worker. Afterwards every reminder exists once, every digest was sent, and every person got exactly one
e-mail per day (one Message-ID) that lists all its reminders. Needs DATABASE_URL (PostgreSQL) and
REDIS_URL, like tests/test_celery_worker.py, whose fixtures and Worker it uses; CI runs it."""

import datetime
import random
import time
from collections import Counter, defaultdict

import pytest
import redis
from celery import Celery

from organisations.models import Role
from reminders.models import Digest, Reminder

from .factories import ClientFactory, UserFactory, running_twe
from .test_celery_worker import Worker, mail_messages, message_id, services_for_workers, wait_for  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

KILLS = 24  # one day each, with a new client for every counsellor


def text_of(message):
    part = next(part for part in message.walk() if part.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")


def test_digests_survive_workers_killed_at_random(services_for_workers, world, tmp_path):  # noqa: F811
    environment, mails = services_for_workers
    # Slow each digest down a little between its claim and its send (the window where digests were
    # lost), so that random kills land in the digests as well as in the scan.
    killable = {**environment, "REMINDERS_FAULT_PAUSE": "claimed:0.3"}
    counsellors = [world.alice, world.bob] + [
        UserFactory(email=f"consulent{n}@example.be", role=Role.COUNSELLOR, organisation=world.menen)
        for n in range(2)]
    broker = redis.Redis.from_url(environment["REDIS_URL"])
    producer = Celery("fault-campaign", broker=environment["REDIS_URL"])
    rng = random.Random()
    seed = rng.randrange(10**6)
    rng.seed(seed)
    today = datetime.date.today()
    kills, in_a_claim, started = 0, 0, time.monotonic()
    try:
        for kill in range(KILLS):
            day = today + datetime.timedelta(days=kill)
            for counsellor in counsellors:  # a file without any contact moment for 90 days: due
                running_twe(ClientFactory(organisation=world.menen, counsellor=counsellor), counsellor,
                            world.employer)
            log = tmp_path / f"worker-{kill}.log"
            worker = Worker(killable, log=log)
            try:
                producer.send_task("reminders.tasks.evaluate_reminders", args=[day.isoformat()])
                wait_for(lambda log=log: log.exists() and b" ready." in log.read_bytes(), seconds=60,
                         what="a worker starting")
                if kill % 2:  # at a random moment of whatever it does (the scan, the digests, the retries)
                    time.sleep(rng.uniform(0, 2.5))
                else:  # at a random moment after a digest was claimed: the window where digests were lost
                    try:
                        wait_for(lambda: Digest.objects.filter(sent_at__isnull=True, claimed_at__isnull=False)
                                 .exists(), seconds=6, what="a claim")
                        in_a_claim += 1
                    except AssertionError:
                        pass
                    time.sleep(rng.uniform(0, 0.3))
            finally:
                worker.kill()
            kills += 1
        # Claims left behind expire (lease 2 s), unacknowledged tasks come back (visibility 3 s).
        time.sleep(3)
        clean = Worker(environment, log=tmp_path / "worker-clean.log")
        try:
            wait_for(lambda: (broker.llen("celery") == 0 and broker.hlen("unacked") == 0
                              and not Digest.objects.filter(sent_at__isnull=True).exists()
                              and not Reminder.objects.filter(digest__isnull=True).exists()),
                     seconds=120, what="the clean worker")
            time.sleep(2)
        finally:
            clean.stop()
    finally:
        producer.close()

    reminders = list(Reminder.objects.select_related("digest"))
    digests = list(Digest.objects.prefetch_related("reminders").select_related("recipient"))
    messages = mail_messages(mails)
    by_person_day = defaultdict(list)
    for message in messages:
        by_person_day[message["To"].strip()].append(message)
    copies = Counter(message_id(message) for message in messages)
    print(f"\ndigest fault campaign (seed {seed}): {kills} kills ({in_a_claim} right after a claim) in "
          f"{time.monotonic() - started:.0f} s, "
          f"{len(reminders)} reminders, {len(digests)} digests "
          f"(taken over: {sum(digest.attempts > 1 for digest in digests)}), "
          f"{len(copies)} e-mails (Message-IDs), {len(messages)} copies handed to the mail backend")

    assert kills >= 20
    # Every reminder exactly once (rule, subject, due date), all of the day's clients reminded.
    assert len({(item.rule, item.subject, item.due_date) for item in reminders}) == len(reminders)
    assert {item.client_id for item in reminders} >= {
        pk for pk in world.menen.clients.filter(counsellor__in=counsellors).values_list("pk", flat=True)}
    # Every reminder in a digest that was sent; one digest per person and day (the constraint).
    assert all(item.digest_id and item.digest.sent_at for item in reminders)
    assert not Digest.objects.filter(sent_at__isnull=True).exists()
    # One e-mail per digest: one Message-ID, the digest's own, to its recipient, listing all its
    # reminders. (A kill between the mail server's acceptance and sent_at would show a second copy with
    # the same Message-ID, which mail systems de-duplicate.)
    assert set(copies) == {digest.message_id for digest in digests}
    for digest in digests:
        mine = [message for message in messages if message_id(message) == digest.message_id]
        assert {message["To"].strip() for message in mine} == {digest.recipient.email}
        body = text_of(mine[0])
        for item in digest.reminders.all():
            assert f"/clienten/{item.client_id}/" in body
        assert str(len(digest.reminders.all())) in mine[0]["Subject"]
    # Per person and day exactly one e-mail.
    per_person_day = Counter((digest.recipient.email, digest.day) for digest in digests)
    assert set(per_person_day.values()) == {1}
    assert sum(len(found) for found in by_person_day.values()) == len(messages)
