"""Issue 10, item 1: edit forms never pre-fill a hidden number (first secretaries: ID and mobile; contact
leaders and helping units: mobile; roster and reserve: ID and mobile). The input renders empty with the
masked number as placeholder and "leave empty to keep"; a blank submission keeps the stored number."""

import datetime as dt

import pytest
from django.urls import reverse

from cadres.identity import mask_id_number, mask_mobile
from cadres.models import ContactLeader, FirstSecretary, HelpingUnit, UnitKind
from cadres.services import support as services
from organizations.models import Organization

from .helpers import make_id

pytestmark = pytest.mark.django_db

KEEP = "Leave empty to keep the current number"


@pytest.fixture
def first_secretary(demo):
    village = Organization.objects.filter(village__isnull=False, township_id=demo.township_a.pk).order_by(
        "division__code")[3]
    return services.first_secretary_create(user=demo.users["county_admin"], organization=village, name="测试书记",
                                           dispatching_unit="仙游县财政局", term_start=dt.date(2028, 3, 1),
                                           id_number=make_id("19900506"), phone="13912345678")


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_first_secretary_edit_form_hides_and_keeps_the_numbers(login, first_secretary):
    client = login("county_admin")
    url = reverse("cadres:first-secretary-edit", args=[first_secretary.pk])
    html = _page(client, url)
    assert first_secretary.id_number not in html and first_secretary.phone not in html
    assert mask_id_number(first_secretary.id_number) in html and mask_mobile(first_secretary.phone) in html
    assert KEEP in html
    form = client.get(url).context["form"]
    data = {name: ("" if value is None else value) for name, value in form.initial.items() if name != "other_villages"}
    data.update(name="改名书记", id_number="", phone="", term_start="2028-03-01")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = FirstSecretary.objects.get(pk=first_secretary.pk)
    assert saved.name == "改名书记"
    assert saved.id_number == first_secretary.id_number and saved.phone == first_secretary.phone
    response = client.post(url, {**data, "phone": "13700002222"})
    assert response.status_code == 302
    assert FirstSecretary.objects.get(pk=first_secretary.pk).phone == "13700002222"


def test_contact_leader_edit_form_hides_and_keeps_the_mobile(demo, login):
    leader = ContactLeader.objects.filter(division=demo.county1).first()
    leader.phone = "13812340000"
    leader.save()
    client = login("county_admin")
    url = reverse("cadres:contact-leader-edit", args=[leader.pk])
    html = _page(client, url)
    assert "13812340000" not in html and "138****0000" in html and KEEP in html
    response = client.post(url, {"name": leader.name, "post": leader.post or "县委常委", "phone": "",
                                 "account": leader.user.username if leader.user_id else ""})
    assert response.status_code == 302
    assert ContactLeader.objects.get(pk=leader.pk).phone == "13812340000"


def test_helping_unit_edit_form_hides_and_keeps_the_mobile(demo, login):
    client = login("county_admin")
    unit = HelpingUnit.objects.filter(division=demo.county1).first()
    unit.contact_phone = "13812341111"
    unit.save()
    url = reverse("cadres:helping-unit-edit", args=[unit.pk])
    html = _page(client, url)
    assert "13812341111" not in html and "138****1111" in html and KEEP in html
    response = client.post(url, {"name": unit.name, "kind": unit.kind or UnitKind.DEPARTMENT,
                                 "contact_name": "李四", "contact_phone": "",
                                 "account": unit.user.username if unit.user_id else ""})
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.contact_phone == "13812341111" and unit.contact_name == "李四"


@pytest.mark.parametrize("username", ["county_admin", "town_organizer"])
def test_roster_and_reserve_edit_forms_do_not_prefill_numbers(demo, login, username):
    from cadres.models import Cadre, ReserveCadre

    client = login(username)
    cadre = Cadre.objects.filter(organization__township_id=demo.township_a.pk).exclude(id_number="").first()
    html = _page(client, reverse("cadres:roster-edit", args=[cadre.pk]))
    assert cadre.id_number not in html and (not cadre.phone or cadre.phone not in html)
    reserve = ReserveCadre.objects.filter(organization__township_id=demo.township_a.pk).exclude(id_number="").first()
    if reserve is not None:
        html = _page(client, reverse("cadres:reserve-edit", args=[reserve.pk]))
        assert reserve.id_number not in html and (not reserve.phone or reserve.phone not in html)


@pytest.mark.parametrize("kind", ["contact-leader", "helping-unit"])
def test_holder_mobile_is_masked_and_the_unmask_action_is_logged(demo, login, kind):
    """The holder's page shows the mobile masked; the edit form never shows it, so the full number is
    reached only through the audited action (county admin), refused to read-only roles, 404 elsewhere."""
    from organizations.models import SecurityEvent

    model, field = (ContactLeader, "phone") if kind == "contact-leader" else (HelpingUnit, "contact_phone")
    holder = model.objects.filter(division=demo.county1).first()
    setattr(holder, field, "13812342222")
    holder.save()
    url = reverse(f"cadres:{kind}", args=[holder.pk])
    for username in ("county_admin", "county_leader"):
        html = _page(login(username), url)
        assert "13812342222" not in html and "138****2222" in html
    assert login("county_leader").post(url).status_code == 403
    assert login("other_county_admin").post(url).status_code == 404
    views = SecurityEvent.objects.filter(kind="personal_data_view", detail__object_id=holder.pk,
                                         detail__model=holder._meta.label_lower)
    before = views.count()
    response = login("county_admin").post(url)
    assert response.status_code == 200 and "13812342222" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert views.count() == before + 1
    assert views.order_by("-pk").first().detail["fields"] == [field]


@pytest.mark.parametrize("username", ["county_admin", "town_organizer", "village_secretary"])
def test_edit_forms_show_the_birth_year_only_and_a_blank_date_keeps_it(demo, login, username, first_secretary):
    """A village secretary may edit its reserve pool but not unmask: a prefilled full birth date beside the
    masked ID would give away the ID's hidden digits. Every person edit form shows the year only."""
    from cadres.models import Cadre, ReserveCadre

    client = login(username)
    reserve = ReserveCadre.objects.visible_to(demo.users[username]).exclude(birth_date=None).filter(
        organization__township_id=demo.township_a.pk).first()
    pages = [(reserve, reverse("cadres:reserve-edit", args=[reserve.pk]))]
    if username != "village_secretary":
        cadre = Cadre.objects.filter(organization__township_id=demo.township_a.pk).exclude(birth_date=None).first()
        pages.append((cadre, reverse("cadres:roster-edit", args=[cadre.pk])))
    if username == "county_admin":
        pages.append((first_secretary, reverse("cadres:first-secretary-edit", args=[first_secretary.pk])))
    for person, url in pages:
        html = _page(client, url)
        assert person.birth_date.isoformat() not in html, url
        assert f'placeholder="{person.birth_date.year}"' in html, url
    form = client.get(pages[0][1]).context["form"]
    data = {name: ("" if value is None else getattr(value, "pk", value)) for name, value in form.initial.items()}
    data.update(organization=reserve.organization_id, note="改过备注")
    response = client.post(pages[0][1], data)
    assert response.status_code == 302, response.content.decode()[:3000]
    reserve_after = ReserveCadre.objects.get(pk=reserve.pk)
    assert reserve_after.birth_date == reserve.birth_date and reserve_after.note == "改过备注"
