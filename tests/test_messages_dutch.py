"""Dutch messages that say the right thing: the handover form answers in Dutch itself, the
reminders count months in the singular, a ready report says "Klaar" once, figure titles start with
a capital and each months rule has its own hint."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from reminders.models import Reminder, Rule, RuleSetting
from reporting.models import YearlyReport
from web.clients.forms import HandoverForm
from web.reminders.forms import RuleSettingForm

pytestmark = pytest.mark.django_db


def test_the_handover_form_leaves_the_check_to_the_server_and_answers_in_dutch(world, login):
    http = login(world.hilde)
    page = http.get(reverse("clients:hand_over"), {"client": world.client.pk}).content.decode()
    assert "required" not in page.split('name="to"')[1].split(">")[0]  # no browser message in English
    response = http.post(reverse("clients:hand_over"), {"client": world.client.pk, "to": "", "note": ""})
    page = response.content.decode()
    assert response.status_code == 422
    assert "Kies de begeleider die de dossiers overneemt." in page
    with translation.override("nl"):
        form = HandoverForm({"client": [world.client.pk], "note": "x"}, user=world.hilde)
        assert form.errors["to"] == ["Kies de begeleider die de dossiers overneemt."]


@pytest.mark.parametrize(("rule", "detail", "text"), [
    (Rule.NAZORG_CHECK_IN, "1", "opvolging 1 maand na de start van de job"),
    (Rule.NAZORG_CHECK_IN, "3", "opvolging 3 maanden na de start van de job"),
    (Rule.WERK_ZORG_LIMIT, "verlengd:2030-01-31:1", "de verlenging eindigt op 31/01/2030, over 1 maand"),
    (Rule.WERK_ZORG_LIMIT, "15", "bereikt 15 maanden (de grens is 18)"),
])
def test_reminders_count_months_in_the_singular_and_the_plural(world, rule, detail, text):
    reminder = Reminder(organisation=world.menen, rule=rule, detail=detail, client=world.client,
                        due_date=datetime.date.today())
    with translation.override("nl"):
        assert str(reminder.explanation) == text


def test_a_ready_report_says_klaar_once(world, rf):
    report = YearlyReport.objects.create(organisation=world.menen, year=2024, requested_by=world.hilde)
    YearlyReport.objects.filter(pk=report.pk).update(
        state=YearlyReport.State.READY,
        finished_at=timezone.make_aware(datetime.datetime(2025, 1, 6, 9, 30)))
    report.refresh_from_db()
    request = rf.get("/")
    request.user = world.hilde
    with translation.override("nl"):
        page = render_to_string("reporting/_report_state.html", {"report": report, "recipients": []}, request=request)
    assert page.count("Klaar") == 1
    assert "Gemaakt op 06/01/2025 09:30." in page


def test_figure_titles_start_with_a_capital(world, login):
    response = login(world.hilde).get(reverse("reporting:behind", args=["status"]), {"type": "twe", "status": "lopend"})
    page = response.content.decode()
    title = page.split("<title>")[1].split("</title>")[0].strip()
    heading = page.split('<h1 class="h3">')[1].split("<")[0].strip()
    assert title.startswith("Tijdelijke werkervaring"), title
    assert heading.startswith("Tijdelijke werkervaring"), heading


def test_each_months_rule_has_its_own_hint(world):
    settings = {setting.rule: setting for setting in RuleSetting.objects.every_rule(world.menen)}
    with translation.override("nl"):
        nazorg = str(RuleSettingForm(prefix="n", instance=settings[Rule.NAZORG_CHECK_IN]).fields["months"].help_text)
        werk_zorg = str(RuleSettingForm(prefix="w", instance=settings[Rule.WERK_ZORG_LIMIT]).fields["months"].help_text)
    assert "1,3,6" in nazorg and "15,17" not in nazorg and "job" in nazorg
    assert "15,17" in werk_zorg
