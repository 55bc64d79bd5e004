from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_slug
from django.utils.translation import gettext as _

from organisations.services import organisation_ensure


class Command(BaseCommand):
    help = "Creates an OCMW (organisation); running it again changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="short code, e.g. menen")
        parser.add_argument("name", help='full name, e.g. "OCMW Menen"')

    def handle(self, *args, slug, name, **options):
        try:
            validate_slug(slug)
        except ValidationError:
            message = _("Invalid code “%(slug)s”: use only letters, digits, - and _.") % {"slug": slug}
            raise CommandError(message) from None
        if not name.strip():
            raise CommandError(_("The name cannot be empty."))
        organisation, created = organisation_ensure(slug=slug, name=name.strip())
        message = _("Organisation %(slug)s (%(name)s) created.") if created else \
            _("Organisation %(slug)s (%(name)s) already existed; nothing changed.")
        self.stdout.write(message % {"slug": organisation.slug, "name": organisation.name})
