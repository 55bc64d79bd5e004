"""Two-factor authentication with a TOTP app (django-otp): required for the diensthoofd, the
beheerder and operators, offered to everyone else. After the password, the session is marked as
waiting for the code (or for the set-up of an app); SecondFactorMiddleware keeps the user on those
pages until the code is given. The mark is set at login, so ordinary requests cost no query.
The session's inactivity period (per organisation) is also fixed at login, and kept on the server:
the cookie itself ends with the browser (settings.SESSION_EXPIRE_AT_BROWSER_CLOSE), so a shared PC
whose browser was closed never resumes the previous person's session."""

import math
import time
from base64 import b32encode

import segno
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from common.params import is_ascii_digits

PENDING = "second_factor_pending"  # "code" (the user has an app) or "setup" (the role requires one)
VERIFIED = "second_factor_verified"
INACTIVITY = "inactivity_seconds"
LAST_SEEN = "inactivity_last_seen"


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def on_login(sender, request, user, **kwargs):
    """After the password: what the session still waits for, and how long it may stay idle."""
    if request is None or not hasattr(request, "session"):
        return
    request.session.pop(PENDING, None)
    if confirmed_device(user):
        request.session[PENDING] = "code"
    elif user.requires_second_factor:
        request.session[PENDING] = "setup"
    minutes = user.organisation.session_timeout_minutes if user.organisation_id else 30
    request.session[INACTIVITY] = minutes * 60
    keep_alive(request.session)


KEEP_ALIVE_EVERY = 60


def keep_alive(session):
    """Note that the session is in use; at most once a minute, as that writes the session. The
    cookie keeps no expiry of its own (that would make it outlive the browser)."""
    seconds, now = session.get(INACTIVITY), int(time.time())
    if seconds and now - session.get(LAST_SEEN, 0) >= KEEP_ALIVE_EVERY:
        session[LAST_SEEN] = now


def idle_too_long(session):
    """Whether the session went unused for longer than the organisation's period. Use is noted once
    a minute, so the session ends between the period and a minute later, never before."""
    seconds, last_seen = session.get(INACTIVITY), session.get(LAST_SEEN)
    return bool(seconds and last_seen and int(time.time()) - last_seen > seconds + KEEP_ALIVE_EVERY)


def waiting_for(request):
    """What the session still waits for: "code", "setup" or None. A session of a role that requires
    the second step and never gave it (one that began before this was required, say) is caught here."""
    session = request.session
    if not session.get(PENDING) and not session.get(VERIFIED) and request.user.requires_second_factor:
        session[PENDING] = "code" if confirmed_device(request.user) else "setup"
    return session.get(PENDING)


def pending_device(user):
    """The app being set up: one unconfirmed device per user, kept until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=_("authenticator app"), confirmed=False)


def qr_svg(device):
    return segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#1d3f6e")


def secret(device):
    """The key for typing it in by hand, in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[index:index + 4] for index in range(0, len(key), 4))


@transaction.atomic
def check(device, code):
    """None when the code is right; otherwise the Dutch reason. TOTPDevice throttles wrong codes; the
    device row is locked, so wrong codes sent at the same moment each count."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    allowed, details = device.verify_is_allowed()
    if not allowed:  # each wrong code doubles the wait: 1, 2, 4, 8 ... seconds
        seconds = max(1, math.ceil((details["locked_until"] - timezone.now()).total_seconds()))
        return ngettext("Too many wrong codes. Wait %(seconds)s second and try again.",
                        "Too many wrong codes. Wait %(seconds)s seconds and try again.", seconds) % {"seconds": seconds}
    code = "".join(code.split())
    if not (is_ascii_digits(code) and len(code) == 6):
        return _("The code has six digits.")
    if not device.verify_token(code):
        return _("This code is not right. Type the code your app shows now.")
    return None


def complete(request, device):
    """The code was right: the session is verified with this device."""
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    otp_login(request, device)
    request.session.pop(PENDING, None)
    request.session[VERIFIED] = True


def remove(user):
    TOTPDevice.objects.filter(user=user).delete()
