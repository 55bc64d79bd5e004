"""The headline figures (reporting.headline): people counted once whatever their number of
trajectories, the activation rate, GPMI coverage and evaluations kept, on built years; what a
schepen sees of them; and the dashboard that shows them."""

import datetime
import html
import re

import pytest
from django.urls import reverse

from gpmi.services import evaluation_add
from leefloon.services import decision_record
from reporting.headline import Rate, hide_small_numbers
from reporting.headline import headline as headline_of
from reporting.suppression import Hidden
from reporting.yearly import yearly_report_figures

from .factories import ClientFactory
from .test_yearly_figures_v2 import TODAY, signed_gpmi, year_2024  # noqa: F401 (a fixture)
from .test_yearly_report import trajectory

pytestmark = pytest.mark.django_db
D = datetime.date


def headline(world, year=2024, today=TODAY):
    return headline_of(yearly_report_figures(world.menen, year, today=today))


def test_a_person_with_three_types_counts_once(world):
    person = ClientFactory(organisation=world.menen)
    trajectory(person, world.hilde, "voortraject", D(2024, 1, 8), D(2024, 3, 29), "opleiding")
    trajectory(person, world.hilde, "opleiding", D(2024, 4, 1), D(2024, 9, 30), "werk")
    trajectory(person, world.hilde, "nazorg", D(2024, 10, 1))
    figures = yearly_report_figures(world.menen, 2024, today=TODAY)
    assert sum(figures["trajecten"][code]["gevolgd"] for code in figures["trajecten"]) == 3  # per type
    found = headline_of(figures)
    assert found["gevolgd"] == 1 and found["naar_werk"] == 1
    assert found["naar_werk_per_100"] == Rate(1, 1, 100)


def test_the_rates_of_a_built_year(year_2024, world):  # noqa: F811 (the fixture)
    found = headline(world)
    # 11 leefloners, 4 of them in activation (test_yearly_figures_v2.EXPECTED).
    assert found["leefloners"] == 11
    assert found["activeringsgraad"] == Rate(4, 11, 36)
    # Signed by 31 December (4) or exempted (1), of 11.
    assert found["gpmi_dekking"] == Rate(5, 11, 45)
    # niets, ex and twee followed; ex and twee to work.
    assert found["gevolgd"] == 3 and found["naar_werk_per_100"] == Rate(2, 3, 67)
    assert found["evaluaties"] == Rate(0, 0, None)  # no GPMI year ended in 2024


def test_the_activation_rate_counts_a_trajectory_a_gpmi_or_nothing(world):
    def leefloner():
        client = ClientFactory(organisation=world.menen)
        decision_record(client=client, decided_on=D(2024, 2, 1), start_date=D(2024, 2, 1))
        return client

    trajectory(leefloner(), world.hilde, "opleiding", D(2024, 3, 4))
    signed_gpmi(leefloner(), world.hilde, D(2024, 4, 2))
    leefloner()
    leefloner()
    assert headline(world)["activeringsgraad"] == Rate(2, 4, 50)
    # A trajectory of a client who is no leefloner of the year is followed, not activated.
    trajectory(ClientFactory(organisation=world.menen), world.hilde, "opleiding", D(2024, 3, 4))
    found = headline(world)
    assert found["activeringsgraad"] == Rate(2, 4, 50) and found["gevolgd"] == 2


def test_gpmi_years_kept(world):
    def gpmi(signed_on, evaluations, ended_on=None):
        client = ClientFactory(organisation=world.menen)
        decision_record(client=client, decided_on=D(2023, 1, 16), start_date=D(2023, 1, 16))
        made = signed_gpmi(client, world.hilde, signed_on, ended_on)
        for day, in_person in evaluations:
            evaluation_add(gpmi=made, by=world.hilde, date=day, in_person=in_person, conclusion="Verder zo.")
        return made

    # Three evaluations, two in person, in its first year (to 29 February 2024): kept.
    gpmi(D(2023, 3, 1), [(D(2023, 7, 3), True), (D(2023, 11, 6), True), (D(2024, 2, 5), False)])
    # One evaluation in its first year (to 1 May 2024): not kept.
    gpmi(D(2023, 5, 2), [(D(2023, 9, 4), True)])
    # Ended before its first year was over: no whole year to judge. Signed in 2024: its year ends in 2025.
    gpmi(D(2023, 3, 1), [(D(2023, 7, 3), True)], ended_on=D(2023, 12, 29))
    gpmi(D(2024, 2, 1), [])
    assert headline(world)["evaluaties"] == Rate(1, 2, 50)
    # On 15 March 2024, the second GPMI's year has not ended yet.
    assert headline(world, today=D(2024, 3, 15))["evaluaties"] == Rate(1, 1, 100)


@pytest.mark.parametrize(("figure", "shown"), [
    (Rate(20, 40, 50), Rate(20, 40, 50)),
    (Rate(2, 40, 5), Rate(Hidden(5), 40, None)),  # a small part
    (Rate(3, 3, 100), Rate(Hidden(5), Hidden(5), None)),  # a small whole
    (Rate(38, 40, 95), Rate(Hidden(5, secondary=True), 40, None)),  # 2 not: the rest is small
    (Rate(0, 40, 0), Rate(0, 40, 0)),  # nobody points to nobody
    (Rate(0, 0, None), Rate(0, 0, None)),
    (Rate(0, 2, 0), Rate(0, Hidden(5), None)),  # the whole hidden: its rest cannot be worked out
])
def test_a_schepen_sees_no_small_group_in_a_rate(figure, shown):
    assert hide_small_numbers({"rate": figure}, 5)["rate"] == shown


def test_a_count_below_the_threshold_reads_as_such():
    assert hide_small_numbers({"gevolgd": 3, "naar_werk": 0, "leefloners": 11}, 5) == {
        "gevolgd": Hidden(5), "naar_werk": 0, "leefloners": 11}
    assert hide_small_numbers({"gevolgd": 3}, 3) == {"gevolgd": 3}


def headline_section(page):
    start = page.index('<section id="kerncijfers"')
    return html.unescape(re.sub(r"<[^>]+>", " ", page[start:page.index("</section>", start)]))


def test_the_dashboard_shows_the_headline_exact_to_the_head_and_protected_to_the_schepen(
        year_2024, world, login):  # noqa: F811 (the fixture)
    head_page = login(world.hilde).get(reverse("reporting:dashboard"), {"jaar": 2024}).content.decode()
    head = " ".join(headline_section(head_page).split())
    assert "3 Personen gevolgd" in head and "36 % Activeringsgraad 4 van 11" in head
    assert 'href="/overzicht/cijfer/in_activering/?jaar=2024"' in head_page
    schepen_page = login(world.sam).get(reverse("reporting:dashboard"), {"jaar": 2024}).content.decode()
    schepen = " ".join(headline_section(schepen_page).split())
    assert "< 5 Personen gevolgd" in schepen and "— Activeringsgraad < 5 van 11" in schepen
    assert "/overzicht/cijfer/" not in schepen_page
    # No headline figure of the schepen is a count from 1 to 4 (a percentage may be).
    assert small_counts(schepen) == [], schepen
    # The head's has them (people followed, to work, 2 of 3, 4 of 11): the check can fail.
    assert small_counts(head) == [3, 2, 2, 3, 4]


def small_counts(text):
    """The whole numbers from 1 to 4 in `text` that are not a percentage."""
    tokens = text.split()
    return [int(token) for token, following in zip(tokens, [*tokens[1:], ""], strict=True)
            if token.isdigit() and following != "%" and 1 <= int(token) <= 4]


def test_the_counsellors_dashboard_has_no_headline(world, login):
    page = login(world.hilde).get(reverse("reporting:dashboard"), {"begeleider": world.alice.pk}).content.decode()
    assert "Kerncijfers" not in page


def test_a_count_also_in_a_rate_is_hidden_in_both_places():
    # 42 followed, 40 to work: the rate hides its part (2 did not go), so the count to work goes too.
    shown = hide_small_numbers({"gevolgd": 42, "naar_werk": 40, "naar_werk_per_100": Rate(40, 42, 95),
                                "leefloners": 3, "activeringsgraad": Rate(0, 3, 0)}, 5)
    assert shown["naar_werk"] == Hidden(5, secondary=True) == shown["naar_werk_per_100"].part
    assert shown["gevolgd"] == 42 and shown["naar_werk_per_100"].percent is None
    # A whole hidden on its own is hidden in the rate.
    assert shown["leefloners"] == Hidden(5) == shown["activeringsgraad"].whole
