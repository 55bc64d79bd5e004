"""Issue 16, finding 1: the beheerder could give himself case-file and medical access (a new
diensthoofd at an address he controls, or the diensthoofd's e-mail changed and her second factor
reset), and nobody was told. Now such a change waits for a diensthoofd (or an operator), the people
concerned are e-mailed, and every account change is in the account log the diensthoofd reads."""

import pytest
from django.contrib.admin.sites import AdminSite
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import Client as HttpClient
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisations import accounts
from organisations.admin import AccountChangeRequestAdmin
from organisations.models import AccountChangeRequest, AccountEvent, Role, User
from organisations.tasks import send_account_notices

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
Status = AccountChangeRequest.Status
Action = AccountEvent.Action
ATTACKER = "beheerder.prive@example.org"


def user_form(user, **changes):
    data = {"email": user.email, "first_name": user.first_name or "Voornaam", "last_name": user.last_name or "Naam",
            "role": user.role, "is_active": "on" if user.is_active else ""}
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def new_user(role, email=ATTACKER):
    return {"email": email, "first_name": "Nieuwe", "last_name": "Collega", "role": role, "is_active": "on"}


def actions_of(user):
    return list(AccountEvent.objects.unscoped().filter(subject=user).order_by("pk").values_list("action", flat=True))


def mails_to(mailoutbox, address):
    return [mail for mail in mailoutbox if address in mail.to]


@pytest.fixture
def hanne(world):
    """A second diensthoofd of Menen, who can approve what concerns Hilde."""
    return UserFactory(email="hanne@example.be", first_name="Hanne", role=Role.HEAD, organisation=world.menen)


# Finding 1, as the probe did it ------------------------------------------------------------------


def test_a_new_diensthoofd_made_by_the_beheerder_cannot_log_in_until_approved(
        world, login, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.bea).post(reverse("user_create"), new_user(Role.HEAD), follow=True)
    assert "Wacht op goedkeuring door een diensthoofd" in response.content.decode()
    made = User.objects.get(email=ATTACKER)
    assert (made.role, made.is_active, made.has_usable_password()) == (Role.HEAD, False, False)
    assert mails_to(mailoutbox, ATTACKER) == []  # no welcome link to choose a password, no notice
    # The password link from the login page does not reach an account waiting for approval either.
    HttpClient().post(reverse("password_reset"), {"email": ATTACKER})
    assert all("wachtwoord" not in mail.body for mail in mails_to(mailoutbox, ATTACKER))
    made.set_password(PASSWORD)  # even with a password (set by an operator, say) the account stays shut
    made.save()
    refused = HttpClient().post(reverse("login"), {"username": ATTACKER, "password": PASSWORD})
    assert refused.status_code == 200 and "_auth_user_id" not in refused.wsgi_request.session
    held = AccountChangeRequest.objects.unscoped().get(user=made)
    assert (held.status, held.activate, held.requested_by) == (Status.PENDING, True, world.bea)
    told = mails_to(mailoutbox, world.hilde.email)
    assert len(told) == 1 and "Goedkeuring gevraagd" in told[0].subject and reverse("account_requests") in told[0].body
    assert actions_of(made) == [Action.CREATED, Action.REQUESTED]


def test_the_diensthoofds_e_mail_and_second_factor_stay_hers_until_another_head_approves(
        world, login, hanne, mailoutbox, django_capture_on_commit_callbacks):
    TOTPDevice.objects.create(user=world.hilde, name="app", confirmed=True)
    http = login(world.bea)
    with django_capture_on_commit_callbacks(execute=True):
        http.post(reverse("user_edit", args=[world.hilde.pk]), user_form(world.hilde, email=ATTACKER))
    world.hilde.refresh_from_db()
    assert world.hilde.email == "hilde@example.be"
    held = AccountChangeRequest.objects.unscoped().get(user=world.hilde)
    assert held.new_email == ATTACKER
    # Hilde is told at her own address; Hanne, who can approve, too.
    assert mails_to(mailoutbox, "hilde@example.be") and mails_to(mailoutbox, "hanne@example.be")
    # One request at a time: the reset of her app is refused while this one waits.
    refused = http.post(reverse("user_second_factor_reset", args=[world.hilde.pk]), follow=True)
    assert "wacht al een aanvraag" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=world.hilde).exists()
    # Hilde cannot approve what concerns herself; the beheerder cannot approve at all.
    assert login(world.hilde).post(reverse("account_request_approve", args=[held.pk])).status_code == 403
    assert login(world.bea).post(reverse("account_request_approve", args=[held.pk])).status_code == 403
    held.refresh_from_db()
    assert held.status == Status.PENDING


def test_the_second_factor_of_a_counsellor_is_reset_only_after_approval(world, login):
    TOTPDevice.objects.create(user=world.alice, name="app", confirmed=True)
    response = login(world.bea).post(reverse("user_second_factor_reset", args=[world.alice.pk]), follow=True)
    assert "Wacht op goedkeuring" in response.content.decode()
    assert TOTPDevice.objects.filter(user=world.alice).exists()
    held = AccountChangeRequest.objects.unscoped().get(user=world.alice)
    login(world.hilde).post(reverse("account_request_approve", args=[held.pk]))
    assert not TOTPDevice.objects.filter(user=world.alice).exists()
    assert actions_of(world.alice) == [Action.REQUESTED, Action.SECOND_FACTOR_RESET, Action.APPROVED]


def test_the_beheerder_resets_a_lost_phone_of_a_role_without_case_files_at_once(world, login):
    TOTPDevice.objects.create(user=world.sam, name="app", confirmed=True)
    response = login(world.bea).post(reverse("user_second_factor_reset", args=[world.sam.pk]), follow=True)
    assert "Tweestapsverificatie van sam@example.be werd opnieuw ingesteld" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=world.sam).exists()
    assert actions_of(world.sam) == [Action.SECOND_FACTOR_RESET]


# Approving and refusing ----------------------------------------------------------------------------


def test_an_approved_new_account_opens_and_its_person_gets_the_welcome_link(
        world, login, mailoutbox, django_capture_on_commit_callbacks):
    login(world.bea).post(reverse("user_create"), new_user(Role.COUNSELLOR, "nieuw@example.be"))
    held = AccountChangeRequest.objects.unscoped().get()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        page = login(world.hilde).post(reverse("account_request_approve", args=[held.pk]), follow=True)
    assert "Goedgekeurd" in page.content.decode()
    made = User.objects.get(email="nieuw@example.be")
    assert made.is_active and made.role == Role.COUNSELLOR
    welcome = [mail for mail in mails_to(mailoutbox, "nieuw@example.be") if "/reset/" in mail.body]
    assert len(welcome) == 1
    assert mails_to(mailoutbox, world.bea.email)  # the beheerder hears it was approved
    held.refresh_from_db()
    assert (held.status, held.decided_by) == (Status.APPROVED, world.hilde)
    assert actions_of(made) == [Action.CREATED, Action.REQUESTED, Action.ACTIVATED, Action.APPROVED]


def test_a_refused_promotion_changes_nothing(world, login):
    login(world.bea).post(reverse("user_edit", args=[world.sam.pk]), user_form(world.sam, role=Role.HEAD))
    world.sam.refresh_from_db()
    assert world.sam.role == Role.ALDERMAN
    held = AccountChangeRequest.objects.unscoped().get(user=world.sam)
    assert held.new_role == Role.HEAD
    login(world.hilde).post(reverse("account_request_refuse", args=[held.pk]))
    world.sam.refresh_from_db()
    held.refresh_from_db()
    assert world.sam.role == Role.ALDERMAN and held.status == Status.REFUSED
    # Decided once: approving it afterwards changes nothing and says so.
    page = login(world.hilde).post(reverse("account_request_approve", args=[held.pk]), follow=True)
    assert "al geweigerd" in page.content.decode()
    world.sam.refresh_from_db()
    assert world.sam.role == Role.ALDERMAN


def test_the_beheerder_withdraws_his_request(world, login):
    login(world.bea).post(reverse("user_edit", args=[world.bob.pk]), user_form(world.bob, role=Role.HEAD))
    held = AccountChangeRequest.objects.unscoped().get(user=world.bob)
    login(world.bea).post(reverse("account_request_withdraw", args=[held.pk]))
    held.refresh_from_db()
    assert held.status == Status.WITHDRAWN
    assert login(world.hilde).post(reverse("account_request_approve", args=[held.pk])).status_code == 302
    world.bob.refresh_from_db()
    assert world.bob.role == Role.COUNSELLOR


def test_an_operator_approves_where_no_other_head_can(world, login, rf):
    login(world.bea).post(reverse("user_edit", args=[world.hilde.pk]),
                          user_form(world.hilde, email="hilde.nieuw@example.be"))
    held = AccountChangeRequest.objects.unscoped().get(user=world.hilde)
    assert not accounts.can_be_decided_in_the_organisation(held)
    operator = UserFactory(email="operator@example.be", role=Role.ADMINISTRATOR, organisation=None, is_staff=True,
                           is_superuser=True)
    request = rf.post("/admin/")
    request.user, request.session = operator, {}
    request._messages = FallbackStorage(request)
    AccountChangeRequestAdmin(AccountChangeRequest, AdminSite()).approve(
        request, AccountChangeRequest.objects.unscoped().filter(pk=held.pk))
    world.hilde.refresh_from_db()
    assert world.hilde.email == "hilde.nieuw@example.be"


def test_an_e_mail_address_taken_meanwhile_is_refused_at_approval(world, login):
    login(world.bea).post(reverse("user_edit", args=[world.bob.pk]), user_form(world.bob, email="vrij@example.be"))
    held = AccountChangeRequest.objects.unscoped().get(user=world.bob)
    UserFactory(email="vrij@example.be", role=Role.ALDERMAN, organisation=world.menen)
    page = login(world.hilde).post(reverse("account_request_approve", args=[held.pk]), follow=True)
    assert "heeft intussen het e-mailadres vrij@example.be" in page.content.decode()
    held.refresh_from_db()
    world.bob.refresh_from_db()
    assert held.status == Status.PENDING and world.bob.email == "bob@example.be"


def test_the_other_organisations_head_does_not_see_or_decide(world, login):
    login(world.bea).post(reverse("user_edit", args=[world.bob.pk]), user_form(world.bob, role=Role.HEAD))
    held = AccountChangeRequest.objects.unscoped().get(user=world.bob)
    assert login(world.olga).post(reverse("account_request_approve", args=[held.pk])).status_code == 404
    assert "Bob" not in login(world.olga).get(reverse("account_requests")).content.decode()


# What takes effect at once ----------------------------------------------------------------------------


def test_changes_that_give_no_case_file_access_take_effect_at_once_and_are_logged(
        world, login, mailoutbox, django_capture_on_commit_callbacks):
    http = login(world.bea)
    with django_capture_on_commit_callbacks(execute=True):
        http.post(reverse("user_edit", args=[world.hilde.pk]), user_form(world.hilde, role=Role.COUNSELLOR))
    world.hilde.refresh_from_db()
    assert world.hilde.role == Role.COUNSELLOR  # less access: no approval needed
    assert mails_to(mailoutbox, "hilde@example.be")
    http.post(reverse("user_edit", args=[world.sam.pk]), user_form(world.sam, email="schepen@menen.be",
                                                                      first_name="Samuel"))
    world.sam.refresh_from_db()
    assert (world.sam.email, world.sam.first_name) == ("schepen@menen.be", "Samuel")
    http.post(reverse("user_edit", args=[world.bob.pk]), user_form(world.bob, is_active=""))
    world.bob.refresh_from_db()
    assert not world.bob.is_active
    assert AccountChangeRequest.objects.unscoped().count() == 0
    assert actions_of(world.hilde) == [Action.ROLE_CHANGED]
    assert actions_of(world.sam) == [Action.EMAIL_CHANGED, Action.RENAMED]
    assert actions_of(world.bob) == [Action.DEACTIVATED]
    # Bringing Bob back is giving case-file access again: it waits.
    http.post(reverse("user_edit", args=[world.bob.pk]), user_form(world.bob, is_active="on"))
    world.bob.refresh_from_db()
    assert not world.bob.is_active
    assert AccountChangeRequest.objects.unscoped().get(user=world.bob).activate


def test_the_head_reads_the_account_log_and_the_counsellor_does_not(world, login):
    login(world.bea).post(reverse("user_edit", args=[world.sam.pk]), user_form(world.sam, role=Role.HEAD))
    page = login(world.hilde).get(reverse("account_requests")).content.decode()
    assert "Goedkeuring gevraagd" in page and "Goedkeuren" in page and "Sam" in page
    assert login(world.alice).get(reverse("account_requests")).status_code == 403
    home = login(world.hilde).get(reverse("home")).content.decode()
    assert "1 aanvraag voor toegang tot dossiers wacht op jouw goedkeuring" in home


# The e-mails are sent at least once ---------------------------------------------------------------------


def test_a_notice_whose_task_was_lost_is_sent_by_the_sweep_and_only_once(world, mailoutbox):
    accounts.account_save(_changed(world.bob, role=Role.HEAD), by=world.bea)  # no commit: the task never ran
    event = AccountEvent.objects.unscoped().get(action=Action.REQUESTED)
    assert event.notified_at is None and set(event.notify) == {"hilde@example.be", "bob@example.be"}
    assert send_account_notices() == 1
    assert send_account_notices() == 0
    assert len(mailoutbox) == 1 and set(mailoutbox[0].to) == {"hilde@example.be", "bob@example.be"}


def _changed(user, **values):
    user = User.objects.get(pk=user.pk)
    for name, value in values.items():
        setattr(user, name, value)
    return user


# Who can change roles, for every person of the permission matrix: tests/test_permission_matrix.py.

# Who decides: (person, about whom) -> may decide. Never oneself, never the one who asked, never a
# beheerder, a counsellor or another organisation's head.
@pytest.mark.parametrize(("person", "allowed"), [
    ("hilde", True), ("hanne_about_hilde", True), ("hilde_about_hilde", False), ("bea", False), ("alice", False),
    ("sam", False), ("olga", False), ("operator", True)])
def test_who_decides(world, hanne, person, allowed):
    subject = world.hilde if person.endswith("about_hilde") else world.bob
    held = AccountChangeRequest.objects.create(organisation=world.menen, user=subject, requested_by=world.bea,
                                               new_email="x@example.be", email_then=subject.email,
                                               role_then=subject.role, active_then=True)
    deciders = {"hanne_about_hilde": hanne, "hilde_about_hilde": world.hilde,
                "operator": UserFactory(email="op@example.be", organisation=None, is_staff=True)}
    decider = deciders.get(person) or getattr(world, person)
    assert held.may_be_decided_by(decider) is allowed


def test_an_operators_change_in_the_django_admin_is_in_the_account_log(world, login):
    operator = UserFactory(email="operator@example.be", organisation=None, role=Role.ADMINISTRATOR, is_staff=True,
                           is_superuser=True)
    admin_client = login(operator)
    url = reverse("admin:organisations_user_change", args=[world.bob.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update({"role": Role.HEAD, "is_active": "on", "organisation": world.menen.pk, "last_login_0": "",
                 "date_joined_0": "26/11/2026", "date_joined_1": "10:00:00"})
    data = {key: value for key, value in data.items() if key not in ("is_staff", "is_superuser", "last_login")}
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = AccountEvent.objects.unscoped().get(subject=world.bob)
    assert (event.action, event.detail) == (Action.ROLE_CHANGED, "trajectbegeleider → diensthoofd")


def test_with_the_broker_down_the_change_stands_and_the_sweep_sends_the_notice(
        world, login, mailoutbox, django_capture_on_commit_callbacks, monkeypatch):
    from kombu.exceptions import OperationalError

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(send_account_notices, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.bea).post(reverse("user_edit", args=[world.bob.pk]),
                                         user_form(world.bob, role=Role.HEAD))
    assert response.status_code == 302 and mailoutbox == []
    assert AccountChangeRequest.objects.unscoped().filter(user=world.bob).exists()
    assert send_account_notices() == 1 and mails_to(mailoutbox, "hilde@example.be")
