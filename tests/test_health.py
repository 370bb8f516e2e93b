"""/healthz: what the container healthcheck and load balancers ask. No login, honest about the database."""

from unittest import mock

import pytest
from django.db import OperationalError, connections


@pytest.mark.django_db
def test_healthz_is_ok_without_login_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200  # not a redirect to the login page
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["status"] == "ok"


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_does_not_answer(client):
    # A database that is down cannot be produced inside the test database: make every cursor of
    # this backend fail the way a lost server does.
    backend = type(connections["default"])
    with mock.patch.object(backend, "cursor", side_effect=OperationalError("server closed the connection")) as cursor:
        response = client.get("/healthz")

    assert cursor.called, "the health check did not ask the database"
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["status"] != "ok"
