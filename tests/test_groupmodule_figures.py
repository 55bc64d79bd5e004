"""The group-module and participation-ladder figures of the yearly report (CONTRACTS.md, version 2:
`groepsmodules`, `participatieladder`, and `personen.in_activering` with a module attended), on a
hand-built 2024 in Menen with a distractor in Wervik: attendances of each presence, a cancelled
session, one later than the report's day, one of the year before; ladder measurements that moved up,
stayed, went down, and first measured in the year."""

import datetime
import html
import io
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from groupmodules.models import Edition, Module, Session
from groupmodules.services import attendance_mark, edition_save, enrol, module_save, session_save
from ladder.services import measurement_add
from leefloon.services import decision_record
from reporting.yearly import module_sets, module_table, yearly_report_figures, yearly_report_figures_by_organisation

from .factories import ClientFactory

pytestmark = pytest.mark.django_db
D = datetime.date
LINK = re.compile(r'<a href="(/overzicht/cijfer/[^"]+)" class="figure-link">(\d+)</a>')
BEFORE_THE_LAST_SESSION = D(2024, 12, 1)  # the report's day, when the session of 20 December is still to come


def _module(organisation, title, kind, trainer, start, end):
    module = module_save(Module(organisation=organisation, title=title, kind=kind))
    return edition_save(Edition(module=module, name=f"{start:%Y}", start_date=start, end_date=end, trainer=trainer))


def _sessions(edition, *days):
    return [session_save(Session(edition=edition, date=day)) for day in days]


def _marks(head, session, enrolments, marks):
    for name, presence in marks.items():
        attendance_mark(session=session, enrolment=enrolments[name], presence=presence, by=head)


@pytest.fixture
def year_2024(world):
    """Menen's clients by first name: `people[name]`."""
    head = world.hilde
    people = {name: ClientFactory(organisation=world.menen, counsellor=world.alice, first_name=name)
              for name in ("An", "Bert", "Cas", "Dirk", "Eva", "Fien", "Gust", "Hugo")}
    job = _module(world.menen, "Klaar voor de job", "voortraject", world.alice, D(2024, 1, 8), D(2024, 12, 31))
    sport = _module(world.menen, "Sportief naar werk", "sport", world.bob, D(2024, 4, 1), D(2024, 6, 30))
    earlier = Edition.objects.create(module=job.module, name="2023", start_date=D(2023, 9, 1), end_date=D(2023, 12, 31))
    in_job = {name: enrol(client=people[name], edition=job, by=head, on=D(2024, 1, 8))
              for name in ("An", "Bert", "Cas", "Dirk")}
    in_sport = {name: enrol(client=people[name], edition=sport, by=head, on=D(2024, 4, 1)) for name in ("Eva", "An")}
    in_earlier = {"Fien": enrol(client=people["Fien"], edition=earlier, by=head, on=D(2023, 9, 1))}
    s1, s2, s3, s4 = _sessions(job, D(2024, 3, 5), D(2024, 3, 12), D(2024, 3, 19), D(2024, 12, 20))
    _marks(head, s1, in_job, {"An": "aanwezig", "Bert": "te_laat", "Cas": "verwittigd", "Dirk": "onverwittigd"})
    _marks(head, s2, in_job, {"An": "aanwezig", "Bert": "ziek", "Cas": "onverwittigd", "Dirk": "onverwittigd"})
    # Marked, then cancelled: not held, so Cas's presence there does not count.
    _marks(head, s3, in_job, {"Cas": "aanwezig"})
    s3.cancelled = True
    session_save(s3)
    # 20 December: held in a report made after it, still to come in one made on 1 December.
    _marks(head, s4, in_job, {"Dirk": "aanwezig"})
    t1, t2 = _sessions(sport, D(2024, 5, 2), D(2024, 5, 9))
    _marks(head, t1, in_sport, {"Eva": "aanwezig", "An": "te_laat"})
    _marks(head, t2, in_sport, {"Eva": "ziek"})
    _sessions(sport, D(2024, 6, 27))  # held, nobody marked
    cancelled = _sessions(sport, D(2024, 6, 20))[0]
    cancelled.cancelled = True
    session_save(cancelled)
    # The year before: Fien was there in 2023 only.
    (old,) = _sessions(earlier, D(2023, 11, 7))
    _marks(head, old, in_earlier, {"Fien": "aanwezig"})
    # Wervik's module and participant are Wervik's.
    wervik = _module(world.wervik, "Praattafel Nederlands", "taal", None, D(2024, 1, 1), None)
    (w1,) = _sessions(wervik, D(2024, 2, 1))
    attendance_mark(session=w1, enrolment=enrol(client=world.other_client, edition=wervik, by=world.olga),
                    presence="aanwezig", by=world.olga)

    ladder = {
        "An": [(D(2023, 6, 1), 2), (D(2024, 3, 1), 3), (D(2024, 9, 1), 3)],  # up from before the year
        "Bert": [(D(2023, 5, 1), 3), (D(2024, 4, 1), 3)],  # stayed
        "Cas": [(D(2023, 1, 1), 4), (D(2024, 2, 1), 5), (D(2024, 10, 1), 3)],  # up, then down: down
        "Dirk": [(D(2024, 2, 1), 1), (D(2024, 8, 1), 2)],  # first in the year: up
        "Eva": [(D(2024, 5, 1), 2)],  # first in the year, once: not up
        "Fien": [(D(2023, 2, 1), 1), (D(2025, 1, 10), 3)],  # not measured in 2024
        "Gust": [(D(2023, 1, 1), 1), (D(2023, 12, 1), 3), (D(2024, 6, 1), 2)],  # the last before counts: down
        "Hugo": [(D(2023, 3, 1), 2), (D(2024, 1, 1), 1), (D(2024, 12, 31), 3)],  # 1 January, 31 December: up
    }
    for name, measurements in ladder.items():
        for day, rung in measurements:
            measurement_add(client=people[name], date=day, rung=rung, by=head)
    measurement_add(client=world.other_client, date=D(2024, 3, 1), rung=1, by=world.olga)
    measurement_add(client=world.other_client, date=D(2024, 9, 1), rung=2, by=world.olga)

    # Leefloners of 2024 without a trajectory or a GPMI: An (attended), Dirk (attended on 20 December
    # only), Cas (absent only, and present at a cancelled session), Fien (attended in 2023).
    for name in ("An", "Dirk", "Cas", "Fien"):
        decision_record(client=people[name], decided_on=D(2024, 1, 2), start_date=D(2024, 1, 2))
    return people


GROEPSMODULES = {
    # An, Bert, Dirk (20 December) in the job module; Eva (and An) in sport. Not Cas, not Fien.
    "deelnemers": 4,
    # 5, 12 March and 20 December; 2 and 9 May and 27 June (nobody marked). Not 19 March or 20 June.
    "sessies": 6,
    # An twice, Bert late, Dirk; Eva, An late.
    "aanwezigheden": 6,
    # Cas excused, Dirk unexcused twice, Bert ill, Cas unexcused; Eva ill.
    "afwezigheden": 6,
}
PARTICIPATIELADDER = {"gemeten": 7, "gestegen": 3}  # An, Dirk, Hugo moved up


def test_the_figures_of_a_built_year(year_2024, world):
    figures = yearly_report_figures(world.menen, 2024, today=D(2025, 3, 1))
    assert figures["groepsmodules"] == GROEPSMODULES
    assert figures["participatieladder"] == PARTICIPATIELADDER
    wervik = yearly_report_figures(world.wervik, 2024, today=D(2025, 3, 1))
    assert wervik["groepsmodules"] == {"deelnemers": 1, "sessies": 1, "aanwezigheden": 1, "afwezigheden": 0}
    assert wervik["participatieladder"] == {"gemeten": 1, "gestegen": 1}


def test_who_is_behind_the_figures(year_2024, world):
    sets = module_sets([world.menen], 2024, today=D(2025, 3, 1))
    names = {client.pk: name for name, client in year_2024.items()}
    assert {names[pk] for pk in sets.participants[world.menen.pk]} == {"An", "Bert", "Dirk", "Eva"}
    assert {names[pk] for pk in sets.measured[world.menen.pk]} == {"An", "Bert", "Cas", "Dirk", "Eva", "Gust", "Hugo"}
    assert {names[pk] for pk in sets.moved_up[world.menen.pk]} == {"An", "Dirk", "Hugo"}


def test_per_module_participants_sessions_and_attendance_rate(year_2024, world):
    rows = module_table(module_sets([world.menen], 2024, today=D(2025, 3, 1)), world.menen.pk)
    assert [(row["title"], row["participants"], row["sessions"], row["attended"], row["absent"], row["rate"])
            for row in rows] == [
        ("Klaar voor de job", 3, 3, 4, 5, 44),  # 4 of 9 marks
        ("Sportief naar werk", 2, 3, 2, 1, 67)]  # 2 of 3


def test_a_session_still_to_come_was_not_held(year_2024, world):
    figures = yearly_report_figures(world.menen, 2024, today=BEFORE_THE_LAST_SESSION)
    assert figures["groepsmodules"] == {"deelnemers": 3, "sessies": 5, "aanwezigheden": 5, "afwezigheden": 6}
    assert figures["participatieladder"] == PARTICIPATIELADDER  # measurements are never in the future
    assert yearly_report_figures(world.menen, 2023, today=BEFORE_THE_LAST_SESSION)["groepsmodules"] == {
        "deelnemers": 1, "sessies": 1, "aanwezigheden": 1, "afwezigheden": 0}


def test_in_activering_counts_a_leefloner_who_attended_a_module(year_2024, world):
    """An attended; Dirk too, on 20 December; Cas was only absent (and present at a cancelled
    session); Fien attended in 2023. None has a trajectory or a GPMI."""
    people = yearly_report_figures(world.menen, 2024, today=D(2025, 3, 1))["personen"]
    assert (people["leefloners"], people["in_activering"]) == (4, 2)
    assert yearly_report_figures(world.menen, 2024, today=BEFORE_THE_LAST_SESSION)["personen"]["in_activering"] == 1


def test_a_fixed_number_of_queries(year_2024, world, django_assert_num_queries):
    # The trajectories, the leefloners, the GPMIs (of the GPMI years: without any, their evaluations
    # are not read), the attendances, the sessions held, the ladder.
    with django_assert_num_queries(6):
        yearly_report_figures(world.menen, 2024)
    edition = Edition.objects.get(module__title="Klaar voor de job", name="2024")
    (session,) = _sessions(edition, D(2024, 10, 1))
    for _ in range(6):
        client = ClientFactory(organisation=world.menen)
        attendance_mark(session=session, enrolment=enrol(client=client, edition=edition, by=world.hilde),
                        presence="aanwezig", by=world.hilde)
        measurement_add(client=client, date=D(2024, 10, 1), rung=2, by=world.hilde)
        measurement_add(client=client, date=D(2024, 11, 1), rung=3, by=world.hilde)
    with django_assert_num_queries(6):
        figures = yearly_report_figures_by_organisation([world.menen, world.wervik], 2024)
    assert figures[world.menen.pk]["groepsmodules"]["deelnemers"] == 4 + 6
    assert figures[world.menen.pk]["participatieladder"] == {"gemeten": 7 + 6, "gestegen": 3 + 6}


def test_the_json_of_the_command(year_2024, world, tmp_path):
    output = tmp_path / "menen-2024.json"
    call_command("yearly_report", "--organisation", "menen", "--year", "2024", "--output", str(output),
                 "--format", "json", stdout=io.StringIO())
    data = json.loads(output.read_text())
    assert data["groepsmodules"] == GROEPSMODULES and data["participatieladder"] == PARTICIPATIELADDER
    assert all(type(value) is int for part in ("groepsmodules", "participatieladder") for value in data[part].values())


def test_the_pdf_shows_the_section(year_2024, world, tmp_path):
    output = tmp_path / "menen-2024.pdf"
    call_command("yearly_report", "--organisation", "menen", "--year", "2024", "--output", str(output),
                 stdout=io.StringIO())
    text = "\n".join(page.extract_text() for page in PdfReader(output).pages)
    section = text[text.index("Groepsmodules en participatieladder"):]
    # For the council, small counts are hidden (reporting.suppression), and so is a small module's rate.
    assert "Klaar voor de job < 5 < 5 —" in section and "Sportief naar werk < 5 < 5 —" in section
    assert "7 personen" in section and "< 5 van hen" in section
    assert "44%" not in section
    for client in year_2024.values():
        assert client.last_name not in text


def test_the_pdf_says_so_without_modules(world, tmp_path):
    output = tmp_path / "menen-2020.pdf"
    call_command("yearly_report", "--organisation", "menen", "--year", "2020", "--output", str(output),
                 stdout=io.StringIO())
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(output).pages).split())
    assert "Geen enkele groepsmodule hield een sessie in 2020." in text
    assert "Niemand werd in 2020 gemeten op de participatieladder." in text


def test_the_dashboard_opens_the_lists_behind_the_figures(year_2024, world, login):
    http = login(world.hilde)
    page = http.get(reverse("reporting:dashboard"), {"jaar": 2024}).content.decode()
    links = [(html.unescape(url), int(value)) for url, value in LINK.findall(page)]
    behind = {}
    for url, value in links:
        kind = url.split("/")[3]
        if kind in ("deelnemers", "sessies", "gemeten", "gestegen"):
            response = http.get(url)
            assert response.status_code == 200 and response.context["page"].paginator.count == value, url
            behind.setdefault(kind, []).append((value, response.context["behind"]))
    # The headline's, the group modules', then per module.
    assert [value for value, _found in behind["deelnemers"]] == [4, 4, 3, 2]
    assert [value for value, _found in behind["sessies"]] == [6, 3, 3]
    assert {client.first_name for client in behind["gestegen"][0][1].rows} == {"An", "Dirk", "Hugo"}
    assert {client.first_name for client in behind["gemeten"][0][1].rows} == {
        "An", "Bert", "Cas", "Dirk", "Eva", "Gust", "Hugo"}
    sessions = behind["sessies"][1][1].rows
    assert [(s.date, s.attended, s.absent) for s in sessions.order_by("date")] == [
        (D(2024, 3, 5), 2, 2), (D(2024, 3, 12), 1, 3), (D(2024, 12, 20), 1, 0)]
    # A module of another OCMW, or one without a session held in the year, is not found.
    other = Module.objects.get(title="Praattafel Nederlands")
    sessions_url, participants_url = (reverse("reporting:behind", args=[name]) for name in ("sessies", "deelnemers"))
    assert http.get(sessions_url, {"jaar": 2024, "module": other.pk}).status_code == 404
    assert http.get(participants_url, {"jaar": 2023, "module": "x"}).status_code == 404


def test_the_schepen_sees_the_figures_without_lists(year_2024, world, login):
    response = login(world.sam).get(reverse("reporting:dashboard"), {"jaar": 2024})
    page = response.content.decode()
    # 4 participants: below the threshold, the schepen sees "< 5" where the head sees 4.
    assert str(response.context["data"]["group_modules"]["groepsmodules"]["deelnemers"]) == "< 5"
    assert "&lt; 5" in page
    assert "Klaar voor de job" in page and "/overzicht/cijfer/" not in page
    assert "Benali" not in page and year_2024["An"].last_name not in page


def test_the_dashboard_takes_as_many_queries_with_more_participants(year_2024, world, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    http = login(world.hilde)

    def count():
        with CaptureQueriesContext(connection) as context:
            assert http.get(reverse("reporting:dashboard"), {"jaar": 2024}).status_code == 200
        return len(context)

    few = count()
    edition = Edition.objects.get(module__title="Sportief naar werk")
    (session,) = _sessions(edition, D(2024, 6, 6))
    for _ in range(5):
        client = ClientFactory(organisation=world.menen)
        attendance_mark(session=session, enrolment=enrol(client=client, edition=edition, by=world.hilde),
                        presence="te_laat", by=world.hilde)
        measurement_add(client=client, date=D(2024, 6, 6), rung=4, by=world.hilde)
    assert count() == few
