"""The permission matrix, generated from the URL configuration: every named URL × every role, in the
own and in another organisation, × each method the view answers, with the answer it must give.
A URL without a rule here fails `test_every_url_has_a_rule`, so no view escapes the matrix.

Answers: OK (2xx, or a redirect that is not the login page), DENY (403), HIDE (404: the object belongs
to another organisation or is not the user's), LOGIN (redirect to the login page).
Every request runs in a savepoint that is rolled back, so a POST never changes what the next one sees."""

import datetime
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from caseload.models import Upload
from clients.models import Competence
from documents.services import document_add
from employers.models import Agreement, ContactPerson, Workplace
from gpmi.services import gpmi_draw_up
from groupmodules import services as groupmodule_services
from groupmodules.models import Edition, Module, Session
from leefloon.services import decision_record
from organisations.models import AccountChangeRequest, Role
from reminders.models import Reminder
from reporting.models import YearlyReport
from trajectories import services
from trajectories.models import CareOrganisation, Goal

from .conftest import pass_second_factor
from .factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db

OK, DENY, HIDE, LOGIN = "OK", "DENY", "HIDE", "LOGIN"

# The people who probe every URL. Objects in the URLs belong to Menen (alice's client, Menen's
# employer, ...); the x_ people work for Wervik, the other organisation.
OWN = ["owner", "colleague", "head", "schepen", "beheerder"]
OTHER = ["x_counsellor", "x_head", "x_schepen", "x_beheerder"]
PEOPLE = [*OWN, *OTHER, "regio", "anonymous"]
COUNSELLORS = {"owner", "colleague"}
CASE_ROLES = {"owner", "colleague", "head"}


def answers(ok=(), hide=(), anonymous=LOGIN):
    """The expected answer per person: `ok` and `hide` as given, the anonymous visitor as given,
    everyone else DENY."""
    table = {person: DENY for person in PEOPLE}
    table.update({person: OK for person in ok})
    table.update({person: HIDE for person in hide})
    table["anonymous"] = anonymous
    return table


PUBLIC = answers(ok=PEOPLE, anonymous=OK)
LOGGED_IN = answers(ok=[person for person in PEOPLE if person != "anonymous"])
# A client of Menen: read by Menen's case roles, changed by the assigned counsellor and the head.
CLIENT_READ = answers(ok=CASE_ROLES, hide=["x_counsellor", "x_head"])
CLIENT_WRITE = answers(ok=["owner", "head"], hide=["x_counsellor", "x_head"])
# Lists and forms of the case roles of any organisation.
CASE_WORK = answers(ok=[*CASE_ROLES, "x_counsellor", "x_head"])
HEAD_WORK = answers(ok=["head", "x_head"])
# Menen's employers: read by Menen's case roles, changed by its head.
EMPLOYER_READ = answers(ok=CASE_ROLES, hide=["x_counsellor", "x_head"])
EMPLOYER_WRITE = answers(ok=["head"], hide=["x_head"])
# Menen's group modules: kept by its case roles (attendance and enrolment: narrower, in the rules).
MODULE_WORK = answers(ok=CASE_ROLES, hide=["x_counsellor", "x_head"])
ADMINISTRATION = answers(ok=["beheerder", "x_beheerder"])
FIGURES = answers(ok=["head", "schepen", "x_head", "x_schepen", "regio"])
REPORTS = answers(ok=["head", "schepen", "x_head", "x_schepen"])
REPORT = answers(ok=["head", "schepen"], hide=["x_head", "x_schepen"])


@dataclass
class Rule:
    expected: dict
    methods: tuple = ("get",)
    kwargs: callable = field(default=lambda objects: {})
    data: dict = field(default_factory=dict)
    ends_session: bool = False


def on_client(**extra):
    return lambda objects: {"pk": objects.client.pk, **{key: value(objects) for key, value in extra.items()}}


def on_trajectory(**extra):
    return lambda objects: {"client_pk": objects.client.pk, "pk": objects.trajectory.pk,
                            **{key: value(objects) for key, value in extra.items()}}


def on_employer(**extra):
    return lambda objects: {"pk": objects.employer.pk, **{key: value(objects) for key, value in extra.items()}}


BOTH = ("get", "post")
RULES = {
    # Public pages: logging in and recovering a password.
    "login": Rule(PUBLIC, BOTH),
    "password_reset": Rule(PUBLIC, BOTH),
    "password_reset_done": Rule(PUBLIC),
    "password_reset_confirm": Rule(PUBLIC, kwargs=lambda objects: {"uidb64": "MQ", "token": "set-password"}),
    "password_reset_complete": Rule(PUBLIC),
    "healthz": Rule(PUBLIC),
    # Every logged-in user.
    "home": Rule(LOGGED_IN),
    # Logging out ends on the login page, for everyone (probed with a session of its own).
    "logout": Rule({person: LOGIN for person in PEOPLE}, ("post",), ends_session=True),
    "password_change": Rule(LOGGED_IN, BOTH),
    "password_change_done": Rule(LOGGED_IN),
    "second_factor": Rule(LOGGED_IN, BOTH),
    "second_factor_setup": Rule(LOGGED_IN, BOTH),
    # Switching two-factor authentication off: not for the roles that require it.
    "second_factor_remove": Rule(answers(ok=["owner", "colleague", "schepen", "x_counsellor", "x_schepen", "regio"]),
                                 ("post",)),
    # The beheerder.
    "user_list": Rule(ADMINISTRATION),
    "user_create": Rule(ADMINISTRATION, BOTH),
    "user_edit": Rule(answers(ok=["beheerder"], hide=["x_beheerder"]), BOTH,
                      lambda objects: {"pk": objects.people["colleague"].pk}),
    "user_second_factor_reset": Rule(answers(ok=["beheerder"], hide=["x_beheerder"]), ("post",),
                                     lambda objects: {"pk": objects.people["colleague"].pk}),
    # Separation of duties: the beheerder asks, a diensthoofd of the same organisation decides
    # (who may change roles: tests/test_separation_of_duties.py).
    "account_request_withdraw": Rule(answers(ok=["beheerder"], hide=["x_beheerder"]), ("post",),
                                     lambda objects: {"pk": objects.account_request.pk}),
    "account_requests": Rule(answers(ok=["head", "beheerder", "x_head", "x_beheerder"])),
    "account_request_approve": Rule(answers(ok=["head"], hide=["x_head"]), ("post",),
                                    lambda objects: {"pk": objects.account_request.pk}),
    "account_request_refuse": Rule(answers(ok=["head"], hide=["x_head"]), ("post",),
                                   lambda objects: {"pk": objects.account_request.pk}),
    "vocabulary": Rule(ADMINISTRATION, BOTH),
    "organisation_settings": Rule(ADMINISTRATION, BOTH),
    "vocabulary_toggle": Rule(answers(ok=["beheerder"], hide=["x_beheerder"]), ("post",),
                              lambda objects: {"vocabulary": "competentie", "pk": objects.competence.pk}),
    "reminders:settings": Rule(ADMINISTRATION, BOTH),
    # The care organisations (casemanager Zorg): the beheerder keeps her organisation's list.
    "care_organisation_list": Rule(ADMINISTRATION),
    "care_organisation_create": Rule(ADMINISTRATION, BOTH),
    "care_organisation_edit": Rule(answers(ok=["beheerder"], hide=["x_beheerder"]), BOTH,
                                   lambda objects: {"pk": objects.care_organisation.pk}),
    # Case files.
    "search": Rule(CASE_WORK),
    "clients:list": Rule(CASE_WORK),
    "clients:create": Rule(CASE_WORK, BOTH),
    # Handing files over: the head, of her own organisation (scoping: test_handover).
    "clients:hand_over": Rule(HEAD_WORK, BOTH),
    "clients:detail": Rule(CLIENT_READ, kwargs=on_client()),
    "clients:edit": Rule(CLIENT_WRITE, BOTH, on_client()),
    "clients:history": Rule(CLIENT_READ, kwargs=on_client()),
    # Who opened the file: the head.
    "clients:access_log": Rule(answers(ok=["head"], hide=["x_head"]), kwargs=on_client()),
    "clients:contact_create": Rule(CLIENT_WRITE, ("post",), on_client()),
    "clients:barrier_create": Rule(CLIENT_WRITE, ("post",), on_client()),
    # Medical and psychological details: the assigned counsellor and the head only.
    "clients:barrier_details": Rule(CLIENT_WRITE, kwargs=on_client(barrier_pk=lambda objects: objects.barrier.pk)),
    "clients:barrier_edit": Rule(CLIENT_WRITE, BOTH, on_client(barrier_pk=lambda objects: objects.barrier.pk)),
    "client_matches": Rule(CLIENT_READ, kwargs=lambda objects: {"client_pk": objects.client.pk}),
    "subject_access": Rule(CLIENT_WRITE, kwargs=lambda objects: {"client_pk": objects.client.pk,
                                                                 "extension": "json"}),
    # Documents on that client's file: read by the case roles (a medical one by fewer: test_documents).
    # The legal spine of a case file: read as the file is, written by the assigned counsellor and the head.
    "gpmi:overview": Rule(CLIENT_READ, kwargs=lambda objects: {"client_pk": objects.client.pk}),
    "gpmi:detail": Rule(CLIENT_READ, kwargs=lambda objects: {"client_pk": objects.client.pk,
                                                             "pk": objects.gpmi.pk}),
    **{name: Rule(CLIENT_WRITE, BOTH, lambda objects: {"client_pk": objects.client.pk})
       for name in ("gpmi:decision_add", "gpmi:socio_professional_add", "gpmi:create", "gpmi:exemption_add",
                    "gpmi:sanction_add", "gpmi:vdab", "gpmi:vdab_consent_add")},
    "gpmi:decision_edit": Rule(CLIENT_WRITE, BOTH, lambda objects: {"client_pk": objects.client.pk,
                                                                    "pk": objects.decision.pk}),
    "gpmi:edit": Rule(CLIENT_WRITE, BOTH, lambda objects: {"client_pk": objects.client.pk, "pk": objects.gpmi.pk}),
    **{name: Rule(CLIENT_WRITE, ("post",), lambda objects: {"client_pk": objects.client.pk, "pk": objects.gpmi.pk})
       for name in ("gpmi:sign", "gpmi:amendment_add", "gpmi:evaluation_add")},
    # The contract and the portable GPMI: downloads for who reads the file (logged); taking one over
    # from another OCMW: who changes the file.
    **{name: Rule(CLIENT_READ, kwargs=lambda objects: {"client_pk": objects.client.pk, "pk": objects.gpmi.pk})
       for name in ("gpmi:contract", "gpmi:portable")},
    "gpmi:portable_import": Rule(CLIENT_WRITE, BOTH, lambda objects: {"client_pk": objects.client.pk}),
    "documents:add": Rule(CLIENT_WRITE, BOTH, lambda objects: {"client_pk": objects.client.pk}),
    "documents:download": Rule(CLIENT_READ, kwargs=lambda objects: {"client_pk": objects.client.pk,
                                                                    "pk": objects.document.pk}),
    "documents:delete": Rule(CLIENT_WRITE, ("post",), lambda objects: {"client_pk": objects.client.pk,
                                                                      "pk": objects.document.pk}),
    # The participation ladder of that client: read on the case file, a measurement added by who changes it.
    "ladder:add": Rule(CLIENT_WRITE, BOTH, lambda objects: {"client_pk": objects.client.pk}),
    # Trajectories of that client.
    "trajectories:create": Rule(CLIENT_WRITE, BOTH, lambda objects: {"client_pk": objects.client.pk}),
    "trajectories:detail": Rule(CLIENT_READ, kwargs=on_trajectory()),
    "trajectories:edit": Rule(CLIENT_WRITE, BOTH, on_trajectory()),
    "trajectories:transition": Rule(CLIENT_WRITE, BOTH, on_trajectory(action=lambda objects: "suspend")),
    "trajectories:placement_create": Rule(CLIENT_WRITE, ("post",), on_trajectory()),
    "trajectories:placement_edit": Rule(CLIENT_WRITE, BOTH, on_trajectory(
        placement_pk=lambda objects: objects.trajectory.placements.get().pk)),
    "trajectories:hours_step_create": Rule(CLIENT_WRITE, ("post",), lambda objects: {
        "client_pk": objects.client.pk, "pk": objects.werk_zorg.pk}),
    "trajectories:hours_step_remove": Rule(CLIENT_WRITE, ("post",), lambda objects: {
        "client_pk": objects.client.pk, "pk": objects.werk_zorg.pk, "step_pk": objects.hours_step.pk}),
    "trajectories:goal_create": Rule(CLIENT_WRITE, ("post",), on_trajectory()),
    "trajectories:goal_update": Rule(CLIENT_WRITE, ("post",), on_trajectory(goal_pk=lambda objects: objects.goal.pk)),
    "trajectories:evaluation_create": Rule(CLIENT_WRITE, ("post",), on_trajectory()),
    # Follow-up: a reminder about alice's client is hers (the head handles those without an active counsellor).
    "reminders:list": Rule(CASE_WORK),
    **{name: Rule(answers(ok=["owner"], hide=["colleague", "head", "x_counsellor", "x_head"]), ("post",),
                  lambda objects: {"pk": objects.reminder.pk})
       for name in ("reminders:done", "reminders:snooze", "reminders:reopen")},
    # Group modules of Menen: the catalogue, editions and sessions for its case roles; Bob (the
    # colleague) gives the edition, so he and the head take attendance, not Alice; a participant is
    # taken off by her counsellor, the head or the trainer (groupmodules.services).
    "groupmodules:index": Rule(CASE_WORK),
    "groupmodules:module_create": Rule(CASE_WORK, BOTH),
    "groupmodules:module": Rule(MODULE_WORK, kwargs=lambda objects: {"pk": objects.module.pk}),
    **{name: Rule(MODULE_WORK, BOTH, lambda objects: {"pk": objects.module.pk})
       for name in ("groupmodules:module_edit", "groupmodules:edition_create")},
    "groupmodules:edition": Rule(MODULE_WORK, kwargs=lambda objects: {"pk": objects.edition.pk}),
    **{name: Rule(MODULE_WORK, BOTH, lambda objects: {"pk": objects.edition.pk})
       for name in ("groupmodules:edition_edit", "groupmodules:enrol", "groupmodules:session_create")},
    "groupmodules:leave": Rule(answers(ok=["owner", "colleague", "head"], hide=["x_counsellor", "x_head"]), ("post",),
                               lambda objects: {"pk": objects.edition.pk, "enrolment_pk": objects.enrolment.pk}),
    "groupmodules:session": Rule(MODULE_WORK, kwargs=lambda objects: {"pk": objects.session.pk}),
    "groupmodules:session_edit": Rule(MODULE_WORK, BOTH, lambda objects: {"pk": objects.session.pk}),
    "groupmodules:mark": Rule(answers(ok=["colleague", "head"], hide=["x_counsellor", "x_head"]), ("post",),
                              lambda objects: {"pk": objects.session.pk, "enrolment_pk": objects.enrolment.pk},
                              data={"presence": "aanwezig"}),
    # Employers and matching.
    "employers:list": Rule(CASE_WORK),
    "employers:create": Rule(HEAD_WORK, BOTH),
    "employers:detail": Rule(EMPLOYER_READ, kwargs=on_employer()),
    "employers:edit": Rule(EMPLOYER_WRITE, BOTH, on_employer()),
    "employers:contact_create": Rule(EMPLOYER_WRITE, BOTH, on_employer()),
    "employers:contact_edit": Rule(EMPLOYER_WRITE, BOTH, on_employer(contact_pk=lambda objects: objects.contact.pk)),
    "employers:agreement_create": Rule(EMPLOYER_WRITE, BOTH, on_employer()),
    "employers:agreement_edit": Rule(EMPLOYER_WRITE, BOTH, on_employer(
        agreement_pk=lambda objects: objects.agreement.pk)),
    "employers:agreement_document": Rule(EMPLOYER_READ, kwargs=on_employer(
        agreement_pk=lambda objects: objects.agreement.pk)),
    "employers:workplace_create": Rule(EMPLOYER_WRITE, BOTH, on_employer()),
    "employers:workplace_edit": Rule(EMPLOYER_WRITE, BOTH, on_employer(
        workplace_pk=lambda objects: objects.workplace.pk)),
    "employers:workplace_matches": Rule(EMPLOYER_READ, kwargs=on_employer(
        workplace_pk=lambda objects: objects.workplace.pk)),
    # Proposing alice's client: her counsellor and the head (a colleague may not act for her).
    "employers:placement_propose": Rule(answers(ok=["owner", "head"], hide=["x_counsellor", "x_head"]), ("post",),
                                        on_employer(
        workplace_pk=lambda objects: objects.workplace.pk, client_pk=lambda objects: objects.client.pk)),
    # The caseload as a file, in and out: the head.
    "caseload:export": Rule(HEAD_WORK, kwargs=lambda objects: {"extension": "csv"}),
    "caseload:import": Rule(HEAD_WORK, BOTH),
    "caseload:import_preview": Rule(answers(ok=["head"], hide=["x_head"]),
                                    kwargs=lambda objects: {"pk": objects.upload.pk}),
    "caseload:import_confirm": Rule(answers(ok=["head"], hide=["x_head"]), ("post",),
                                    lambda objects: {"pk": objects.upload.pk}),
    # Figures.
    "reporting:dashboard": Rule(FIGURES),
    # The files behind a figure: the head, of her own organisation (scoped by her organisation).
    "reporting:behind": Rule(HEAD_WORK, kwargs=lambda objects: {"figure": "open"}),
    "reporting:reports": Rule(REPORTS),
    "reporting:report": Rule(REPORT, kwargs=lambda objects: {"pk": objects.report.pk}),
    "reporting:report_pdf": Rule(REPORT, kwargs=lambda objects: {"pk": objects.report.pk}),
    "reporting:report_email": Rule(answers(ok=["head"], hide=["x_head"]), ("post",),
                                   lambda objects: {"pk": objects.report.pk}),
    "reporting:report_retry": Rule(answers(ok=["head"], hide=["x_head"]), ("post",),
                                   lambda objects: {"pk": objects.report.pk}),
    # The exports owed to POD MI and VDAB: the head, of her own organisation (scoped by her organisation).
    "reporting:export_uniek_verslag": Rule(HEAD_WORK),
    "reporting:export_vdab_twe": Rule(HEAD_WORK),
    # The welzijnsregio's figures as CSV and PDF: its regiocoördinator only.
    "reporting:region_csv": Rule(answers(ok=["regio"])),
    "reporting:region_pdf": Rule(answers(ok=["regio"])),
    # GPMI deadlines of the own organisation: the counts for the head and the schepen, the lists for the head.
    "deadlines:overview": Rule(REPORTS),
    **{f"deadlines:{name}": Rule(HEAD_WORK) for name in ("overdue", "this_month", "evaluations")},
}

# Django's own admin is for operators (staff) and checks that itself; probed once below.
EXEMPT_NAMESPACES = {"admin"}


def named_urls(patterns=None, namespace=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if (pattern.namespace or "") not in EXEMPT_NAMESPACES:
                yield from named_urls(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"{pattern.pattern} has no name, so it cannot be in the matrix"
            yield namespace + pattern.name


class Objects:
    """One of everything a URL can point at, all of Menen, plus the people who probe them."""

    def __init__(self, world):
        from organisations.models import User

        wervik_schepen = UserFactory(organisation=world.wervik, role=Role.ALDERMAN, email="x-schepen@example.be")
        wervik_beheerder = UserFactory(organisation=world.wervik, role=Role.ADMINISTRATOR,
                                       email="x-beheerder@example.be")
        self.people = {"owner": world.alice, "colleague": world.bob, "head": world.hilde, "schepen": world.sam,
                       "beheerder": world.bea, "x_counsellor": world.oscar, "x_head": world.olga,
                       "x_schepen": wervik_schepen, "x_beheerder": wervik_beheerder, "regio": world.rita}
        assert all(isinstance(person, User) for person in self.people.values())
        self.client, self.barrier, self.trajectory, self.employer = (
            world.client, world.barrier, world.trajectory, world.employer)
        today = datetime.date.today()
        self.care_organisation = CareOrganisation.objects.create(
            organisation=world.menen, name="CGG Zuid-West", kind=CareOrganisation.Kind.CGG)
        self.werk_zorg = services.trajectory_register(
            client=world.client, by=world.alice, type="werk_zorg", start_date=today - datetime.timedelta(days=30),
            care_organisation=self.care_organisation)
        self.hours_step = services.hours_step_add(trajectory=self.werk_zorg, from_date=today, hours_per_week=4)
        self.goal = Goal.objects.create(trajectory=world.trajectory, description="Heftruckattest halen")
        self.competence = Competence.objects.create(organisation=world.menen, name="Orderpicking")
        self.contact = ContactPerson.objects.create(employer=world.employer, name="Els Maes")
        self.agreement = Agreement.objects.create(employer=world.employer, start_date=today)
        self.agreement.document.save("overeenkomst.pdf", ContentFile(b"%PDF-1.4 test"))
        self.workplace = Workplace.objects.create(employer=world.employer, function="orderpicker",
                                                  hours_per_week=19, capacity=2, postcode="8930",
                                                  municipality="Menen")
        self.reminder = Reminder.objects.create(organisation=world.menen, rule="geen_contact",
                                                subject=f"client:{world.client.pk}", client=world.client,
                                                due_date=today)
        self.upload = Upload.objects.create(organisation=world.menen, uploaded_by=world.hilde,
                                            filename="caseload.csv", content=b"rijksregisternummer\n")
        self.report = YearlyReport.objects.create(organisation=world.menen, year=today.year - 1,
                                                  requested_by=world.hilde, state="klaar")
        self.report.pdf.save("jaarverslag.pdf", ContentFile(b"%PDF-1.4 test"))
        self.decision = decision_record(client=world.client, decided_on=today, start_date=today)
        self.gpmi = gpmi_draw_up(client=world.client, by=world.alice, orientation="werk", goals="Werk vinden",
                                 client_commitments="Solliciteren", ocmw_commitments="Begeleiden")
        self.document = document_add(client=world.client, by=world.alice, kind="gpmi", date=today,
                                     file=ContentFile(b"%PDF-1.4 test", name="gpmi.pdf"))
        self.module = groupmodule_services.module_save(Module(organisation=world.menen, title="Jobclub",
                                                              kind="jobclub", capacity=8))
        self.edition = groupmodule_services.edition_save(Edition(
            module=self.module, name="Voorjaar", start_date=today - datetime.timedelta(days=30), trainer=world.bob))
        self.session = groupmodule_services.session_save(Session(edition=self.edition, date=today))
        self.enrolment = groupmodule_services.enrol(client=world.client, edition=self.edition, by=world.alice)
        ClientFactory(organisation=world.wervik, counsellor=world.oscar)
        self.account_request = AccountChangeRequest.objects.create(
            organisation=world.menen, user=world.bob, requested_by=world.bea, new_role=Role.HEAD,
            email_then=world.bob.email, role_then=world.bob.role, active_then=True)


def answer_of(response):
    if response.status_code in (301, 302, 303):
        return LOGIN if response["Location"].startswith(reverse("login")) else OK
    # 422: the form was refused for what it holds (empty in the probe), so the user got through.
    return {403: DENY, 404: HIDE, 422: OK}.get(response.status_code, OK if response.status_code < 300 else
                                               f"HTTP {response.status_code}")


def probe(http, method, url, data):
    with transaction.atomic():
        response = getattr(http, method)(url, data)
        transaction.set_rollback(True)
    return answer_of(response)


def test_every_url_has_a_rule():
    missing = sorted(set(named_urls()) - set(RULES))
    assert not missing, f"views without a rule in the permission matrix: {missing}"
    assert not set(RULES) - set(named_urls()), "rules for URLs that no longer exist"


def test_the_permission_matrix(world, capsys):
    objects = Objects(world)
    def logged_in(person):
        http = HttpClient()
        if person != "anonymous":
            http.force_login(objects.people[person])
            pass_second_factor(http, objects.people[person])
        return http

    clients = {person: logged_in(person) for person in PEOPLE}
    wrong, cases = [], 0
    for name, rule in RULES.items():
        url = reverse(name, kwargs=rule.kwargs(objects))
        for method in rule.methods:
            for person in PEOPLE:
                cases += 1
                http = logged_in(person) if rule.ends_session else clients[person]
                got = probe(http, method, url, rule.data)
                if got != rule.expected[person]:
                    wrong.append(f"{method.upper()} {name} as {person}: {got}, expected {rule.expected[person]}")
    with capsys.disabled():
        print(f"\npermission matrix: {cases} cases ({len(RULES)} URLs × methods × {len(PEOPLE)} people, "
              f"{len(OWN)} roles in the own organisation, {len(OTHER)} in another, a regiocoördinator "
              f"and an anonymous visitor)")
    assert not wrong, "\n".join(wrong)


def test_the_django_admin_is_for_operators_only(world):
    for user in (world.alice, world.hilde, world.bea, world.rita):
        http = HttpClient()
        http.force_login(user)
        pass_second_factor(http, user)
        response = http.get("/beheer/django/")
        assert response.status_code == 302 and "/beheer/django/login/" in response["Location"]


# The matrix's other dimension (issue 16): who can change roles. Each person tries to make the
# colleague (a counsellor of Menen) diensthoofd through the beheerder's page, and to approve it.
# Nobody does it alone: the beheerder's change waits ("held"), a diensthoofd of Menen approves it.
CHANGES_ROLES = {**answers(ok=["beheerder"], hide=["x_beheerder"]), "beheerder": "held"}
APPROVES_ROLES = answers(ok=["head"], hide=["x_head"])


def test_who_can_change_roles(world):
    from organisations.models import User

    objects = Objects(world)
    colleague = objects.people["colleague"]
    AccountChangeRequest.objects.unscoped().delete()  # the Objects' own request
    data = {"email": colleague.email, "first_name": "Bob", "last_name": "B", "role": Role.HEAD, "is_active": "on"}
    wrong = []
    for person in PEOPLE:
        http = HttpClient()
        if person != "anonymous":
            http.force_login(objects.people[person])
            pass_second_factor(http, objects.people[person])
        with transaction.atomic():
            response = http.post(reverse("user_edit", args=[colleague.pk]), data)
            held = AccountChangeRequest.objects.unscoped().filter(user=colleague).exists()
            changed = User.objects.get(pk=colleague.pk).role != Role.COUNSELLOR
            transaction.set_rollback(True)
        got = "held" if held else answer_of(response)
        if changed or got != CHANGES_ROLES[person]:
            wrong.append(f"{person} changes roles: {got}{' and the role changed' if changed else ''}, "
                         f"expected {CHANGES_ROLES[person]}")
    request = AccountChangeRequest.objects.create(organisation=world.menen, user=colleague, requested_by=world.bea,
                                                  new_role=Role.HEAD, email_then=colleague.email,
                                                  role_then=colleague.role, active_then=True)
    for person in PEOPLE:
        http = HttpClient()
        if person != "anonymous":
            http.force_login(objects.people[person])
            pass_second_factor(http, objects.people[person])
        got = probe(http, "post", reverse("account_request_approve", args=[request.pk]), {})
        if got != APPROVES_ROLES[person]:
            wrong.append(f"{person} approves a role change: {got}, expected {APPROVES_ROLES[person]}")
    assert not wrong, "\n".join(wrong)
