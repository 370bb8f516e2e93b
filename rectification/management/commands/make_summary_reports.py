"""Make (or refresh) the bimonthly progress reports of the period that just ended."""

from django.core.management.base import BaseCommand

from organizations.management.commands.run_job import run_for_counties


class Command(BaseCommand):
    help = "Make (or refresh) the bimonthly progress reports of the period that just ended."

    def add_arguments(self, parser):
        parser.add_argument("--county", help="Only this county (division code).")
        parser.add_argument("--today", help="Run as of this date (YYYY-MM-DD); default: today.")

    def handle(self, *args, **options):
        run_for_counties(self, "summary_reports", options["county"], options["today"])
