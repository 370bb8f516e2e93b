"""Demo data of evaluations and star management (registered in apps.py, run by seed_demo)."""


def seed_evaluations(county, *, accounts) -> None:
    from .recognition import seed as seed_recognition
    from .satisfaction import seed as seed_satisfaction
    from .stars import seed as seed_stars

    seed_satisfaction(county, accounts=accounts)
    seed_stars(county, accounts=accounts)
    seed_recognition(county, accounts=accounts)
