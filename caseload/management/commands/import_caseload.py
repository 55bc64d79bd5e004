import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import Error, InterfaceError, OperationalError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from caseload.importer import apply_import, plan_import
from caseload.reader import UnreadableFile
from organisations.models import CASE_FILE_ROLES, Organisation, Role, User


class Command(BaseCommand):
    help = "Imports a caseload (CSV or XLSX, CONTRACTS.md); nothing is written when any row is invalid."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--organisation", required=True, help="the organisation's code (slug)")
        parser.add_argument("--dry-run", action="store_true", help="check only; write nothing")

    def handle(self, *args, **options):
        """Every step reads the database (the organisation, the checks, the writing): a database
        that fails in any of them gives one Dutch line on stderr and exit status 1, no traceback.
        Nothing is written then (the writing is one transaction)."""
        try:
            self._import(**options)
        except (OperationalError, InterfaceError) as error:
            self.stderr.write(_("The database is not reachable: %(error)s. Run the import again later; the same "
                                "file imports nothing twice.") % {"error": one_line(error)})
            sys.exit(1)
        except Error as error:
            self.stderr.write(_("The database refused the import, nothing was written: %(error)s")
                              % {"error": one_line(error)})
            sys.exit(1)

    def _import(self, *, file, organisation, dry_run, **options):
        try:
            target = Organisation.objects.get(slug=organisation)
        except Organisation.DoesNotExist:
            raise CommandError(_("Organisation “%(slug)s” does not exist.") % {"slug": organisation}) from None
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("File “%(file)s” does not exist.") % {"file": file})
        importer = self._importer(target)
        try:
            plan = plan_import(target, path.read_bytes(), path.name)
        except UnreadableFile as error:
            self.stderr.write(f"{path.name}: {error}")
            sys.exit(1)
        for warning in plan.warnings:
            self.stderr.write(str(warning))
        if not plan.valid:
            for problem in plan.problems:
                self.stderr.write(str(problem))
            self.stderr.write(_("%(count)s problems: nothing was imported.") % {"count": len(plan.problems)})
            sys.exit(1)
        self.stdout.write(_("%(rows)s rows: %(clients)s new clients, %(new)s new trajectories, %(updated)s updated, "
                            "%(unchanged)s unchanged.") % {
            "rows": len(plan.rows), "clients": len(plan.new_clients), "new": len(plan.new_trajectories),
            "updated": len(plan.updated_trajectories), "unchanged": plan.unchanged})
        if plan.warnings:
            self.stdout.write(ngettext(
                "%(count)s warning: an incomplete row imports; complete it in the case file.",
                "%(count)s warnings: incomplete rows import; complete them in the case files.",
                len(plan.warnings)) % {"count": len(plan.warnings)})
        if plan.leefloon:
            self.stdout.write(_("Leefloon and GPMI: %(decisions)s new decisions, %(ended)s ended, %(gpmis)s new GPMIs, "
                                "%(exemptions)s new exemptions, %(unchanged)s unchanged.") % plan.leefloon_counts)
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
            return
        apply_import(plan, by=importer)  # a DatabaseError: handle() says so in one line
        self.stdout.write(_("Imported."))

    def _importer(self, organisation):
        """Who the import is recorded as: the head of service, else another case-file user, else
        nobody (an organisation without users yet: its files wait for the head to assign them)."""
        users = User.objects.filter(organisation=organisation, is_active=True, role__in=CASE_FILE_ROLES)
        return users.filter(role=Role.HEAD).order_by("pk").first() or users.order_by("pk").first()


def one_line(error):
    """A database error's text on one line (psycopg's spans several: "connection failed ... Is
    the server running ...")."""
    return " ".join(str(error).split()).rstrip(".") or type(error).__name__
