"""The yearly report for the council as a document: a cover with the OCMW's name and logo, a header on
every other page, the key figures said in words, one outcome table, no empty page, and no count from 1
to 4 anywhere a count stands (reporting.report). And the logo the beheerder uploads for it."""

import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from leefloon.models import LeefloonDecision
from organisations.models import check_logo
from reporting.report import render_pdf, report_html

from .factories import ClientFactory, OrganisationFactory, UserFactory
from .test_yearly_report import trajectory

pytest.importorskip("weasyprint")
pytestmark = pytest.mark.django_db
D = datetime.date
YEAR = 2024
OUTCOME_LABELS = ["Werk (regulier)", "Opleiding", "Maatwerk / sociale economie", "Zelfstandige", "Werkloos",
                  "Arbeidsmatige activiteiten", "Zorg", "Stopgezet"]


def png(size=(120, 40), colour=(29, 63, 110), kind="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, kind)
    return buffer.getvalue()


def followed(organisation, head, year, trajectory_type, outcomes, running=0, leefloon_after=""):
    """One new client per trajectory: those with an outcome end in the year, `running` still run."""
    for index, outcome in enumerate(outcomes + [""] * running):
        client = ClientFactory(organisation=organisation)
        start = D(year, 1 + index % 6, 1 + index % 27)
        end = D(year, 7 + index % 6, 1 + index % 27) if outcome else None
        made = trajectory(client, head, trajectory_type, start, end, outcome)
        if outcome == "werk" and leefloon_after:
            made.leefloon_after = leefloon_after
            made.save(update_fields=["leefloon_after"])
        yield client


def leefloners(clients, year):
    for client in clients:
        LeefloonDecision.objects.create(client=client, decided_on=D(year, 1, 10), start_date=D(year, 1, 10))


@pytest.fixture
def rich(db):
    """Five years of an OCMW that works: most counts large, a few small (to hide)."""
    organisation = OrganisationFactory(slug="rijkevorsel", name="OCMW Rijkevorsel")
    head = UserFactory(organisation=organisation, role="diensthoofd")
    for year, size in ((2020, 30), (2021, 38), (2022, 45), (2023, 52)):
        clients = list(followed(organisation, head, year, "twe",
                                ["werk"] * (size // 3) + ["werkloos"] * (size - size // 3)))
        leefloners(clients[: size // 2], year)
    twe = list(followed(organisation, head, YEAR, "twe", ["werk"] * 20 + ["opleiding"] * 6 + ["werkloos"] * 8
                        + ["stopgezet"] * 3, running=6, leefloon_after="werk"))
    nazorg = list(followed(organisation, head, YEAR, "nazorg", ["werk"] * 18 + ["opleiding"] * 5 + ["maatwerk"] * 2
                           + ["werkloos"] * 5))
    voortraject = list(followed(organisation, head, YEAR, "voortraject", ["zorg"] * 6, running=9))
    list(followed(organisation, head, YEAR, "opleiding", ["werk"] * 2, running=1))
    leefloners(twe[:30] + voortraject[:10] + nazorg[:5] + [ClientFactory(organisation=organisation)
                                                          for _ in range(12)], YEAR)
    return organisation


@pytest.fixture
def small(db):
    """Every count of the year small: the report must show none of them."""
    organisation = OrganisationFactory(slug="klein", name="OCMW Klein")
    head = UserFactory(organisation=organisation, role="diensthoofd")
    clients = list(followed(organisation, head, YEAR, "nazorg", ["werk"] * 3 + ["opleiding"], running=2))
    clients += list(followed(organisation, head, YEAR, "twe", ["werkloos"], running=1))
    clients += list(followed(organisation, head, YEAR - 1, "twe", ["werk"] * 2))
    leefloners(clients[:3], YEAR)
    return organisation


def pages(organisation, year=YEAR):
    return [page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(organisation, year))).pages]


def flat(text):
    return " ".join(text.split())


def test_the_cover_has_the_name_the_logo_the_year_and_the_contents(rich):
    rich.set_logo(png(), "logo.png")
    rich.save()
    reader = PdfReader(io.BytesIO(render_pdf(rich, YEAR)))
    cover = flat(reader.pages[0].extract_text(extraction_mode="layout"))
    assert "OCMW Rijkevorsel" in cover and "Jaarverslag activering voor de gemeenteraad" in cover
    assert str(YEAR) in cover and "Gemaakt op" in cover
    assert len(reader.pages[0].images) == 1
    # The contents give each section with its page (target-counter).
    for title, page in [("Kerncijfers", 2), ("Uitstroom van het jaar", 3), ("Per type traject en per maand", 4),
                        ("Vijf jaar", 5), ("Groepsmodules en participatieladder", 5), ("Partnerwerkgevers", 5)]:
        assert f"{title} {page}" in cover, title
        assert title in reader.pages[page - 1].extract_text()


def test_without_a_logo_the_cover_has_no_image(rich):
    reader = PdfReader(io.BytesIO(render_pdf(rich, YEAR)))
    assert len(reader.pages[0].images) == 0 and "OCMW Rijkevorsel" in reader.pages[0].extract_text()


def test_every_page_after_the_cover_has_the_header_and_its_number(rich):
    texts = pages(rich)
    assert len(texts) == 5
    assert "pagina" not in texts[0]
    for number, text in enumerate(texts[1:], start=2):
        assert "OCMW Rijkevorsel" in text and f"Activering {YEAR}" in text, number
        assert f"pagina {number} / {len(texts)}" in text, number
        # No page is only its header and footer.
        body = text.replace("OCMW Rijkevorsel", "").replace(f"Activering {YEAR}", "")
        assert len(flat(re.sub(r"pagina \d+ / \d+", "", body))) > 200, number


def test_the_key_figures_are_said_in_words_with_the_year_before(rich):
    text = flat(" ".join(pages(rich)))
    assert ("In 2024 volgde het OCMW 91 mensen in een traject; 40 van hen vonden werk (44 op 100), "
            "tegenover 52 mensen en 17 naar werk in 2023.") in text
    assert "20 mensen verlieten het leefloon na een traject" in text
    key = text[text.index("Kerncijfers", 300):]
    assert "Personen gevolgd" in key and "Activeringsgraad" in key
    assert "44 % 40 van 91 33 % 17 van 52" in key  # a rate with its part and whole beneath, and the year before


def test_one_outcome_table_with_the_outcomes_as_rows(rich):
    text = flat(pages(rich)[2])
    assert "Uitstroom van het jaar" in text and "Nazorg" in text and "TWE" in text
    rows = [text.index(label + " ", text.index("Werk (regulier)")) for label in OUTCOME_LABELS]
    assert rows == sorted(rows)
    # Columns: voortraject, TWE, nazorg, werk-zorg, opleiding, AMA, total. Opleiding's 2 to work is hidden,
    # and with it the smallest other count of its row (nazorg's 18): 40 - 20 leaves two unknowns.
    assert "Werk (regulier) 0 20 x 0 < 5 0 40" in text
    assert "Maatwerk / sociale economie 0 0 < 5 0 0 0 < 5" in text
    assert "Totaal beëindigd x 37 30 0 < 5 0 75" in text
    assert "<svg" not in text and "Uitstroom per type traject" in text  # the chart's title


def test_the_per_type_table_and_the_charts_follow(rich):
    text = flat(" ".join(pages(rich)[3:5]))
    assert "Nazorg 30 0 +30 0 184 dagen" in text
    assert "Instroom en uitstroom per maand, 2024" in text
    assert "Personen gevolgd en personen naar werk, 2020–2024" in text
    assert "personen gevolgd 30 38 45 52 91" in text and "personen naar werk 10 12 15 17 40" in text


def counts_in(text, year=YEAR):
    """The standalone numbers of the report's pages as counts stand: without the header and footer,
    the years, the day the report was made and the threshold's "< 5"."""
    lines = [line for line in text.splitlines() if not line.startswith(("OCMW", "pagina", "Gemaakt op"))]
    text = re.sub(r"\b(19|20)\d\d\b|31/12|31 december|< \d+|\d+ %", " ", "\n".join(lines))
    return [int(number) for number in re.findall(r"(?<![\w/.,])\d+(?![\w/.,])", text)]


def test_no_count_from_1_to_4_anywhere_in_the_pdf(small):
    texts = pages(small)
    counts = counts_in("\n".join(texts[1:]))
    assert not [count for count in counts if 0 < count < 5], counts
    assert "minder dan 5 mensen" in flat(" ".join(texts))
    # And in the markup a count stands in: every table cell and key figure.
    html, _context = report_html(small, YEAR)
    cells = re.findall(r'<td class="n[^"]*">(.*?)</td>|<div class="(?:value|sub)">(.*?)</div>', html, re.S)
    values = [re.sub(r"<[^>]+>", " ", a or b) for a, b in cells]
    numbers = [int(n) for value in values for n in re.findall(r"(?<!&lt; )\b\d+\b", value)
               if not re.fullmatch(r"\d+ (dag|dagen)", value.strip())]
    assert values and not [n for n in numbers if 0 < n < 5], values


def test_hidden_counts_leave_no_chart_bar_and_say_so(small):
    text = flat(" ".join(pages(small)))
    assert "er is geen grafiek te tekenen" in text or "Elke uitstroom telt minder dan 5" in text


# The logo: the beheerder's settings page.

SETTINGS = {"session_timeout_minutes": 30, "retention_years": 10, "gpmi_evaluations_per_year": 3,
            "gpmi_in_person_per_year": 2, "small_number_threshold": 5}


def post_logo(http, content, name):
    return http.post(reverse("organisation_settings"), {**SETTINGS, "logo_file": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"%PDF-1.4 not an image", "logo.png", "logo.png is geen PNG- of JPEG-afbeelding"),
    (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "logo.svg",
     "logo.svg is een SVG-tekening: laad het logo op als PNG- of JPEG-afbeelding"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "logo.png", "logo.png is een SVG-tekening"),
    (png(kind="GIF"), "logo.gif", "logo.gif is een GIF-afbeelding: een logo moet een PNG- of JPEG-afbeelding zijn"),
    (png()[:40], "kapot.png", "kapot.png is geen PNG- of JPEG-afbeelding (of het is beschadigd)"),
])
def test_the_logo_must_be_a_png_or_jpeg_image(world, login, content, name, message):
    response = post_logo(login(world.bea), content, name)
    assert response.status_code == 422
    assert message in response.content.decode()
    world.menen.refresh_from_db()
    assert world.menen.logo is None and world.menen.session_timeout_minutes == 30


def test_a_logo_over_500_kb_is_refused():
    buffer = io.BytesIO()
    Image.effect_noise((600, 600), 100).convert("RGB").save(buffer, "PNG")
    assert len(buffer.getvalue()) > 500 * 1024
    with pytest.raises(Exception, match="maximaal 500 kB") as error:
        from django.utils import translation

        with translation.override("nl"):
            check_logo(buffer.getvalue(), "groot.png")
    assert "groot.png is" in str(error.value)


def test_the_beheerder_uploads_a_png_sees_it_and_removes_it(world, login):
    http = login(world.bea)
    response = post_logo(http, png(), "logo.png")
    assert response.status_code == 302
    world.menen.refresh_from_db()
    assert bytes(world.menen.logo) == png() and world.menen.logo_content_type == "image/png"
    page = http.get(reverse("organisation_settings")).content.decode()
    assert 'enctype="multipart/form-data"' in page and '<img src="data:image/png;base64,' in page
    assert "Het huidige logo verwijderen" in page
    # Saving the other settings keeps the logo; ticking the box removes it.
    assert http.post(reverse("organisation_settings"), SETTINGS).status_code == 302
    world.menen.refresh_from_db()
    assert world.menen.logo_content_type == "image/png"
    assert http.post(reverse("organisation_settings"), {**SETTINGS, "remove_logo": "on"}).status_code == 302
    world.menen.refresh_from_db()
    assert not world.menen.logo and world.menen.logo_content_type == ""


def test_a_jpeg_is_accepted_too(world, login):
    assert post_logo(login(world.bea), png(kind="JPEG"), "logo.jpg").status_code == 302
    world.menen.refresh_from_db()
    assert world.menen.logo_content_type == "image/jpeg"


@pytest.mark.parametrize("person", ["hilde", "sam", "alice"])
def test_only_the_beheerder_changes_the_logo(world, login, person):
    http = login(getattr(world, person))
    assert http.get(reverse("organisation_settings")).status_code == 403
    assert post_logo(http, png(), "logo.png").status_code == 403
    world.menen.refresh_from_db()
    assert world.menen.logo is None


def test_the_five_years_hide_a_small_count_and_a_small_rest():
    from reporting import trend
    from reporting.suppression import Hidden

    assert trend.hide_small_numbers([(2020, 0, 0), (2021, 3, 0), (2022, 42, 40), (2023, 42, 3), (2024, 91, 40)], 5) \
        == [(2020, 0, 0), (2021, Hidden(5), 0), (2022, 42, Hidden(5, secondary=True)), (2023, 42, Hidden(5)),
            (2024, 91, 40)]


def test_the_five_years_are_counted_per_person_one_query_a_year(rich, django_assert_num_queries):
    from reporting.trend import five_years

    with django_assert_num_queries(5):
        assert five_years(rich, YEAR) == [(2020, 30, 10), (2021, 38, 12), (2022, 45, 15), (2023, 52, 17),
                                          (2024, 91, 40)]
