"""Managing accounts with separation of duties (issue 16).

The beheerder manages the accounts of his OCMW, but he does not read case files. Anything he does
that could give someone case-file access, or put an account that has it in other hands, waits for a
diensthoofd (or an operator) to approve it: a new account or a reactivated one with a case-file role,
a role that gives case-file access, a new e-mail address or a reset second factor of such an account.
Everything else takes effect at once. Every change and every request is in the account log
(AccountEvent), and the people it concerns are told by e-mail (organisations.tasks).

The beheerder's pages, the Django admin (operators) and tests all go through these functions."""

import datetime
import logging

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as KombuOperationalError

from . import second_factor
from .models import CASE_FILE_ROLES, AccountChangeRequest, AccountEvent, Role, User

Action = AccountEvent.Action
logger = logging.getLogger(__name__)


class InvitationAwarePasswordResetForm(PasswordResetForm):
    """Also sends the link to an active user who never chose a password (an invited user whose
    welcome link expired); Django's form skips users without a usable password."""

    def get_users(self, email):
        return User.objects.filter(email__iexact=email, is_active=True)


def send_welcome(user):
    """A new user chooses their own password through a one-time link, as in a password reset."""
    form = InvitationAwarePasswordResetForm({"email": user.email})
    form.is_valid()
    scheme, _separator, domain = settings.SITE_URL.partition("://")
    form.save(domain_override=domain, use_https=scheme == "https",
              subject_template_name="registration/welcome_subject.txt",
              email_template_name="registration/welcome_email.txt")


def has_case_file_access(role):
    return role in CASE_FILE_ROLES


def gives_more_access(before_role, after_role):
    """A role change that opens case files, or all of the organisation's (trajectbegeleider to
    diensthoofd)."""
    if before_role == after_role or not has_case_file_access(after_role):
        return False
    return not has_case_file_access(before_role) or after_role == Role.HEAD


# The beheerder's changes ---------------------------------------------------------------------------


@transaction.atomic
def account_save(edited, *, by):
    """Saves a new or changed account (`edited`, unsaved, with the values `by` typed). What needs a
    diensthoofd's approval is held back in an AccountChangeRequest, returned (None when all took
    effect). Raises ValidationError when a request is already waiting for this account."""
    if edited._state.adding:
        return _create(edited, by=by)
    before = User.objects.select_for_update().get(pk=edited.pk)
    if any(getattr(before, field) != getattr(edited, field) for field in ACCESS_FIELDS):
        # While a request waits, the account it is about stays as the diensthoofd sees it.
        _refuse_while_waiting(edited)
    held = _hold_back(before, edited)
    edited.save()
    log_changes(before, edited, by=by)
    if edited.is_active and not before.is_active and not edited.has_usable_password():
        transaction.on_commit(lambda: send_welcome(edited))  # an invitation that was never used
    return _request(edited, by=by, **held) if held else None


def log_created(user, *, by):
    _log(Action.CREATED, subject=user, actor=by, detail=user.get_role_display())


def _create(user, *, by):
    held = has_case_file_access(user.role) and user.is_active
    if held:
        user.is_active = False  # until a diensthoofd approves: no login, no password link
    user.set_unusable_password()
    user.save()
    log_created(user, by=by)
    if held:
        return _request(user, by=by, activate=True)
    if user.is_active:
        transaction.on_commit(lambda: send_welcome(user))
    return None


def _hold_back(before, edited):
    """The changes that wait for approval, taken out of `edited` (which keeps the stored values
    for them): {"new_role": ..., "new_email": ..., "activate": True}."""
    held = {}
    case_file_after = has_case_file_access(edited.role)
    if gives_more_access(before.role, edited.role):
        held["new_role"], edited.role = edited.role, before.role
    if edited.email != before.email and (case_file_after or has_case_file_access(before.role)):
        held["new_email"], edited.email = edited.email, before.email
    if edited.is_active and not before.is_active and case_file_after:
        held["activate"], edited.is_active = True, False
    return held


# What decides who reads case files and who the account belongs to.
ACCESS_FIELDS = ("role", "email", "is_active")


def _refuse_while_waiting(user):
    if AccountChangeRequest.objects.unscoped().filter(user=user, status=AccountChangeRequest.Status.PENDING).exists():
        raise ValidationError(_("A request for %(user)s is already waiting for a head of service. Withdraw it "
                                "first, or wait until it is decided.") % {"user": user})


def log_changes(before, after, *, by):
    """Logs (and tells the people concerned of) what changed between two versions of an account;
    also for an operator's change in the Django admin, which needs no approval."""
    if before.role != after.role:
        _log(Action.ROLE_CHANGED, subject=after, actor=by,
             detail=f"{before.get_role_display()} → {after.get_role_display()}", tell=_concerned(after, before))
    if before.email != after.email:
        _log(Action.EMAIL_CHANGED, subject=after, actor=by, detail=f"{before.email} → {after.email}",
             tell=_concerned(after, before))
    if before.is_active != after.is_active:
        _log(Action.ACTIVATED if after.is_active else Action.DEACTIVATED, subject=after, actor=by,
             tell=_concerned(after, before))
    if before.get_full_name() != after.get_full_name():
        _log(Action.RENAMED, subject=after, actor=by, detail=f"{before.get_full_name()} → {after.get_full_name()}")


@transaction.atomic
def second_factor_reset(user, *, by):
    """A lost phone. For an account with case-file access the reset waits for approval (returns the
    request); for the others it takes effect at once (returns None)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    _refuse_while_waiting(user)
    if has_case_file_access(user.role):
        return _request(user, by=by, reset_second_factor=True)
    second_factor.remove(user)
    _log(Action.SECOND_FACTOR_RESET, subject=user, actor=by, tell=_concerned(user))
    return None


def _request(user, *, by, **changes):
    request = AccountChangeRequest.objects.create(
        organisation_id=user.organisation_id, user=user, requested_by=by, email_then=user.email, role_then=user.role,
        active_then=user.is_active, **changes)
    deciders = _deciders(request)
    new_account = changes.get("activate") and not user.has_usable_password()
    tell = [head.email for head in deciders] + ([] if new_account else [user.email])
    _log(Action.REQUESTED, subject=user, actor=by, detail=request.summary(), request=request, tell=tell)
    return request


# Deciding ----------------------------------------------------------------------------------------


RECENT = datetime.timedelta(days=90)


def recent_changes(subjects, *, before=None):
    """{user id: [AccountEvent]}: what happened to these accounts in the 90 days before `before`
    (now), other than being created or asked about, newest first, in one query. An approver sees them beside a request:
    a promotion asked right after the address or the second factor changed is the pattern to refuse."""
    before = before or timezone.now()
    events = (AccountEvent.objects.unscoped().filter(subject__in=subjects, at__gte=before - RECENT, at__lt=before)
              .exclude(action__in=[Action.REQUESTED, Action.CREATED]).select_related("actor").order_by("-at", "-pk"))
    grouped = {}
    for event in events:
        grouped.setdefault(event.subject_id, []).append(event)
    return grouped


def _deciders(request):
    """The diensthoofden who can approve this request (operators can too, in the Django admin)."""
    return [head for head in User.objects.of_organisation(request.organisation_id).filter(role=Role.HEAD,
                                                                                          is_active=True)
            if request.may_be_decided_by(head)]


def can_be_decided_in_the_organisation(request):
    """False when no diensthoofd of the organisation can approve it (none, or only the person it is
    about): then an operator decides."""
    return bool(_deciders(request))


def _locked_pending(request, by):
    request = (AccountChangeRequest.objects.unscoped().select_for_update(of=("self",)).select_related("user")
               .get(pk=request.pk))
    if not request.is_pending:
        raise ValidationError(_("This request was already %(status)s.") % {"status": request.get_status_display()})
    if not request.may_be_decided_by(by):
        raise PermissionDenied
    return request


@transaction.atomic
def request_approve(request, *, by):
    """A diensthoofd or an operator approves: the held changes take effect now."""
    request = _locked_pending(request, by)
    user = User.objects.select_for_update().get(pk=request.user_id)
    before_email, welcome = user.email, request.activate and not user.has_usable_password()
    _apply(request, user)
    _decide(request, by, AccountChangeRequest.Status.APPROVED)
    _log(Action.APPROVED, subject=user, actor=by, detail=request.summary(), request=request,
         tell=_concerned(user, before_email=before_email, also=request.requested_by))
    if welcome:
        transaction.on_commit(lambda: send_welcome(user))
    return request


def _apply(request, user):
    if (user.email, user.role, user.is_active) != (request.email_then, request.role_then, request.active_then):
        raise ValidationError(_("The account of %(user)s changed after this request was made; approving it now "
                                "could give access to someone else. Refuse it, and ask again if still needed.")
                              % {"user": user})
    before = User.objects.get(pk=user.pk)
    if request.new_email:
        if User.objects.filter(email__iexact=request.new_email).exclude(pk=user.pk).exists():
            raise ValidationError(_("Another user has the e-mail address %(email)s by now; the request cannot be "
                                    "approved.") % {"email": request.new_email})
        user.email = request.new_email
    user.role = request.new_role or user.role
    user.is_active = user.is_active or request.activate
    user.save()
    log_changes(before, user, by=request.requested_by)
    if request.reset_second_factor:
        second_factor.remove(user)
        _log(Action.SECOND_FACTOR_RESET, subject=user, actor=request.requested_by)


@transaction.atomic
def request_refuse(request, *, by):
    request = _locked_pending(request, by)
    _decide(request, by, AccountChangeRequest.Status.REFUSED)
    _log(Action.REFUSED, subject=request.user, actor=by, detail=request.summary(), request=request,
         tell=_concerned(request.user, also=request.requested_by))
    return request


@transaction.atomic
def request_withdraw(request, *, by):
    """The beheerder who asked (or another beheerder of the organisation) takes the request back."""
    request = AccountChangeRequest.objects.unscoped().select_for_update().get(pk=request.pk)
    if not (by.is_administrator and by.organisation_id == request.organisation_id):
        raise PermissionDenied
    if not request.is_pending:
        raise ValidationError(_("This request was already %(status)s.") % {"status": request.get_status_display()})
    _decide(request, by, AccountChangeRequest.Status.WITHDRAWN)
    _log(Action.WITHDRAWN, subject=request.user, actor=by, detail=request.summary(), request=request)
    return request


def _decide(request, by, status):
    request.status, request.decided_by, request.decided_at = status, by, timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])


# The log and who is told ----------------------------------------------------------------------------


def _concerned(user, before=None, *, before_email=None, also=None):
    """The addresses to tell of a change to `user`'s account: the person (at the old address too,
    where it changed), the diensthoofden, and `also`."""
    heads = User.objects.of_organisation(user.organisation_id).filter(role=Role.HEAD, is_active=True)
    addresses = [head.email for head in heads if head.pk != user.pk]
    addresses += [user.email, before_email or (before.email if before else user.email)]
    if also is not None:
        addresses.append(also.email)
    return list(dict.fromkeys(addresses))


def _log(action, *, subject, actor, detail="", request=None, tell=()):
    tell = [address for address in dict.fromkeys(tell) if address and (actor is None or address != actor.email)]
    event = AccountEvent.objects.create(
        organisation_id=subject.organisation_id, subject=subject, subject_email=subject.email, actor=actor,
        action=action, detail=detail[:300], request=request, notify=tell, notified_at=None if tell else timezone.now())
    if tell:
        transaction.on_commit(_queue_notices)
    return event


def _queue_notices():
    """After the commit; with the broker down the change stands and the beat sweep sends the notices."""
    from .tasks import send_account_notices  # the task module imports this one

    try:
        send_account_notices.delay()
    except (KombuOperationalError, OSError):
        logger.warning("Account notices not queued (broker unreachable); the sweep sends them.")
