"""The diensthoofd's view of the GPMI's legal deadlines (/termijnen/): the counts and the lists behind
them for the head of her own OCMW, the counts only for the schepen, nothing for a counsellor, and a
fixed number of queries whatever the number of case files."""

import datetime
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from gpmi import selectors
from gpmi import services as gpmi_services
from gpmi.models import Gpmi
from leefloon import services as leefloon_services
from leefloon.models import LeefloonDecision
from leefloon.rules import gpmi_deadline
from reporting.suppression import Hidden
from web.gpmi.deadline_views import hide_small_numbers

from .factories import ClientFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


def decide(client, decided_on, **values):
    return leefloon_services.decision_record(client=client, decided_on=decided_on, start_date=decided_on, **values)


def decided_for_deadline_today():
    """The first decision date whose deadline is today or later (31 May - 3 months + 3 months is 28 May)."""
    decided = TODAY - relativedelta(months=3)
    while gpmi_deadline(decided) < TODAY:
        decided += DAY
    return decided


def signed_gpmi(client, by, signed_on):
    return gpmi_services.gpmi_sign(gpmi_services.gpmi_draw_up(client=client, by=by), signed_on=signed_on)


@pytest.fixture
def files(world):
    """Menen: one GPMI overdue (alice's Fatima), one due this month (alice's), one due next month,
    one GPMI behind on its evaluations and one up to date (bob's), one exemption; 6 leefloners, 3
    covered. Wervik: one overdue and behind."""
    w = world
    w.late = decide(w.client, TODAY - relativedelta(months=4))
    w.soon_client = ClientFactory(organisation=w.menen, counsellor=w.alice, first_name="Jonas", last_name="Soonmaker")
    w.soon = decide(w.soon_client, decided_for_deadline_today())
    w.next_month_client = ClientFactory(organisation=w.menen, counsellor=w.bob, last_name="Volgendemaand")
    decide(w.next_month_client, TODAY - relativedelta(months=3) + datetime.timedelta(days=40))
    w.behind_client = ClientFactory(organisation=w.menen, counsellor=w.bob, first_name="Dirk", last_name="Achterop")
    decide(w.behind_client, TODAY - relativedelta(years=1))
    w.behind = signed_gpmi(w.behind_client, w.bob, TODAY - relativedelta(years=1) + DAY)
    w.kept_client = ClientFactory(organisation=w.menen, counsellor=w.bob, last_name="Optijd")
    decide(w.kept_client, TODAY - relativedelta(years=1))
    kept = signed_gpmi(w.kept_client, w.bob, TODAY - relativedelta(years=1) + DAY)
    gpmi_services.evaluation_add(gpmi=kept, by=w.bob, date=TODAY - relativedelta(months=1), conclusion="ok")
    w.exempt_client = ClientFactory(organisation=w.menen, counsellor=w.bob, last_name="Vrijgesteld")
    decide(w.exempt_client, TODAY - relativedelta(months=5))
    gpmi_services.exemption_accept(client=w.exempt_client, by=w.hilde, ground="gezondheid",
                                   accepted_on=TODAY - relativedelta(months=4))
    decide(w.other_client, TODAY - relativedelta(months=6))
    elsewhere = ClientFactory(organisation=w.wervik, counsellor=w.oscar, last_name="Elders")
    decide(elsewhere, TODAY - relativedelta(years=1))
    signed_gpmi(elsewhere, w.oscar, TODAY - relativedelta(years=1) + DAY)
    return w


class TestTheSelectors:
    def test_the_counts(self, files):
        decisions = LeefloonDecision.objects.of_organisation(files.menen)
        assert selectors.deadline_counts(decisions, TODAY) == {"overdue": 1, "this_month": 1}
        assert list(selectors.gpmi_overdue(decisions, TODAY)) == [files.late]
        assert list(selectors.gpmi_due_this_month(decisions, TODAY)) == [files.soon]
        from clients.models import Client
        assert selectors.gpmi_coverage(Client.objects.of_organisation(files.menen), TODAY) == {
            "leefloners": 6, "covered": 3}
        behind = selectors.evaluations_behind(Gpmi.objects.of_organisation(files.menen), TODAY, 3)
        assert behind == [files.behind]
        assert behind[0].next_evaluation_due == files.behind.signed_on + relativedelta(months=4)

    def test_a_late_signing_an_ended_leefloon_and_a_renewal(self, files):
        decisions = LeefloonDecision.objects.of_organisation(files.menen)
        leefloon_services.decision_update(files.soon, end_date=TODAY - DAY, end_reason="werk")
        signed_gpmi(files.client, files.alice, TODAY)  # late, but signed
        assert selectors.deadline_counts(decisions, TODAY) == {"overdue": 0, "this_month": 0}
        decide(files.behind_client, TODAY - relativedelta(months=1))  # a renewal: the running GPMI covers it
        assert selectors.deadline_counts(decisions, TODAY) == {"overdue": 0, "this_month": 0}


def overview(http):
    return http.get(reverse("deadlines:overview"))


class TestTheHead:
    def test_sees_the_counts_and_the_evaluations_per_counsellor(self, files, login):
        response = overview(login(files.hilde))
        assert response.status_code == 200
        context = response.context
        assert context["counts"] == {"overdue": 1, "this_month": 1}
        assert (context["behind"], context["in_force"], context["share"]) == (1, 2, 50)
        assert context["coverage"] == {"leefloners": 6, "covered": 3}
        assert [(row["counsellor"], row["in_force"], row["behind"]) for row in context["per_counsellor"]] == [
            (files.bob, 2, 1)]
        page = response.content.decode()
        for name in ("overdue", "this_month", "evaluations"):
            assert reverse(f"deadlines:{name}") in page
        assert "50%" in page and "GPMI-termijnen" in page
        assert f'{reverse("deadlines:evaluations")}?begeleider={files.bob.pk}' in page

    def test_opens_the_lists(self, files, login):
        http = login(files.hilde)
        late = http.get(reverse("deadlines:overdue")).content.decode()
        days_late = (TODAY - files.late.gpmi_deadline).days
        assert "Benali, Fatima" in late and str(files.alice) in late and f"{days_late} dagen te laat" in late
        assert reverse("clients:detail", args=[files.client.pk]) in late
        assert "Soonmaker" not in late and "Volgendemaand" not in late
        soon = http.get(reverse("deadlines:this_month")).content.decode()
        assert "Soonmaker, Jonas" in soon and "Benali" not in soon and "Volgendemaand" not in soon
        behind = http.get(reverse("deadlines:evaluations")).content.decode()
        assert "Achterop, Dirk" in behind and "Optijd" not in behind and "nog geen evaluatie" in behind
        assert reverse("gpmi:detail", args=[files.behind_client.pk, files.behind.pk]) in behind

    def test_filters_a_list_by_counsellor(self, files, login):
        http = login(files.hilde)
        url = reverse("deadlines:evaluations")
        assert "Achterop" in http.get(url, {"begeleider": files.bob.pk}).content.decode()
        assert "Achterop" not in http.get(url, {"begeleider": files.alice.pk}).content.decode()
        assert "Achterop" not in http.get(url, {"begeleider": "geen"}).content.decode()
        assert "Achterop" in http.get(url, {"begeleider": "²"}).content.decode()  # a wrong number: no filter
        assert http.get(url, {"begeleider": files.oscar.pk}).status_code == 404

    def test_finds_the_page_from_home_and_the_dashboard(self, files, login):
        http = login(files.hilde)
        assert reverse("deadlines:overview") in http.get(reverse("home")).content.decode()
        assert reverse("deadlines:overview") in http.get(reverse("reporting:dashboard")).content.decode()


class TestOthers:
    def test_another_ocmws_head_sees_nothing_of_menen(self, files, login):
        http = login(files.olga)
        response = overview(http)
        assert response.context["counts"] == {"overdue": 1, "this_month": 0}
        assert (response.context["behind"], response.context["coverage"]) == (1, {"leefloners": 2, "covered": 1})
        for name in ("overdue", "this_month", "evaluations"):
            page = http.get(reverse(f"deadlines:{name}")).content.decode()
            assert "Benali" not in page and "Achterop" not in page and "Soonmaker" not in page
        assert escape(files.other_client.last_name) in http.get(reverse("deadlines:overdue")).content.decode()

    def test_the_schepen_sees_the_counts_only(self, files, login):
        http = login(files.sam)
        response = overview(http)
        page = response.content.decode()
        assert response.status_code == 200
        assert response.context["counts"] == {"overdue": Hidden(5), "this_month": Hidden(5)}
        assert response.context["per_counsellor"] == []
        for name in ("Benali", "Fatima", "Achterop", "Soonmaker", files.alice.last_name, files.bob.last_name):
            assert escape(name) not in page
        for name in ("overdue", "this_month", "evaluations"):
            assert reverse(f"deadlines:{name}") not in page
            assert http.get(reverse(f"deadlines:{name}")).status_code == 403
        assert reverse("deadlines:overview") in http.get(reverse("reporting:dashboard")).content.decode()

    def test_a_counsellor_and_the_others_get_403(self, files, login):
        for user in (files.alice, files.bob, files.bea, files.rita):
            http = login(user)
            for name in ("overview", "overdue", "this_month", "evaluations"):
                assert http.get(reverse(f"deadlines:{name}")).status_code == 403, (user, name)


def figures_on(page):
    """The four big figures of the overview, as the HTML has them (without the head's links)."""
    return [re.sub(r"<[^>]+>", "", figure) for figure in re.findall(r'<div class="display-6[^"]*">(.*?)</div>', page)]


def set_threshold(organisation, threshold):
    organisation.small_number_threshold = threshold
    organisation.save(update_fields=["small_number_threshold"])


def exempt(world, count):
    """`count` more leefloners in Menen, each covered by an accepted exemption."""
    for _ in range(count):
        client = ClientFactory(organisation=world.menen, counsellor=world.bob)
        decide(client, TODAY - relativedelta(months=5))
        gpmi_services.exemption_accept(client=client, by=world.hilde, ground="gezondheid",
                                       accepted_on=TODAY - relativedelta(months=4))


EXPLAINED = "Een aantal onder {} staat er als"


class TestSmallNumbers:
    """The schepen never sees a count from 1 up to below the organisation's threshold (reporting.suppression),
    nor a share that would give one away; the head keeps the exact figures."""

    def test_the_schepen_sees_less_than_5_where_the_head_sees_1_or_2(self, files, login):
        head = overview(login(files.hilde))
        page = head.content.decode()
        assert figures_on(page) == ["1", "1", "1", "50%"]
        assert (head.context["behind"], head.context["in_force"], head.context["coverage"]) == (
            1, 2, {"leefloners": 6, "covered": 3})
        assert "van 2 lopende GPMI&#x27;s" in page or "van 2 lopende GPMI's" in page
        assert "van 6 leefloners met een GPMI of een aanvaarde vrijstelling (3)" in page
        assert "&lt; 5" not in page and EXPLAINED.format(5) not in page

        schepen = overview(login(files.sam))
        context, page = schepen.context, schepen.content.decode()
        assert context["counts"] == {"overdue": Hidden(5), "this_month": Hidden(5)}
        assert (context["behind"], context["in_force"]) == (Hidden(5), Hidden(5))
        assert context["coverage"] == {"leefloners": 6, "covered": Hidden(5)} and context["share"] is None
        assert figures_on(page) == ["&lt; 5", "&lt; 5", "&lt; 5", "—"]
        assert "van &lt; 5 lopende GPMI" in page
        assert "van 6 leefloners met een GPMI of een aanvaarde vrijstelling (&lt; 5)" in page
        assert "50%" not in page and "(3)" not in page
        assert EXPLAINED.format(5) in page and '"x" is verborgen' in page

    def test_no_share_when_the_leefloners_without_one_are_few(self, files, login):
        # 8 leefloners, 5 covered: the 3 not covered are small under a threshold of 4, and would follow
        # from the share or from the covered and the leefloners shown side by side.
        set_threshold(files.menen, 4)
        exempt(files, 2)
        head = overview(login(files.hilde))
        assert head.context["coverage"] == {"leefloners": 8, "covered": 5} and head.context["share"] == 62
        assert "62%" in head.content.decode()
        schepen = overview(login(files.sam))
        context, page = schepen.context, schepen.content.decode()
        assert context["coverage"] == {"leefloners": 8, "covered": Hidden(4, secondary=True)}
        assert context["share"] is None and figures_on(page)[3] == "—" and "62%" not in page
        assert "van 8 leefloners met een GPMI of een aanvaarde vrijstelling (x)" in page
        assert "(5)" not in page and EXPLAINED.format(4) in page

    def test_the_rule_follows_the_organisations_threshold(self, files, login):
        http = login(files.sam)
        set_threshold(files.menen, 3)
        context, page = overview(http).context, overview(http).content.decode()
        assert figures_on(page) == ["&lt; 3", "&lt; 3", "&lt; 3", "50%"]
        assert context["coverage"] == {"leefloners": 6, "covered": 3} and context["share"] == 50
        assert "van &lt; 3 lopende GPMI" in page and EXPLAINED.format(3) in page and "&lt; 5" not in page
        set_threshold(files.menen, 2)
        context, page = overview(http).context, overview(http).content.decode()
        # The 2 GPMIs in force are shown; the 1 behind and the 1 up to date are both hidden, so
        # neither follows from the total.
        assert (context["behind"], context["in_force"]) == (Hidden(2), 2)
        assert figures_on(page) == ["&lt; 2", "&lt; 2", "&lt; 2", "50%"]
        assert "van 2 lopende GPMI" in page and EXPLAINED.format(2) in page
        set_threshold(files.menen, 5)
        assert figures_on(overview(http).content.decode()) == ["&lt; 5", "&lt; 5", "&lt; 5", "—"]
        set_threshold(files.menen, 7)  # now the 6 leefloners are a small group too
        context, page = overview(http).context, overview(http).content.decode()
        assert context["coverage"] == {"leefloners": Hidden(7), "covered": Hidden(7)}
        assert "van &lt; 7 leefloners met een GPMI of een aanvaarde vrijstelling (&lt; 7)" in page and "6" not in (
            "".join(figures_on(page)))

    def test_a_count_that_would_follow_from_a_shown_total_is_hidden_too(self):
        # 12 GPMIs in force, 10 behind: "10 of 12" would tell of the 2 up to date.
        figures = {"counts": {"overdue": 0, "this_month": 7}, "behind": 10, "in_force": 12,
                   "coverage": {"leefloners": 20, "covered": 9}, "share": 45, "per_counsellor": [], "lists_open": False}
        shown = hide_small_numbers(figures, 5)
        assert shown["counts"] == {"overdue": 0, "this_month": 7}
        assert (shown["behind"], shown["in_force"]) == (Hidden(5, secondary=True), 12)
        assert shown["coverage"] == {"leefloners": 20, "covered": 9} and shown["share"] == 45
        assert shown["threshold"] == 5 and figures["behind"] == 10  # the head's figures stay as they are


class TestQueries:
    def more_files(self, world, count):
        for _ in range(count):
            late = ClientFactory(organisation=world.menen, counsellor=world.alice)
            decide(late, TODAY - relativedelta(months=4))
            soon = ClientFactory(organisation=world.menen, counsellor=world.bob)
            decide(soon, decided_for_deadline_today())
            behind = ClientFactory(organisation=world.menen, counsellor=world.bob)
            decide(behind, TODAY - relativedelta(years=1))
            gpmi = signed_gpmi(behind, world.bob, TODAY - relativedelta(years=1) + DAY)
            gpmi_services.evaluation_add(gpmi=gpmi, by=world.bob, date=TODAY - relativedelta(months=6),
                                         conclusion="ok", in_person=False)

    @pytest.mark.parametrize("name", ["overview", "overdue", "this_month", "evaluations"])
    def test_a_fixed_number_of_queries(self, files, login, name):
        http = login(files.hilde)
        url = reverse(f"deadlines:{name}")

        def count():
            with CaptureQueriesContext(connection) as context:
                assert http.get(url).status_code == 200
            return len(context)

        few = count()
        self.more_files(files, 6)
        assert count() == few

    def test_the_schepens_overview_too(self, files, login):
        http = login(files.sam)

        def count():
            with CaptureQueriesContext(connection) as context:
                overview(http)
            return len(context)

        few = count()
        self.more_files(files, 6)
        assert count() == few
