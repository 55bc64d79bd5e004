"""Accessibility of the main pages, checked in the browser with axe-core (WCAG 2.0/2.1 A and AA rules):
no violation of impact "serious" or "critical" on the pages each role uses, at 1280 px and, for the
case file and Vandaag, at 390 px too; and a keyboard focus that can be seen, on the dark navigation
bar as well as on the light page.

axe-core is vendored for the tests only (tests/browser/vendor/axe-core/): nothing is fetched while
the tests run. Screenshots of the pages checked land in test-artifacts/accessibility/<test>/."""

import datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from employers.models import Workplace
from gpmi import services as gpmi_services
from groupmodules import services as module_services
from groupmodules.models import Edition, Module, Session
from leefloon import services as leefloon_services
from tests.browser.helpers import log_in
from tests.factories import ClientFactory, ContactMomentFactory
from trajectories import services

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
TODAY = datetime.date.today()
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
NAVBAR_BACKGROUND = "#1d3f6e"  # .bg-primary-dark in static/css/app.css


def run_axe(page):
    """axe's violations on the page as it stands (WCAG 2.0/2.1 A and AA rules)."""
    page.wait_for_load_state("networkidle")  # htmx fragments loaded after the page are part of it
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                     resultTypes: ['violations']});
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), impact: n.impact, summary: n.failureSummary})),
            }));
        }""",
        WCAG_AA,
    )


def blocking(violations):
    return [v for v in violations if v["impact"] in BLOCKING]


def readable(found):
    """{page: [violation, ...]} as lines a person can act on."""
    lines = []
    for name, violations in found.items():
        for violation in violations:
            lines.append(f"{name}: {violation['id']} ({violation['impact']}): {violation['help']}")
            for node in violation["nodes"][:8]:
                summary = " ".join((node["summary"] or "").split())
                lines.append(f"    {node['target']}  -- {summary[:300]}")
            if len(violation["nodes"]) > 8:
                lines.append(f"    ... and {len(violation['nodes']) - 8} more")
    return "\n".join(lines)


class Checker:
    """Visits pages, runs axe on each and keeps what is serious or critical, so that one run lists
    every page's problems instead of stopping at the first."""

    def __init__(self, page, shot):
        self.page, self.shot = page, shot
        self.found = {}
        self.lesser = {}  # moderate and minor: listed (pytest -s), not failed on
        self.checked = []

    def __call__(self, name, url, width=DESKTOP):
        self.page.set_viewport_size(width)
        response = self.page.goto(url)
        assert response.ok, f"{name}: {url} answered {response.status}"
        self.here(name, width)

    def here(self, name, width=DESKTOP):
        """The page as it stands now (after an htmx swap, say)."""
        label = f"{name} @{width['width']}px"
        self.shot(self.page, label)
        violations = run_axe(self.page)
        if blocking(violations):
            self.found[label] = blocking(violations)
        if lesser := [v for v in violations if v["impact"] not in BLOCKING]:
            self.lesser[label] = lesser
        self.checked.append(label)

    def assert_clean(self):
        if self.lesser:
            print(f"axe, moderate and minor:\n{readable(self.lesser)}")
        assert not self.found, (
            f"axe found serious or critical WCAG A/AA violations on {len(self.found)} of "
            f"{len(self.checked)} pages:\n{readable(self.found)}")


@pytest.fixture
def page(browser, live_server):
    """The suite's page, with the product's Content-Security-Policy (script-src 'self') lifted for
    the test's own injected axe script only; the product's pages are as served."""
    context = browser.new_context(base_url=live_server.url, locale="nl-BE", timezone_id="Europe/Brussels",
                                  viewport=DESKTOP, bypass_csp=True)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def shot(screenshots, request):
    """test-artifacts/accessibility/<test>/01-....png: each test keeps its own."""
    return screenshots(f"accessibility/{request.node.name.removeprefix('test_')}")


@pytest.fixture
def files(world):
    """Enough on every page for axe to have something to judge: goals and a contact on the TWE, a
    leefloon decision with its GPMI, a workplace, a group module, open reminders."""
    services.goal_add(trajectory=world.trajectory, description="Zelfstandig met de bus naar het werk komen",
                      target_date=TODAY + datetime.timedelta(days=60))
    ContactMomentFactory(client=world.client, author=world.alice, note="Opvolggesprek op de werkvloer.")
    decided = TODAY - datetime.timedelta(days=40)
    decision = leefloon_services.decision_record(client=world.client, decided_on=decided, start_date=decided,
                                                 category="alleenstaand")
    gpmi = gpmi_services.gpmi_draw_up(client=world.client, by=world.alice, decision=decision,
                                      orientation="werk", goals="Werk vinden als magazijnier",
                                      client_commitments="Elke week twee sollicitaties",
                                      ocmw_commitments="Wekelijkse begeleiding")
    # A second client whose GPMI is overdue, so the deadlines page has a row.
    late = ClientFactory(organisation=world.menen, counsellor=world.alice, first_name="Jonas", last_name="Claeys")
    late_day = TODAY - datetime.timedelta(days=120)
    leefloon_services.decision_record(client=late, decided_on=late_day, start_date=late_day, category="alleenstaand")
    workplace = Workplace.objects.create(employer=world.employer, function="magazijnier", hours_per_week=19,
                                         postcode="8930", municipality="Menen")
    module = module_services.module_save(Module(organisation=world.menen, title="Sollicitatieclub",
                                                kind="jobclub", capacity=12, place="Sociaal huis, zaal 2"))
    edition = module_services.edition_save(Edition(module=module, name="Voorjaar", trainer=world.bob,
                                                   start_date=TODAY - datetime.timedelta(days=14),
                                                   end_date=TODAY + datetime.timedelta(days=60)))
    module_services.session_save(Session(edition=edition, date=TODAY, topic="Je cv op één blad"))
    module_services.enrol(client=late, edition=edition, by=world.alice)
    services.trajectory_register(client=late, by=world.alice, type="opleiding",
                                 start_date=TODAY - datetime.timedelta(days=60), start=True,
                                 planned_end_date=TODAY - datetime.timedelta(days=1))
    call_command("send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return {"gpmi": gpmi, "workplace": workplace, "module": module, "edition": edition}


def test_axe_runs_and_finds_what_it_should(page, live_server):
    """The check itself: on a page spoilt on purpose axe reports the unlabelled field and the grey
    text, so a clean result elsewhere means something."""
    page.goto("/login/")
    page.evaluate("""() => {
        const main = document.querySelector('main');
        main.insertAdjacentHTML('beforeend', '<input type="text" name="spoilt"><p style="color:#bbb">grijs</p>');
    }""")
    found = {v["id"]: v for v in blocking(run_axe(page))}
    assert {"label", "color-contrast"} <= set(found), readable({"spoilt login": list(found.values())})
    assert "input[type=\"text\"]" in readable({"spoilt": [found["label"]]})  # where: its selector


def test_the_login_page(page, live_server, shot):
    check = Checker(page, shot)
    check("login", "/login/")
    check("login", "/login/", PHONE)
    check.assert_clean()


def test_the_counsellors_pages(page, live_server, world, files, shot):
    log_in(page, world.alice)
    check = Checker(page, shot)
    client = f"/clienten/{world.client.pk}/"
    trajectory = f"{client}trajecten/{world.trajectory.pk}/"
    employer = f"/werkgevers/{world.employer.pk}/"
    check("vandaag", "/")
    check("vandaag", "/", PHONE)
    check("caseload", "/clienten/")
    check("case-file", client)
    check("case-file", client, PHONE)
    # The folded menu, opened on the phone.
    page.get_by_role("button", name="Menu").click()
    expect(page.locator("#nav.collapse.show")).to_be_visible()
    check.here("menu-open", PHONE)
    check("trajectory", trajectory)
    check("trajectory", trajectory, PHONE)
    # The contact moment form on the case file, sent empty: its errors come back through htmx.
    page.goto(client)
    page.get_by_role("button", name="Contactmoment opslaan").click()
    expect(page.get_by_text("Het contactmoment is niet opgeslagen")).to_be_visible()
    check.here("contact-form-with-errors")
    check("new-client-form", "/clienten/nieuw/")
    check("trajectory-form", f"{client}trajecten/nieuw/")
    check("leefloon-decision-form", f"{client}gpmi/leefloon/nieuw/")
    check("ladder-form", f"{client}participatieladder/nieuw/")
    check("document-form", f"{client}documenten/nieuw/")
    check("gpmi-overview", f"{client}gpmi/")
    check("gpmi-detail", f"{client}gpmi/{files['gpmi'].pk}/")
    check("client-matches", f"{client}werkposten/")
    check("employers", "/werkgevers/")
    check("employer", employer)
    check("workplace-candidates", f"{employer}werkposten/{files['workplace'].pk}/kandidaten/")
    check("search", "/zoeken/?q=Benali")
    # The navigation's search box, its list open as one types.
    page.get_by_role("searchbox", name="Zoek cliënten, werkgevers en werkposten").press_sequentially("ben")
    expect(page.locator("#nav-search-list")).to_be_visible()
    check.here("nav-search-open")
    check("follow-up", "/opvolging/")
    check("group-modules", "/groepsmodules/")
    check("group-module-edition", f"/groepsmodules/edities/{files['edition'].pk}/")
    check.assert_clean()


def test_the_head_of_services_pages(page, live_server, world, files, shot):
    log_in(page, world.hilde)
    check = Checker(page, shot)
    check("head-vandaag", "/")
    check("head-caseload", "/clienten/?begeleider=")
    check("hand-over", "/clienten/overdragen/")
    check("new-employer-form", "/werkgevers/nieuw/")
    check("dashboard", "/overzicht/")
    check("gpmi-deadlines", "/termijnen/")
    check("gpmi-deadlines-overdue", "/termijnen/laattijdig/")
    check("yearly-reports", "/overzicht/jaarverslagen/")
    check.assert_clean()


def test_the_beheerders_and_the_schepens_pages(browser, page, live_server, world, files, shot):
    log_in(page, world.bea)
    check = Checker(page, shot)
    check("users", "/beheer/gebruikers/")
    check("organisation-settings", "/beheer/instellingen/")
    check("reminder-rules", "/opvolging/regels/")
    check("vocabulary", "/beheer/vocabularium/")
    page.context.clear_cookies()
    log_in(page, world.sam)
    check("schepen-dashboard", "/overzicht/")
    check("schepen-deadlines", "/termijnen/")
    page.context.clear_cookies()
    log_in(page, world.rita)
    check("region-overview", "/overzicht/")
    check.assert_clean()


# Keyboard focus: the ring must stand out from what surrounds it (WCAG 2.4.7 and, for its colour,
# the 3:1 of non-text contrast 1.4.11).

FOCUS_RING = """([background]) => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const parse = (text) => {
        const m = text.match(/rgba?\\(([^)]+)\\)/);
        if (!m) return null;
        const parts = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
        return {r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1};
    };
    const hex = (text) => ({r: parseInt(text.slice(1, 3), 16), g: parseInt(text.slice(3, 5), 16),
                            b: parseInt(text.slice(5, 7), 16), a: 1});
    const over = (top, bottom) => ({r: top.r * top.a + bottom.r * (1 - top.a),
                                    g: top.g * top.a + bottom.g * (1 - top.a),
                                    b: top.b * top.a + bottom.b * (1 - top.a), a: 1});
    const luminance = (c) => {
        const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
    };
    const contrast = (a, b) => {
        const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
        return (x + 0.05) / (y + 0.05);
    };
    const behind = background.startsWith('#') ? hex(background) : parse(background);
    const rings = [];
    const outlineWidth = parseFloat(style.outlineWidth) || 0;
    if (style.outlineStyle !== 'none' && outlineWidth > 0) {
        const color = parse(style.outlineColor);
        if (color) rings.push({kind: 'outline', width: outlineWidth, color: style.outlineColor,
                               contrast: contrast(over(color, behind), behind)});
    }
    if (style.boxShadow && style.boxShadow !== 'none') {
        for (const shadow of style.boxShadow.split(/,(?![^(]*\\))/)) {
            const color = parse(shadow);
            const lengths = shadow.replace(/rgba?\\([^)]*\\)/, '').trim().split(/\\s+/).map(parseFloat);
            const spread = lengths.length >= 4 ? lengths[3] : 0;
            if (color && spread > 0 && color.a > 0) rings.push({kind: 'box-shadow', width: spread, color: shadow.trim(),
                                                                contrast: contrast(over(color, behind), behind)});
        }
    }
    return {tag: el.tagName, text: (el.innerText || el.value || '').trim().slice(0, 40),
            outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
            boxShadow: style.boxShadow, rings,
            best: rings.reduce((best, ring) => Math.max(best, ring.width >= 2 ? ring.contrast : 0), 0)};
}"""


def tab_to(page, selector, limit=200):
    """Press Tab until the focused element matches the selector, as a keyboard user gets there."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} not reached in {limit} presses of Tab")


def background_of(page, selector):
    """The first opaque background colour around the element (an ancestor's): what its outline is
    drawn on."""
    return page.evaluate("""(s) => {
        for (let el = document.querySelector(s).parentElement; el; el = el.parentElement) {
            const color = getComputedStyle(el).backgroundColor;
            if (color && color !== 'transparent' && !/rgba\\([^)]*,\\s*0\\)$/.test(color)) return color;
        }
        return 'rgb(255, 255, 255)';
    }""", selector)


def test_the_keyboard_focus_can_be_seen(page, live_server, world, files, shot):
    log_in(page, world.alice)
    page.goto(f"/clienten/{world.client.pk}/")
    page.locator("body").click(position={"x": 1, "y": 1})  # the keyboard starts from the top of the page
    page.evaluate("document.activeElement && document.activeElement.blur()")

    navbar = background_of(page, "nav.navbar > .container-xl")
    assert navbar == "rgb(29, 63, 110)", f"the navigation bar is {navbar}, the test expects {NAVBAR_BACKGROUND}"
    tab_to(page, "nav.navbar a.nav-link")
    ring = page.evaluate(FOCUS_RING, [navbar])
    shot(page, "focus-nav-link")
    assert ring["rings"], f"a focused navigation link shows no outline or ring: {ring}"
    assert ring["best"] >= 3, f"the focus ring of a navigation link has too little contrast on {navbar}: {ring}"

    tab_to(page, "main .btn-primary")
    behind = page.evaluate("document.activeElement.id = document.activeElement.id || 'focused-button'")
    behind = background_of(page, "#" + behind)
    ring = page.evaluate(FOCUS_RING, [behind])
    shot(page, "focus-primary-button")
    assert ring["rings"], f"a focused primary button shows no outline or ring: {ring}"
    assert ring["best"] >= 3, f"the focus ring of a primary button has too little contrast on {behind}: {ring}"

    # A text field on the page shows its focus as well.
    tab_to(page, "main textarea, main input:not([type=hidden])")
    behind = page.evaluate("document.activeElement.id")
    behind = background_of(page, "#" + behind)
    ring = page.evaluate(FOCUS_RING, [behind])
    assert ring["best"] >= 3, f"a focused text field has no ring that stands out from {behind}: {ring}"

    # The skip link comes first and shows itself, over the navigation bar's corner.
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Naar de inhoud")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    box = skip.bounding_box()
    assert box["width"] > 50 and box["height"] > 20, f"the focused skip link is {box}"
    ring = page.evaluate(FOCUS_RING, [navbar])
    shot(page, "focus-skip-link")
    assert ring["best"] >= 3, f"the focused skip link has no ring that stands out from the bar: {ring}"

