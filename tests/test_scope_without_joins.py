"""Province and city users' scope on the fact tables is a filter on the row's own indexed county column
(the counties of the province or city: a subquery on the division table), not a join through the
organization (issue 13 item 2: on the generated province, designations 30 -> 9 ms, overdue tasks 70 -> 39 ms,
progress entries 236 -> 180 ms for the province reviewer). Same rows as the organization's ancestry says."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db.models import Q

from organizations.models.base import OrganizationScoped
from organizations.scoping import grants_for

pytestmark = pytest.mark.django_db

FACT_MODELS = [model for model in apps.get_models() if issubclass(model, OrganizationScoped)]


@pytest.mark.parametrize("username", ["city_reviewer"])
def test_fact_tables_scope_a_city_by_their_county_column_with_the_rows_of_the_organizations(demo, username):
    user = demo.users[username]
    (level,) = {level for _role, _division, level in grants_for(user).divisions}
    ids = [division for _role, division, _level in grants_for(user).divisions]
    assert level in {"city", "province"}
    assert len(FACT_MODELS) >= 30
    seen = 0
    for model in FACT_MODELS:
        scoped = model.objects.visible_to(user)
        sql = str(scoped.order_by().values("pk").query)
        assert "organizations_organization" not in sql, (model.__name__, sql)
        by_ancestry = model.objects.filter(Q(**{f"organization__{level}_id__in": ids}))
        assert set(scoped.values_list("pk", flat=True)) == set(by_ancestry.values_list("pk", flat=True)), model
        seen += scoped.exists()
    assert seen >= 10  # the demo fills most of them: the equality above is not between empty sets
