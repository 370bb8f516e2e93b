"""Run the daily period-report preparation now (in this process, county by county)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rectification.services.reports import county_ids_with_reporting_plans, prepare_county_reports


class Command(BaseCommand):
    help = "Create the draft period reports of every plan in rectification (current and past-due periods)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Date to prepare for (YYYY-MM-DD); default: today.")
        parser.add_argument("--county", type=int, help="Only this county (division id).")

    def handle(self, *args, **options):
        try:
            today = dt.date.fromisoformat(options["today"]) if options["today"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--today must be a date like 2026-03-01: {exc}") from exc
        county_ids = [options["county"]] if options["county"] else county_ids_with_reporting_plans()
        total = 0
        for county_id in county_ids:
            total += prepare_county_reports(county_id, today)
        self.stdout.write(f"{len(county_ids)} counties, {total} period reports checked for {today.isoformat()}.")
