"""What django-axes counts a failed login against: the e-mail address as the login matches it, and
the client's own address (not the reverse proxy's)."""

from django.conf import settings


def login_username(request, credentials):
    typed = (credentials or {}).get("username") if credentials else request.POST.get("username", "")
    return (typed or "").strip().lower() or None


def client_address(request):
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    proxies = settings.TRUSTED_PROXIES
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]  # the address our own (trusted) proxy saw, not what a client claims
    return request.META.get("REMOTE_ADDR", "")
