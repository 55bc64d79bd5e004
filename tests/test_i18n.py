"""Dutch first: the catalogue is complete and compiled, and Django speaks nl-BE."""

from pathlib import Path

import polib
import pytest
from django.urls import reverse
from django.utils import formats

CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "nl" / "LC_MESSAGES"


def test_every_message_is_translated():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []


def test_the_compiled_catalogue_matches_the_source():
    def singular(entries):
        return {(entry.msgctxt, entry.msgid): entry.msgstr for entry in entries
                if entry.msgid and not entry.msgid_plural}

    po = singular(polib.pofile(str(CATALOGUE / "django.po")))
    mo = singular(polib.mofile(str(CATALOGUE / "django.mo")))
    assert po == mo, "run `make messages` to recompile django.mo"


def test_dates_read_dd_mm_yyyy():
    import datetime

    assert formats.date_format(datetime.date(2018, 8, 31), "SHORT_DATE_FORMAT") == "31/08/2018"


@pytest.mark.django_db
def test_the_login_page_is_dutch(client):
    page = client.get(reverse("login")).content.decode()
    assert "Aanmelden" in page and "E-mailadres" in page and 'lang="nl-BE"' in page


@pytest.mark.django_db
def test_a_wrong_password_gets_a_dutch_message(client, world):
    response = client.post(reverse("login"), {"username": world.alice.email, "password": "fout"})
    assert "horen niet bij elkaar" in response.content.decode()
