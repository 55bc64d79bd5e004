"""Every trajectory rule of DOMAIN.md, and every allowed and refused lifecycle step."""

import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from trajectories import services
from trajectories.models import HoursStep, Trajectory
from trajectories.rules import TRANSITIONS, Outcome, Status, werk_zorg_last_day

from .factories import ClientFactory, EmployerFactory, UserFactory, running_twe

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = datetime.date.today()


@pytest.fixture
def case(db):
    client = ClientFactory(draagkracht_hours=16)
    counsellor = UserFactory(organisation=client.organisation)
    client.counsellor = counsellor
    client.save()
    return client, counsellor, EmployerFactory(organisation=client.organisation)


def register(case, type, on=None, **fields):
    client, counsellor, _employer = case
    return services.trajectory_register(client=client, by=counsellor, type=type,
                                        start_date=on or TODAY - datetime.timedelta(days=30), **fields)


def messages_of(error, field):
    return " ".join(error.value.message_dict[field])


class TestEighteenMonths:
    @pytest.mark.parametrize(("start", "last"), [
        (D(2017, 3, 1), D(2018, 8, 31)),  # DOMAIN.md's example
        (D(2017, 8, 31), D(2019, 2, 28)),  # no 31 February: the end of that month
        (D(2018, 8, 31), D(2020, 2, 29)),  # leap year
        (D(2017, 1, 15), D(2018, 7, 14)),
    ])
    def test_the_last_allowed_day(self, start, last):
        assert werk_zorg_last_day(start) == last

    def test_exactly_18_months_is_allowed(self, case):
        trajectory = register(case, "werk_zorg", on=D(2017, 3, 1), planned_end_date=D(2018, 8, 31))
        assert trajectory.planned_end_date == D(2018, 8, 31)

    def test_one_day_more_is_refused_with_the_last_day_in_the_message(self, case):
        with pytest.raises(ValidationError) as error:
            register(case, "werk_zorg", on=D(2017, 3, 1), planned_end_date=D(2018, 9, 1))
        assert "31/08/2018" in messages_of(error, "planned_end_date")
        assert not Trajectory.objects.exists()

    def test_closing_after_the_limit_is_refused(self, case):
        start = TODAY - datetime.timedelta(days=600)
        trajectory = register(case, "werk_zorg", on=start, start=True)
        with pytest.raises(ValidationError) as error:
            services.trajectory_transition(trajectory=trajectory, action="close", by=case[1], date=TODAY,
                                           outcome=Outcome.ZORG)
        assert werk_zorg_last_day(start).strftime("%d/%m/%Y") in messages_of(error, "end_date")
        trajectory.refresh_from_db()
        assert trajectory.status == Status.LOPEND

    def test_other_types_have_no_limit(self, case):
        register(case, "ama", on=D(2015, 1, 1), planned_end_date=D(2020, 1, 1))


def test_an_end_date_before_the_start_is_refused(case):
    with pytest.raises(ValidationError) as error:
        register(case, "opleiding", on=D(2026, 3, 1), planned_end_date=D(2026, 2, 28))
    assert "01/03/2026" in messages_of(error, "planned_end_date")


def test_a_twe_starts_with_its_screening_before_any_workplace(case):
    """DOMAIN.md: a workplace is required for the employment phase, not for the screening."""
    twe = register(case, "twe")
    services.trajectory_transition(trajectory=twe, action="start", by=case[1])
    twe.refresh_from_db()
    assert twe.status == Status.LOPEND and twe.twe_phase() == "screening"


def test_a_twe_with_its_workplace_starts(case):
    client, counsellor, employer = case
    twe = running_twe(client, counsellor, employer)
    assert twe.status == Status.LOPEND
    assert twe.current_placement().employer == employer


def test_at_most_one_running_trajectory_of_a_type(case):
    client, counsellor, employer = case
    first = running_twe(client, counsellor, employer)
    second = register(case, "twe", placement={"employer": employer, "function": "f", "hours_per_week": 19})
    with pytest.raises(ValidationError) as error:
        services.trajectory_transition(trajectory=second, action="start", by=counsellor)
    assert first.start_date.strftime("%d/%m/%Y") in messages_of(error, "type")
    assert register(case, "opleiding").status == Status.AANGEMELD  # another type is fine


def test_the_database_refuses_two_running_trajectories_of_a_type(case):
    client, counsellor, employer = case
    twe = running_twe(client, counsellor, employer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Trajectory.objects.create(client=client, type="twe", status=Status.LOPEND, start_date=twe.start_date,
                                  created_by=counsellor)


def test_the_database_refuses_a_second_start_step(case):
    """The reports join a trajectory to its start step; a second one would count it twice."""
    from trajectories.models import TrajectoryEvent

    client, counsellor, employer = case
    twe = running_twe(client, counsellor, employer)
    with pytest.raises(IntegrityError), transaction.atomic():
        TrajectoryEvent.objects.create(trajectory=twe, action="start", to_status=Status.LOPEND,
                                       date=twe.start_date, by=counsellor)
    TrajectoryEvent.objects.create(trajectory=twe, action="suspend", to_status=Status.OPGESCHORT,
                                   date=twe.start_date, by=counsellor)  # other steps may repeat


class TestNazorg:
    def test_stands_on_its_own_when_the_step_before_lies_outside_the_product(self, case):
        nazorg = register(case, "nazorg", job_start=TODAY - datetime.timedelta(days=10))
        assert nazorg.follows is None and nazorg.pk

    def test_follows_any_step_into_work_that_ran(self, case):
        training = register(case, "opleiding")
        with pytest.raises(ValidationError) as error:
            register(case, "nazorg", follows=training)  # only registered: it never ran
        assert "aangemeld" in messages_of(error, "follows")
        services.trajectory_transition(trajectory=training, action="start", by=case[1], date=training.start_date)
        assert register(case, "nazorg", follows=training).follows == training

    def test_does_not_follow_a_nazorg(self, case):
        first = register(case, "nazorg")
        services.trajectory_transition(trajectory=first, action="start", by=case[1], date=first.start_date)
        services.trajectory_transition(trajectory=first, action="close", by=case[1], outcome=Outcome.WERK)
        with pytest.raises(ValidationError) as error:
            register(case, "nazorg", follows=first)
        assert "geen nazorg" in messages_of(error, "follows")

    def test_follows_a_twe_of_the_same_client(self, case):
        other = ClientFactory(organisation=case[0].organisation)
        foreign_twe = running_twe(other, case[1], case[2])
        with pytest.raises(ValidationError) as error:
            register(case, "nazorg", follows=foreign_twe)
        assert "dezelfde cliënt" in messages_of(error, "follows")

    def test_only_a_nazorg_follows(self, case):
        twe = running_twe(*case)
        with pytest.raises(ValidationError) as error:
            register(case, "opleiding", follows=twe)
        assert "follows" in error.value.message_dict

    def test_offered_when_the_twe_nears_its_end_or_ended(self, case):
        twe = running_twe(*case, planned_end_date=TODAY + datetime.timedelta(days=60))
        assert not services.nazorg_offered(twe)
        twe.planned_end_date = TODAY + datetime.timedelta(days=20)
        assert services.nazorg_offered(twe)
        services.trajectory_transition(trajectory=twe, action="close", by=case[1], outcome=Outcome.WERK)
        assert services.nazorg_offered(twe)
        register(case, "nazorg", follows=twe)
        twe.refresh_from_db()
        assert not services.nazorg_offered(twe)

    def test_initial_fields_follow_the_twe(self, case):
        twe = running_twe(*case)
        initial = services.nazorg_initial(twe, today=D(2026, 3, 1))
        assert initial == {"type": "nazorg", "follows": twe.pk, "start_date": D(2026, 3, 1),
                           "planned_end_date": D(2026, 8, 31)}


STATUSES = list(Status)


def trajectory_in(case, status):
    """A TWE brought to `status` through the services."""
    twe = register(case, "twe", placement={"employer": case[2], "function": "f", "hours_per_week": 19})
    path = {Status.AANGEMELD: [], Status.LOPEND: ["start"], Status.OPGESCHORT: ["start", "suspend"],
            Status.AFGEROND: ["start", "close"], Status.STOPGEZET: ["stop"]}[status]
    for action in path:
        services.trajectory_transition(trajectory=twe, action=action, by=case[1], outcome=Outcome.WERK,
                                       reason="verhuisd")
    assert twe.status == status
    return twe


@pytest.mark.parametrize(("status", "action"), list(itertools.product(STATUSES, TRANSITIONS)))
def test_every_step_from_every_status(case, status, action):
    transition = TRANSITIONS[action]
    trajectory = trajectory_in(case, status)
    events_before = trajectory.events.count()
    if status in transition.sources:
        services.trajectory_transition(trajectory=trajectory, action=action, by=case[1],
                                       outcome=Outcome.OPLEIDING, reason="verhuisd")
        trajectory.refresh_from_db()
        assert trajectory.status == transition.target
        event = trajectory.events.last()
        assert (event.action, event.from_status, event.to_status, event.by) == (
            action, status, transition.target, case[1])
    else:
        with pytest.raises(ValidationError):
            services.trajectory_transition(trajectory=trajectory, action=action, by=case[1],
                                           outcome=Outcome.OPLEIDING, reason="verhuisd")
        trajectory.refresh_from_db()
        assert trajectory.status == status
        assert trajectory.events.count() == events_before


def test_the_allowed_steps_are_the_lifecycle_of_domain_md():
    allowed = {(source, action) for action, t in TRANSITIONS.items() for source in t.sources}
    assert allowed == {
        ("aangemeld", "start"), ("lopend", "suspend"), ("opgeschort", "resume"), ("lopend", "close"),
        ("aangemeld", "stop"), ("lopend", "stop"), ("opgeschort", "stop"),
    }


def test_closing_asks_for_an_outcome(case):
    twe = trajectory_in(case, Status.LOPEND)
    with pytest.raises(ValidationError) as error:
        services.trajectory_transition(trajectory=twe, action="close", by=case[1], outcome="")
    assert "uitstroom" in messages_of(error, "outcome")


def test_stopping_asks_for_a_reason(case):
    twe = trajectory_in(case, Status.LOPEND)
    with pytest.raises(ValidationError) as error:
        services.trajectory_transition(trajectory=twe, action="stop", by=case[1], reason=" ")
    assert "reden" in messages_of(error, "reason")


def test_closing_dates_the_end_ends_the_workplace_and_keeps_the_outcome(case):
    twe = trajectory_in(case, Status.LOPEND)
    services.trajectory_transition(trajectory=twe, action="close", by=case[1], outcome=Outcome.WERK, date=TODAY)
    twe.refresh_from_db()
    assert (twe.end_date, twe.outcome) == (TODAY, "werk")
    assert twe.placements.get().end_date == TODAY


def test_stopping_records_the_stopgezet_outcome_and_the_reason(case):
    twe = trajectory_in(case, Status.LOPEND)
    services.trajectory_transition(trajectory=twe, action="stop", by=case[1], reason="Verhuisd naar Gent")
    twe.refresh_from_db()
    assert (twe.outcome, twe.stop_reason) == ("stopgezet", "Verhuisd naar Gent")


def test_a_step_cannot_be_dated_in_the_future_or_before_the_previous_step(case):
    twe = trajectory_in(case, Status.LOPEND)
    with pytest.raises(ValidationError) as error:
        services.trajectory_transition(trajectory=twe, action="suspend", by=case[1],
                                       date=TODAY + datetime.timedelta(days=1))
    assert "toekomst" in messages_of(error, "date")
    with pytest.raises(ValidationError):
        services.trajectory_transition(trajectory=twe, action="suspend", by=case[1],
                                       date=twe.start_date - datetime.timedelta(days=1))


class TestHoursSchedule:
    def werk_zorg(self, case):
        return register(case, "werk_zorg", planned_end_date=TODAY + datetime.timedelta(days=200))

    def test_steps_build_up_to_the_draagkracht(self, case):
        trajectory = self.werk_zorg(case)
        for offset, hours in ((0, 8), (30, 12), (60, 16)):
            services.hours_step_add(trajectory=trajectory, hours_per_week=hours,
                                    from_date=trajectory.start_date + datetime.timedelta(days=offset))
        assert list(trajectory.hours_steps.values_list("hours_per_week", flat=True)) == [8, 12, 16]

    def test_a_step_above_the_draagkracht_is_refused(self, case):
        with pytest.raises(ValidationError) as error:
            services.hours_step_add(trajectory=self.werk_zorg(case), from_date=TODAY, hours_per_week=17)
        assert "16" in messages_of(error, "hours_per_week")
        assert not HoursStep.objects.exists()

    def test_unknown_draagkracht_asks_to_fill_it_in(self, case):
        trajectory = self.werk_zorg(case)
        case[0].draagkracht_hours = None
        case[0].save()
        trajectory.refresh_from_db()
        with pytest.raises(ValidationError) as error:
            services.hours_step_add(trajectory=trajectory, from_date=TODAY, hours_per_week=8)
        assert "draagkracht" in messages_of(error, "hours_per_week")

    def test_only_werk_zorg_has_a_schedule(self, case):
        with pytest.raises(ValidationError):
            services.hours_step_add(trajectory=register(case, "opleiding"), from_date=TODAY, hours_per_week=8)

    def test_a_step_falls_within_the_trajectory(self, case):
        trajectory = self.werk_zorg(case)
        with pytest.raises(ValidationError) as error:
            services.hours_step_add(trajectory=trajectory, from_date=trajectory.start_date - datetime.timedelta(1),
                                    hours_per_week=8)
        assert "from_date" in error.value.message_dict


class TestAma:
    def test_carries_its_yearly_evaluation_date(self, case):
        ama = register(case, "ama", on=D(2025, 3, 1))
        assert ama.next_evaluation_date == D(2026, 3, 1)

    def test_an_evaluation_moves_the_next_one_a_year(self, case):
        ama = register(case, "ama", on=D(2025, 3, 1))
        services.evaluation_add(trajectory=ama, author=case[1], date=D(2026, 2, 20), note="Stabiel.")
        ama.refresh_from_db()
        assert ama.next_evaluation_date == D(2027, 2, 20)


def test_goals_make_an_action_plan(case):
    trajectory = register(case, "voortraject")
    goal = services.goal_add(trajectory=trajectory, description="Elke week aanwezig")
    services.goal_set_state(goal=goal, state="bereikt")
    assert list(trajectory.goals.values_list("description", "state")) == [("Elke week aanwezig", "bereikt")]


def test_a_placement_at_another_organisations_employer_is_refused(case):
    foreign = EmployerFactory()
    with pytest.raises(ValidationError) as error:
        register(case, "twe", placement={"employer": foreign, "function": "f", "hours_per_week": 19})
    assert "employer" in error.value.message_dict
    assert not Trajectory.objects.exists()


class TestDatesAlongTheWay:
    def test_a_werk_zorg_always_carries_its_last_day(self, case):
        trajectory = register(case, "werk_zorg", on=D(2026, 1, 1))
        assert trajectory.planned_end_date == D(2027, 6, 30)

    def test_starting_later_moves_the_first_workplace_along(self, case):
        registered = TODAY - datetime.timedelta(days=20)
        twe = register(case, "twe", on=registered,
                       placement={"employer": case[2], "function": "f", "hours_per_week": 19})
        started = TODAY - datetime.timedelta(days=5)
        services.trajectory_transition(trajectory=twe, action="start", by=case[1], date=started)
        twe.refresh_from_db()
        assert twe.start_date == started == twe.placements.get().start_date

    def test_a_start_before_the_registration_is_refused(self, case):
        twe = register(case, "twe", on=TODAY, placement={"employer": case[2], "function": "f", "hours_per_week": 19})
        with pytest.raises(ValidationError) as error:
            services.trajectory_transition(trajectory=twe, action="start", by=case[1],
                                           date=TODAY - datetime.timedelta(days=3))
        assert "date" in error.value.message_dict

    def test_a_twe_resumes_into_its_guidance_after_the_employment(self, case):
        twe = running_twe(*case)
        services.trajectory_transition(trajectory=twe, action="suspend", by=case[1],
                                       date=TODAY - datetime.timedelta(days=10))
        placement = twe.placements.get()
        services.placement_update(placement=placement, end_date=TODAY - datetime.timedelta(days=5))
        services.trajectory_transition(trajectory=twe, action="resume", by=case[1])
        twe.refresh_from_db()
        assert twe.status == Status.LOPEND and twe.twe_phase() == "nabegeleiding"

    def test_closing_ends_the_open_workplace_and_records_it(self, case):
        twe = running_twe(*case)
        services.trajectory_transition(trajectory=twe, action="close", by=case[1], outcome=Outcome.WERK)
        placement = twe.placements.get()
        assert placement.end_date == TODAY
        assert placement.history.first().end_date == TODAY

    def test_closing_before_recorded_activity_is_refused(self, case):
        twe = running_twe(*case)
        services.evaluation_add(trajectory=twe, author=case[1], date=TODAY, note="Goed.")
        with pytest.raises(ValidationError) as error:
            services.trajectory_transition(trajectory=twe, action="close", by=case[1], outcome=Outcome.WERK,
                                           date=TODAY - datetime.timedelta(days=1))
        assert TODAY.strftime("%d/%m/%Y") in messages_of(error, "date")

    def test_stopgezet_is_not_a_closing_outcome(self, case):
        twe = running_twe(*case)
        with pytest.raises(ValidationError):
            services.trajectory_transition(trajectory=twe, action="close", by=case[1], outcome=Outcome.STOPGEZET)

    def test_nothing_is_added_to_a_closed_trajectory(self, case):
        twe = running_twe(*case)
        services.trajectory_transition(trajectory=twe, action="close", by=case[1], outcome=Outcome.WERK)
        for add in (lambda: services.goal_add(trajectory=twe, description="x"),
                    lambda: services.evaluation_add(trajectory=twe, author=case[1], date=TODAY, note="x"),
                    lambda: services.placement_add(trajectory=twe, employer=case[2], function="f",
                                                   hours_per_week=8, start_date=TODAY)):
            with pytest.raises(ValidationError):
                add()

    def test_the_edit_service_does_not_bypass_the_lifecycle(self, case):
        twe = running_twe(*case)
        with pytest.raises(ValueError):
            services.trajectory_update(trajectory=twe, status="afgerond")


class TestPlacementPeriod:
    def add(self, case, trajectory, **fields):
        return services.placement_add(trajectory=trajectory, employer=case[2], function="f", hours_per_week=8,
                                      **fields)

    def test_starts_on_or_after_the_trajectory(self, case):
        trajectory = register(case, "opleiding", on=D(2026, 3, 1))
        with pytest.raises(ValidationError) as error:
            self.add(case, trajectory, start_date=D(2026, 2, 28))
        assert "01/03/2026" in messages_of(error, "start_date")

    def test_starts_before_the_planned_end(self, case):
        trajectory = register(case, "opleiding", on=D(2026, 3, 1), planned_end_date=D(2026, 6, 30))
        with pytest.raises(ValidationError) as error:
            self.add(case, trajectory, start_date=D(2026, 7, 1))
        assert "30/06/2026" in messages_of(error, "start_date")

    def test_ends_after_it_starts(self, case):
        trajectory = register(case, "opleiding", on=D(2026, 3, 1))
        with pytest.raises(ValidationError) as error:
            self.add(case, trajectory, start_date=D(2026, 4, 1), end_date=D(2026, 3, 31))
        assert "end_date" in error.value.message_dict

    def test_a_werk_zorg_workplace_stays_within_the_draagkracht(self, case):
        trajectory = register(case, "werk_zorg")
        with pytest.raises(ValidationError) as error:
            services.placement_add(trajectory=trajectory, employer=case[2], function="f", hours_per_week=17,
                                   start_date=trajectory.start_date)
        assert "16" in messages_of(error, "hours_per_week")


class TestNazorgFollowsATweThatRan:
    def test_not_a_stopped_twe(self, case):
        twe = register(case, "twe")
        services.trajectory_transition(trajectory=twe, action="stop", by=case[1], reason="Niet opgedaagd")
        with pytest.raises(ValidationError) as error:
            register(case, "nazorg", follows=twe)
        assert "follows" in error.value.message_dict
        assert not services.nazorg_offered(twe)

    def test_not_before_the_twe_started(self, case):
        twe = running_twe(*case)
        with pytest.raises(ValidationError) as error:
            register(case, "nazorg", follows=twe, on=twe.start_date - datetime.timedelta(days=1))
        assert "start_date" in error.value.message_dict

    def test_once_per_twe(self, case):
        twe = running_twe(*case)
        register(case, "nazorg", follows=twe)
        with pytest.raises(ValidationError) as error:
            register(case, "nazorg", follows=twe)
        assert "follows" in error.value.message_dict


def test_a_step_on_the_same_day_twice_is_refused(case):
    trajectory = register(case, "werk_zorg")
    services.hours_step_add(trajectory=trajectory, from_date=trajectory.start_date, hours_per_week=8)
    with pytest.raises(ValidationError) as error:
        services.hours_step_add(trajectory=trajectory, from_date=trajectory.start_date, hours_per_week=12)
    assert "from_date" in error.value.message_dict


@pytest.mark.parametrize("offset", [1, -400])
def test_an_evaluation_is_not_in_the_future_nor_before_the_start(case, offset):
    trajectory = register(case, "ama")
    with pytest.raises(ValidationError) as error:
        services.evaluation_add(trajectory=trajectory, author=case[1], note="x",
                                date=TODAY + datetime.timedelta(days=offset))
    assert "date" in error.value.message_dict


def test_the_database_refuses_an_end_before_the_start(case):
    client, counsellor, _employer = case
    with pytest.raises(IntegrityError), transaction.atomic():
        Trajectory.objects.create(client=client, type="opleiding", start_date=D(2026, 3, 1), end_date=D(2026, 2, 1),
                                  created_by=counsellor)


def test_lowering_the_draagkracht_below_a_planned_werk_zorg_step_is_refused(case):
    client = case[0]
    trajectory = register(case, "werk_zorg")
    services.hours_step_add(trajectory=trajectory, from_date=trajectory.start_date, hours_per_week=16)
    client.draagkracht_hours = 12
    with pytest.raises(ValidationError) as error:
        client.full_clean()
    assert "16" in messages_of(error, "draagkracht_hours")
