"""Send the six-monthly check and year-end acceptance reminders (once per person and period)."""

from django.core.management.base import BaseCommand

from organizations.management.commands.run_job import run_for_counties


class Command(BaseCommand):
    help = "Send the six-monthly check and year-end acceptance reminders (once per person and period)."

    def add_arguments(self, parser):
        parser.add_argument("--county", help="Only this county (division code).")
        parser.add_argument("--today", help="Run as of this date (YYYY-MM-DD); default: today.")

    def handle(self, *args, **options):
        run_for_counties(self, "reminders", options["county"], options["today"])
