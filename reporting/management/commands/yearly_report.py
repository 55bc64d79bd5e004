from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from organisations.models import Organisation
from reporting.report import render_json, render_pdf


class Command(BaseCommand):
    help = "Writes the yearly report of an organisation (CONTRACTS.md) as PDF (default) or JSON."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True)
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--output", required=True)
        parser.add_argument("--format", choices=["pdf", "json"], default="pdf")

    def handle(self, *args, organisation, year, output, format, **options):
        try:
            target = Organisation.objects.get(slug=organisation)
        except Organisation.DoesNotExist:
            raise CommandError(_("Organisation “%(slug)s” does not exist.") % {"slug": organisation}) from None
        if not 2000 <= year <= 2100:
            raise CommandError(_("--year expects a year such as 2018."))
        content = render_json(target, year) if format == "json" else render_pdf(target, year)
        Path(output).write_bytes(content)
        self.stdout.write(_("Yearly report %(year)s of %(name)s written to %(file)s.") % {
            "year": year, "name": target.name, "file": output})
