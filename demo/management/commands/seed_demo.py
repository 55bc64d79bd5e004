from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from demo.builders import DEMO_PASSWORD, DemoBuilder, DemoRefused
from demo.quiet import seeding_quietly
from demo.volume import tidy_after_bulk_load


class Command(BaseCommand):
    help = "Fills the installation with a realistic demo (replaces an earlier demo)."

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=50, help="number of clients (default 50)")
        parser.add_argument("--seed", type=int, default=2018, help="same seed, same data (default 2018)")

    def handle(self, *args, clients, seed, **options):
        if clients < 2:
            raise CommandError(_("--clients must be at least 2."))
        self.stdout.write(_("Setting up the demo with %(clients)d clients (a moment)…") % {"clients": clients})
        try:
            with seeding_quietly() as seeding:
                logins = DemoBuilder(clients=clients, seed=seed).build()
        except DemoRefused as refusal:
            raise CommandError(str(refusal)) from None
        tidy_after_bulk_load()
        self.stdout.write(_("Demo ready: %(clients)d clients.") % {"clients": clients})
        self.stdout.write(self._background(seeding))
        self._logins(logins)

    @staticmethod
    def _background(seeding):
        if not seeding.in_process:
            return _("Background tasks run through Redis: a worker makes today's reminders and sends the e-mails.")
        if seeding.emails == 0:
            return _("Background tasks ran in this process, without Redis: today's reminders are ready.")
        return ngettext(
            "Background tasks ran in this process, without Redis: today's reminders are ready (%(count)d e-mail "
            "to the demo accounts, not shown here).",
            "Background tasks ran in this process, without Redis: today's reminders are ready (%(count)d e-mails "
            "to the demo accounts, not shown here).", seeding.emails) % {"count": seeding.emails}

    def _logins(self, logins):
        """The block `make demo` ends with, just before the server starts: who to log in as, to see what."""
        email_width = max(len(login.email) for login in logins)
        role_width = max(len(login.role) for login in logins)
        write = self.stdout.write
        write("")
        write(_("Demo logins (password for all: %(password)s):") % {"password": DEMO_PASSWORD})
        for login in logins:
            write(f"  {login.email:<{email_width}}  {login.role:<{role_width}}  {login.shows}".rstrip())
        write(_("Heads of service and the beheerder set up an authenticator app when they first log in "
                "(for example FreeOTP or Aegis)."))
        write("")
        write(_("Open %(url)s and log in with one of the accounts above (password: %(password)s).") % {
            "url": settings.SITE_URL, "password": DEMO_PASSWORD})
