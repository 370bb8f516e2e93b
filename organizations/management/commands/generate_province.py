import time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import ProtectedError, RestrictedError

from organizations.demo.province import (
    BENCH_PASSWORD,
    BENCH_REVIEWER,
    BENCH_TOWN_ORGANIZER,
    NotGenerated,
    ProvinceShape,
    analyze_tables,
    delete_province,
    generate_province,
    province_division,
)
from organizations.registry import province_parts


class Command(BaseCommand):
    help = (
        "Build a synthetic province for benchmarks: by default 15 cities, 150 counties, 2,000 townships, "
        "50,000 villages and communities, one Party organization per village, one Party committee per "
        "township, a county agency branch per county and a few non-public-enterprise branches. Rows are "
        "written with bulk_create, which bypasses django-simple-history: the generated data has no audit "
        "history (acceptable for benchmark data only). Also creates the accounts "
        f"{BENCH_REVIEWER} (reviewer on the province) and {BENCH_TOWN_ORGANIZER} (township organizer on "
        f"one township), password {BENCH_PASSWORD}."
    )

    def add_arguments(self, parser):
        parser.add_argument("--province-code", default="99",
                            help="Two digits (default 99, which no real province uses).")
        parser.add_argument("--cities", type=int, help="Number of cities (default: one per 10 counties).")
        parser.add_argument("--counties", type=int, default=150, help="Number of counties (default 150).")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--townships", type=int, help="Total townships (default 2,000).")
        group.add_argument("--townships-per-county", type=int)
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--villages", type=int, help="Total villages and communities (default 50,000).")
        group.add_argument("--villages-per-township", type=int)
        parser.add_argument("--enterprise-every", type=int, default=6,
                            help="One non-public-enterprise branch every N townships (default 6).")
        parser.add_argument("--seed", type=int, default=20261123)
        parser.add_argument("--reset", action="store_true",
                            help="Delete a previously generated province with this code first.")
        for part in province_parts():  # what the apps add (the ledger...): their options
            part.add_arguments(parser)

    def handle(self, *args, **options):
        default_size = (options["counties"] == 150 and options["cities"] is None and options["townships"] is None
                        and options["townships_per_county"] is None and options["villages"] is None
                        and options["villages_per_township"] is None)
        counties = options["counties"]
        cities = options["cities"] or max(1, round(counties / 10))
        townships = (options["townships_per_county"] * counties if options["townships_per_county"] is not None
                     else options["townships"] if options["townships"] is not None else 2000)
        villages = (options["villages_per_township"] * townships if options["villages_per_township"] is not None
                    else options["villages"] if options["villages"] is not None else 50000)
        shape = ProvinceShape(province_code=str(options["province_code"]), cities=cities, counties=counties,
                              townships=townships, villages=villages, enterprise_every=options["enterprise_every"],
                              seed=options["seed"])
        errors = shape.validate()
        if errors:
            raise CommandError(" ".join(errors))

        existing = province_division(shape.province_code)
        if existing is not None:
            if not options["reset"]:
                raise CommandError(f"Province {existing.code} ({existing.name}) already exists; "
                                   "use --reset to delete a generated province first.")
            started = time.perf_counter()
            try:
                deleted = delete_province(existing)
            except (ProtectedError, RestrictedError) as exc:
                raise CommandError(f"Rows attached to province {existing.code} cannot be deleted: {exc}") from exc
            except NotGenerated as exc:
                raise CommandError(f"Province {existing.code} ({existing.name}) was not made by generate_province; "
                                   "refusing to delete it.") from exc
            summary = ", ".join(f"{label} {n}" for label, n in deleted.items() if n)
            self.stdout.write(f"Deleted the previous province in {time.perf_counter() - started:.2f} s ({summary}).")

        self.stdout.write(f"Generating province {shape.province_code}: {shape.cities} cities, {shape.counties} "
                          f"counties, {shape.townships} townships, {shape.villages} villages (seed {shape.seed})")
        started = time.perf_counter()
        result = generate_province(shape, log=self.stdout.write)
        total = time.perf_counter() - started  # with the commit (foreign keys are checked then)
        self.stdout.write(f"  commit: {total - dict(result.timings)['total']:.2f} s")
        analyze = analyze_tables()
        self.stdout.write(f"  ANALYZE (planner statistics): {analyze:.2f} s")
        total += analyze
        self.stdout.write(self.style.SUCCESS(
            f"Generated {result.counts['divisions']} divisions and {result.counts['organizations']} organizations "
            f"in {total:.2f} s (committed). Accounts: {BENCH_REVIEWER}, {BENCH_TOWN_ORGANIZER} (password {BENCH_PASSWORD})."))
        for part in province_parts():
            part.generate(result.province, options, default_size=default_size, shape=shape, stdout=self.stdout,
                          style=self.style)
