import datetime
import re

import pytest
from django.urls import reverse

from trajectories.models import CareOrganisation, Trajectory

from .factories import ClientFactory, EmployerFactory, edit_version, running_twe, version_in_form

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def as_text(date):
    return date.strftime("%d/%m/%Y")


def create_url(world):
    return reverse("trajectories:create", args=[world.client.pk])


def new_twe(world, **overrides):
    data = {"type": "twe", "start_date": as_text(TODAY), "start_now": "on", "employer": world.employer.pk,
            "function": "orderpicker", "hours_per_week": "19", "mentor": "Koen"}
    data.update(overrides)
    return data


def test_a_counsellor_starts_a_twe_at_an_employer(world, login):
    world.trajectory.delete()
    response = login(world.alice).post(create_url(world), new_twe(world))
    twe = Trajectory.objects.get(client=world.client)
    assert response.status_code == 302
    assert (twe.type, twe.status, twe.created_by) == ("twe", "lopend", world.alice)
    placement = twe.placements.get()
    assert (placement.employer, placement.function, placement.hours_per_week, placement.mentor) == (
        world.employer, "orderpicker", 19, "Koen")
    assert list(twe.events.values_list("action", flat=True)) == ["aangemeld", "start"]


def test_a_twe_starts_with_the_screening_without_a_workplace(world, login):
    world.trajectory.delete()
    response = login(world.alice).post(create_url(world), new_twe(world, employer="", function="", hours_per_week=""))
    assert response.status_code == 302
    twe = Trajectory.objects.get(client=world.client)
    assert (twe.status, twe.placements.exists(), twe.twe_phase()) == ("lopend", False, "screening")


def test_a_twe_workplace_under_half_time_is_refused_on_the_hours_field(world, login):
    world.trajectory.delete()
    response = login(world.alice).post(create_url(world), new_twe(world, hours_per_week="12"))
    assert response.status_code == 422
    assert "minstens 19 uur per week" in " ".join(response.context["form"].errors["hours_per_week"])
    assert not Trajectory.objects.filter(client=world.client).exists()


def test_a_second_running_twe_is_refused_on_the_type_field(world, login):
    response = login(world.alice).post(create_url(world), new_twe(world))
    assert response.status_code == 422
    assert "type" in response.context["form"].errors
    assert Trajectory.objects.filter(client=world.client).count() == 1


def test_a_werk_zorg_of_18_months_and_a_day_is_refused(world, login):
    response = login(world.alice).post(create_url(world), {
        "type": "werk_zorg", "start_date": "01/03/2017", "planned_end_date": "01/09/2018"})
    assert "31/08/2018" in " ".join(response.context["form"].errors["planned_end_date"])


def test_an_employer_of_another_organisation_cannot_be_chosen(world, login):
    world.trajectory.delete()
    foreign = EmployerFactory(organisation=world.wervik)
    response = login(world.alice).post(create_url(world), new_twe(world, employer=foreign.pk))
    assert "employer" in response.context["form"].errors


def test_start_nazorg_fills_in_the_form_from_the_twe(world, login):
    response = login(world.alice).get(create_url(world), {"volgt": world.trajectory.pk})
    initial = response.context["form"].initial
    assert (initial["type"], initial["follows"], initial["start_date"]) == ("nazorg", world.trajectory.pk, TODAY)


def test_start_nazorg_from_another_clients_twe_is_404(world, login):
    other = ClientFactory(organisation=world.menen, counsellor=world.alice)
    other_twe = running_twe(other, world.alice, world.employer)
    assert login(world.alice).get(create_url(world), {"volgt": other_twe.pk}).status_code == 404


def transition(http, world, action, **data):
    url = reverse("trajectories:transition", args=[world.client.pk, world.trajectory.pk, action])
    return http.post(url, {"date": as_text(TODAY), **data})


def test_closing_asks_for_an_outcome_in_dutch(world, login):
    response = transition(login(world.alice), world, "close")
    assert response.status_code == 422
    assert "Dit veld is verplicht" in response.context["form"].errors["outcome"][0]
    world.trajectory.refresh_from_db()
    assert world.trajectory.status == "lopend"


def test_closing_with_an_outcome_shows_on_the_timeline(world, login):
    http = login(world.alice)
    assert transition(http, world, "close", outcome="werk", leefloon_after="werk").status_code == 302
    world.trajectory.refresh_from_db()
    assert (world.trajectory.status, world.trajectory.outcome) == ("afgerond", "werk")
    page = http.get(reverse("clients:detail", args=[world.client.pk])).content.decode()
    assert "Werk (regulier)" in page


def test_a_step_not_allowed_now_is_refused_with_a_message(world, login):
    http = login(world.alice)
    url = reverse("trajectories:transition", args=[world.client.pk, world.trajectory.pk, "resume"])
    response = http.post(url, {"date": as_text(TODAY)}, follow=True)
    assert "Bij een lopend traject kan dit niet" in response.content.decode()
    world.trajectory.refresh_from_db()
    assert world.trajectory.status == "lopend"


def test_work_care_details_are_for_the_assigned_counsellor_and_the_head(world, login):
    from audit.models import AccessLog
    from trajectories import services

    hospital = CareOrganisation.objects.create(organisation=world.menen, name="PZ Heilig Hart",
                                               kind=CareOrganisation.Kind.PSYCHIATRIC)
    werk_zorg = services.trajectory_register(client=world.client, by=world.alice, type="werk_zorg",
                                             start_date=TODAY, care_organisation=hospital, work_casemanager="gtb",
                                             care_moments="Gesprek met de psychiater op dinsdag")
    url = reverse("trajectories:detail", args=[world.client.pk, werk_zorg.pk])
    seen_by_colleague = login(world.bob).get(url).content.decode()
    assert "psychiater" not in seen_by_colleague and "Heilig Hart" not in seen_by_colleague
    assert "GTB" in seen_by_colleague  # the casemanager Werk is no care detail
    seen_by_head = login(world.hilde).get(url).content.decode()
    assert "psychiater" in seen_by_head and "PZ Heilig Hart" in seen_by_head
    assert AccessLog.objects.filter(user=world.hilde, action="gevoelig_gelezen").count() == 1
    assert AccessLog.objects.filter(user=world.bob, action="geopend").count() == 1


def test_a_workplace_is_ended_through_its_edit_form(world, login):
    placement = world.trajectory.placements.get()
    url = reverse("trajectories:placement_edit", args=[world.client.pk, world.trajectory.pk, placement.pk])
    response = login(world.alice).post(url, {
        "employer": world.employer.pk, "function": placement.function, "hours_per_week": "19",
        "start_date": as_text(placement.start_date), "end_date": as_text(placement.start_date - datetime.timedelta(1))})
    assert "end_date" in response.context["form"].errors
    login(world.alice).post(url, {"employer": world.employer.pk, "function": placement.function,
                                  "hours_per_week": "19", "start_date": as_text(placement.start_date),
                                  "end_date": as_text(TODAY)})
    placement.refresh_from_db()
    assert placement.end_date == TODAY


def test_exactly_18_months_is_accepted_through_the_form(world, login):
    response = login(world.alice).post(create_url(world), {
        "type": "werk_zorg", "start_date": "01/03/2017", "planned_end_date": "31/08/2018"})
    assert response.status_code == 302
    assert Trajectory.objects.get(type="werk_zorg").planned_end_date == datetime.date(2018, 8, 31)


def test_the_caseload_filters_on_trajectory_and_shows_the_current_one(world, login):
    ClientFactory(organisation=world.menen, counsellor=world.alice, last_name="Zonder")
    http = login(world.alice)
    page = http.get(reverse("clients:list"), {"traject": "twe", "trajectstatus": "lopend"}).context["page"]
    assert [client.pk for client in page.object_list] == [world.client.pk]
    assert (page.object_list[0].current_trajectory_type, page.object_list[0].current_trajectory_status) == (
        "twe", "lopend")
    assert "Tijdelijke werkervaring (TWE)" in http.get(reverse("clients:list")).content.decode()


def test_the_trajectory_page_shows_its_history(world, login):
    page = login(world.bob).get(reverse("trajectories:detail", args=[world.client.pk, world.trajectory.pk]))
    content = page.content.decode()
    assert page.status_code == 200
    assert "Aangemeld → Lopend" in content
    assert page.context["transitions"] == []  # a colleague reads, does not act


def test_adding_a_workplace_goal_evaluation_and_hours(world, login):
    http = login(world.alice)
    args = [world.client.pk, world.trajectory.pk]
    http.post(reverse("trajectories:goal_create", args=args), {"description": "Stiptheid"})
    http.post(reverse("trajectories:evaluation_create", args=args), {"date": as_text(TODAY), "note": "Goed bezig"})
    http.post(reverse("trajectories:placement_create", args=args), {
        "employer": world.employer.pk, "function": "heftruckchauffeur", "hours_per_week": "24",
        "start_date": as_text(TODAY)})
    assert world.trajectory.goals.get().description == "Stiptheid"
    assert world.trajectory.evaluations.get().author == world.alice
    assert world.trajectory.placements.count() == 2


def test_bad_input_in_a_small_form_shows_the_page_with_the_error(world, login):
    response = login(world.alice).post(
        reverse("trajectories:hours_step_create", args=[world.client.pk, world.trajectory.pk]),
        {"from_date": as_text(TODAY), "hours_per_week": "8"})
    assert response.status_code == 422
    assert "hours_per_week" in response.context["hours_form"].errors
    assert not world.trajectory.hours_steps.exists()


def test_the_trajectory_page_has_a_constant_number_of_queries(world, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from trajectories import services

    http = login(world.alice)
    url = reverse("trajectories:detail", args=[world.client.pk, world.trajectory.pk])

    def count():
        with CaptureQueriesContext(connection) as context:
            http.get(url)
        return len(context)

    few = count()
    for n in range(5):
        services.goal_add(trajectory=world.trajectory, description=f"Doel {n}")
        services.placement_add(trajectory=world.trajectory, employer=EmployerFactory(organisation=world.menen),
                               function="f", hours_per_week=19, start_date=TODAY)
        services.evaluation_add(trajectory=world.trajectory, author=world.alice, date=TODAY, note="n")
    services.trajectory_transition(trajectory=world.trajectory, action="suspend", by=world.alice)
    services.trajectory_transition(trajectory=world.trajectory, action="resume", by=world.alice)
    assert count() == few


def test_the_planned_end_of_a_werk_zorg_is_edited_within_18_months(world, login):
    from trajectories import services

    werk_zorg = services.trajectory_register(client=world.client, by=world.alice, type="werk_zorg",
                                             start_date=datetime.date(2026, 1, 1))
    url = reverse("trajectories:edit", args=[world.client.pk, werk_zorg.pk])
    http = login(world.alice)
    version = edit_version(werk_zorg)
    response = http.post(url, {"planned_end_date": "01/07/2027", "work_casemanager": "vdab", "version": version})
    assert "30/06/2027" in " ".join(response.context["form"].errors["planned_end_date"])
    assert http.post(url, {"planned_end_date": "30/06/2027", "work_casemanager": "vdab",
                           "version": version}).status_code == 302
    werk_zorg.refresh_from_db()
    assert (werk_zorg.planned_end_date, werk_zorg.work_casemanager) == (datetime.date(2027, 6, 30), "vdab")


def test_a_trajectory_saved_by_someone_else_meanwhile_is_not_overwritten(world, login):
    from trajectories.models import Trajectory

    url = reverse("trajectories:edit", args=[world.client.pk, world.trajectory.pk])
    opened = version_in_form(login(world.alice), url)
    assert login(world.hilde).post(url, {"description": "Door het diensthoofd", "version": opened}).status_code == 302
    refused = login(world.alice).post(url, {"description": "Door Alice", "version": opened})
    assert refused.status_code == 422 and "heeft dit intussen opgeslagen" in refused.content.decode()
    assert "Door Alice" in refused.content.decode()
    assert Trajectory.objects.get(pk=world.trajectory.pk).description == "Door het diensthoofd"


def test_a_step_saved_by_someone_else_in_the_same_moment_gets_a_dutch_page(world, login, monkeypatch):
    """A double click or two colleagues: the trajectory changed between loading and saving."""
    from trajectories.models import Trajectory
    from web.trajectories import views

    real = views._trajectory

    def loaded_then_changed_elsewhere(client, pk):
        trajectory = real(client, pk)
        Trajectory.objects.unscoped().get(pk=pk).save()  # someone else's save lands in between
        return trajectory

    monkeypatch.setattr(views, "_trajectory", loaded_then_changed_elsewhere)
    url = reverse("trajectories:transition", args=[world.client.pk, world.trajectory.pk, "suspend"])
    response = login(world.alice).post(url, {"date": datetime.date.today().strftime("%d/%m/%Y")},
                                       headers={"Referer": "http://testserver/clienten/"})
    assert response.status_code == 409 and "Intussen gewijzigd" in response.content.decode()
    world.trajectory.refresh_from_db()
    assert world.trajectory.status == "lopend"


# The TWE-OCMW's page (issue 18): its phases, its warnings, its placement agreement, and closing
# with whether the leefloon was left.

def detail(http, world, trajectory=None):
    return http.get(reverse("trajectories:detail", args=[world.client.pk, (trajectory or world.trajectory).pk]))


def test_the_twe_page_shows_its_phases_and_what_is_missing(world, login):
    http = login(world.alice)
    response = detail(http, world)
    content = response.content.decode()
    twe = response.context["twe"]
    # Started 90 days ago at a partner, today in its art. 60 §7 employment; no WEO, no placement agreement.
    assert twe.phase == "tewerkstelling"
    assert [row.key for row in twe.rows if row.current] == ["tewerkstelling"]
    assert "Fasen van de TWE" in content and "Tewerkstelling art. 60 §7" in content
    assert "19 u/week · Vanhoutte Logistiek NV" in content
    assert 'id="warning-weo"' in content and "Er is geen datum van de WEO ingevuld" in content
    placement = world.trajectory.placements.get()
    assert f'id="warning-agreement-{placement.pk}"' in content
    assert "geen plaatsingsovereenkomst ingevuld" in content
    assert "gekend zodra de datum van de WEO ingevuld is" in content  # the last allowed day waits for the WEO

    # The WEO and the agreement recorded: the warnings go, the last day is known.
    start = world.trajectory.start_date
    version = edit_version(world.trajectory)
    assert http.post(reverse("trajectories:edit", args=[world.client.pk, world.trajectory.pk]), {
        "weo_signed_on": as_text(start), "vdab_registered_on": as_text(start), "version": version,
    }).status_code == 302
    placement_url = reverse("trajectories:placement_edit", args=[world.client.pk, world.trajectory.pk, placement.pk])
    assert http.post(placement_url, {
        "employer": world.employer.pk, "function": placement.function, "hours_per_week": "19",
        "start_date": as_text(start), "agreement_signed_on": as_text(start - datetime.timedelta(days=3)),
    }).status_code == 302
    content = detail(http, world).content.decode()
    assert 'id="warning-weo"' not in content and "warning-agreement" not in content
    world.trajectory.refresh_from_db()
    assert as_text(world.trajectory.twe_last_day) in content
    assert f"WEO ondertekend op {as_text(start)}" in content
    assert f"geregistreerd op {as_text(start)}" in content
    assert f"ondertekend op {as_text(start - datetime.timedelta(days=3))}" in content


def test_a_twe_the_reminder_rule_finds_without_a_workplace_is_a_warning(world, login):
    """The page asks what the worklist asks (reminders: a running TWE without a workplace, after the
    organisation's number of days, 30 by default, or once the WEO is signed)."""
    world.trajectory.delete()
    from trajectories import services

    twe = services.trajectory_register(client=world.client, by=world.alice, type="twe",
                                       start_date=TODAY - datetime.timedelta(days=100), start=True)
    response = detail(login(world.alice), world, twe)
    assert response.context["twe"].phase == "screening"
    assert "zonder werkplek: voeg de tewerkstelling art. 60 §7 toe" in response.content.decode()
    recent = TODAY - datetime.timedelta(days=20)
    twe.start_date = recent
    twe.save()
    assert "zonder werkplek" not in detail(login(world.alice), world, twe).content.decode()
    twe.weo_signed_on = recent
    twe.save()
    assert "en de WEO werd ondertekend op" in detail(login(world.alice), world, twe).content.decode()


def test_the_phases_follow_the_placement_and_its_end(world, login):
    from trajectories import services

    world.trajectory.delete()
    start = TODAY - datetime.timedelta(days=60)
    twe = services.trajectory_register(client=world.client, by=world.alice, type="twe", start_date=start,
                                       start=True, weo_signed_on=start + datetime.timedelta(days=10))
    http = login(world.alice)
    assert detail(http, world, twe).context["twe"].phase == "weo"
    services.placement_add(trajectory=twe, employer=world.employer, function="orderpicker", hours_per_week=19,
                           start_date=start + datetime.timedelta(days=20), end_date=TODAY - datetime.timedelta(days=5),
                           agreement_signed_on=start + datetime.timedelta(days=15))
    twe = Trajectory.objects.get(pk=twe.pk)
    response = detail(http, world, twe)
    assert response.context["twe"].phase == "nabegeleiding"
    assert [row.key for row in response.context["twe"].rows if row.current] == ["nabegeleiding"]
    assert f"vanaf {as_text(TODAY - datetime.timedelta(days=4))}" in response.content.decode()


def test_closing_records_whether_the_leefloon_was_left(world, login):
    http = login(world.alice)
    refused = transition(http, world, "close", outcome="werk")
    assert refused.status_code == 422
    assert refused.context["form"].errors["leefloon_after"] == ["Heeft de persoon het leefloon verlaten? Kies er een."]
    world.trajectory.refresh_from_db()
    assert (world.trajectory.status, world.trajectory.leefloon_after) == ("lopend", "")

    assert transition(http, world, "close", outcome="werkloos", leefloon_after="uitkering").status_code == 302
    world.trajectory.refresh_from_db()
    assert (world.trajectory.status, world.trajectory.leefloon_after) == ("afgerond", "uitkering")
    content = detail(http, world).content.decode()
    assert "Leefloon verlaten: werkloosheids- of andere uitkering" in content
    assert detail(http, world).context["twe"].rows[-1].current  # closed: the end is where it stands


def test_stopping_may_say_whether_the_leefloon_was_left(world, login):
    http = login(world.alice)
    form = http.get(reverse("trajectories:transition", args=[world.client.pk, world.trajectory.pk, "stop"]))
    assert not form.context["form"].fields["leefloon_after"].required
    assert "leefloon_after" not in http.get(reverse(
        "trajectories:transition", args=[world.client.pk, world.trajectory.pk, "suspend"])).context["form"].fields
    assert transition(http, world, "stop", reason="Verhuisd").status_code == 302
    world.trajectory.refresh_from_db()
    assert (world.trajectory.status, world.trajectory.leefloon_after) == ("stopgezet", "")


def test_a_placement_agreement_signed_after_the_start_is_refused_in_dutch(world, login):
    url = reverse("trajectories:placement_create", args=[world.client.pk, world.trajectory.pk])
    response = login(world.alice).post(url, {
        "employer": world.employer.pk, "function": "heftruckchauffeur", "hours_per_week": "24",
        "start_date": as_text(TODAY - datetime.timedelta(days=2)), "agreement_signed_on": as_text(TODAY)})
    assert response.status_code == 422
    assert response.context["placement_form"].errors["agreement_signed_on"] == [
        f"De plaatsingsovereenkomst wordt ondertekend voor het werk start ({as_text(TODAY - datetime.timedelta(2))})."]
    assert world.trajectory.placements.count() == 1


def test_a_twe_placement_under_half_time_is_refused_on_the_hours_field(world, login):
    url = reverse("trajectories:placement_create", args=[world.client.pk, world.trajectory.pk])
    response = login(world.alice).post(url, {"employer": world.employer.pk, "function": "poetshulp",
                                             "hours_per_week": "10", "start_date": as_text(TODAY)})
    assert response.status_code == 422
    assert "minstens 19 uur per week" in response.context["placement_form"].errors["hours_per_week"][0]


def test_only_a_twe_placement_asks_for_a_placement_agreement(world, login):
    from trajectories import services

    werk_zorg = services.trajectory_register(client=world.client, by=world.alice, type="werk_zorg", start_date=TODAY)
    assert "agreement_signed_on" not in detail(login(world.alice), world, werk_zorg).context["placement_form"].fields
    assert "agreement_signed_on" in detail(login(world.alice), world).context["placement_form"].fields


def test_the_placement_row_links_its_agreement_document(world, login):
    from django.core.files.base import ContentFile

    from documents.services import document_add

    http = login(world.alice)
    add_url = reverse("documents:add", args=[world.client.pk])
    content = detail(http, world).content.decode()
    assert f"{add_url}?traject={world.trajectory.pk}&amp;soort=plaatsingsovereenkomst" in content
    form = http.get(add_url, {"traject": world.trajectory.pk, "soort": "plaatsingsovereenkomst"}).context["form"]
    assert (form.initial["kind"], form.initial["trajectory"]) == ("plaatsingsovereenkomst", world.trajectory)
    document = document_add(client=world.client, by=world.alice, kind="plaatsingsovereenkomst", date=TODAY,
                            trajectory=world.trajectory, file=ContentFile(b"%PDF-1.4 test", name="overeenkomst.pdf"))
    content = detail(http, world).content.decode()
    assert reverse("documents:download", args=[world.client.pk, document.pk]) in content
    assert "Overeenkomst downloaden" in content


def test_a_care_organisation_of_another_ocmw_is_refused_in_the_trajectory_forms(world, login):
    foreign = CareOrganisation.objects.create(organisation=world.wervik, name="CAW Wervik", kind="caw")
    own = CareOrganisation.objects.create(organisation=world.menen, name="CAW Menen", kind="caw")
    http = login(world.alice)
    response = http.post(create_url(world), {"type": "werk_zorg", "start_date": as_text(TODAY),
                                             "care_organisation": foreign.pk, "work_casemanager": "vdab"})
    assert response.status_code == 422
    assert "care_organisation" in response.context["form"].errors
    assert "Selecteer een geldige keuze" in response.context["form"].errors["care_organisation"][0]
    assert not Trajectory.objects.filter(type="werk_zorg").exists()
    assert http.post(create_url(world), {"type": "werk_zorg", "start_date": as_text(TODAY),
                                         "care_organisation": own.pk, "work_casemanager": "vdab",
                                         "work_casemanager_name": "Loopbaanbegeleider Menen"}).status_code == 302
    werk_zorg = Trajectory.objects.get(type="werk_zorg")
    assert (werk_zorg.care_organisation, werk_zorg.work_casemanager) == (own, "vdab")
    edit = reverse("trajectories:edit", args=[world.client.pk, werk_zorg.pk])
    response = http.post(edit, {"planned_end_date": as_text(werk_zorg.planned_end_date),
                                "care_organisation": foreign.pk, "version": edit_version(werk_zorg)})
    assert response.status_code == 422 and "care_organisation" in response.context["form"].errors
    werk_zorg.refresh_from_db()
    assert werk_zorg.care_organisation == own


def test_a_placement_agreement_at_an_own_service_is_refused_and_its_option_is_marked(world, login):
    own = EmployerFactory(organisation=world.menen, name="Groendienst", kind="eigen_dienst")
    url = reverse("trajectories:placement_create", args=[world.client.pk, world.trajectory.pk])
    response = login(world.alice).post(url, {"employer": own.pk, "function": "groenarbeider", "hours_per_week": "19",
                                             "start_date": as_text(TODAY), "agreement_signed_on": as_text(TODAY)})
    assert response.status_code == 422
    assert response.context["placement_form"].errors["agreement_signed_on"] == [
        "Een plaatsingsovereenkomst hoort alleen bij een werkplek bij een partner."]
    content = response.content.decode()
    assert re.search(rf'<option value="{own.pk}"[^>]*data-own-service', content)  # the page hides its agreement field
