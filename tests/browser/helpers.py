from base64 import b32decode

from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.factories import PASSWORD


def log_in(page, user, shot=None):
    """Log in through the real form, and through the second step when the role requires it;
    `shot` keeps screenshots of the login (and code) pages."""
    page.goto(reverse("login"))
    expect(page.get_by_role("heading", name="Aanmelden")).to_be_visible()
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    if shot:
        shot(page, "login")
    page.get_by_role("button", name="Aanmelden").click()
    if user.requires_second_factor:
        give_second_factor(page, user, shot)
    expect(page.get_by_role("button", name="Afmelden")).to_be_visible()


def code_for(key):
    """What the authenticator app shows now for this key."""
    return f"{TOTP(key).token():06d}"


def give_second_factor(page, user, shot=None):
    """The second step as a person does it: set up the app from the key on the page the first time,
    type the app's code after that."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        expect(page.get_by_role("heading", name="Tweestapsverificatie")).to_be_visible()
        typed = page.locator("#second-factor-key").inner_text().replace(" ", "")
        key = b32decode(typed + "=" * (-len(typed) % 8))
        button = "Inschakelen"
    else:
        expect(page.get_by_role("heading", name="Code uit je app")).to_be_visible()
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # a code may be used once per 30 s
        key = device.bin_key
        button = "Bevestigen"
    page.get_by_label("Code").fill(code_for(key))
    if shot:
        shot(page, "second-factor")
    page.get_by_role("button", name=button).click()
