"""The subject-access file a citizen receives reads as Dutch: labels instead of keys and Belgian
dates in the PDF; stable keys with their Dutch labels in the JSON."""

import io
import json
import re

import pytest
from django.urls import reverse

from caseload import subject_access

pytestmark = pytest.mark.django_db


def url(world, extension):
    return reverse("subject_access", args=[world.client.pk, extension])


def test_the_pdf_shows_labels_and_belgian_dates(world, login):
    pypdf = pytest.importorskip("pypdf")
    response = login(world.alice).get(url(world, "pdf"))
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Leefloon categorie" in text and "Draagkracht (uren per week)" in text
    assert "Dossier aangemaakt op" in text
    assert "leefloon_categorie" not in text and "draagkracht_uren_per_week" not in text
    assert "aangemaakt_op" not in text
    assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", text)  # made on, in Brussels time
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)  # no ISO date anywhere
    # The sections the template does not lay out itself are in the PDF too.
    assert "Leefloonbeslissingen" in text and "Toestemmingen voor gegevensdeling met VDAB" in text


def test_the_json_keeps_its_keys_and_says_what_they_mean(world, login):
    data = json.loads(login(world.alice).get(url(world, "json")).content)
    assert "leefloon_categorie" in data["persoon"]
    assert data["veldnamen"]["leefloon_categorie"] == "Leefloon categorie"
    assert data["veldnamen"]["aangemaakt_op"] == "Dossier aangemaakt op"


def test_readable_values():
    assert subject_access.readable_value("2025-03-07") == "07/03/2025"
    assert subject_access.readable_value("2025-07-01T08:05:00+00:00") == "01/07/2025 10:05"  # Brussels, summer
    assert subject_access.readable_value(["a", "b"]) == "a, b"
    assert subject_access.label("x_y") == "X y"


def test_other_sections_show_every_record_with_labels():
    data = {"persoon": {}, "gpmi": [{"ondertekend_op": "2025-02-03", "aanpassingen": [
        {"datum": "2025-05-06", "gevraagd_door": "de cliënt"}]}]}
    assert subject_access.other_sections(data) == [("GPMI", [[
        ("Ondertekend op", "03/02/2025"), ("Aanpassingen", "Datum: 06/05/2025, Gevraagd door: de cliënt")]])]
