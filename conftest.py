"""Project-wide fixtures: the demo city is loaded once per test session; personas are its accounts.

Personas (see organizations/demo.py): county_admin, county_leader, town_organizer,
village_secretary, contact_leader, other_county_admin, city_reviewer. Tests that need a
second township organizer use ``make_persona``.
"""

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from organizations.demo import seed_demo
    from organizations.demo.testing import seed_outside_city

    with django_db_blocker.unblock():
        seed_demo()
        seed_outside_city()


@pytest.fixture
def demo(db):
    """Handles on the demo data: counties, townships, villages and users by name."""
    from organizations.demo.testing import DemoHandles

    return DemoHandles.load()


@pytest.fixture
def login(client):
    """``login("county_admin")`` logs the test client in as that persona and returns the client."""
    from organizations.models import User

    def _login(username):
        client.force_login(User.objects.get(username=username))
        return client

    return _login


@pytest.fixture
def make_persona(db):
    from organizations.demo.testing import make_persona

    return make_persona
