"""Demo and generated data of the kernel, and the handles tests use on them.

``city``: the demo city (two counties, the personas' accounts); each app adds its demo data through a
registered seeder (organizations.registry). ``province``: the synthetic province of the benchmarks.
``testing``: handles on the demo data and extra personas for tests.
"""

from .city import (
    COUNTY_1_TOWNSHIPS,
    COUNTY_2_TOWNSHIPS,
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    NOT_YET_RECTIFIED,
    seed_demo,
    weak_organizations,
)

__all__ = ["COUNTY_1_TOWNSHIPS", "COUNTY_2_TOWNSHIPS", "DEMO_ACCOUNTS", "DEMO_PASSWORD", "NOT_YET_RECTIFIED",
           "seed_demo", "weak_organizations"]
