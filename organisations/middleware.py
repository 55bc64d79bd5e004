from urllib.parse import urlencode

from concurrency.exceptions import RecordModifiedError
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from . import scoping, second_factor


class PrivatePagesMiddleware:
    """Pages shown to a logged-in user hold case data: no browser or proxy keeps a copy, so the
    Back button after logging out on a shared PC shows nothing. htmx fragments vary on HX-Request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        patch_vary_headers(response, ["HX-Request"])
        return response


class SecondFactorMiddleware:
    """A session that still waits for the second factor reaches only the pages to give it (or set
    up the app) and to log out. The mark is set at login (organisations.second_factor.on_login)."""

    OPEN_PAGES = {"second_factor", "second_factor_setup", "logout", "healthz"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        waiting = request.user.is_authenticated and second_factor.waiting_for(request)
        if waiting and self._view_name(request) not in self.OPEN_PAGES:
            target = reverse("second_factor" if waiting == "code" else "second_factor_setup")
            return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _view_name(request):
        try:
            return resolve(request.path_info).view_name
        except Resolver404:
            return None


class InactivityTimeoutMiddleware:
    """A session ends after the organisation's inactivity period, kept on the server
    (organisations.second_factor.idle_too_long): a request after it logs out and says why. The
    session cookie itself ends with the browser. A marker cookie (no data in it, also ending with the
    browser) tells the next request that a session ended by itself while the browser stayed open
    (the session was removed on the server, say), so the login page can say why then too."""

    MARKER = "was_logged_in"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and second_factor.idle_too_long(request.session):
            logout(request)
            self._say_why(request)
        elif request.user.is_authenticated:
            second_factor.keep_alive(request.session)
        elif request.COOKIES.get(self.MARKER):
            self._say_why(request)
        response = self.get_response(request)
        if request.user.is_authenticated and not request.COOKIES.get(self.MARKER):
            response.set_cookie(self.MARKER, "1", httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
        elif not request.user.is_authenticated and request.COOKIES.get(self.MARKER):
            response.delete_cookie(self.MARKER, samesite="Lax")
        return response

    @staticmethod
    def _say_why(request):
        messages.info(request, _("You were logged out after a while without activity. Please log in again."))


class ConcurrentChangeMiddleware:
    """A step that saves a case file or trajectory that someone else saved in the same moment (a
    double click, two colleagues) is refused by django-concurrency; the request's transaction is
    already rolled back, and the person gets a Dutch page instead of an error. Edit forms handle
    this themselves (web.editing) so the typed values stay."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, RecordModifiedError):
            return None
        back = request.headers.get("Referer", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = reverse("home")
        return render(request, "409.html", {"back": back}, status=409)


class ScopeGuardMiddleware:
    """With settings.SCOPE_GUARD on, a view that reads client or organisation data without saying
    whose (organisations.scoping) fails with UnscopedQuery instead of showing every OCMW's rows.
    The guard is on from the view (URL resolved) to the response; not in the Django admin, which
    operators use over all organisations. An UnscopedQuery that the view or a template caught and
    went past (a template's {% if a and b %} turns any error into False) still fails the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        previous = scoping.current_guard()
        try:
            response = self.get_response(request)
        finally:
            refused = scoping.end_guard(previous)
        if refused and response.status_code < 500:
            raise scoping.UnscopedQuery(f"{refused[0]} (Caught and passed over on the way to the response: the "
                                        f"page was built on an unscoped query.)")
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(settings, "SCOPE_GUARD", False) and "admin" not in request.resolver_match.app_names:
            scoping.start_guard()
