"""The daily report job in a real Celery worker (solo pool, in a thread), as tests/test_celery_worker.py runs."""

import pytest
from django.utils import timezone

from rectification.models import PeriodReport
from rectification.tasks import prepare_county_period_reports, prepare_period_reports
from tests.conftest import media_root, seeded_demo  # noqa: F401
from tests.test_celery_worker import celery_worker_thread, worker  # noqa: F401

from .test_reports_job import check_drafts_exist

pytestmark = pytest.mark.celery_worker


def test_the_job_fans_out_per_county_in_the_worker_and_is_idempotent(worker, seeded_demo):  # noqa: F811
    county_id = seeded_demo.county1.pk
    PeriodReport.objects.filter(county_id=county_id, status="draft").delete()  # the job must make them
    before = PeriodReport.objects.count()
    prepare_period_reports.delay()
    fanned = worker.wait_for(prepare_period_reports.name)
    assert county_id in fanned["retval"]
    worker.wait_for(prepare_county_period_reports.name, args=(county_id, None))
    check_drafts_exist(timezone.localdate())
    count = PeriodReport.objects.count()
    assert count > before

    seen = len(worker)
    prepare_period_reports.delay()
    worker.wait_for(prepare_period_reports.name, after=seen)
    worker.wait_for(prepare_county_period_reports.name, args=(county_id, None), after=seen)
    assert PeriodReport.objects.count() == count
