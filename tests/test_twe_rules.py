"""TWE-OCMW as DOMAIN.md defines it since 2017: screening, WEO, the art. 60 §7 employment (at least
half-time, a placement agreement at a partner), guidance after; at most 2 years from the WEO; one
short training. And what every closing records: whether the leefloon was left."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from employers.models import Employer
from reporting.yearly import yearly_report_figures
from trajectories import services
from trajectories.models import CareOrganisation, Placement
from trajectories.rules import (
    Outcome,
    TwePhase,
    check_twe,
    check_twe_placement,
    twe_last_day,
    twe_phase,
)

from .factories import ClientFactory, EmployerFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date


class TestRulesOverValues:
    def test_two_years_from_the_weo_the_last_day_inclusive(self):
        assert twe_last_day(D(2024, 3, 1)) == D(2026, 2, 28)
        assert twe_last_day(D(2024, 2, 29)) == D(2026, 2, 28)  # no 29 February 2026: the month's last day
        assert check_twe("twe", D(2024, 2, 1), D(2026, 2, 28), weo_signed_on=D(2024, 3, 1)) == {}
        assert check_twe("twe", D(2024, 2, 1), D(2026, 3, 1), weo_signed_on=D(2024, 3, 1)) == {
            "end_date": "Een TWE duurt ten hoogste 2 jaar vanaf de WEO (01/03/2024): de laatste dag is 28/02/2026."}
        assert check_twe("twe", D(2024, 2, 1), None, D(2026, 3, 1), weo_signed_on=D(2024, 3, 1)).keys() == {
            "planned_end_date"}

    def test_the_thirty_month_twe_is_refused_once_its_weo_is_known(self):
        assert "end_date" in check_twe("twe", D(2023, 1, 2), D(2025, 7, 1), weo_signed_on=D(2023, 1, 16))
        # History without a WEO date is not refused: the page asks for it.
        assert check_twe("twe", D(2023, 1, 2), D(2025, 7, 1)) == {}

    def test_the_weo_is_signed_after_the_screening_began(self):
        assert check_twe("twe", D(2025, 3, 1), weo_signed_on=D(2025, 3, 1)) == {}
        assert check_twe("twe", D(2025, 3, 1), weo_signed_on=D(2025, 2, 28)).keys() == {"weo_signed_on"}

    def test_only_a_twe_has_its_fields(self):
        assert check_twe("opleiding", D(2025, 3, 1), weo_signed_on=D(2025, 3, 2)) == {
            "weo_signed_on": "Alleen een TWE heeft dit veld."}

    def test_one_short_training_of_at_most_three_months_inside_it(self):
        def training(start, end, name="Heftruck"):
            return check_twe("twe", D(2025, 1, 1), None, D(2026, 6, 30), training_name=name,
                             training_start=start, training_end=end)
        assert training(D(2025, 3, 1), D(2025, 5, 31)) == {}
        assert training(D(2025, 3, 1), D(2025, 6, 1)) == {
            "training_end": "Een opleiding binnen een TWE duurt ten hoogste 3 maanden."}
        assert training(D(2024, 12, 1), D(2025, 1, 31)).keys() == {"training_start"}
        assert training(D(2025, 3, 1), D(2025, 2, 1)).keys() == {"training_end"}
        assert training(D(2025, 3, 1), None, name="").keys() == {"training_name"}

    def test_the_employment_is_at_least_half_time(self):
        assert check_twe_placement("twe", 19, D(2025, 3, 1)) == {}
        assert check_twe_placement("twe", 18, D(2025, 3, 1)) == {
            "hours_per_week": "Een TWE is minstens halftijds op de werkvloer: minstens 19 uur per week."}
        assert check_twe_placement("twe", 8, D(2025, 3, 1)).keys() == {"hours_per_week"}
        assert check_twe_placement("werk_zorg", 8, D(2025, 3, 1)) == {}  # built up by draagkracht

    def test_the_weo_is_signed_at_the_latest_on_the_first_working_day(self):
        assert check_twe_placement("twe", 19, D(2025, 3, 3), weo_signed_on=D(2025, 3, 3)) == {}
        assert check_twe_placement("twe", 19, D(2025, 3, 2), weo_signed_on=D(2025, 3, 3)).keys() == {"start_date"}

    def test_a_placement_agreement_at_a_partner_is_signed_before_the_start(self):
        assert check_twe_placement("twe", 19, D(2025, 3, 3), at_partner=True, agreement_signed_on=D(2025, 3, 3)) == {}
        assert check_twe_placement("twe", 19, D(2025, 3, 3), at_partner=True,
                                   agreement_signed_on=D(2025, 3, 4)).keys() == {"agreement_signed_on"}
        assert check_twe_placement("twe", 19, D(2025, 3, 3), at_partner=False,
                                   agreement_signed_on=D(2025, 3, 1)).keys() == {"agreement_signed_on"}

    def test_the_phase_is_told_by_the_dates(self):
        employments = [(D(2025, 4, 1), D(2026, 3, 31))]
        assert twe_phase(D(2025, 3, 1), None, employments) == TwePhase.SCREENING
        assert twe_phase(D(2025, 3, 20), D(2025, 3, 15), employments) == TwePhase.WEO
        assert twe_phase(D(2025, 4, 1), D(2025, 3, 15), employments) == TwePhase.EMPLOYMENT
        assert twe_phase(D(2026, 3, 31), D(2025, 3, 15), employments) == TwePhase.EMPLOYMENT
        assert twe_phase(D(2026, 4, 1), D(2025, 3, 15), employments) == TwePhase.AFTER
        assert twe_phase(D(2025, 6, 1), None, [(D(2025, 4, 1), None)]) == TwePhase.EMPLOYMENT


@pytest.fixture
def case(db):
    client = ClientFactory()
    counsellor = UserFactory(organisation=client.organisation)
    partner = EmployerFactory(organisation=client.organisation, kind=Employer.Kind.PARTNER)
    own = EmployerFactory(organisation=client.organisation, kind=Employer.Kind.OWN_SERVICE)
    return client, counsellor, partner, own


def twe(case, start, **fields):
    client, counsellor, *_ = case
    trajectory = services.trajectory_register(client=client, by=counsellor, type="twe", start_date=start, **fields)
    services.trajectory_transition(trajectory=trajectory, action="start", by=counsellor, date=start)
    return trajectory


class TestThroughTheModel:
    def test_a_twe_from_screening_to_guidance_after(self, case):
        start = datetime.date.today() - datetime.timedelta(days=200)
        trajectory = twe(case, start)
        assert trajectory.twe_phase() == TwePhase.SCREENING
        services.trajectory_update(trajectory=trajectory, weo_signed_on=start + datetime.timedelta(days=14))
        assert trajectory.twe_phase() == TwePhase.WEO
        placement = services.placement_add(
            trajectory=trajectory, employer=case[2], function="magazijnier", hours_per_week=19,
            start_date=start + datetime.timedelta(days=21), agreement_signed_on=start + datetime.timedelta(days=20))
        trajectory = type(trajectory).objects.get(pk=trajectory.pk)
        assert trajectory.twe_phase() == TwePhase.EMPLOYMENT and not placement.lacks_agreement
        services.placement_update(placement=placement, end_date=start + datetime.timedelta(days=150))
        trajectory = type(trajectory).objects.get(pk=trajectory.pk)
        assert trajectory.twe_phase() == TwePhase.AFTER
        services.trajectory_transition(trajectory=trajectory, action="close", by=case[1], outcome=Outcome.WERKLOOS,
                                       leefloon_after="uitkering")
        trajectory.refresh_from_db()
        assert (trajectory.outcome, trajectory.leefloon_after) == ("werkloos", "uitkering")

    def test_an_eight_hour_placement_is_refused_in_dutch(self, case):
        trajectory = twe(case, datetime.date.today() - datetime.timedelta(days=30))
        with pytest.raises(ValidationError) as error:
            services.placement_add(trajectory=trajectory, employer=case[3], function="poetshulp", hours_per_week=8,
                                   start_date=datetime.date.today())
        assert error.value.message_dict["hours_per_week"] == [
            "Een TWE is minstens halftijds op de werkvloer: minstens 19 uur per week."]
        assert not Placement.objects.filter(trajectory=trajectory).exists()

    def test_a_placement_at_a_partner_without_its_agreement_is_accepted_and_flagged(self, case):
        trajectory = twe(case, datetime.date.today() - datetime.timedelta(days=30))
        at_partner = services.placement_add(trajectory=trajectory, employer=case[2], function="f", hours_per_week=24,
                                            start_date=datetime.date.today())
        assert at_partner.lacks_agreement
        own_service = Placement(trajectory=trajectory, employer=case[3], function="f", hours_per_week=24,
                                start_date=datetime.date.today())
        assert not own_service.lacks_agreement

    def test_the_weo_limit_applies_to_the_planned_end(self, case):
        start = datetime.date.today() - datetime.timedelta(days=30)
        trajectory = twe(case, start)
        with pytest.raises(ValidationError) as error:
            services.trajectory_update(trajectory=trajectory, weo_signed_on=start,
                                       planned_end_date=start + datetime.timedelta(days=800))
        assert "2 jaar" in " ".join(error.value.message_dict["planned_end_date"])

    def test_leefloon_after_is_recorded_only_with_an_end(self, case):
        trajectory = twe(case, datetime.date.today() - datetime.timedelta(days=30))
        with pytest.raises(ValidationError) as error:
            services.trajectory_update(trajectory=trajectory, leefloon_after="werk")
        assert "leefloon_after" in error.value.message_dict

    def test_casemanagers_belong_to_a_werk_zorg_and_to_the_own_organisation(self, case):
        client, counsellor, *_ = case
        foreign = CareOrganisation.objects.create(organisation=OrganisationFactory(), name="CGG elders", kind="cgg")
        with pytest.raises(ValidationError) as error:
            services.trajectory_register(client=client, by=counsellor, type="werk_zorg",
                                         start_date=D(2025, 9, 1), care_organisation=foreign)
        assert error.value.message_dict["care_organisation"] == ["Kies een zorgorganisatie van je eigen organisatie."]
        own = CareOrganisation.objects.create(organisation=client.organisation, name="CAW", kind="caw")
        with pytest.raises(ValidationError) as error:
            services.trajectory_register(client=client, by=counsellor, type="opleiding", start_date=D(2025, 9, 1),
                                         care_organisation=own)
        assert "work_casemanager" in error.value.message_dict
        werk_zorg = services.trajectory_register(client=client, by=counsellor, type="werk_zorg",
                                                 start_date=D(2025, 9, 1), work_casemanager="gtb",
                                                 care_organisation=own)
        assert (werk_zorg.work_casemanager, werk_zorg.care_organisation) == ("gtb", own)


def test_the_yearly_figures_count_who_left_the_leefloon_once_per_person(case):
    client, counsellor, partner, own = case
    year = datetime.date.today().year - 1
    first = twe(case, D(year, 1, 6), weo_signed_on=D(year, 1, 13))
    services.trajectory_transition(trajectory=first, action="close", by=counsellor, date=D(year, 6, 30),
                                   outcome=Outcome.WERKLOOS, leefloon_after="uitkering")
    other = ClientFactory(organisation=client.organisation)
    training = services.trajectory_register(client=other, by=counsellor, type="opleiding", start_date=D(year, 2, 1))
    services.trajectory_transition(trajectory=training, action="start", by=counsellor, date=D(year, 2, 1))
    services.trajectory_transition(trajectory=training, action="close", by=counsellor, date=D(year, 5, 1),
                                   outcome=Outcome.WERK, leefloon_after="blijft")
    nazorg = services.trajectory_register(client=other, by=counsellor, type="nazorg", start_date=D(year, 5, 1),
                                          follows=training)
    services.trajectory_transition(trajectory=nazorg, action="start", by=counsellor, date=D(year, 5, 1))
    services.trajectory_transition(trajectory=nazorg, action="close", by=counsellor, date=D(year, 10, 31),
                                   outcome=Outcome.WERK, leefloon_after="werk")
    figures = yearly_report_figures(client.organisation, year)
    # The second person counts once, by their latest ended trajectory (the nazorg: work).
    assert figures["leefloon_verlaten"] == {"werk": 1, "uitkering": 1, "ander": 0}
    assert figures["trajecten"]["twe"]["uitstroom"]["werkloos"] == 1
