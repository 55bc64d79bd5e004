"""Issue 18 (first part): the activeringstraject (werk-zorg since 1 July 2023) lasts 3 to 18 months
and can be extended with a reason; the 15/17-month reminders follow the extension; a nazorg's
check-ins count from the day the job started. Boundary days included."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError

from reminders.engine import Settings, nazorg_check_in, werk_zorg_limit
from trajectories import rules, services
from trajectories.models import Trajectory
from trajectories.rules import TrajectoryType

D = datetime.date


@pytest.mark.parametrize(("start", "planned_end", "refused"), [
    (D(2026, 1, 15), D(2026, 4, 14), False),  # exactly 3 months
    (D(2026, 1, 15), D(2026, 4, 13), True),  # a day short
    (D(2026, 1, 31), D(2026, 4, 29), False),  # the 30th of April does exist: the day before it
    (D(2026, 1, 15), D(2026, 2, 14), True),  # the one-month werk-zorg the probe found
    (D(2023, 6, 1), D(2023, 7, 1), False),  # referred before 1 July 2023: the old rules, no minimum
])
def test_an_activeringstraject_is_planned_for_at_least_three_months(start, planned_end, refused):
    errors = rules.check_dates(TrajectoryType.WERK_ZORG, start, planned_end=planned_end)
    assert ("planned_end_date" in errors) is refused
    if refused:
        assert "minstens 3 maanden" in errors["planned_end_date"]


def test_the_referral_date_decides_which_rules_hold():
    # Started after 1 July 2023 but decided by VDAB before it: the old rules.
    assert not rules.check_dates(TrajectoryType.WERK_ZORG, D(2023, 7, 10), planned_end=D(2023, 8, 10),
                                 referred_on=D(2023, 6, 20))
    assert rules.check_dates(TrajectoryType.WERK_ZORG, D(2023, 7, 10), planned_end=D(2023, 8, 10),
                             referred_on=D(2023, 7, 1))


def test_a_stopped_activeringstraject_may_end_before_three_months():
    assert not rules.check_dates(TrajectoryType.WERK_ZORG, D(2026, 1, 15), end=D(2026, 2, 1),
                                 planned_end=D(2027, 7, 14))


@pytest.mark.parametrize(("extended_to", "end", "field"), [
    (D(2027, 7, 14), None, "extended_to"),  # not beyond the 18 months (last day 14/07/2027)
    (D(2027, 10, 31), D(2027, 11, 1), "end_date"),  # an end after the extension
    (D(2027, 10, 31), D(2027, 10, 31), None),
])
def test_an_extension_goes_beyond_eighteen_months_and_bounds_the_end(extended_to, end, field):
    errors = rules.check_dates(TrajectoryType.WERK_ZORG, D(2026, 1, 15), end=end, extended_to=extended_to)
    assert (field in errors) if field else not errors


def test_fields_of_one_type_belong_to_that_type():
    assert "vdab_decided_on" in rules.check_werk_zorg(TrajectoryType.TWE, None, "", D(2026, 1, 1), None)
    assert "job_start" in rules.check_werk_zorg(TrajectoryType.TWE, None, "", None, D(2026, 1, 1))
    assert "extended_to" in rules.check_werk_zorg(TrajectoryType.WERK_ZORG, None, "Opname", None, None)
    assert not rules.check_werk_zorg(TrajectoryType.WERK_ZORG, D(2027, 12, 1), "", D(2026, 1, 1), None)


def setting(*months):
    return Settings(enabled=True, days=None, months=months)


def row(**values):
    base = {"pk": 1, "client_id": 1, "start_date": D(2026, 1, 15), "planned_end_date": None,
            "next_evaluation_date": None, "extended_to": None, "job_start": None}
    return {**base, **values}


class Rows(list):
    """Stands in for the trajectories queryset the engine filters: these rows, as given."""

    def filter(self, **kwargs):
        return self

    def values(self, *fields):
        return self


def test_the_werk_zorg_reminders_follow_an_extension():
    plain = werk_zorg_limit(Rows([row()]), D(2027, 7, 1), setting(15, 17))
    assert [due.due_date for due in plain] == [D(2027, 4, 15), D(2027, 6, 15)]
    extended = werk_zorg_limit(Rows([row(extended_to=D(2027, 12, 31))]), D(2027, 12, 1), setting(15, 17))
    # 3 and 1 months before the extended end, instead of at 15 and 17 months.
    assert [(due.due_date, due.detail) for due in extended] == [
        (D(2027, 9, 30), "verlengd:2027-12-31:3"), (D(2027, 11, 30), "verlengd:2027-12-31:1")]
    assert werk_zorg_limit(Rows([row(extended_to=D(2027, 12, 31))]), D(2027, 9, 29), setting(15, 17)) == []


def test_nazorg_check_ins_count_from_the_job_start():
    nazorg = row(start_date=D(2026, 1, 5), job_start=D(2026, 2, 16), planned_end_date=D(2026, 12, 31))
    dues = nazorg_check_in(Rows([nazorg]), D(2026, 8, 16), setting(1, 3, 6))
    assert [due.due_date for due in dues] == [D(2026, 3, 16), D(2026, 5, 16), D(2026, 8, 16)]
    without = nazorg_check_in(Rows([row(start_date=D(2026, 1, 5), planned_end_date=D(2026, 12, 31))]),
                              D(2026, 2, 4), setting(1, 3, 6))
    assert without == []  # counted from the nazorg's start: the first check-in is on 5 February


@pytest.mark.django_db
def test_the_model_refuses_a_one_month_activeringstraject(world):
    with pytest.raises(ValidationError) as refused:
        services.trajectory_register(client=world.client, by=world.alice, type="werk_zorg",
                                     start_date=D(2026, 1, 15), planned_end_date=D(2026, 2, 14))
    assert "planned_end_date" in refused.value.message_dict
    assert not Trajectory.objects.of_client(world.client).filter(type="werk_zorg").exists()


@pytest.mark.django_db
def test_the_counsellor_extends_an_activeringstraject_with_its_reason(world, login):
    from django.urls import reverse

    today = datetime.date.today()
    werk_zorg = services.trajectory_register(client=world.client, by=world.alice, type="werk_zorg",
                                             start_date=today - datetime.timedelta(days=500), start=True,
                                             vdab_decided_on=today - datetime.timedelta(days=510))
    url = reverse("trajectories:edit", args=[world.client.pk, werk_zorg.pk])
    later = rules.werk_zorg_last_day(werk_zorg.start_date) + datetime.timedelta(days=90)
    data = {"planned_end_date": later.strftime("%d/%m/%Y"), "vdab_decided_on": werk_zorg.vdab_decided_on.strftime(
        "%d/%m/%Y"), "extended_to": later.strftime("%d/%m/%Y")}
    http = login(world.alice)
    form = http.get(url).context["form"]
    data["version"] = form.fields["version"].prepare_value(form["version"].value())
    refused = http.post(url, data)
    assert refused.status_code == 422 and "Waarom werd het activeringstraject verlengd?" in refused.content.decode()
    assert http.post(url, {**data, "extension_reason": "Opname in het PZ"}).status_code == 302
    werk_zorg.refresh_from_db()
    assert (werk_zorg.extended_to, werk_zorg.planned_end_date) == (later, later)
    page = http.get(reverse("trajectories:detail", args=[world.client.pk, werk_zorg.pk])).content.decode()
    assert "Verlengd tot" in page and "Opname in het PZ" in page


@pytest.mark.django_db
def test_an_extension_closes_the_old_limit_reminders_and_its_own_come_before_the_new_end(world):
    """The 15/17-month reminders of the 18-month limit close by themselves, in the same transaction,
    when the activeringstraject is extended; 3 and 1 months before the new end, new ones come."""
    from reminders.engine import evaluate
    from reminders.models import Reminder

    today = datetime.date.today()
    start = today - datetime.timedelta(days=16 * 31)
    werk_zorg = services.trajectory_register(client=world.client, by=world.alice, type="werk_zorg",
                                             start_date=start, start=True, vdab_decided_on=start)
    evaluate(today)
    limit = Reminder.objects.of_organisation(world.menen).filter(rule="werk_zorg_grens", trajectory=werk_zorg)
    assert [(r.detail, r.status) for r in limit] == [("15", "open")]
    extended_to = rules.werk_zorg_last_day(start) + datetime.timedelta(days=120)
    services.trajectory_update(trajectory=werk_zorg, extended_to=extended_to, planned_end_date=extended_to,
                               extension_reason="Opname in het PZ")
    assert [(r.detail, r.status, r.closed_by_itself) for r in limit.all()] == [("15", "afgehandeld", True)]
    later = extended_to - datetime.timedelta(days=60)
    evaluate(later)
    assert [(r.due_date, r.detail) for r in limit.filter(status="open")] == [
        (extended_to - relativedelta(months=3), f"verlengd:{extended_to.isoformat()}:3")]
