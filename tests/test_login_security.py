"""Logging in: throttling of wrong passwords (django-axes), the TOTP second step (django-otp),
required for the diensthoofd and the beheerder and offered to the others, the end of idle sessions,
and the Content Security Policy."""

import re
from pathlib import Path

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisations import second_factor

from .factories import PASSWORD

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def log_in(http, user, password=PASSWORD, address="192.0.2.10"):
    return http.post(reverse("login"), {"username": user.email, "password": password}, REMOTE_ADDR=address)


def code(device, *, later=True):
    """The app's code now; `later`: typed a while after an earlier code or a wrong one (a code
    counts once per 30 s, and a wrong one makes the next wait 1, 2, 4 ... seconds)."""
    if later:
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_timestamp=None,
                                                       throttling_failure_count=0)
    return f"{TOTP(device.bin_key).token():06d}"


def test_five_wrong_passwords_block_that_address_and_e_mail(world):
    http = HttpClient()
    for _attempt in range(4):
        assert log_in(http, world.alice, "fout-wachtwoord").status_code == 200
    assert log_in(http, world.alice, "fout-wachtwoord").status_code == 429  # the fifth blocks
    blocked = log_in(http, world.alice)  # even the right password, for 15 minutes
    assert blocked.status_code == 429
    page = blocked.content.decode()
    assert "Aanmelden tijdelijk geblokkeerd" in page and "5 keer fout" in page and "15 minuten" in page
    assert "_auth_user_id" not in http.session
    # Another colleague, or the same person from another address, is not blocked by it.
    assert log_in(HttpClient(), world.bob).status_code == 302
    assert log_in(HttpClient(), world.alice, address="192.0.2.99").status_code == 302


def test_a_good_login_resets_the_count(world):
    http = HttpClient()
    for _attempt in range(4):
        log_in(http, world.alice, "fout-wachtwoord")
    assert log_in(http, world.alice).status_code == 302
    http.post(reverse("logout"))
    for _attempt in range(4):
        log_in(http, world.alice, "fout-wachtwoord")
    assert log_in(http, world.alice).status_code == 302


def test_the_head_sets_up_the_app_at_the_first_login_and_gives_a_code_after_that(world):
    http = HttpClient()
    response = log_in(http, world.hilde)
    assert response.status_code == 302
    # Until the app is set up, every page leads to the set-up.
    page = http.get(reverse("clients:list"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("second_factor_setup"))
    setup = http.get(page["Location"])
    assert "Scan deze code met de app" in setup.content.decode() and "<svg" in setup.content.decode()
    device = TOTPDevice.objects.get(user=world.hilde, confirmed=False)
    wrong = http.post(page["Location"], {"code": "000000"})
    assert wrong.status_code == 422 and "Deze code klopt niet" in wrong.content.decode()
    right = http.post(page["Location"], {"code": code(device), "next": reverse("clients:list")})
    assert right.status_code == 302 and right["Location"] == reverse("clients:list")
    assert http.get(reverse("clients:list")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed

    http.post(reverse("logout"))
    log_in(http, world.hilde)
    asked = http.get(reverse("reporting:dashboard"))
    assert asked["Location"].startswith(reverse("second_factor"))
    assert http.post(reverse("second_factor"), {"code": "12345"}).status_code == 422
    done = http.post(reverse("second_factor"), {"code": code(device), "next": reverse("reporting:dashboard")})
    assert done["Location"] == reverse("reporting:dashboard")
    assert http.get(reverse("reporting:dashboard")).status_code == 200


def test_a_foreign_next_address_is_not_followed(world):
    http = HttpClient()
    log_in(http, world.hilde)
    device = second_factor.pending_device(world.hilde)
    response = http.post(reverse("second_factor_setup"), {"code": code(device), "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def test_wrong_codes_are_throttled(world):
    device = TOTPDevice.objects.create(user=world.hilde, name="app", confirmed=True)
    http = HttpClient()
    log_in(http, world.hilde)
    for _attempt in range(3):
        http.post(reverse("second_factor"), {"code": "000000"})
    throttled = http.post(reverse("second_factor"), {"code": code(device, later=False)})
    assert throttled.status_code == 422 and "Te veel foute codes. Wacht" in throttled.content.decode()
    assert "_auth_user_id" in http.session and second_factor.PENDING in http.session


def test_a_counsellor_may_switch_the_app_on_and_off(world):
    http = HttpClient()
    log_in(http, world.alice)
    assert http.get(reverse("clients:list")).status_code == 200  # not required for her
    http.get(reverse("second_factor_setup"))
    device = TOTPDevice.objects.get(user=world.alice)
    http.post(reverse("second_factor_setup"), {"code": code(device)})
    assert "Tweestapsverificatie staat aan" in http.get(reverse("second_factor_setup")).content.decode()
    http.post(reverse("logout"))
    log_in(http, world.alice)
    assert http.get(reverse("clients:list"))["Location"].startswith(reverse("second_factor"))
    http.post(reverse("second_factor"), {"code": code(device)})
    http.post(reverse("second_factor_remove"))
    assert not TOTPDevice.objects.filter(user=world.alice).exists()


def test_after_an_approved_reset_the_head_sets_up_her_app_again(world, login):
    from organisations.models import AccountChangeRequest

    from .factories import UserFactory

    TOTPDevice.objects.create(user=world.hilde, name="app", confirmed=True)
    login(world.bea).post(reverse("user_second_factor_reset", args=[world.hilde.pk]))
    hanne = UserFactory(email="hanne@example.be", role="diensthoofd", organisation=world.menen)
    held = AccountChangeRequest.objects.unscoped().get(user=world.hilde)
    login(hanne).post(reverse("account_request_approve", args=[held.pk]))
    assert not TOTPDevice.objects.filter(user=world.hilde).exists()
    http = HttpClient()
    log_in(http, world.hilde)
    assert http.get(reverse("home"))["Location"].startswith(reverse("second_factor_setup"))


def _idle_for(http, seconds):
    """Make the session look unused for `seconds` (as if its last request was that long ago)."""
    session = http.session
    session[second_factor.LAST_SEEN] -= seconds
    session.save()


def test_the_session_cookie_ends_with_the_browser(world):
    """Issue 16, finding 5: the inactivity refresh set an expiry on the cookie (Max-Age 1800), so on
    a shared PC a reopened browser resumed the previous person's session."""
    http = HttpClient()
    log_in(http, world.alice)
    for _request in range(2):
        response = http.get(reverse("clients:list"))
        assert response.status_code == 200
    cookie = http.cookies["sessionid"]
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    assert http.cookies["was_logged_in"]["max-age"] == ""


def test_an_idle_session_ends_on_the_server_after_the_organisations_period(world):
    http = HttpClient()
    log_in(http, world.alice)
    assert http.session[second_factor.INACTIVITY] == 30 * 60
    _idle_for(http, 29 * 60)
    assert http.get(reverse("clients:list")).status_code == 200  # still within the period
    _idle_for(http, 32 * 60)
    page = http.get(reverse("clients:list"), follow=True)
    assert page.redirect_chain[0][0].startswith(reverse("login"))
    assert "Je werd afgemeld na een tijd zonder activiteit" in page.content.decode()
    assert "_auth_user_id" not in http.session


def test_the_organisations_period_holds_from_the_next_login(world):
    world.menen.session_timeout_minutes = 10
    world.menen.save()
    http = HttpClient()
    log_in(http, world.alice)
    assert http.session[second_factor.INACTIVITY] == 10 * 60
    _idle_for(http, 12 * 60)
    assert http.get(reverse("clients:list"))["Location"].startswith(reverse("login"))


def test_a_session_in_use_goes_on(world):
    http = HttpClient()
    log_in(http, world.alice)
    for _minute in range(3):
        _idle_for(http, 20 * 60)  # a request every 20 minutes
        assert http.get(reverse("clients:list")).status_code == 200


def test_the_content_security_policy_allows_no_inline_script(world, login):
    response = login(world.alice).get(reverse("clients:list"))
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'" and policy["default-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    inline = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        inline += [f"{template.name}: {tag}" for tag in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", text)]
        inline += [f"{template.name}: {handler}" for handler in re.findall(r"\son[a-z]+=\"", text)]
    assert inline == []


def test_the_beheerder_sets_the_inactivity_period_and_the_retention(world, login):
    http = login(world.bea)
    url = reverse("organisation_settings")
    refused = http.post(url, {"session_timeout_minutes": "2", "retention_years": "0",
                              "gpmi_evaluations_per_year": "3", "gpmi_in_person_per_year": "2",
                              "small_number_threshold": "5"})
    assert refused.status_code == 422
    form = refused.context["form"]
    assert form.errors.keys() == {"session_timeout_minutes", "retention_years"}
    assert "5" in form.errors["session_timeout_minutes"][0] and "1" in form.errors["retention_years"][0]
    assert http.post(url, {"session_timeout_minutes": "15", "retention_years": "12", "gpmi_evaluations_per_year": "4",
                           "gpmi_in_person_per_year": "2", "small_number_threshold": "5"}).status_code == 302
    world.menen.refresh_from_db()
    assert (world.menen.session_timeout_minutes, world.menen.retention_years) == (15, 12)
    world.wervik.refresh_from_db()
    assert world.wervik.session_timeout_minutes == 30  # another organisation keeps its own


def test_the_login_page_says_why_after_an_idle_session_ended(world):
    from django.contrib.sessions.models import Session

    http = HttpClient()
    log_in(http, world.alice)
    http.get(reverse("clients:list"))
    Session.objects.all().delete()  # what the end of the inactivity period does to the session
    page = http.get(reverse("clients:list"), follow=True).content.decode()
    assert "Je werd afgemeld na een tijd zonder activiteit" in page
    assert "Je werd afgemeld na een tijd" not in http.get(reverse("login")).content.decode()  # said once
    log_in(http, world.alice)
    http.get(reverse("clients:list"))
    page = http.post(reverse("logout"), follow=True).content.decode()
    assert "Je bent afgemeld" in page and "zonder activiteit" not in page


def test_a_session_that_never_gave_the_second_step_is_caught(world):
    """A head's session that began before two-factor authentication was required has no mark."""
    from organisations.second_factor import PENDING

    http = HttpClient()
    http.force_login(world.hilde)
    session = http.session
    session.pop(PENDING, None)
    session.save()
    response = http.get(reverse("clients:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("second_factor_setup"))


def test_capitals_or_spaces_in_the_e_mail_do_not_get_past_the_block(world):
    http = HttpClient()
    for typed in ("alice@example.be", "Alice@example.be", " ALICE@example.be", "aLice@Example.be"):
        http.post(reverse("login"), {"username": typed, "password": "fout"}, REMOTE_ADDR="192.0.2.10")
    blocked = http.post(reverse("login"), {"username": "Alice@Example.BE", "password": "fout"},
                        REMOTE_ADDR="192.0.2.10")
    assert blocked.status_code == 429
    assert log_in(HttpClient(), world.alice).status_code == 429


def test_behind_the_proxy_the_block_is_for_the_guessers_own_address(world, settings):
    settings.TRUSTED_PROXIES = 1
    proxy = "10.0.0.2"
    for _attempt in range(5):
        HttpClient().post(reverse("login"), {"username": world.alice.email, "password": "fout"},
                          REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.5")
    guesser = HttpClient().post(reverse("login"), {"username": world.alice.email, "password": PASSWORD},
                                REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.5")
    alice = HttpClient().post(reverse("login"), {"username": world.alice.email, "password": PASSWORD},
                              REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert (guesser.status_code, alice.status_code) == (429, 302)
