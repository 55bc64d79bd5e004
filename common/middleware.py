"""During a database outage every page answers 503 with Retry-After, not 500: a proxy, a load
balancer or the container healthcheck (healthz) sees "come back later", the person a short Dutch
page. The page is a plain string (no template, no context processors, no session): it cannot need
the database that is down.

In settings.MIDDLEWARE it comes right after SecurityMiddleware and WhiteNoise (static files need no
database), before SessionMiddleware and everything that reads the session or the user:
- an outage in the view (or in ATOMIC_REQUESTS opening the request's transaction) reaches
  process_exception; Django calls those from the last middleware up, and the ones below this one
  (ConcurrentChangeMiddleware) pass on what is not theirs;
- an outage in a middleware below this one (loading request.user, saving the session) is turned
  into a 500 response by Django before it gets here; the got_request_exception signal notes on the
  request that it was an outage, and __call__ turns that 500 into the same 503."""

import logging
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

OUTAGE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
MARK = "_database_outage"
logger = logging.getLogger(__name__)


def outage_response():
    """The 503 page: only strings and gettext."""
    title = escape(_("Temporarily unavailable"))
    text = escape(_("The application is briefly unreachable. Please try again in half a minute."))
    page = (f'<!doctype html><html lang="{escape(get_language() or "nl-be")}"><head><meta charset="utf-8">'
            f"<title>{title}</title></head><body><h1>{title}</h1><p>{text}</p></body></html>")
    response = HttpResponse(page, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseOutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, MARK, False):
            return outage_response()
        return response

    def process_exception(self, request, exception):
        if not isinstance(exception, OUTAGE_ERRORS):
            return None
        logger.error("Database unreachable on %s %s: answered 503", request.method, request.path, exc_info=exception)
        return outage_response()


@receiver(got_request_exception, dispatch_uid="common.middleware.note_database_outage")
def note_database_outage(sender, request=None, **kwargs):
    """Django sends this while it turns an uncaught exception into a 500 (the exception is being
    handled then): marks the request when that exception is a database outage."""
    if request is not None and isinstance(sys.exc_info()[1], OUTAGE_ERRORS):
        setattr(request, MARK, True)
