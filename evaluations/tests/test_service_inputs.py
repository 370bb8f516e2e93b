"""Service inputs of the star ratings that are not what they claim: a 400 with a message, never a 500."""

import pytest

from evaluations.models import PartyMember
from organizations.models import User


@pytest.mark.django_db
@pytest.mark.parametrize("goals", ["x", ["political"], 7, {"political": "many"},
                                   {"political": [1]}, {"political": 1.5}])
def test_commitment_goals_that_are_not_stars_are_a_400(login, goals):
    client = login("county_admin")
    member = PartyMember.objects.visible_to(User.objects.get(username="county_admin")).first()
    assert member is not None
    response = client.post("/api/v1/evaluations/member-commitments/",
                           {"member": member.pk, "year": 2026, "goals": goals}, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert "goals" in response.json()
