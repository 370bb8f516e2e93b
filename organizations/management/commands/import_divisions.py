"""Import divisions and organizations of one county from an .xlsx or .csv file, all or nothing.

    manage.py import_divisions FILE --county 350322000000 --user county_admin
"""

import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from organizations.imports.pipeline import import_limits
from organizations.imports.services import import_rows, rows_from_file
from organizations.models import Division, User
from organizations.roles import Level


class Command(BaseCommand):
    help = "Import townships, villages and their Party organizations into one county (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="an .xlsx workbook or a .csv file (UTF-8 or GBK)")
        parser.add_argument("--county", required=True, help="the county's 12-digit division code")
        parser.add_argument("--user", required=True,
                            help="username of the county administrator the import is recorded for")

    def handle(self, *args, file, county, user, **options):
        county_obj = Division.objects.filter(code=county, level=Level.COUNTY).first()
        if county_obj is None:
            raise CommandError(f"No county with the code {county}.")
        user_obj = User.objects.filter(username=user, is_active=True).first()
        if user_obj is None:
            raise CommandError(f"No active user {user}.")
        try:
            size = os.path.getsize(file)
            limit = import_limits("divisions").max_bytes
            if size > limit:
                raise CommandError(f"The file is larger than {limit} bytes.")
            with open(file, "rb") as handle:
                rows, errors = rows_from_file(handle)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        if not errors:
            result = import_rows(user=user_obj, county=county_obj, rows=rows)
            errors = result.errors
        if errors:
            for error in errors:
                where = f"row {error['row']}" if error.get("row") else "file"
                column = f" [{error['column']}]" if error.get("column") else ""
                self.stderr.write(f"{where}{column}: {error['message']}")
            raise CommandError(f"Rejected: {len(errors)} error(s); nothing was imported.")
        summary = result.summary
        self.stdout.write(self.style.SUCCESS(
            "Imported {rows} rows: divisions {divisions_created} created, {divisions_updated} updated, "
            "{divisions_unchanged} unchanged; organizations {organizations_created} created, "
            "{organizations_updated} updated, {organizations_unchanged} unchanged.".format(**summary)
        ))
