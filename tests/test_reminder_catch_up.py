"""The daily scan catches up the days it missed (beat down or recreated after the scan time, an outage):
every day after the last one scanned, in order, at most CATCH_UP_DAYS; the hourly trigger scans only when
today's scan is missing. Skipping days and catching up makes the same reminders as scanning every day,
and a day scanned twice makes none twice. Days are passed explicitly (the test clock runs at noon of
today, tests/conftest.py)."""

import datetime

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail

from employers.models import Agreement
from gpmi import services as gpmi_services
from groupmodules import services as module_services
from groupmodules.models import Edition, Module, Session
from leefloon import services as leefloon_services
from reminders import engine, tasks
from reminders.models import Reminder, ReminderScan, Rule, RuleSetting
from trajectories import services
from trajectories.rules import nazorg_default_end

from .factories import ClientFactory, running_twe

pytestmark = pytest.mark.django_db
D = datetime.date
LAST_SCAN = D(2026, 3, 1)  # the last day scanned before the gap
CAUGHT_UP = D(2026, 3, 21)  # the day of the next run: 19 days missed in between


def days(n):
    return datetime.timedelta(days=n)


def day_range(first, last):
    return [first + days(n) for n in range((last - first).days + 1)]


def scanned_days():
    return list(ReminderScan.objects.values_list("day", flat=True))


@pytest.fixture
def evaluated(monkeypatch):
    """The days engine.evaluate is called for, in order (the rules themselves do not run)."""
    calls = []

    def record(day):
        calls.append(day)
        ReminderScan.objects.update_or_create(day=day)
        return {rule: 0 for rule in Rule}

    monkeypatch.setattr(engine, "evaluate", record)
    return calls


class TestWhichDays:
    def test_every_missed_day_in_order_then_today(self, world, evaluated):
        ReminderScan.objects.create(day=CAUGHT_UP - days(5))
        engine.catch_up(CAUGHT_UP)
        assert evaluated == day_range(CAUGHT_UP - days(4), CAUGHT_UP)

    def test_no_more_than_the_bound(self, world, evaluated):
        ReminderScan.objects.create(day=CAUGHT_UP - days(100))
        engine.catch_up(CAUGHT_UP)
        assert len(evaluated) == engine.CATCH_UP_DAYS == 31
        assert evaluated == day_range(CAUGHT_UP - days(30), CAUGHT_UP)

    def test_a_fresh_install_scans_only_today(self, world, evaluated):
        engine.catch_up(CAUGHT_UP)
        assert evaluated == [CAUGHT_UP]

    def test_after_yesterdays_scan_only_today_and_today_again_when_asked(self, world, evaluated):
        ReminderScan.objects.create(day=CAUGHT_UP - days(1))
        engine.catch_up(CAUGHT_UP)
        engine.catch_up(CAUGHT_UP)
        assert evaluated == [CAUGHT_UP, CAUGHT_UP]

    def test_a_later_scan_does_not_hide_the_missed_days_before_it(self, world, evaluated):
        """A day evaluated ahead by hand (send_reminders --today) is not the last scan before today."""
        ReminderScan.objects.create(day=CAUGHT_UP - days(3))
        ReminderScan.objects.create(day=CAUGHT_UP + days(10))
        engine.catch_up(CAUGHT_UP)
        assert evaluated == day_range(CAUGHT_UP - days(2), CAUGHT_UP)

    def test_a_run_that_fails_halfway_goes_on_where_it_stopped(self, world, monkeypatch):
        ReminderScan.objects.create(day=CAUGHT_UP - days(5))
        real, calls = engine.evaluate, []

        def failing_on_the_third(day):
            calls.append(day)
            if calls == day_range(CAUGHT_UP - days(4), CAUGHT_UP - days(2)):
                raise ConnectionError("database gone")
            return real(day)

        monkeypatch.setattr(engine, "evaluate", failing_on_the_third)
        with pytest.raises(ConnectionError):
            engine.catch_up(CAUGHT_UP)
        assert scanned_days() == day_range(CAUGHT_UP - days(5), CAUGHT_UP - days(3))
        calls.clear()
        engine.catch_up(CAUGHT_UP)  # the retry
        assert calls == day_range(CAUGHT_UP - days(2), CAUGHT_UP)
        assert scanned_days() == day_range(CAUGHT_UP - days(5), CAUGHT_UP)

    def test_the_real_evaluation_records_each_day(self, world):
        ReminderScan.objects.create(day=CAUGHT_UP - days(3))
        engine.catch_up(CAUGHT_UP)
        assert scanned_days() == day_range(CAUGHT_UP - days(3), CAUGHT_UP)


class TestTask:
    def test_the_daily_task_catches_up_then_sends_todays_digest(self, world):
        """alice's TWE has had no contact since its start: the missed days' reminder is in today's digest."""
        today = world.trajectory.start_date + days(35)
        ReminderScan.objects.create(day=today - days(10))
        totals = tasks.evaluate_reminders(today.isoformat())
        assert totals[str(Rule.NO_CONTACT)] == 1
        assert scanned_days() == day_range(today - days(10), today)
        assert Reminder.objects.get(rule=Rule.NO_CONTACT).due_date == world.trajectory.start_date + days(30)
        assert [message.to for message in mail.outbox] == [[world.alice.email]]

    def test_the_hourly_trigger_does_nothing_when_today_is_done(self, world, monkeypatch):
        today = world.trajectory.start_date + days(35)
        ReminderScan.objects.create(day=today)

        def not_again(day):
            raise AssertionError("scanned again")

        monkeypatch.setattr(engine, "catch_up", not_again)
        assert tasks.evaluate_reminders(today.isoformat(), only_if_missing=True) is None
        assert not Reminder.objects.exists() and not mail.outbox

    def test_the_hourly_trigger_scans_when_today_is_missing(self, world):
        today = world.trajectory.start_date + days(35)
        ReminderScan.objects.create(day=today - days(2))
        totals = tasks.evaluate_reminders(today.isoformat(), only_if_missing=True)
        assert totals[str(Rule.NO_CONTACT)] == 1
        assert scanned_days() == day_range(today - days(2), today)
        assert len(mail.outbox) == 1
        assert tasks.evaluate_reminders(today.isoformat(), only_if_missing=True) is None  # once is enough

    def test_beat_has_the_hourly_trigger_after_the_morning_scan(self):
        entry = settings.CELERY_BEAT_SCHEDULE["evaluate-reminders-if-missed"]
        assert entry["task"] == "reminders.tasks.evaluate_reminders"
        assert entry["kwargs"] == {"only_if_missing": True}
        daily = settings.CELERY_BEAT_SCHEDULE["evaluate-reminders-daily"]["schedule"]
        if isinstance(daily, crontab):  # not the integration test's every few seconds
            assert entry["schedule"] == crontab(hour=f"{min(daily.hour) + 1}-23", minute=30)


class EveryRule:
    """A data set in which every rule finds something between LAST_SCAN and CAUGHT_UP, built through the
    services. The two rules with a window that ends on the event (a TWE and an agreement ending) look
    only 5 days ahead here, so their whole window falls in the gap: a run that only scans CAUGHT_UP
    would never see them."""

    def __init__(self, world):
        self.world = world
        world.trajectory.delete()  # its dates follow the real today
        menen, alice = world.menen, world.alice
        RuleSetting.objects.create(organisation=menen, rule=Rule.TWE_ENDING, days=5)
        RuleSetting.objects.create(organisation=menen, rule=Rule.AGREEMENT_ENDING, days=5)
        # 1 TWE ending (10/03, shown from 05/03); from 11/03 also 4 (its planned end passed)
        running_twe(self.client(), alice, world.employer, start=D(2025, 6, 1), planned_end_date=D(2026, 3, 10))
        # 2 werk-zorg reaches 15 months on 10/03 (also the ladder: followed far from work, never measured)
        self.register("werk_zorg", D(2024, 12, 10))
        # 3 no contact since the start on 10/02: due 12/03; 4 its planned end 15/03 passes
        self.register("opleiding", D(2026, 2, 10), planned_end_date=D(2026, 3, 15))
        # 5 nazorg check-in 1 month after the job started on 08/02
        twe = running_twe(self.client(), alice, world.employer, start=D(2025, 1, 6))
        services.trajectory_transition(trajectory=twe, action="close", by=alice, outcome="werk", date=D(2026, 2, 8))
        services.trajectory_register(client=twe.client, by=alice, type="nazorg", start_date=D(2026, 2, 8), follows=twe,
                                     start=True, planned_end_date=nazorg_default_end(D(2026, 2, 8)))
        # 6 AMA yearly evaluation on 25/03, 14 days ahead: from 11/03
        self.register("ama", D(2025, 3, 25))
        # 7 the agreement ends on 14/03 (shown from 09/03)
        Agreement.objects.create(employer=world.employer, start_date=D(2025, 1, 1), end_date=D(2026, 3, 14))
        # 8 GPMI due 15/04 (3 months after the decision), 30 days ahead: from 16/03
        leefloon_services.decision_record(client=self.client(), decided_on=D(2026, 1, 15), start_date=D(2026, 1, 15))
        # 9 GPMI evaluation due 20/03 (4 months after the signing), 14 days ahead: from 06/03
        gpmi = gpmi_services.gpmi_draw_up(client=self.client(), by=alice)
        gpmi_services.gpmi_sign(gpmi, signed_on=D(2025, 11, 20))
        # 10 a TWE without a workplace since 05/02: due 07/03
        self.register("twe", D(2026, 2, 5))
        # 11 the ladder at intake: a voortraject since 08/02, due 10/03
        self.register("voortraject", D(2026, 2, 8))
        # 12 absent without notice at the sessions of 10/03 and 17/03 (present on 03/03)
        module = Module.objects.create(organisation=menen, title="Sterk in je vel", kind="workshop")
        edition = Edition.objects.create(module=module, name="Voorjaar", start_date=D(2026, 3, 1))
        enrolment = module_services.enrol(client=self.client(), edition=edition, by=alice, on=D(2026, 3, 1))
        for date, presence in ((D(2026, 3, 3), "aanwezig"), (D(2026, 3, 10), "onverwittigd"),
                               (D(2026, 3, 17), "onverwittigd")):
            session = Session.objects.create(edition=edition, date=date)
            module_services.attendance_mark(session=session, enrolment=enrolment, presence=presence, by=alice)

    def client(self):
        return ClientFactory(organisation=self.world.menen, counsellor=self.world.alice)

    def register(self, type, start, **fields):
        return services.trajectory_register(client=self.client(), by=self.world.alice, type=type, start_date=start,
                                            start=True, **fields)

    @staticmethod
    def reminders():
        return sorted(Reminder.objects.values_list("rule", "subject", "due_date", "detail", "status",
                                                   "closed_by_itself"))

    @staticmethod
    def forget():
        """Back to the state before the first scan: no reminders, no scans."""
        Reminder.objects.all().delete()
        ReminderScan.objects.all().delete()


class TestEquivalence:
    def test_skipping_days_and_catching_up_makes_what_scanning_every_day_makes(self, world):
        data = EveryRule(world)
        for day in day_range(LAST_SCAN, CAUGHT_UP):
            engine.evaluate(day)
        every_day = data.reminders()
        assert {row[0] for row in every_day} == set(Rule)  # the data set covers every rule

        data.forget()
        engine.evaluate(LAST_SCAN)
        engine.catch_up(CAUGHT_UP)
        assert data.reminders() == every_day
        assert scanned_days() == day_range(LAST_SCAN, CAUGHT_UP)

        # Without the catch-up the two window rules lose theirs: this is what it prevents.
        data.forget()
        engine.evaluate(LAST_SCAN)
        engine.evaluate(CAUGHT_UP)
        lost = {row[0] for row in set(every_day) - set(data.reminders())}
        assert lost == {Rule.TWE_ENDING, Rule.AGREEMENT_ENDING}

    def test_a_day_scanned_twice_makes_nothing_twice(self, world):
        data = EveryRule(world)
        before_the_gap = sum(engine.evaluate(LAST_SCAN).values())
        in_the_gap = engine.catch_up(CAUGHT_UP)
        assert {rule for rule, count in in_the_gap.items() if count} == set(Rule)
        assert before_the_gap + sum(in_the_gap.values()) == len(data.reminders())
        before = data.reminders()
        assert sum(engine.catch_up(CAUGHT_UP).values()) == 0  # today again
        for day in day_range(LAST_SCAN, CAUGHT_UP):  # and every day of the gap again
            assert sum(engine.evaluate(day).values()) == 0
        ReminderScan.objects.filter(day__gt=LAST_SCAN).delete()  # as if the scans were never recorded
        assert sum(engine.catch_up(CAUGHT_UP).values()) == 0
        assert data.reminders() == before


def test_the_forward_looking_rules_keep_a_window_not_an_exact_day(world):
    """A TWE or an agreement ending is found on every day of its window, not only on the day N days
    before the end: a scan one day late still finds it (the reminder is made once)."""
    world.trajectory.delete()
    twe = running_twe(world.client, world.alice, world.employer, start=D(2025, 6, 1), planned_end_date=D(2026, 6, 30))
    Agreement.objects.create(employer=world.employer, start_date=D(2025, 1, 1), end_date=D(2026, 6, 30))
    late = D(2026, 6, 30) - days(20)  # 30 and 60 days ahead were missed
    totals = engine.evaluate(late)
    assert (totals[Rule.TWE_ENDING], totals[Rule.AGREEMENT_ENDING]) == (1, 1)
    assert engine.evaluate(late + days(1))[Rule.TWE_ENDING] == 0
    assert Reminder.objects.get(rule=Rule.TWE_ENDING).subject == f"traject:{twe.pk}"
