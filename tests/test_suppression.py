"""Small numbers: the rule (reporting.suppression) and where a schepen, a regiocoördinator or the
council's PDF meets it; the diensthoofd keeps the exact figures."""

import random
import re

import pytest
from django.urls import reverse

from reporting.suppression import (
    Hidden,
    suppress_counts,
    suppress_figure,
    suppress_table,
    threshold_of,
)


def shown_small(value, threshold):
    return isinstance(value, int) and 0 < value < threshold


def recoverable(cells, total):
    """Whether a line with a shown total gives away a hidden cell: exactly one hidden."""
    return not isinstance(total, Hidden) and sum(isinstance(cell, Hidden) for cell in cells) == 1


def test_small_counts_are_hidden_and_zeros_shown():
    assert suppress_figure(3, 5) == Hidden(5) and str(suppress_figure(1, 5)) == "< 5"
    assert suppress_figure(0, 5) == 0 and suppress_figure(5, 5) == 5
    values, total = suppress_counts([0, 7, 12], 5, 19)
    assert values == [0, 7, 12] and total == 19


def test_a_lone_hidden_cell_takes_the_next_smallest_with_it():
    values, total = suppress_counts([2, 9, 7, 30], 5, 48)
    assert values == [Hidden(5), 9, Hidden(5, secondary=True), 30] and total == 48
    assert str(values[2]) == "x"


def test_the_total_is_hidden_when_nothing_else_can_be():
    values, total = suppress_counts([3, 0, 0], 5, 3)
    assert values == [Hidden(5), 0, 0] and isinstance(total, Hidden)
    values, total = suppress_counts([0, 0, 6], 5, 6)
    assert values == [0, 0, 6] and total == 6


@pytest.mark.parametrize("seed", range(40))
def test_no_hidden_cell_is_recoverable_in_random_tables(seed):
    rng = random.Random(seed)
    threshold = rng.choice([3, 5, 10])
    width = rng.randint(1, 5)
    rows = [[rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 8, 12, 20]) for _ in range(width)] for _ in range(rng.randint(1, 6))]
    row_totals, column_totals = [sum(row) for row in rows], [sum(column) for column in zip(*rows, strict=True)]
    cells, shown_rows, shown_columns = suppress_table(rows, threshold, row_totals, column_totals)
    everything = [value for row in cells for value in row] + shown_rows + shown_columns
    assert not any(shown_small(value, threshold) for value in everything)
    for row, original, shown in zip(cells, rows, shown_rows, strict=True):
        assert [0 if value == 0 else None for value in original] == [0 if value == 0 else None for value in row]
        assert not recoverable(row, shown)
        if not isinstance(shown, Hidden):
            assert shown == sum(original)
    for index, shown in enumerate(shown_columns):
        assert not recoverable([row[index] for row in cells], shown)
    # Brute force: no hidden cell has only one value consistent with the shown cells and totals.
    for r, row in enumerate(cells):
        for c, value in enumerate(row):
            if isinstance(value, Hidden):
                in_row = not isinstance(shown_rows[r], Hidden) and sum(isinstance(v, Hidden) for v in row) == 1
                in_column = not isinstance(shown_columns[c], Hidden) and sum(
                    isinstance(other[c], Hidden) for other in cells) == 1
                assert not in_row and not in_column


def test_the_threshold_is_the_organisations(world):
    assert threshold_of(world.menen) == 5
    world.menen.small_number_threshold = 3
    assert threshold_of(world.menen) == 3
    assert suppress_figure(3, threshold_of(world.menen)) == 3 and str(suppress_figure(2, 3)) == "< 3"


# The pages and the PDF, with real data: `world` has one client at work at Vanhoutte Logistiek NV.

def employer_row(page, name):
    row = page[page.index(name):]
    return row[:row.index("</tr>")]


@pytest.mark.django_db
def test_the_schepen_sees_less_than_5_where_the_head_sees_1(world, login):
    year = world.trajectory.start_date.year
    head = login(world.hilde).get(reverse("reporting:dashboard"), {"jaar": year})
    assert [row["placed"] for row in head.context["data"]["employers"]] == [1]
    assert head.context["data"]["running_now"] == 1
    schepen = login(world.sam).get(reverse("reporting:dashboard"), {"jaar": year})
    data, page = schepen.context["data"], schepen.content.decode()
    assert [str(row["placed"]) for row in data["employers"]] == ["< 5"]
    assert str(data["running_now"]) == "< 5" and str(data["open_clients"]) == "< 5"
    assert '<td class="text-end">&lt; 5</td>' in employer_row(page, "Vanhoutte Logistiek NV")
    assert "Een aantal onder 5 staat er als" in page and "&lt; 5" not in head.content.decode()
    numbers = re.findall(r'<td class="text-end">(\d+)</td>', page)
    assert not [n for n in numbers if 0 < int(n) < 5]


@pytest.mark.django_db
def test_a_threshold_of_3_set_by_the_beheerder_changes_what_is_shown(world, login):
    from .factories import ClientFactory, running_twe

    for _ in range(2):
        running_twe(ClientFactory(organisation=world.menen, counsellor=world.alice), world.alice, world.employer)
    year = world.trajectory.start_date.year
    http = login(world.sam)
    assert str(http.get(reverse("reporting:dashboard"), {"jaar": year}).context["data"]["employers"][0]["placed"]) \
        == "< 5"
    form_page = login(world.bea).get(reverse("organisation_settings")).content.decode()
    assert "kleinste aantal getoond aan schepen of regio" in form_page.lower() and 'value="5"' in form_page
    response = login(world.bea).post(reverse("organisation_settings"), {
        "session_timeout_minutes": 30, "retention_years": 10, "gpmi_evaluations_per_year": 3,
        "gpmi_in_person_per_year": 2, "small_number_threshold": 3})
    assert response.status_code == 302
    world.menen.refresh_from_db()
    assert world.menen.small_number_threshold == 3
    data = login(world.sam).get(reverse("reporting:dashboard"), {"jaar": year}).context["data"]
    assert data["employers"][0]["placed"] == 3


@pytest.mark.django_db
def test_the_beheerder_cannot_set_a_threshold_of_1(world, login):
    response = login(world.bea).post(reverse("organisation_settings"), {
        "session_timeout_minutes": 30, "retention_years": 10, "gpmi_evaluations_per_year": 3,
        "gpmi_in_person_per_year": 2, "small_number_threshold": 1})
    assert response.status_code == 422
    world.menen.refresh_from_db()
    assert world.menen.small_number_threshold == 5


@pytest.mark.django_db
def test_the_region_coordinator_sees_no_count_from_1_to_4(world, login):
    year = world.trajectory.start_date.year
    response = login(world.rita).get(reverse("reporting:dashboard"), {"jaar": year})
    data, page = response.context["data"], response.content.decode()
    values = [value for section in data["sections"] for row in section.rows
              for cell in [*row.cells, row.total]
              for value in ((cell.part, cell.whole) if row.is_rate else (cell,))]
    assert not [value for value in values if shown_small(value, 5)] and Hidden(5) in values
    assert not [n for n in re.findall(r'<td class="text-end[^"]*">(\d+)</td>', page) if 0 < int(n) < 5]
    assert not [n for n in data["followed"] + data["to_work"] if shown_small(n, 5)]


@pytest.mark.django_db
def test_the_pdf_shows_no_small_count_of_an_employer(world):
    pytest.importorskip("weasyprint")
    import io

    from pypdf import PdfReader

    from reporting.report import render_pdf

    year = world.trajectory.start_date.year
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(world.menen, year))).pages)
    section = " ".join(text[text.index("Partnerwerkgevers", text.index("Groepsmodules")):].split())
    assert "Vanhoutte Logistiek NV" in section
    row = section[section.index("Vanhoutte Logistiek NV"):]
    assert row.startswith("Vanhoutte Logistiek NV (nieuw) logistiek < 5 0"), row


@pytest.mark.django_db
def test_no_count_cell_of_the_pdf_is_from_1_to_4(world):
    """Every cell a count stands in (the tables, the key figures with their "part of whole") of the
    council's report for `world`, whose counts are all 1."""
    from reporting.report import report_html

    year = world.trajectory.start_date.year
    html, context = report_html(world.menen, year)
    cells = re.findall(r'<td class="n[^"]*">(.*?)</td>|<div class="(?:value|sub)">(.*?)</div>', html, re.S)
    values = [re.sub(r"<[^>]+>", " ", first or second) for first, second in cells]
    numbers = [int(n) for value in values if not re.search(r"\bdag(en)?\b", value)
               for n in re.findall(r"(?<!&lt; )\b\d+\b", value)]
    assert numbers and not [n for n in numbers if 0 < n < 5], values
    assert "minder dan 5" in context["paragraph"] and not re.search(r"(?<!dan )\b[1-4]\b", context["paragraph"])
