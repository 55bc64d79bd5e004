"""The main pages at phone width (390 px): the case file, each kind of trajectory page, Vandaag, the
caseload, the search page and the main forms. None scrolls sideways, the goal's status select keeps
a usable width, and who is logged in (name, role, OCMW) shows at 390 and at 1280 px. The head's team
figures and the caseload's rows reflow, and the caseload's filters fold behind one button.

Screenshots land in test-artifacts/phone-width/, phone-width-head/ and phone-width-filters/."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from employers.models import Workplace
from reminders.models import Reminder, Rule
from tests.browser.helpers import log_in
from tests.factories import ClientFactory, ContactMomentFactory
from trajectories import services

pytestmark = pytest.mark.browser

TODAY = datetime.date.today()
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def cases(world):
    """A goal and a contact on the TWE, and clients with a werk-zorgtraject and a nazorg."""
    services.goal_add(trajectory=world.trajectory, description="Zelfstandig met de bus naar het werk komen",
                      target_date=TODAY + datetime.timedelta(days=60))
    ContactMomentFactory(client=world.client, author=world.alice, note="Opvolggesprek op de werkvloer.")
    start = TODAY - datetime.timedelta(days=200)
    werk_zorg = services.trajectory_register(
        client=ClientFactory(organisation=world.menen, counsellor=world.alice, first_name="Jan",
                             last_name="Vandenbroucke-Verschaeve"),
        by=world.alice, type="werk_zorg", start_date=start, start=True, vdab_decided_on=start)
    services.goal_add(trajectory=werk_zorg, description="Een vaste dagstructuur")
    nazorg = services.trajectory_register(
        client=ClientFactory(organisation=world.menen, counsellor=world.alice, first_name="Sofie",
                             last_name="Declercq"),
        by=world.alice, type="nazorg", start_date=TODAY - datetime.timedelta(days=20), start=True)
    return {"werk_zorg": werk_zorg, "nazorg": nazorg}


def trajectory_url(trajectory, tail=""):
    return f"/clienten/{trajectory.client_id}/trajecten/{trajectory.pk}/{tail}"


def expect_who_is_logged_in(page, user):
    who = page.locator("#nav-user")
    expect(who).to_be_visible()
    expect(who).to_contain_text(user.get_full_name() or str(user))
    expect(who).to_contain_text(user.get_role_display())
    expect(who).to_contain_text(user.organisation.name)


def test_the_main_pages_fit_a_phone(page, live_server, world, cases, screenshots):
    shot = screenshots("phone-width")
    log_in(page, world.alice)
    expect_who_is_logged_in(page, world.alice)
    page.set_viewport_size(PHONE)
    expect_who_is_logged_in(page, world.alice)

    client = world.client.pk
    workplace = Workplace.objects.create(employer=world.employer, function="orderpicker", hours_per_week=19,
                                         postcode="8930")
    pages = {
        "vandaag": "/",
        "caseload": "/clienten/",
        "search": "/zoeken/?q=Benali",
        "case-file": f"/clienten/{client}/",  # with the contact moment form
        "trajectory-twe": trajectory_url(world.trajectory),
        "trajectory-werk-zorg": trajectory_url(cases["werk_zorg"]),
        "trajectory-nazorg": trajectory_url(cases["nazorg"]),
        "trajectory-new-form": f"/clienten/{client}/trajecten/nieuw/",
        "trajectory-edit-form": trajectory_url(world.trajectory, "bewerken/"),
        "trajectory-close-form": trajectory_url(world.trajectory, "stap/close/"),
        "employer": world.employer.get_absolute_url(),  # with its placement history
        "workplace-candidates": f"/werkgevers/{world.employer.pk}/werkposten/{workplace.pk}/kandidaten/",
        "client-workplaces": f"/clienten/{client}/werkposten/",
    }
    too_wide = {}
    for name, url in pages.items():
        response = page.goto(url)
        assert response.ok, f"{name}: {url} answered {response.status}"
        expect_who_is_logged_in(page, world.alice)
        shot(page, name)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[name] = width
    assert not too_wide, f"wider than the 390 px screen: {too_wide}"

    # The goal's status select keeps room for its longest choice ("niet bereikt").
    page.goto(trajectory_url(world.trajectory))
    select = page.locator("#goals select").first
    expect(select).to_be_visible()
    assert select.bounding_box()["width"] >= 120

    # The menu opens and its links are reachable.
    page.get_by_role("button", name="Menu").click()
    expect(page.get_by_role("button", name="Afmelden")).to_be_visible()
    expect(page.locator("#nav.collapse.show")).to_be_visible()  # the menu has finished opening
    shot(page, "menu-open")

    page.set_viewport_size(DESKTOP)
    expect_who_is_logged_in(page, world.alice)
    shot(page, "desktop-1280")
    for width in (992, 1200):  # the menu folded (below 1200), and on one line at its narrowest
        page.set_viewport_size({"width": width, "height": 900})
        expect_who_is_logged_in(page, world.alice)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shot(page, f"desktop-{width}")


def test_the_head_of_service_pages_fit_a_phone(page, live_server, world, cases, screenshots):
    """Vandaag with the team's figures and the caseload with its hand-over boxes, as the head sees them."""
    shot = screenshots("phone-width-head")
    log_in(page, world.hilde)
    page.set_viewport_size(PHONE)
    for name, url in {"vandaag": "/", "caseload": "/clienten/?begeleider=", "search": "/zoeken/?q=Benali"}.items():
        page.goto(url)
        expect_who_is_logged_in(page, world.hilde)
        shot(page, name)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{name}: the page is {width} px wide at a 390 px screen"
    # The head's menu has the most links: from 992 px (where it spilled 155 px past the screen) to a
    # desktop, folded or on one line, it never makes the page scroll sideways.
    unassigned = ClientFactory(organisation=world.menen, counsellor=None)  # the head's own follow-up
    Reminder.objects.bulk_create(Reminder(organisation=world.menen, rule=Rule.NO_CONTACT, subject=f"test-{n}",
                                          due_date=TODAY, client=unassigned) for n in range(120))
    for width in (992, 1100, 1199, 1200, 1280, 1400):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/")
        if width >= 1200:
            expect(page.get_by_label("120 open herinneringen")).to_be_visible()  # the widest badge there is
        fits(page, width)
    shot(page, "desktop-1400")


def fits(page, width):
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"the page is {scroll_width} px wide at a {width} px screen"


def test_the_heads_team_and_the_caseload_filters_reflow_on_a_phone(page, live_server, world, cases, screenshots):
    """The head's "Je team vandaag" is one block per counsellor on a phone, with labelled figures whose
    links still open the caseload; the caseload's filters fold behind "Filters (n)", open, and still
    narrow the list; each client is a compact block. At 1280 px the table and the open filters stay."""
    shot = screenshots("phone-width-filters")
    log_in(page, world.hilde)
    page.set_viewport_size(PHONE)
    alice = f"{world.alice.first_name} {world.alice.last_name}"

    # Vandaag: no table on a phone but a block per counsellor; the numbers read and link.
    page.goto("/")
    team = page.locator("#team-phone")
    expect(team).to_be_visible()
    expect(page.locator("section[aria-labelledby=h-team] table")).to_be_hidden()
    block = team.locator("li").filter(has_text=alice)
    expect(block.locator("dt").first).to_have_text("Open dossiers")
    expect(block.locator("dd").first).to_have_text("3")
    expect(team.locator("li").last).to_contain_text("Team")
    fits(page, PHONE["width"])
    shot(page, "vandaag")
    block.get_by_role("link", name="3").click()
    expect(page).to_have_url(re.compile(rf"/clienten/\?begeleider={world.alice.pk}$"))
    expect(page.locator("#client-table tbody tr")).to_have_count(3)
    expect(page.locator("#filters-toggle")).to_have_text("Filters (1)")  # the counsellor chosen

    # The caseload: the search in sight, the rest folded behind the button.
    page.goto("/clienten/")
    toggle = page.locator("#filters-toggle")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_text("Filters")
    expect(page.get_by_label("Zoeken op naam of rijksregisternummer")).to_be_visible()
    trajectory = page.get_by_label("Traject", exact=True)
    expect(trajectory).to_be_hidden()
    rows = page.locator("#client-table tbody tr")
    expect(rows).to_have_count(3)
    # A compact block per client: the box, the name and the status on one line.
    first = rows.first
    cells = [first.locator("td").first, first.get_by_role("link"), first.locator(".badge")]  # box, name, status
    tops = [cell.bounding_box()["y"] + cell.bounding_box()["height"] / 2 for cell in cells]
    assert max(tops) - min(tops) < 12, f"box, name and status not on one line: {tops}"
    fits(page, PHONE["width"])
    shot(page, "caseload-filters-closed")

    folding = page.locator(".caseload-filter")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(folding.and_(page.locator(".collapse.show"))).to_have_count(5)  # opened to the end: Bootstrap
    expect(trajectory).to_be_visible()  # ignores a click on the button while the filters still unfold
    trajectory.select_option("werk_zorg")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Vandenbroucke-Verschaeve, Jan")
    expect(toggle).to_have_text("Filters (1)")  # brought by the table's answer
    page.get_by_label("Status", exact=True).select_option("actief")
    expect(toggle).to_have_text("Filters (2)")
    expect(rows).to_have_count(1)
    fits(page, PHONE["width"])
    shot(page, "caseload-filters-open")

    toggle.click()  # folds away again, the list stays filtered
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(folding.and_(page.locator(".collapsing"))).to_have_count(0)
    expect(trajectory).to_be_hidden()
    expect(rows).to_have_count(1)
    fits(page, PHONE["width"])

    # At 1280 px: the table of the team and the filters open, no button.
    page.set_viewport_size(DESKTOP)
    page.goto("/")
    expect(page.locator("section[aria-labelledby=h-team] table")).to_be_visible()
    expect(page.locator("#team-phone")).to_be_hidden()
    shot(page, "vandaag-desktop")
    page.goto("/clienten/")
    expect(page.locator("#filters-toggle")).to_be_hidden()
    for label in ("Trajectbegeleider", "Status", "Traject", "Trajectstatus", "Sorteren op"):
        expect(page.get_by_label(label, exact=True)).to_be_visible()
    page.get_by_label("Traject", exact=True).select_option("nazorg")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Declercq, Sofie")
    fits(page, DESKTOP["width"])
    shot(page, "caseload-desktop")
