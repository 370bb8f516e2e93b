"""Accounts for the load test (bench/load/locustfile.py) on a generated province, and what each will touch.

    DATABASE_URL=... .venv/bin/python bench/load/accounts.py [--province-code 99] [--townships 70]
        [--counties 20] [--output bench/load/accounts.json]

Creates (or resets) ``load_town_NNN`` township organizers on the province's townships that have plans in
rectification, ``load_county_NN`` county admins on its first counties, ``load_city_NN`` reviewers on its
cities and ``load_province`` on the province (password ``rectify-demo``), and writes for each the ids its
requests use (the township's plans and open tasks), so that the load itself does no discovery. Benchmark
accounts only: never run it on real data (it refuses a province without the generator's mark).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import setup  # noqa: E402

setup()

from organizations.demo.province import BENCH_PASSWORD, GENERATED_MARK, _bench_account  # noqa: E402
from organizations.models import Division  # noqa: E402
from organizations.roles import Level, Role  # noqa: E402
from rectification.models import Plan, Task, TaskStatus  # noqa: E402
from rectification.services.progress import PROGRESS_STATUSES  # noqa: E402

MARK = GENERATED_MARK


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--province-code", default="99")
    parser.add_argument("--townships", type=int, default=70)
    parser.add_argument("--counties", type=int, default=20)
    parser.add_argument("--output", default=str(Path(__file__).with_name("accounts.json")))
    args = parser.parse_args()
    province = Division.objects.get(level=Level.PROVINCE, code__startswith=args.province_code)
    if MARK not in province.name:
        sys.exit(f"{province.name} is not a generated province: refusing to add load accounts to it")
    accounts = {"password": BENCH_PASSWORD, "township": [], "county": [], "reviewer": []}
    township_ids = list(Plan.objects.filter(county__province=province).order_by("township__code")
                        .values_list("township_id", flat=True).distinct()[:args.townships])
    if not township_ids:
        sys.exit("no township of the province has a plan: generate the ledger too (generate_province --ledger)")
    for number, township in enumerate(Division.objects.filter(pk__in=township_ids).order_by("code"), start=1):
        user = _bench_account(f"load_town_{number:03d}", f"{township.name}组织委员{MARK}", Role.TOWNSHIP_ORGANIZER,
                              township)
        plans = list(Plan.objects.filter(township=township).order_by("pk").values_list("pk", flat=True)[:5])
        # Open tasks of plans that take progress now (in rectification or applying for acceptance).
        tasks = list(Task.objects.filter(township=township, plan__designation__status__in=PROGRESS_STATUSES)
                     .exclude(status=TaskStatus.DONE).order_by("pk")
                     .values("pk", "plan_id")[:10])
        accounts["township"].append({"username": user.username, "plans": plans,
                                     "tasks": [{"id": t["pk"], "plan": t["plan_id"]} for t in tasks]})
    counties = Division.objects.filter(province=province, level=Level.COUNTY).order_by("code")[:args.counties]
    for number, county in enumerate(counties, start=1):
        user = _bench_account(f"load_county_{number:02d}", f"{county.name}委组织部{MARK}", Role.COUNTY_ADMIN, county)
        accounts["county"].append({"username": user.username, "county": county.pk})
    for number, city in enumerate(Division.objects.filter(province=province, level=Level.CITY).order_by("code"),
                                  start=1):
        user = _bench_account(f"load_city_{number:02d}", f"{city.name}审核{MARK}", Role.REVIEWER, city)
        accounts["reviewer"].append({"username": user.username})
    user = _bench_account("load_province", f"省级审核{MARK}", Role.REVIEWER, province)
    accounts["reviewer"].append({"username": user.username})
    Path(args.output).write_text(json.dumps(accounts, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(accounts['township'])} township organizers, {len(accounts['county'])} county admins, "
          f"{len(accounts['reviewer'])} reviewers -> {args.output}")


if __name__ == "__main__":
    main()
