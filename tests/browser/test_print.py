"""The case file and the trajectory page on paper (static/css/app.css, @media print): no navigation
bar, no forms for adding things, no buttons; the client's name, the trajectory's goals and their state
are there; badges print black on white in a black frame instead of light grey.

Chromium prints each page to PDF as well (page.pdf, headless only): the PDF's text is checked with
pypdf, and the PDFs and screenshots under print media land in test-artifacts/print/."""

import datetime
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import log_in
from tests.factories import ContactMomentFactory
from trajectories import services

pytestmark = pytest.mark.browser

TODAY = datetime.date.today()
GOAL = "Zelfstandig met de bus naar het werk komen"


@pytest.fixture
def shot(screenshots):
    return screenshots("print")


@pytest.fixture
def case(world):
    services.goal_add(trajectory=world.trajectory, description=GOAL, target_date=TODAY + datetime.timedelta(days=60))
    ContactMomentFactory(client=world.client, author=world.alice, note="Opvolggesprek op de werkvloer.")
    return world


def rgb(page, locator, prop):
    value = locator.evaluate(f"(el) => getComputedStyle(el).{prop}")
    channels = [int(float(x)) for x in re.findall(r"[\d.]+", value)[:3]]
    assert len(channels) == 3, f"{prop} is {value!r}"
    return channels


def assert_black_ish(channels, what):
    assert max(channels) <= 60, f"{what} prints as rgb{tuple(channels)}, not black"


def print_to_pdf(page, name):
    """The page through Chromium's own printing (A4), as a person presses Ctrl+P; returns its text."""
    folder = ARTIFACTS / "print"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.pdf"
    page.pdf(path=str(path), format="A4", print_background=False)
    return "\n".join(page_.extract_text() for page_ in PdfReader(path).pages)


def assert_printed_badge(page, badge):
    expect(badge).to_be_visible()
    assert_black_ish(rgb(page, badge, "color"), "a badge's text")
    assert_black_ish(rgb(page, badge, "borderTopColor"), "a badge's frame")
    assert badge.evaluate("(el) => parseFloat(getComputedStyle(el).borderTopWidth)") >= 1
    background = rgb(page, badge, "backgroundColor")
    assert min(background) >= 240, f"a badge's background prints as rgb{tuple(background)}"


def test_the_case_file_and_the_trajectory_print_cleanly(page, live_server, case, shot):
    world = case
    log_in(page, world.alice)

    # The case file: on screen the navigation bar and the contact form are there.
    page.goto(f"/clienten/{world.client.pk}/")
    expect(page.locator("nav.navbar")).to_be_visible()
    expect(page.locator("#contact-form")).to_be_visible()
    page.emulate_media(media="print")
    shot(page, "case-file-print")
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(page.locator("#contact-form")).to_be_hidden()
    expect(page.get_by_role("button", name="Contactmoment opslaan")).to_be_hidden()
    expect(page.get_by_role("link", name="Dossier bewerken")).to_be_hidden()
    expect(page.locator("main a:visible", has_text=re.compile(r"^\s*bewerken\s*$", re.I))).to_have_count(0)
    expect(page.get_by_role("heading", name="Fatima Benali", level=1)).to_be_visible()
    expect(page.get_by_text("Opvolggesprek op de werkvloer.")).to_be_visible()  # the timeline stays
    assert_printed_badge(page, page.locator("main .badge").first)  # the client's status, "Actief"
    link = page.locator("main a[href*='/trajecten/']:not(.btn)").first
    expect(link).to_be_visible()
    assert link.evaluate("(el) => getComputedStyle(el).textDecorationLine") == "none"
    assert_black_ish(rgb(page, link, "color"), "a link")
    width = page.evaluate("document.querySelector('main').getBoundingClientRect().width")
    viewport = page.evaluate("document.documentElement.clientWidth")
    assert width >= viewport - 2, f"the printed page uses {width} of {viewport} px"
    text = print_to_pdf(page, "case-file")
    assert "Fatima Benali" in text and "Opvolggesprek op de werkvloer." in text
    assert "Afmelden" not in text and "Contactmoment opslaan" not in text and "Naar de inhoud" not in text
    assert f"door {world.alice} (OCMW Menen). Vertrouwelijk" in " ".join(text.split())  # who printed it

    # Back on screen nothing has changed.
    page.emulate_media(media="screen")
    expect(page.locator("nav.navbar")).to_be_visible()
    expect(page.locator("#print-footer")).to_be_hidden()

    # The trajectory: its goals with their state, without the forms that change them.
    page.goto(f"/clienten/{world.client.pk}/trajecten/{world.trajectory.pk}/")
    page.emulate_media(media="print")
    shot(page, "trajectory-print")
    expect(page.locator("nav.navbar")).to_be_hidden()
    goals = page.locator("#goals")
    expect(goals.get_by_text(GOAL)).to_be_visible()
    expect(goals.locator("select")).to_be_hidden()
    expect(goals.get_by_text("Een doel toevoegen")).to_be_hidden()
    state = goals.locator(".list-group-item .badge")
    assert_printed_badge(page, state)
    expect(state).to_have_text("Open")
    assert_printed_badge(page, page.locator("h1 .badge"))  # "Lopend"
    expect(page.locator("main a:visible", has_text=re.compile(r"^\s*bewerken\s*$", re.I))).to_have_count(0)
    expect(page.get_by_text("Fatima Benali")).to_be_visible()  # whose trajectory it is
    card = goals
    assert card.evaluate("(el) => getComputedStyle(el).breakInside") == "avoid"
    shadow = card.evaluate("(el) => getComputedStyle(el).boxShadow")
    assert shadow == "none" or shadow.endswith("inset"), f"a card prints with a shadow: {shadow}"  # its top line only
    text = print_to_pdf(page, "trajectory")
    assert GOAL in text and "Fatima Benali" in text
    assert "Afmelden" not in text and "Een doel toevoegen" not in text
