def seed(county, *, accounts) -> None:
    pass
