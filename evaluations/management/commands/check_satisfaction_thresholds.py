"""Decide every closed, undecided satisfaction evaluation now, in this process."""

from django.core.management.base import BaseCommand, CommandError

from evaluations.services.threshold_check import OUTCOMES, counties_with_undecided, evaluations_decide_county
from evaluations.tasks import parse_today
from organizations.models import Division
from organizations.roles import Level


class Command(BaseCommand):
    help = "Decide every closed, undecided satisfaction evaluation (accepted at or above the threshold)."

    def add_arguments(self, parser):
        parser.add_argument("--county", help="Only this county (division code).")
        parser.add_argument("--today", help="Decide as of this date (YYYY-MM-DD); default: today.")

    def handle(self, *args, **options):
        try:
            today = parse_today(options["today"])
        except ValueError as exc:
            raise CommandError(f"--today must be a date like 2026-03-01: {exc}") from exc
        if options["county"]:
            county = Division.objects.filter(code=options["county"], level=Level.COUNTY).first()
            if county is None:
                raise CommandError(f"No county with the code {options['county']}")
            county_ids = [county.pk]
        else:
            county_ids = counties_with_undecided()
        keys = (*OUTCOMES, "failed")
        totals = dict.fromkeys(keys, 0)
        names = dict(Division.objects.filter(pk__in=county_ids).values_list("pk", "name"))
        for county_id in county_ids:
            counts = evaluations_decide_county(county_id=county_id, today=today)
            for key in keys:
                totals[key] += counts[key]
            self.stdout.write(f"{names.get(county_id, county_id)}: " + ", ".join(
                f"{key} {counts[key]}" for key in keys))
        self.stdout.write(f"{len(county_ids)} counties as of {today.isoformat()}: " + ", ".join(
            f"{key} {totals[key]}" for key in keys))
        if totals["failed"]:
            raise CommandError(f"{totals['failed']} evaluations could not be decided (see the log)")
