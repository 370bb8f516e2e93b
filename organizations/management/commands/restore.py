"""``restore DIR``: check a backup against its manifest, then replace the database and MEDIA_ROOT with it."""

from django.core.management.base import BaseCommand, CommandError

from organizations.backup import BackupError, restore


class Command(BaseCommand):
    help = ("Restore the database and MEDIA_ROOT from a backup directory made by `backup`. Replaces the current "
            "data: the dump and files are checked against the manifest first, row counts and files afterwards.")

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, *args, directory, **options):
        try:
            manifest = restore(directory)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["row_counts"].values())
        self.stdout.write(f"Restored {rows} rows and {len(manifest['media'])} media files from {directory} "
                          f"(backup of {manifest['created_at']}); row counts and checksums match")
