"""The caseload's filters fold away on a phone behind one button that counts the filters in use
("Filters (2)"); an htmx answer of the table brings the new count along (an out-of-band swap).
The layout itself is checked in a browser: tests/browser/test_phone_width.py."""

import re

import pytest
from django.urls import reverse

from web.clients.views import active_filter_count

pytestmark = pytest.mark.django_db


def button(response):
    """The text of the filter button's label, e.g. "Filters (2)"."""
    found = re.search(r'<span id="filter-count"[^>]*>([^<]*)</span>', response.content.decode())
    assert found, "no filter count on the page"
    return found.group(1).strip()


@pytest.mark.parametrize(("params", "count"), [
    ({}, 0),
    ({"q": "Benali", "sortering": "laatste_contact"}, 0),  # the search stays in sight; sorting narrows nothing
    ({"begeleider": "mij"}, 0),  # a counsellor's own clients: the default
    ({"status": "actief"}, 1),
    ({"status": "actief", "traject": "twe"}, 2),
    ({"begeleider": "alle", "status": "actief", "traject": "twe", "trajectstatus": "lopend"}, 4),
])
def test_the_counsellor_sees_how_many_filters_are_in_use(world, login, params, count):
    response = login(world.alice).get(reverse("clients:list"), params)
    assert response.context["active_filters"] == count
    assert button(response) == (f"Filters ({count})" if count else "Filters")


def test_for_the_head_all_counsellors_is_the_default_and_one_counsellor_a_filter(world, login):
    http = login(world.hilde)
    assert http.get(reverse("clients:list")).context["active_filters"] == 0
    assert http.get(reverse("clients:list"), {"begeleider": "alle"}).context["active_filters"] == 0
    assert http.get(reverse("clients:list"), {"begeleider": ""}).context["active_filters"] == 0
    response = http.get(reverse("clients:list"), {"begeleider": world.alice.pk})
    assert response.context["active_filters"] == 1 and button(response) == "Filters (1)"


def test_the_full_page_has_the_button_and_the_folding_filters(world, login):
    page = login(world.alice).get(reverse("clients:list"), {"status": "actief"}).content.decode()
    assert 'id="filters-toggle"' in page and 'data-bs-target=".caseload-filter"' in page
    for name in ("begeleider", "status", "traject", "trajectstatus", "sortering"):
        assert re.search(rf'class="[^"]*\bcollapse d-md-block caseload-filter" id="filter-{name}"', page), name
    assert 'hx-swap-oob' not in page  # the count sits in the button itself


def test_an_htmx_answer_updates_the_count_out_of_band(world, login):
    response = login(world.alice).get(reverse("clients:list"), {"status": "actief", "traject": "twe"},
                                      headers={"HX-Request": "true"})
    content = response.content.decode()
    assert [t.name for t in response.templates][0] == "clients/_client_table.html"
    assert '<span id="filter-count" hx-swap-oob="true">Filters (2)</span>' in content
    assert "Benali" in content  # the table itself is still there


def test_the_count():
    assert active_filter_count(counsellor_chosen=False, status="", trajectory_type="", trajectory_status="") == 0
    assert active_filter_count(counsellor_chosen=True, status="x", trajectory_type="", trajectory_status="y") == 3
