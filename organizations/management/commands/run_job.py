"""Run a job of the jobs page now, in this process: ``run_job <name> [--county CODE] [--today YYYY-MM-DD]``.

Without ``--county`` it runs for every county of the job (for the ledger's jobs: every county with
designations). Each run is recorded as a JobRun (as the
scheduled and "run now" runs are), so the jobs page shows it.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from organizations.jobs import JOBS, execute, job_counties
from organizations.models import Division, JobRun, JobStatus
from organizations.roles import Level


def run_for_counties(command: BaseCommand, name: str, county_code: str | None, today: str | None) -> list[JobRun]:
    if name not in JOBS:
        raise CommandError(f"Unknown job {name!r}; one of: {', '.join(JOBS)}")
    if today:
        try:
            dt.date.fromisoformat(today)
        except ValueError as exc:
            raise CommandError(f"--today must be a date like 2026-03-01: {exc}") from exc
    if county_code:
        county = Division.objects.filter(code=county_code, level=Level.COUNTY).first()
        if county is None:
            raise CommandError(f"No county with the code {county_code}")
        county_ids = [county.pk]
    else:
        county_ids = job_counties(name)
    runs = []
    for county_id in county_ids:
        run = JobRun.objects.create(division_id=county_id, job=name, status=JobStatus.QUEUED)
        run = execute(run.pk, today)
        runs.append(run)
        line = f"{JOBS[name].name} {run.division.name}: {run.status} {run.result or ''}{run.error}"
        command.stdout.write(line)
    failed = [r for r in runs if r.status == JobStatus.FAILED]
    if failed:
        raise CommandError(f"{len(failed)} of {len(runs)} runs failed")
    command.stdout.write(f"{len(runs)} counties done for {today or timezone.localdate().isoformat()}.")
    return runs


class Command(BaseCommand):
    help = "Run a background job now: " + ", ".join(JOBS)

    def add_arguments(self, parser):
        parser.add_argument("name", choices=sorted(JOBS))
        parser.add_argument("--county", help="Only this county (division code).")
        parser.add_argument("--today", help="Run as of this date (YYYY-MM-DD); default: today.")

    def handle(self, *args, **options):
        run_for_counties(self, options["name"], options["county"], options["today"])
