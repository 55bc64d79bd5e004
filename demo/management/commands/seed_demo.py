from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from demo.builders import DEMO_PASSWORD, DemoBuilder, DemoRefused
from demo.volume import tidy_after_bulk_load


class Command(BaseCommand):
    help = "Fills the installation with a realistic demo (replaces an earlier demo)."

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=50, help="number of clients (default 50)")
        parser.add_argument("--seed", type=int, default=2018, help="same seed, same data (default 2018)")

    def handle(self, *args, clients, seed, **options):
        if clients < 2:
            raise CommandError(_("--clients must be at least 2."))
        try:
            logins = DemoBuilder(clients=clients, seed=seed).build()
        except DemoRefused as refusal:
            raise CommandError(str(refusal)) from None
        tidy_after_bulk_load()
        self.stdout.write(_("Demo ready: %(clients)d clients.") % {"clients": clients})
        self.stdout.write(_("Demo logins (password for all: %(password)s):") % {"password": DEMO_PASSWORD})
        width = max(len(login.email) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.email:<{width}}  {login.role:<20} {login.organisation}")
