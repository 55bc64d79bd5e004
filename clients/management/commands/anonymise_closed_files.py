import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from clients import retention


class Command(BaseCommand):
    help = ("Anonymises the closed case files whose retention period has passed (the nightly task does "
            "the same); --dry-run only counts them.")

    def add_arguments(self, parser):
        parser.add_argument("--today", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, today=None, dry_run=False, **options):
        try:
            day = datetime.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError:
            raise CommandError(_("--today expects a date as YYYY-MM-DD, not “%(value)s”.") % {"value": today}) from None
        if dry_run:
            count = retention.due(day).count()
            self.stdout.write(_("due for anonymisation: %(count)s (nothing changed)") % {"count": count})
            return
        counts = retention.run(day)
        for name, count in sorted(counts.items()):
            self.stdout.write(f"{name}: {count}")
        self.stdout.write(_("anonymised: %(count)s") % {"count": sum(counts.values())})
