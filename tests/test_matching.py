"""The ranking on small hand-built cases: who comes first, and why."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clients.models import Barrier
from employers.models import Workplace
from matching import ranking as matching
from matching import travel

from .factories import ClientFactory, CompetenceFactory, EmployerFactory, InterestFactory, UserFactory, running_twe

pytestmark = pytest.mark.django_db


@pytest.fixture
def warehouse(db):
    employer = EmployerFactory(postcode="8930", municipality="Menen")
    organisation = employer.organisation
    forklift = CompetenceFactory(organisation=organisation, name="Heftruckattest")
    picking = CompetenceFactory(organisation=organisation, name="Orderpicking")
    punctual = CompetenceFactory(organisation=organisation, name="Stiptheid")
    logistics = InterestFactory(organisation=organisation, name="Logistiek")
    workplace = Workplace.objects.create(employer=employer, function="magazijnier", hours_per_week=19,
                                         postcode="8930", municipality="Menen")
    workplace.required_competences.set([forklift, picking])
    workplace.useful_competences.set([punctual])
    workplace.interests.set([logistics])
    return workplace, {"forklift": forklift, "picking": picking, "punctual": punctual, "logistics": logistics}


def person(workplace, name, *, competences=(), interests=(), draagkracht=19, postcode="8930", mobility="fiets",
           barriers=()):
    client = ClientFactory(organisation=workplace.employer.organisation, last_name=name, first_name="T",
                           draagkracht_hours=draagkracht, postcode=postcode, mobility=mobility)
    client.competences.set(competences)
    client.interests.set(interests)
    for category in barriers:
        Barrier.objects.create(client=client, category=category, description="-")
    return client


def ranking(workplace):
    included, excluded = matching.clients_for_workplace(workplace)
    return [m.client.name for m in included], {m.client.name: m.excluded for m in excluded}


def test_competences_and_interests_come_first(warehouse):
    workplace, terms = warehouse
    person(workplace, "Alles", competences=[terms["forklift"], terms["picking"], terms["punctual"]],
           interests=[terms["logistics"]])
    person(workplace, "Half", competences=[terms["forklift"]], interests=[terms["logistics"]])
    person(workplace, "Niets")
    assert ranking(workplace)[0] == ["Alles, T", "Half, T", "Niets, T"]


def test_every_result_explains_itself_per_factor(warehouse):
    workplace, terms = warehouse
    person(workplace, "Half", competences=[terms["forklift"]], interests=[terms["logistics"]], draagkracht=24,
           barriers=["schulden"])
    [best], _excluded = matching.clients_for_workplace(workplace)
    reasons = {factor.key: factor.reason for factor in best.factors}
    assert reasons["competences"].startswith("1 van 2 vereist (Heftruckattest)")
    assert "ontbreekt: Orderpicking" in reasons["competences"]
    assert reasons["interests"] == "past bij de interesse in Logistiek"
    assert reasons["hours"] == "19 u/week binnen een draagkracht van 24 u"
    assert reasons["travel"].startswith("in dezelfde gemeente")
    assert reasons["barriers"] == "1 drempel geregistreerd"


def test_barriers_are_counted_never_named(warehouse):
    workplace, _terms = warehouse
    person(workplace, "Vertrouwelijk", barriers=["medisch", "psychisch", "taal"])
    [best], _excluded = matching.clients_for_workplace(workplace)
    reason = {factor.key: factor.reason for factor in best.factors}["barriers"]
    assert reason == "3 drempels geregistreerd"


def test_equal_scores_sort_by_name_as_people_read_it(warehouse):
    workplace, _terms = warehouse
    for name in ("Zeger", "de Smet", "Özdemir", "Aerts"):
        person(workplace, name)
    assert ranking(workplace)[0] == ["Aerts, T", "de Smet, T", "Özdemir, T", "Zeger, T"]


def test_someone_already_proposed_is_not_free(warehouse):
    from matching import services

    workplace, _terms = warehouse
    client = person(workplace, "Voorgesteld")
    services.placement_propose(client=client, workplace=workplace, by=UserFactory(organisation=client.organisation),
                               start_date=client.created_at.date())
    assert ranking(workplace)[1]["Voorgesteld, T"].startswith("al voorgesteld")


def test_hours_above_the_draagkracht_exclude_and_say_why(warehouse):
    workplace, terms = warehouse
    person(workplace, "Acht", competences=[terms["forklift"], terms["picking"]], draagkracht=8)
    names, excluded = ranking(workplace)
    assert names == []
    assert excluded == {"Acht, T": "19 u/week overschrijdt de draagkracht van 8 u"}


def test_someone_already_in_a_running_twe_is_excluded(warehouse):
    workplace, _terms = warehouse
    busy = person(workplace, "Bezig")
    running_twe(busy, UserFactory(organisation=busy.organisation), workplace.employer)
    assert "lopende" in ranking(workplace)[1]["Bezig, T"]


def test_a_closed_case_file_is_not_a_candidate(warehouse):
    workplace, _terms = warehouse
    closed = person(workplace, "Afgesloten")
    closed.status = "afgesloten"
    closed.save()
    names, excluded = ranking(workplace)
    assert "Afgesloten, T" not in names and "Afgesloten, T" not in excluded


def test_travel_by_ring_and_means_of_transport(warehouse):
    workplace, _terms = warehouse
    person(workplace, "Menen", postcode="8930", mobility="te_voet")  # same municipality
    person(workplace, "Kortrijk", postcode="8500", mobility="auto")  # same arrondissement, by car
    person(workplace, "KortrijkTeVoet", postcode="8500", mobility="te_voet")
    person(workplace, "Gent", postcode="9000", mobility="openbaar_vervoer")  # another province
    assert ranking(workplace)[0] == ["Menen, T", "Kortrijk, T", "Gent, T", "KortrijkTeVoet, T"]


def test_the_rings_come_from_the_postcode_registry():
    assert travel.ring("8930", "8930") == travel.SAME_MUNICIPALITY
    assert travel.ring("8930", "8500") == travel.SAME_ARRONDISSEMENT  # Menen - Kortrijk
    assert travel.ring("8930", "8940") == travel.SAME_PROVINCE  # Menen - Wervik (Ieper)
    assert travel.ring("8930", "1000") == travel.FURTHER
    assert travel.ring("", "8930") == travel.UNKNOWN


def test_barriers_lower_the_score(warehouse):
    workplace, _terms = warehouse
    person(workplace, "Zonder")
    person(workplace, "Met", barriers=["schulden", "taal", "huisvesting"])
    assert ranking(workplace)[0] == ["Zonder, T", "Met, T"]


def test_workplaces_are_ranked_for_a_client_too(warehouse):
    workplace, terms = warehouse
    client = person(workplace, "Zoekt", competences=[terms["forklift"], terms["picking"]],
                    interests=[terms["logistics"]])
    other = Workplace.objects.create(employer=EmployerFactory(organisation=client.organisation, postcode="9000"),
                                     function="kassa", hours_per_week=16, postcode="9000")
    too_long = Workplace.objects.create(employer=workplace.employer, function="voltijds", hours_per_week=38,
                                        postcode="8930")
    Workplace.objects.create(employer=workplace.employer, function="gesloten", hours_per_week=10, postcode="8930",
                             is_open=False)
    included, excluded = matching.workplaces_for_client(client)
    assert [m.workplace.pk for m in included] == [workplace.pk, other.pk]
    assert [m.workplace.pk for m in excluded] == [too_long.pk]


def test_another_organisations_clients_are_never_candidates(warehouse):
    workplace, _terms = warehouse
    ClientFactory(last_name="Elders", draagkracht_hours=38)
    names, excluded = ranking(workplace)
    assert "Elders" not in " ".join(names) + " ".join(excluded)


def test_matching_uses_a_fixed_number_of_queries(warehouse):
    workplace, terms = warehouse

    def queries():
        with CaptureQueriesContext(connection) as context:
            matching.clients_for_workplace(workplace)
        return len(context)

    person(workplace, "Een", competences=[terms["forklift"]], barriers=["taal"])
    few = queries()
    for n in range(30):
        person(workplace, f"P{n}", competences=[terms["picking"]], interests=[terms["logistics"]],
               barriers=["schulden"])
    assert queries() == few <= 10  # five for the clients, four for the workplace


def test_a_full_workplace_is_not_offered_to_a_client(warehouse):
    workplace, terms = warehouse
    client = person(workplace, "Zoekt", competences=[terms["forklift"], terms["picking"]])
    other = person(workplace, "Bezet")
    running_twe(other, UserFactory(organisation=other.organisation), workplace.employer)
    from trajectories.models import Placement

    Placement.objects.filter(trajectory__client=other).update(workplace=workplace)  # capacity 1, taken
    included, excluded = matching.workplaces_for_client(client)
    assert included == [] and [m.excluded for m in excluded] == ["de enige plaats is bezet"]
    assert matching.exclusion_summary(excluded) == ["bij 1 zijn alle plaatsen bezet"]


def test_a_busy_client_is_told_once_why_no_workplace_fits(warehouse):
    workplace, _ = warehouse
    client = person(workplace, "Werkt")
    running_twe(client, UserFactory(organisation=client.organisation), workplace.employer)
    Workplace.objects.create(employer=workplace.employer, function="poetshulp", hours_per_week=20, postcode="8930")
    included, excluded = matching.workplaces_for_client(client)
    assert included == [] and len(excluded) == 2
    assert matching.exclusion_summary(excluded) == ["werkt al in een lopende tijdelijke werkervaring (TWE)"]


def test_the_summary_counts_each_reason_for_a_workplace(warehouse):
    workplace, _ = warehouse
    busy = person(workplace, "Bezig")
    running_twe(busy, UserFactory(organisation=busy.organisation), workplace.employer)
    person(workplace, "Weinig", draagkracht=10)
    person(workplace, "Ook weinig", draagkracht=12)
    _, excluded = matching.clients_for_workplace(workplace)
    assert matching.exclusion_summary(excluded) == [
        "1 werkt al in of is voorgesteld voor een TWE, werk-zorg of AMA", "2 vragen meer uren dan de draagkracht"]


def profile(workplace):
    [place] = matching.workplace_profiles(matching.one_workplace(workplace))
    return place


def test_why_a_workplace_takes_no_proposal(warehouse):
    workplace, _ = warehouse
    assert matching.proposal_blocker(profile(workplace)) == ""
    workplace.hours_per_week = 12
    workplace.save()
    assert matching.proposal_blocker(profile(workplace)) == (
        "een voorstel registreert een TWE, en een TWE vraagt minstens 19 u/week op de werkvloer; "
        "deze werkpost heeft 12 u/week")
    workplace.is_open = False
    workplace.save()
    assert matching.proposal_blocker(profile(workplace)) == "deze werkpost is gesloten"


def test_an_overfull_workplace_says_so(warehouse):
    from trajectories.models import Placement

    workplace, _ = warehouse
    for name in ("Een", "Twee"):
        client = person(workplace, name)
        running_twe(client, UserFactory(organisation=client.organisation), workplace.employer)
        Placement.objects.filter(trajectory__client=client).update(workplace=workplace)
    assert matching.proposal_blocker(profile(workplace)) == "2 plaatsingen lopen op 1 plaatsen: meer dan er zijn"
    assert profile(workplace).occupancy == "overfull"
    workplace.capacity = 3
    workplace.save()
    assert matching.proposal_blocker(profile(workplace)) == ""
    workplace.capacity = 2
    workplace.save()
    assert matching.proposal_blocker(profile(workplace)) == "alle 2 plaatsen zijn bezet"
    assert profile(workplace).occupancy == "full"
