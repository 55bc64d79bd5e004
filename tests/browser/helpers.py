from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import PASSWORD


def log_in(page, user, shot=None):
    """Log in through the real form; `shot` keeps a screenshot of the login page."""
    page.goto(reverse("login"))
    expect(page.get_by_role("heading", name="Aanmelden")).to_be_visible()
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    if shot:
        shot(page, "login")
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("button", name="Afmelden")).to_be_visible()
