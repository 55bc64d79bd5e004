import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from reminders import engine, tasks


class Command(BaseCommand):
    help = "Evaluates every reminder rule as of a day, creates the due reminders and queues the digests."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="YYYY-MM-DD (default: today)")

    def handle(self, *args, today=None, **options):
        try:
            day = datetime.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError:
            raise CommandError(_("--today expects a date as YYYY-MM-DD, not “%(value)s”.") % {"value": today}) from None
        totals = engine.evaluate(day)
        for rule, count in totals.items():
            self.stdout.write(f"{rule.label}: {count}")
        tasks.send_digests.delay(day.isoformat())
        self.stdout.write(_("created: %(count)s") % {"count": sum(totals.values())})
