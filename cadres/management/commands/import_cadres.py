"""Import a cadre roster workbook as a user (same checks as the page: all rows or none).

    manage.py import_cadres FILE --user county_admin
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cadres.imports.roster import roster_import
from organizations.models import User


class Command(BaseCommand):
    help = "Import a cadre roster (.xlsx or .csv) with the rights of --user; nothing is written if a row is wrong."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="username whose scope and role apply")

    def handle(self, *args, file, user, **options):
        try:
            account = User.objects.get(username=user, is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(f"No active user {user!r}.") from exc
        try:
            with open(file, "rb") as handle:
                result = roster_import(user=account, upload=handle)
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        if not result.ok:
            lines = [f"row {e['row'] or '-'} {e['column'] or ''}: {e['message']}" for e in result.errors]
            raise CommandError("Nothing imported.\n" + "\n".join(lines))
        self.stdout.write(self.style.SUCCESS(f"{len(result.created)} cadres imported from {result.rows} rows."))
