"""Issue 16, separation of duties, probed as a malicious beheerder would: request sequences that try
to get round the approval (tests/test_separation_of_duties.py has the rules themselves). The first
two were real holes in the first version: a change made directly while a request waited."""

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisations.models import AccountChangeRequest, AccountEvent, Role, User
from organisations.tasks import send_account_notices

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
Status = AccountChangeRequest.Status
Action = AccountEvent.Action
ATTACKER = "beheerder.prive@example.org"


def form(user, **changes):
    user = User.objects.get(pk=user.pk)
    data = {"email": user.email, "first_name": user.first_name or "V", "last_name": user.last_name or "N",
            "role": user.role, "is_active": "on" if user.is_active else ""}
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def edit(http, user, **changes):
    return http.post(reverse("user_edit", args=[user.pk]), form(user, **changes))


def pending(user):
    return AccountChangeRequest.objects.unscoped().filter(user=user, status=Status.PENDING).first()


def fresh(user):
    return User.objects.get(pk=user.pk)


def reset_link_sent_to(mailoutbox, address):
    return [m for m in mailoutbox if address in m.to and "/reset/" in m.body]


# HOLES ---------------------------------------------------------------------------------------------


def test_hole_email_changed_while_promotion_waits(world, login, mailoutbox):
    """Request: Sam (schepen, sam@...) -> trajectbegeleider. The head is told 'Sam: role counsellor'.
    While it waits, the beheerder changes Sam's address to his own, directly (Sam is still a
    schepen). The head approves the role she was asked about: the account with case-file access is
    now at the beheerder's address, and a password link follows."""
    bea = login(world.bea)
    edit(bea, world.sam, role=Role.COUNSELLOR)
    held = pending(world.sam)
    assert held is not None and held.new_role == Role.COUNSELLOR
    edit(bea, world.sam, email=ATTACKER)  # while the request waits
    changed_meanwhile = fresh(world.sam).email == ATTACKER
    login(world.hilde).post(reverse("account_request_approve", args=[held.pk]))
    sam = fresh(world.sam)
    HttpClient().post(reverse("password_reset"), {"email": ATTACKER})
    # Secure behaviour: the direct change is refused while a request waits (or the request is
    # voided by it), so this never ends with a counsellor at the attacker's address.
    assert not (changed_meanwhile and sam.role == Role.COUNSELLOR and sam.email == ATTACKER), (
        "approved role now belongs to the beheerder's address; reset link sent: "
        f"{bool(reset_link_sent_to(mailoutbox, ATTACKER))}")


def test_hole_counsellor_demoted_renamed_mailbox_then_pending_promotion_applies(world, login, mailoutbox):
    """Request: Bob (counsellor) -> diensthoofd. Meanwhile: Bob -> schepen (less access: direct),
    Bob's e-mail -> attacker (schepen: direct), second factor reset (schepen: direct). The head
    approves the still-pending 'role diensthoofd': a head account at the attacker's address."""
    TOTPDevice.objects.create(user=world.bob, name="app", confirmed=True)
    bea = login(world.bea)
    edit(bea, world.bob, role=Role.HEAD)
    held = pending(world.bob)
    edit(bea, world.bob, role=Role.ALDERMAN)
    edit(bea, world.bob, email=ATTACKER)
    bea.post(reverse("user_second_factor_reset", args=[world.bob.pk]))
    login(world.hilde).post(reverse("account_request_approve", args=[held.pk]))
    bob = fresh(world.bob)
    assert not (bob.role == Role.HEAD and bob.email == ATTACKER and not TOTPDevice.objects.filter(user=bob).exists())


# Attempts that hold ------------------------------------------------------------------------------------


def test_role_email_active_in_one_post_for_inactive_schepen_all_held(world, login):
    sam = world.sam
    User.objects.filter(pk=sam.pk).update(is_active=False)
    edit(login(world.bea), sam, role=Role.HEAD, email=ATTACKER, is_active="on")
    s, held = fresh(sam), pending(sam)
    assert (s.role, s.email, s.is_active) == (Role.ALDERMAN, "sam@example.be", False)
    assert (held.new_role, held.new_email, held.activate) == (Role.HEAD, ATTACKER, True)


def test_demote_head_and_change_email_in_one_post_holds_the_email(world, login, mailoutbox):
    edit(login(world.bea), world.hilde, role=Role.ALDERMAN, email=ATTACKER)
    h = fresh(world.hilde)
    assert (h.role, h.email) == (Role.ALDERMAN, "hilde@example.be")
    assert pending(world.hilde).new_email == ATTACKER
    assert not [m for m in mailoutbox if ATTACKER in m.to]


def test_schepen_email_first_then_promotion_shows_the_new_address_to_the_head(world, login):
    bea = login(world.bea)
    edit(bea, world.sam, email=ATTACKER)
    assert fresh(world.sam).email == ATTACKER  # allowed directly, by design
    edit(bea, world.sam, role=Role.HEAD)
    page = login(world.hilde).get(reverse("account_requests")).content.decode()
    assert ATTACKER in page and "sam@example.be → " + ATTACKER in page


def test_created_inactive_then_activated_is_held(world, login, mailoutbox):
    bea = login(world.bea)
    bea.post(reverse("user_create"), {"email": ATTACKER, "first_name": "X", "last_name": "Y", "role": Role.HEAD})
    made = User.objects.get(email=ATTACKER)
    assert not made.is_active and pending(made) is None
    HttpClient().post(reverse("password_reset"), {"email": ATTACKER})
    assert not reset_link_sent_to(mailoutbox, ATTACKER)
    edit(bea, made, is_active="on")
    assert not fresh(made).is_active and pending(made).activate
    assert "nieuwe account" in pending(made).summary()


def test_deactivate_head_then_reactivate_is_held(world, login):
    bea = login(world.bea)
    edit(bea, world.hilde, is_active="")
    assert not fresh(world.hilde).is_active
    edit(bea, world.hilde, is_active="on")
    assert not fresh(world.hilde).is_active and pending(world.hilde).activate


def test_demote_hilde_change_email_promote_back_needs_approval(world, login, mailoutbox,
                                                               django_capture_on_commit_callbacks):
    bea = login(world.bea)
    with django_capture_on_commit_callbacks(execute=True):
        edit(bea, world.hilde, role=Role.ALDERMAN)
        edit(bea, world.hilde, email=ATTACKER)  # direct: she is a schepen now (Hilde told at old address)
    assert [m for m in mailoutbox if "hilde@example.be" in m.to]
    edit(bea, world.hilde, role=Role.HEAD)
    h = fresh(world.hilde)
    assert h.role == Role.ALDERMAN and pending(world.hilde).new_role == Role.HEAD
    # Nobody in Menen can decide (Hilde is the only head and the subject): the operator.
    approve = reverse("account_request_approve", args=[pending(world.hilde).pk])
    assert login(world.hilde).post(approve).status_code == 403


def test_own_account_role_and_active_cannot_be_posted(world, login):
    bea = login(world.bea)
    edit(bea, world.bea, role=Role.HEAD, is_active="", email="bea2@example.be")
    b = fresh(world.bea)
    assert (b.role, b.is_active, b.email) == (Role.ADMINISTRATOR, True, "bea2@example.be")
    assert pending(world.bea) is None


def test_fields_outside_the_form_are_ignored(world, login):
    bea = login(world.bea)
    data = form(world.sam, organisation=world.wervik.pk, is_staff="on", is_superuser="on", region="1",
                role=Role.REGION_COORDINATOR)
    response = bea.post(reverse("user_edit", args=[world.sam.pk]), data)
    assert response.status_code == 422  # role not among the choices
    data["role"] = Role.ALDERMAN
    bea.post(reverse("user_edit", args=[world.sam.pk]), data)
    s = fresh(world.sam)
    assert (s.organisation_id, s.is_staff, s.is_superuser, s.region_id) == (world.menen.pk, False, False, None)
    bea.post(reverse("user_edit", args=[world.bea.pk]), form(world.bea, is_staff="on", is_superuser="on"))
    assert not fresh(world.bea).is_staff and not fresh(world.bea).is_superuser


def test_users_and_requests_of_another_organisation(world, login):
    bea = login(world.bea)
    assert bea.get(reverse("user_edit", args=[world.olga.pk])).status_code == 404
    assert edit(bea, world.oscar, role=Role.HEAD).status_code == 404
    assert bea.post(reverse("user_second_factor_reset", args=[world.oscar.pk])).status_code == 404
    other = UserFactory(email="wb@example.be", role=Role.ADMINISTRATOR, organisation=world.wervik)
    edit(login(other), world.oscar, role=Role.HEAD)
    held = pending(world.oscar)
    assert login(world.bea).post(reverse("account_request_withdraw", args=[held.pk])).status_code == 404
    assert login(world.hilde).post(reverse("account_request_approve", args=[held.pk])).status_code == 404
    assert login(world.hilde).post(reverse("account_request_refuse", args=[held.pk])).status_code == 404
    assert pending(world.oscar) is not None


def test_decide_urls_as_the_wrong_people_and_twice(world, login):
    edit(login(world.bea), world.bob, role=Role.HEAD)
    held = pending(world.bob)
    for person in (world.bea, world.alice, world.bob, world.sam, world.rita):
        for name in ("account_request_approve", "account_request_refuse"):
            assert login(person).post(reverse(name, args=[held.pk])).status_code in (403, 404)
    for person in (world.alice, world.hilde, world.sam, world.rita):
        assert login(person).post(reverse("account_request_withdraw", args=[held.pk])).status_code == 403
    assert login(world.hilde).get(reverse("account_request_approve", args=[held.pk])).status_code == 405
    assert pending(world.bob) is not None
    login(world.hilde).post(reverse("account_request_approve", args=[held.pk]))
    assert fresh(world.bob).role == Role.HEAD
    page = login(world.hilde).post(reverse("account_request_refuse", args=[held.pk]), follow=True)
    assert "al goedgekeurd" in page.content.decode()
    page = login(world.bea).post(reverse("account_request_withdraw", args=[held.pk]), follow=True)
    assert "al goedgekeurd" in page.content.decode()
    held.refresh_from_db()
    assert held.status == Status.APPROVED and held.decided_by == world.hilde


def test_withdrawn_request_cannot_then_be_approved(world, login):
    edit(login(world.bea), world.sam, role=Role.HEAD)
    held = pending(world.sam)
    login(world.bea).post(reverse("account_request_withdraw", args=[held.pk]))
    login(world.hilde).post(reverse("account_request_approve", args=[held.pk]))
    assert fresh(world.sam).role == Role.ALDERMAN


def test_while_a_request_waits_the_account_cannot_be_changed_around_it(world, login):
    bea = login(world.bea)
    edit(bea, world.bob, email="nieuw.bob@example.be")
    held = pending(world.bob)
    refused = edit(bea, world.bob, role=Role.ALDERMAN)
    assert refused.status_code == 422 and "wacht al een aanvraag" in refused.content.decode()
    login(world.hilde).post(reverse("account_request_approve", args=[held.pk]))
    b = fresh(world.bob)
    assert (b.role, b.email) == (Role.COUNSELLOR, "nieuw.bob@example.be")


def test_an_account_changed_behind_a_request_cannot_be_approved(world, login):
    """The Django admin (operators) does not go through the beheerder's check: approval compares the
    account with how it was when asked."""
    edit(login(world.bea), world.bob, role=Role.HEAD)
    held = pending(world.bob)
    User.objects.filter(pk=world.bob.pk).update(email=ATTACKER)
    page = login(world.hilde).post(reverse("account_request_approve", args=[held.pk]), follow=True)
    assert "werd gewijzigd nadat deze aanvraag" in page.content.decode()
    assert fresh(world.bob).role == Role.COUNSELLOR and pending(world.bob) is not None


def test_pending_new_account_no_welcome_no_reset_link(world, login, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        login(world.bea).post(reverse("user_create"), {"email": ATTACKER, "first_name": "X", "last_name": "Y",
                                                        "role": Role.COUNSELLOR, "is_active": "on"})
        HttpClient().post(reverse("password_reset"), {"email": ATTACKER})
    assert not [m for m in mailoutbox if ATTACKER in m.to]


def test_a_pending_new_head_cannot_be_turned_into_an_active_schepen(world, login):
    bea = login(world.bea)
    bea.post(reverse("user_create"), {"email": ATTACKER, "first_name": "X", "last_name": "Y",
                                      "role": Role.HEAD, "is_active": "on"})
    made = User.objects.get(email=ATTACKER)
    assert edit(bea, made, role=Role.ALDERMAN).status_code == 422
    assert edit(bea, made, is_active="on").status_code == 422
    assert (fresh(made).role, fresh(made).is_active) == (Role.HEAD, False)


def test_second_factor_of_schepen_reset_then_promoted(world, login, mailoutbox):
    TOTPDevice.objects.create(user=world.sam, name="app", confirmed=True)
    bea = login(world.bea)
    bea.post(reverse("user_second_factor_reset", args=[world.sam.pk]))
    assert not TOTPDevice.objects.filter(user=world.sam).exists()
    edit(bea, world.sam, email=ATTACKER)
    edit(bea, world.sam, role=Role.HEAD)
    # The approver sees what happened to the account before the request, on the page and in the e-mail.
    page = login(world.hilde).get(reverse("account_requests")).content.decode()
    recent = page[page.index("Gewijzigd aan deze account"):page.index("Goedkeuren")]
    assert "tweestapsverificatie opnieuw ingesteld" in recent and f"sam@example.be → {ATTACKER}" in recent
    send_account_notices()
    asked = [mail for mail in mailoutbox if "Goedkeuring gevraagd" in mail.subject and "hilde@example.be" in mail.to]
    assert len(asked) == 1 and "tweestapsverificatie opnieuw ingesteld" in asked[0].body
    assert f"sam@example.be → {ATTACKER}" in asked[0].body


def test_django_admin_only_for_operators(world, login):
    for person in (world.bea, world.hilde, world.alice, world.sam, world.rita):
        response = login(person).get("/beheer/django/organisations/accountchangerequest/")
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_other_roles_cannot_reach_beheerder_pages(world, login):
    for person in (world.hilde, world.alice, world.sam, world.rita, world.olga):
        http = login(person)
        for url in (reverse("user_list"), reverse("user_create"), reverse("user_edit", args=[world.bob.pk]),
                    reverse("organisation_settings")):
            assert http.get(url).status_code == 403
        assert http.post(reverse("user_second_factor_reset", args=[world.bob.pk])).status_code == 403


def test_held_email_change_tells_nothing_to_the_new_address(world, login, mailoutbox,
                                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        edit(login(world.bea), world.alice, email=ATTACKER)
    assert not [m for m in mailoutbox if ATTACKER in m.to]
    assert [m for m in mailoutbox if "alice@example.be" in m.to]
    assert [m for m in mailoutbox if "hilde@example.be" in m.to]


def test_inactive_user_with_password_cannot_log_in(world):
    User.objects.filter(pk=world.bob.pk).update(is_active=False)
    response = HttpClient().post(reverse("login"), {"username": "bob@example.be", "password": PASSWORD})
    assert "_auth_user_id" not in response.wsgi_request.session


def test_operator_changelist_shows_no_address_for_the_promotion_of_a_renamed_head(world, login):
    """Hilde demoted, her address changed, promotion asked: the only decider is the operator, whose
    list says 'Hilde ...: rol diensthoofd' (looks like undoing a mistake) without the address."""
    bea = login(world.bea)
    edit(bea, world.hilde, role=Role.ALDERMAN)
    edit(bea, world.hilde, email=ATTACKER)
    edit(bea, world.hilde, role=Role.HEAD)
    operator = UserFactory(email="op@example.be", role=Role.ADMINISTRATOR, organisation=None, is_staff=True,
                           is_superuser=True)
    page = login(operator).get("/beheer/django/organisations/accountchangerequest/").content.decode()
    assert "Hilde" in page
    assert ATTACKER in page, "the operator does not see to which address the head role goes"

