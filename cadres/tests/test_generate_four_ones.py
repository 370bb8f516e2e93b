"""generate_province --ledger: every designated organization of the generated province has its "four ones"
(a contact leader, a helping unit and a first secretary), read through the kernel's provider as the ledger
export, the board and the dashboard read them; --reset removes them with the province."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from cadres.models import ContactLeader, FirstSecretary, HelpingUnit, Pairing
from organizations.models import Division
from organizations.registry import four_ones
from organizations.roles import Level
from rectification.models import Designation

pytestmark = pytest.mark.django_db
CODE = "95"
SMALL = ["--province-code", CODE, "--counties", "2", "--townships-per-county", "3", "--villages-per-township", "10",
         "--ledger", "--designations", "20", "--tasks", "60", "--progress-entries", "60"]


def generate(*extra):
    out = io.StringIO()
    call_command("generate_province", *SMALL, *extra, stdout=out)
    connection.check_constraints()
    return out.getvalue()


def counties():
    return Division.objects.filter(code__startswith=CODE, level=Level.COUNTY)


def test_every_designated_organization_of_a_generated_province_has_its_four_ones():
    output = generate()
    designations = list(Designation.objects.filter(county__in=counties()).select_related("organization"))
    assert len(designations) == 20
    found = four_ones([d.organization_id for d in designations], timezone.localdate())
    lacking = [d.organization.name for d in designations
               if not (found[d.organization_id].contact_leaders and found[d.organization_id].helping_units
                       and found[d.organization_id].first_secretaries)]
    assert lacking == []
    # Every pairing stays inside its county: a leader or unit of one county never helps another's village.
    for pairing in Pairing.objects.filter(county__in=counties()).select_related("contact_leader", "helping_unit"):
        keeper = pairing.contact_leader or pairing.helping_unit
        assert keeper.division_id == pairing.county_id
    assert "four ones" in output


def _counts():
    return (ContactLeader.objects.filter(division__in=counties()).count(),
            HelpingUnit.objects.filter(division__in=counties()).count(),
            Pairing.objects.filter(county__in=counties()).count(),
            FirstSecretary.objects.filter(county__in=counties()).count())


def test_reset_replaces_the_four_ones_with_the_province():
    generate()
    first = _counts()
    assert first[2:] == (40, 20) and first[0] and first[1]  # a leader and a unit per designation
    generate("--reset")
    assert _counts() == first  # replaced, not added to
