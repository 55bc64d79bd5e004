"""The product's own 404 page also when DEBUG is on, as in the demo (`make demo` runs with the
default DJANGO_DEBUG=true).

With DEBUG on, Django answers a 404 with its technical page (in English, listing every URL
pattern) instead of handler404 (templates/404.html). Turning DEBUG off for the demo would bring the
production settings along (secure-only cookies, HTTPS redirect, manifest static files), and a
login over plain http://127.0.0.1 would stop working. So the demo keeps DEBUG, and this middleware
shows the Dutch 404 page there: for a view that raises Http404 (another OCMW's case file) and for an
address that matches no URL. DJANGO_TECHNICAL_404=true brings Django's technical page back for a
developer who wants it. With DEBUG off, Django uses handler404 itself and this does nothing.

The technical 500 page stays with DEBUG on: it is the developer's tool, and production runs with
DEBUG off (templates/500.html)."""

from django.conf import settings
from django.http import Http404
from django.views import defaults


def _replaces_technical_404():
    return settings.DEBUG and not getattr(settings, "TECHNICAL_404", False)


class FriendlyNotFoundMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # No resolver_match: no URL matched, so the 404 is Django's own (technical with DEBUG on).
        if response.status_code == 404 and request.resolver_match is None and _replaces_technical_404():
            return defaults.page_not_found(request, Http404())
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, Http404) and _replaces_technical_404():
            return defaults.page_not_found(request, exception)
        return None
