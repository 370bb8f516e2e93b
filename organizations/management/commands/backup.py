"""``backup DIR``: the database and MEDIA_ROOT into a new directory, with a manifest (organizations.backup)."""

from django.core.management.base import BaseCommand, CommandError

from organizations.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database and the uploaded files (MEDIA_ROOT) into DIR, with a manifest of checksums."

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, *args, directory, **options):
        try:
            manifest = backup(directory)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["row_counts"].values())
        self.stdout.write(f"Backed up {manifest['vendor']} ({rows} rows in {len(manifest['row_counts'])} tables) "
                          f"and {len(manifest['media'])} media files into {directory}")
