"""Send the daily digests (one per person) of overdue tasks and missing reports."""

from django.core.management.base import BaseCommand

from organizations.management.commands.run_job import run_for_counties


class Command(BaseCommand):
    help = "Send the daily digests (one per person) of overdue tasks and missing reports."

    def add_arguments(self, parser):
        parser.add_argument("--county", help="Only this county (division code).")
        parser.add_argument("--today", help="Run as of this date (YYYY-MM-DD); default: today.")

    def handle(self, *args, **options):
        run_for_counties(self, "digests", options["county"], options["today"])
