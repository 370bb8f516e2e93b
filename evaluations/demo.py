"""Demo data of evaluations and star management (called by organizations.demo.seed_demo)."""


def seed_evaluations(county, *, accounts) -> None:
    from .demo_satisfaction import seed as seed_satisfaction
    from .demo_stars import seed as seed_stars

    seed_satisfaction(county, accounts=accounts)
    seed_stars(county, accounts=accounts)
