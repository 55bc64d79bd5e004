"""Numbers in the query string (and in hand-read POST fields) are parsed in one place,
common.params: only ASCII digits count, so `?jaar=²` or `?begeleider=١٢` (which `str.isdigit()`
accepts and `int()` may refuse) answer the page as without the parameter instead of a 500."""

import datetime

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from common.params import MAX_DIGITS, ascii_int, is_ascii_digits, query_int

from .conftest import pass_second_factor
from .test_permission_matrix import RULES, Objects

pytestmark = pytest.mark.django_db

# A superscript two, Arabic-Indic twelve, and a number no database key can hold.
JUNK = ["²", "١٢", "9" * 40]
NUMERIC = ["jaar", "maand", "begeleider", "van", "volgt", "traject", "pagina"]


@pytest.mark.parametrize("text, number", [("0", 0), ("7", 7), ("2024", 2024), ("007", 7)])
def test_ascii_digits_are_a_number(text, number):
    assert ascii_int(text) == number and is_ascii_digits(text)


@pytest.mark.parametrize("text", [
    "²", "١٢", "۱۲", "１２", "1²", "²1", "", " ", " 7", "7 ", "7\n", "-1", "+1", "1.5", "1e3", "0x1", "1_000", "abc",
    None, 7, ["7"]])
def test_anything_else_is_the_default(text):
    assert ascii_int(text) is None and ascii_int(text, default=42) == 42
    assert not (is_ascii_digits(text) and len(text) <= MAX_DIGITS)


def test_a_number_has_at_most_max_digits():
    assert ascii_int("9" * MAX_DIGITS) == int("9" * MAX_DIGITS) < 2**63
    assert ascii_int("9" * (MAX_DIGITS + 1)) is None and ascii_int("9" * 10_000, default=0) == 0


def test_is_ascii_digits_has_no_length_limit_and_refuses_other_digits():
    assert is_ascii_digits("9" * 100) and is_ascii_digits("0000")
    assert not any(is_ascii_digits(text) for text in ("²²²²", "١٢٣٤", "８９３０", "", "89 30", None))


def test_out_of_range_is_the_default():
    assert [ascii_int(text, default=-1, minimum=1, maximum=12) for text in ("0", "1", "12", "13", "²")] == [
        -1, 1, 12, -1, -1]
    assert ascii_int("1999", default=2025, minimum=2000) == 2025 and ascii_int("5", maximum=4) is None


def test_query_int_reads_the_query_string(rf):
    request = rf.get("/", {"jaar": "2024", "maand": "²", "van": "١٢"})
    assert query_int(request, "jaar") == 2024
    assert query_int(request, "maand", default=1) == 1 and query_int(request, "van") is None
    assert query_int(request, "ontbreekt", default=3) == 3


def same_as_without(http, url, name, key, **fixed):
    """Each junk value of `name` answers what the page answers without it, in `key(response)`."""
    plain = http.get(url, fixed)
    for junk in JUNK:
        response = http.get(url, {**fixed, name: junk})
        assert response.status_code == plain.status_code, (url, name, junk)
        if plain.status_code == 200:
            assert key(response) == key(plain), (url, name, junk)


def dashboard_key(response):
    context = response.context
    return context["year"], context["counsellor"], context["data"]["running_now"], context["data"]["caseload"]


def test_the_dashboard_of_the_head(world, login):
    http = login(world.hilde)
    for name in ("jaar", "begeleider"):
        same_as_without(http, reverse("reporting:dashboard"), name, dashboard_key)
    assert http.get(reverse("reporting:dashboard"), {"jaar": "²"}).context["year"] == datetime.date.today().year


def test_the_region_comparison_and_the_home_page_of_the_coordinator(world, login):
    http = login(world.rita)
    for url in (reverse("reporting:dashboard"), reverse("home")):
        same_as_without(http, url, "jaar", lambda response: response.context["year"])


def test_the_files_behind_a_figure(world, login):
    http = login(world.hilde)

    def behind_key(response):
        return response.context["year"], response.context["counsellor"], response.context["page"].paginator.count

    open_files = reverse("reporting:behind", args=["open"])
    for name in ("jaar", "begeleider", "pagina"):
        same_as_without(http, open_files, name, behind_key)
    # A month and a holder are part of the figure: a wrong one is no figure (404), as without one.
    for figure, name in (("gestart", "maand"), ("geeindigd", "maand"), ("caseload", "van")):
        same_as_without(http, reverse("reporting:behind", args=[figure]), name, behind_key)
        assert http.get(reverse("reporting:behind", args=[figure]), {name: "²"}).status_code == 404
    assert http.get(reverse("reporting:behind", args=["caseload"]), {"van": world.alice.pk}).status_code == 200
    assert http.get(reverse("reporting:behind", args=["gestart"]), {"maand": "3"}).status_code == 200


@pytest.mark.parametrize("person", ["alice", "hilde"])
def test_the_caseload_list(world, login, person):
    def list_key(response):
        context = response.context
        return ([client.pk for client in context["page"]], context["counsellor_param"], context["own_caseload"],
                context["chosen_counsellor"])

    http = login(getattr(world, person))
    for name in ("begeleider", "pagina"):
        same_as_without(http, reverse("clients:list"), name, list_key)


def test_start_nazorg_with_a_wrong_twe_is_the_empty_form(world, login):
    http = login(world.alice)
    url = reverse("trajectories:create", args=[world.client.pk])
    same_as_without(http, url, "volgt", lambda response: response.context["form"].initial)


def test_a_document_for_a_wrong_trajectory_is_one_for_none(world, login):
    http = login(world.alice)
    url = reverse("documents:add", args=[world.client.pk])
    same_as_without(http, url, "traject", lambda response: response.context["form"].initial)
    assert http.get(url, {"traject": "²"}).context["form"].initial["trajectory"] is None


def test_a_handover_from_a_wrong_counsellor_chooses_nobody(world, login):
    http = login(world.hilde)
    url = reverse("clients:hand_over")
    same_as_without(http, url, "van", lambda response: (response.context["count"], response.context["from_counsellor"]))
    for junk in JUNK:
        refused = http.post(url, {"van": junk, "to": world.bob.pk, "note": "Verlof"})
        assert refused.status_code == 422 and "van" in refused.context["form"].errors


def test_no_page_of_the_matrix_breaks_on_junk_numbers(world):
    """Every GET URL of the permission matrix, as the head (and the region coordinator), with every
    numeric parameter set to junk: never a 500, and the same answer as without the parameters."""
    objects = Objects(world)
    wrong = []
    for person in ("head", "regio"):
        http = HttpClient(raise_request_exception=False)
        http.force_login(objects.people[person])
        pass_second_factor(http, objects.people[person])
        for name, rule in RULES.items():
            if "get" not in rule.methods or rule.ends_session:
                continue
            url = reverse(name, kwargs=rule.kwargs(objects))
            plain = http.get(url).status_code
            for junk in JUNK:
                got = http.get(url, {parameter: junk for parameter in NUMERIC}).status_code
                if got != plain:
                    wrong.append(f"GET {url} as {person} with {junk!r}: {got}, without: {plain}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(("column", "value", "expected"), [
    ("postcode", "²²²²", "rij 2, kolom postcode: een Belgische postcode heeft 4 cijfers"),
    ("postcode", "١٢٣٤", "rij 2, kolom postcode: een Belgische postcode heeft 4 cijfers"),
    ("rijksregisternummer", "²" * 10, "rij 2, kolom rijksregisternummer"),
    ("rijksregisternummer", "٨٥٠٧٣٠٠٣٣٢٨", "rij 2, kolom rijksregisternummer"),
    ("werkgever_kbo", "²" * 9, "rij 2, kolom werkgever_kbo"),
])
def test_an_imported_code_has_ascii_digits(world, tmp_path, column, value, expected):
    from .test_import import HEADER, csv_text, run, write

    cells = dict(zip(f"{HEADER};postcode".split(";"), [
        "85.07.30-033.28", "Jonas", "Peeters", "twe", "2025-01-06", "", "", "Bakkerij Dewulf", "0403.170.701", "",
        "8930"], strict=True))
    cells[column] = value
    code, _out, err = run(write(tmp_path, csv_text(";".join(cells.values()), header=";".join(cells))), world)
    assert code == 1 and expected in err, err


def test_a_second_factor_code_has_six_ascii_digits(world):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from organisations import second_factor

    device = TOTPDevice.objects.create(user=world.hilde, name="app", confirmed=True)
    too_short = second_factor.check(device, "12345")
    assert too_short and all(second_factor.check(device, code) == too_short for code in ("²" * 6, "١٢٣٤٥٦"))
    device.refresh_from_db()
    assert device.throttling_failure_count == 0  # a code that is no code is not a wrong guess


def test_searching_for_other_digits_finds_no_number(world):
    from clients.models import Client
    from employers.models import Employer

    assert list(Client.objects.filter(organisation=world.menen).search("²²²²")) == []
    assert list(Employer.objects.filter(organisation=world.menen).search("٠٤٠٣ ²²²²")) == []
