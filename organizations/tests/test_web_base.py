"""The kernel's write path (organizations/web/base.py), exercised with the demo's real users and objects."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import RequestFactory

from organizations.models import Organization
from organizations.web.base import submit, write_gate


def test_write_gate_passes_a_role_allowed_on_the_object(demo):
    organization = demo.org_in(demo.township_a)
    write_gate(demo.users["town_organizer"], "organization", "change", organization)  # no exception


def test_write_gate_answers_404_outside_the_scope(demo):
    elsewhere = demo.org_in(demo.township_b)
    with pytest.raises(Http404):
        write_gate(demo.users["town_organizer"], "organization", "change", elsewhere)
    with pytest.raises(Http404):
        write_gate(demo.users["other_county_admin"], "organization", "change", elsewhere)


def test_write_gate_answers_403_for_a_visible_object_the_role_may_not_change(demo):
    organization = demo.org_in(demo.township_a)
    assert Organization.objects.visible_to(demo.users["county_leader"]).filter(pk=organization.pk).exists()
    with pytest.raises(PermissionDenied):
        write_gate(demo.users["county_leader"], "organization", "change", organization)


def test_write_gate_answers_404_for_a_page_the_role_cannot_use(demo):
    with pytest.raises(Http404):
        write_gate(demo.users["county_leader"], "organization", "create")


class _Form(forms.Form):
    name = forms.CharField()
    count = forms.IntegerField(required=False)


def _post(data):
    request = RequestFactory().post("/", data)
    request._messages = _Messages()
    return request


class _Messages:
    def __init__(self):
        self.stored = []

    def add(self, level, message, extra_tags=""):
        self.stored.append(str(message))


def test_submit_maps_a_service_error_onto_the_named_field_and_writes_nothing():
    request = _post({"name": "x", "count": "3"})
    form = _Form(request.POST)

    def perform(data):
        raise ValidationError({"count": "Too many.", "other": "Not a field of this form."})

    assert submit(request, form, perform, success="/done/") is None
    assert form.errors["count"] == ["Too many."]
    assert "Not a field of this form." in form.non_field_errors()


def test_submit_shows_a_refusal_of_the_service_on_the_form():
    request = _post({"name": "x"})
    form = _Form(request.POST)

    def perform(data):
        raise PermissionDenied("Not in this state.")

    assert submit(request, form, perform, success="/done/") is None
    assert form.non_field_errors() == ["Not in this state."]


def test_submit_redirects_with_the_message_after_the_service():
    request = _post({"name": "x"})
    form = _Form(request.POST)
    calls = []
    response = submit(request, form, lambda data: calls.append(data["name"]) or 7,
                      success=lambda result: f"/done/{result}/", message="Saved.")
    assert calls == ["x"]
    assert response.status_code == 302 and response["Location"] == "/done/7/"
    assert request._messages.stored == ["Saved."]


def test_submit_does_not_call_the_service_for_an_invalid_form():
    request = _post({"count": "not a number"})
    form = _Form(request.POST)
    assert submit(request, form, lambda data: pytest.fail("service called"), success="/") is None
    assert set(form.errors) == {"name", "count"}
