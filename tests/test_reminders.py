import datetime
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from reminders import digest
from reminders.models import Digest, Reminder, Rule, RuleSetting

from .factories import ClientFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def reminder(world, counsellor, rule=Rule.NO_CONTACT, **fields):
    """A reminder about a client of `counsellor` (world.client for alice, a new client otherwise)."""
    client = world.client if counsellor == world.alice else ClientFactory(organisation=counsellor.organisation,
                                                                            counsellor=counsellor)
    data = {"organisation": counsellor.organisation, "rule": rule, "subject": f"client:{client.pk}",
            "client": client, "due_date": TODAY}
    data.update(fields)
    return Reminder.objects.create(**data)


def run(*args, **options):
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out, **options)
    return out.getvalue().strip().splitlines()


class TestCommand:
    def test_prints_per_rule_and_last_the_total_and_a_rerun_creates_nothing(self, world):
        services_day = world.trajectory.start_date + datetime.timedelta(days=31)
        first = run(today=services_day.isoformat())
        assert len(first) == len(Rule) + 1 and first[-1].startswith("aangemaakt: ")  # a line per rule, the total
        assert int(first[-1].split(": ")[1]) == Reminder.objects.count() > 0
        assert "al een tijd geen contactmoment: 1" in first
        assert run(today=services_day.isoformat())[-1] == "aangemaakt: 0"

    def test_refuses_a_bad_date(self, world):
        with pytest.raises(CommandError, match="JJJJ-MM-DD"):
            run(today="31/12/2026")

    def test_queues_the_digest_once(self, world):
        day = (world.trajectory.start_date + datetime.timedelta(days=31)).isoformat()
        run(today=day)
        run(today=day)
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == [world.alice.email]
        assert mail.outbox[0].subject == "Opvolging: 1 nieuwe herinnering"


class TestDigest:
    def test_one_e_mail_per_person_html_and_text_with_links(self, world):
        reminder(world, world.alice)
        reminder(world, world.alice, rule=Rule.END_PASSED, subject=f"traject:{world.trajectory.pk}",
                 trajectory=world.trajectory)
        Reminder.objects.create(organisation=world.menen, rule=Rule.AGREEMENT_ENDING, subject="overeenkomst:1",
                                due_date=TODAY, detail="2026-12-31",
                                agreement=world.employer.agreements.create(start_date=TODAY, end_date=TODAY))
        assert digest.send_digests(TODAY) == 2
        by_person = {message.to[0]: message for message in mail.outbox}
        alice = by_person[world.alice.email]
        assert f"/clienten/{world.client.pk}/" in alice.body
        html = alice.alternatives[0][0]
        assert "Fatima B." in html and "geplande einddatum voorbij" in html
        assert "Benali" not in alice.body + html  # first name and initial only in an e-mail
        assert world.employer.name in by_person[world.hilde.email].body  # the agreement: for the head

    def test_a_failed_send_is_sent_by_the_retry(self, world, monkeypatch):
        reminder(world, world.alice)

        def broken(*args, **kwargs):
            raise ConnectionError("mail server down")

        monkeypatch.setattr(digest, "_send", broken)
        with pytest.raises(ConnectionError):
            digest.send_digests(TODAY)
        monkeypatch.undo()
        assert digest.send_digests(TODAY) == 1 and len(mail.outbox) == 1

    def test_a_reassigned_client_goes_to_the_new_counsellor_and_never_to_a_schepen(self, world):
        item = reminder(world, world.alice)
        world.client.counsellor = world.bob
        world.client.save()
        assert list(Reminder.objects.visible_to(world.bob)) == [item]
        assert not Reminder.objects.visible_to(world.alice).exists()
        world.bob.role = "schepen"
        world.bob.save()
        digest.send_digests(TODAY)
        assert [message.to for message in mail.outbox] == [[world.hilde.email]]

    def test_a_file_without_counsellor_is_the_heads_in_the_app_as_in_the_e_mail(self, world):
        """An imported file has no counsellor until the head assigns one: its reminders are hers."""
        item = reminder(world, world.alice)
        world.client.counsellor = None
        world.client.save()
        assert list(Reminder.objects.visible_to(world.hilde)) == [item]
        assert not Reminder.objects.visible_to(world.alice).exists()
        digest.send_digests(TODAY)
        assert [message.to for message in mail.outbox] == [[world.hilde.email]]

    def test_no_digest_when_nothing_is_new(self, world):
        reminder(world, world.alice)
        digest.send_digests(TODAY)
        assert digest.send_digests(TODAY) == 0
        assert digest.send_digests(TODAY + datetime.timedelta(days=1)) == 0
        assert len(mail.outbox) == 1

    def test_a_claimed_digest_is_never_sent_twice(self, world):
        reminder(world, world.alice)
        Digest.objects.create(recipient=world.alice, day=TODAY)  # another worker claimed it
        assert digest.send_digests(TODAY) == 0 and mail.outbox == []


class TestPage:
    def test_a_counsellor_sees_her_own_open_reminders_and_the_count(self, world, login):
        mine = reminder(world, world.alice)
        reminder(world, world.bob, subject="client:999")
        page = login(world.alice).get(reverse("reminders:list"))
        assert list(page.context["reminders"]) == [mine]
        assert page.context["open_reminder_count"] == 1

    def test_done_and_snooze(self, world, login):
        item = reminder(world, world.alice)
        http = login(world.alice)
        http.post(reverse("reminders:snooze", args=[item.pk]), {"until": (TODAY + datetime.timedelta(7)).strftime(
            "%d/%m/%Y")})
        item.refresh_from_db()
        assert (item.status, item.snoozed_until) == ("uitgesteld", TODAY + datetime.timedelta(7))
        assert list(http.get(reverse("reminders:list")).context["reminders"]) == []
        http.post(reverse("reminders:done", args=[item.pk]))
        item.refresh_from_db()
        assert (item.status, item.handled_by) == ("afgehandeld", world.alice)

    def test_snoozing_into_the_past_is_refused_in_dutch(self, world, login):
        item = reminder(world, world.alice)
        response = login(world.alice).post(reverse("reminders:snooze", args=[item.pk]),
                                           {"until": TODAY.strftime("%d/%m/%Y")}, follow=True)
        assert "na vandaag" in response.content.decode()
        item.refresh_from_db()
        assert item.status == "open"

    def test_someone_elses_reminder_is_404_and_schepen_403(self, world, login):
        item = reminder(world, world.bob)
        assert login(world.alice).post(reverse("reminders:done", args=[item.pk])).status_code == 404
        assert login(world.olga).post(reverse("reminders:done", args=[item.pk])).status_code == 404
        for user in (world.sam, world.bea, world.rita):
            assert login(user).get(reverse("reminders:list")).status_code == 403

    def test_the_list_has_a_fixed_number_of_queries(self, world, login):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        http = login(world.alice)
        reminder(world, world.alice)

        def count():
            with CaptureQueriesContext(connection) as context:
                http.get(reverse("reminders:list"))
            return len(context)

        few = count()
        agreement = world.employer.agreements.create(start_date=TODAY, end_date=TODAY)
        http = login(world.hilde)  # the head sees the agreement reminders and her team's
        few = count()
        for n in range(10):
            reminder(world, world.alice, rule=Rule.END_PASSED, subject=f"traject:{world.trajectory.pk}",
                     trajectory=world.trajectory, due_date=TODAY - datetime.timedelta(days=n))
            Reminder.objects.create(organisation=world.menen, rule=Rule.AGREEMENT_ENDING, agreement=agreement,
                                    due_date=TODAY - datetime.timedelta(days=n), subject=f"overeenkomst:{agreement.pk}")
        assert count() == few


class TestRuleSettings:
    def test_the_administrator_sets_the_rules(self, world, login):
        data = {}
        for rule in Rule:
            data[f"{rule.value}-enabled"] = "on"
            data[f"{rule.value}-days"] = "45"
            data[f"{rule.value}-months"] = "14,16"
        del data[f"{Rule.END_PASSED.value}-enabled"]
        response = login(world.bea).post(reverse("reminders:settings"), data)
        assert response.status_code == 302
        assert RuleSetting.objects.get(organisation=world.menen, rule=Rule.NO_CONTACT).days == 45
        assert RuleSetting.objects.get(organisation=world.menen, rule=Rule.WERK_ZORG_LIMIT).months == "14,16"
        assert RuleSetting.objects.get(organisation=world.menen, rule=Rule.END_PASSED).enabled is False

    def test_bad_months_are_refused_in_dutch(self, world, login):
        data = {f"{rule.value}-{field}": value for rule in Rule
                for field, value in (("enabled", "on"), ("days", "30"), ("months", "15,17"))}
        data[f"{Rule.WERK_ZORG_LIMIT.value}-months"] = "vijftien"
        response = login(world.bea).post(reverse("reminders:settings"), data)
        assert response.status_code == 422
        assert "komma's" in response.content.decode()
        assert not RuleSetting.objects.exists()

    def test_only_the_administrator(self, world, login):
        assert login(world.hilde).get(reverse("reminders:settings")).status_code == 403
