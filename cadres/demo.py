"""Demo data of the cadres area (called by organizations.demo.seed_demo)."""


def seed_cadres(county, *, accounts) -> None:
    from .demo_reserve import seed as seed_reserve
    from .demo_roster import seed as seed_roster
    from .demo_support import seed as seed_support

    seed_roster(county, accounts=accounts)
    seed_reserve(county, accounts=accounts)
    seed_support(county, accounts=accounts)
