"""The satisfaction evaluation comes after the year-end acceptance meeting (rectification's gate,
``check_gates``): the awaiting list and the designation page offer "open" only once the meeting of the current
cycle passed, and the service refuses before, with the reason."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from evaluations.models import Evaluation
from evaluations.services import satisfaction as services
from rectification.services.checks import acceptance_record

from .test_satisfaction_support import acceptance_requested

pytestmark = pytest.mark.django_db


def test_open_is_offered_only_after_the_acceptance_meeting_passed(demo, login):
    designation = acceptance_requested(demo, acceptance=None)
    client = login("county_admin")
    open_url = reverse("evaluations:evaluation-open", args=[designation.pk])
    awaiting = client.get(reverse("evaluations:evaluation-awaiting")).content.decode()
    assert designation.organization.name in awaiting and open_url not in awaiting
    assert "Awaiting the year-end acceptance meeting" in awaiting
    assert open_url not in client.get(reverse("rectification:designation", args=[designation.pk])).content.decode()
    # a failed meeting does not open it either
    acceptance_record(user=demo.users["county_admin"], designation=designation, held_on=dt.date.today(),
                      members="县委组织部验收组", opinions="材料不全。", result="failed")
    assert open_url not in client.get(reverse("evaluations:evaluation-awaiting")).content.decode()
    acceptance_record(user=demo.users["county_admin"], designation=designation,
                      held_on=dt.date.today(),
                      members="县委组织部验收组",
                      opinions="同意进行满意度测评。", result="passed")
    assert open_url in client.get(reverse("evaluations:evaluation-awaiting")).content.decode()
    assert open_url in client.get(reverse("rectification:designation", args=[designation.pk])).content.decode()


def test_the_service_refuses_before_the_acceptance_meeting_in_chinese(demo):
    designation = acceptance_requested(demo, acceptance=None)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        services.evaluation_create(user=demo.users["county_admin"], designation=designation)
    assert "请先录入年终验收会议" in " ".join(refused.value.messages)
    assert not Evaluation.objects.filter(designation=designation).exists()
