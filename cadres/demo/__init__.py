"""Demo data of the cadres area (registered in apps.py, run by seed_demo)."""


def seed_cadres(county, *, accounts) -> None:
    from .reserve import seed as seed_reserve
    from .roster import seed as seed_roster

    seed_roster(county, accounts=accounts)
    seed_reserve(county, accounts=accounts)
    # The support ("four ones") is seeded before the ledger: cadres.demo.support, registered in apps.py.
