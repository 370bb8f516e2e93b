"""The jobs page: county admins run a job now (a JobRun queued, then done with its result); everyone else gets a
404; runs are shown in scope; the run_job command records runs too."""

from __future__ import annotations

import importlib.util
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from organizations.jobs import JOBS
from organizations.models import JobRun
from rectification.models import SummaryReport
from tests.conftest import media_root  # noqa: F401

JOBS_URL = reverse("organizations:jobs")


def test_the_page_lists_every_job(demo, login):
    response = login("county_admin").get(JOBS_URL)
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("threshold_check", "summary_reports", "reminders", "digests"):
        assert name in JOBS and f'id="job-{name}"' in html


def test_a_county_admin_runs_the_report_job_now(demo, login, django_capture_on_commit_callbacks,
                                                 media_root):  # noqa: F811
    client = login("county_admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(JOBS_URL, {"job": "summary_reports", "county": demo.county1.pk, "confirm": "1"})
    assert response.status_code == 302
    run = JobRun.objects.get(job="summary_reports")
    assert (run.division, run.requested_by) == (demo.county1, demo.users["county_admin"])
    assert run.status == "done", run.error
    assert run.finished_at is not None
    assert run.result["reports"] == SummaryReport.objects.filter(county=demo.county1).count() > 1
    page = client.get(JOBS_URL).content.decode()
    assert 'data-status="done"' in page
    # The other county's admin sees neither the run nor may run a job in county 1.
    other = login("other_county_admin")
    assert 'data-status="done"' not in other.get(JOBS_URL).content.decode()
    assert other.post(JOBS_URL, {"job": "summary_reports", "county": demo.county1.pk, "confirm": "1"}).status_code == 404
    assert JobRun.objects.count() == 1


def test_digest_and_reminder_jobs_run_now(demo, login, django_capture_on_commit_callbacks):
    client = login("county_admin")
    for name in ("digests", "reminders"):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(JOBS_URL, {"job": name, "county": demo.county1.pk, "confirm": "1"})
        run = JobRun.objects.get(job=name)
        assert run.status == "done", run.error


def test_the_threshold_check_runs_once_its_app_provides_it(demo, login, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        login("county_admin").post(JOBS_URL, {"job": "threshold_check", "county": demo.county1.pk, "confirm": "1"})
    run = JobRun.objects.get(job="threshold_check")
    if importlib.util.find_spec("evaluations.tasks") is None:
        assert run.status == "failed" and "evaluations.tasks" in run.error
    else:
        assert run.status == "done", run.error


@pytest.mark.parametrize("persona", ["county_leader", "town_organizer", "village_secretary", "contact_leader",
                                     "city_reviewer"])
def test_everyone_else_gets_a_404(demo, login, persona):
    client = login(persona)
    assert client.get(JOBS_URL).status_code == 404
    assert client.post(JOBS_URL, {"job": "digests", "county": demo.county1.pk, "confirm": "1"}).status_code == 404
    assert not JobRun.objects.exists()
    assert reverse("organizations:jobs") not in client.get(reverse("home")).content.decode()


def test_unknown_job_is_a_404(demo, login):
    assert login("county_admin").post(JOBS_URL, {"job": "nope", "county": demo.county1.pk, "confirm": "1"}).status_code == 404


def test_run_job_command_records_the_run(demo):
    out = io.StringIO()
    call_command("run_job", "digests", "--county", demo.county1.code, stdout=out)
    run = JobRun.objects.get(job="digests")
    assert run.status == "done" and run.requested_by is None
    assert run.result["sent"] > 0
    call_command("send_digests", "--county", demo.county1.code, stdout=io.StringIO())
    assert JobRun.objects.filter(job="digests").latest("pk").result["sent"] == 0  # once per person per day


def test_the_scheduler_fans_out_per_county(demo, django_capture_on_commit_callbacks):
    from organizations.tasks import run_scheduled_job
    from rectification.models import Designation

    with django_capture_on_commit_callbacks(execute=True):
        ids = run_scheduled_job.delay("reminders").get()
    runs = JobRun.objects.filter(pk__in=ids)
    counties = set(Designation.objects.values_list("county_id", flat=True))
    assert demo.county1.pk in counties
    assert sorted(r.division_id for r in runs) == sorted(counties)  # one run per county with designations
    assert all(r.status == "done" for r in runs), [r.error for r in runs]


def test_every_job_result_is_shown_in_words_not_keys(demo, login, django_capture_on_commit_callbacks,
                                                      media_root):  # noqa: F811
    """Issue 12: results read "reports: 18; period_start: 2026-09-01". Every registered job is run now for the
    demo county; every key it returns has a label, and the page shows labels and official dates."""
    import re

    client = login("county_admin")
    for name, job in JOBS.items():
        with django_capture_on_commit_callbacks(execute=True):
            client.post(JOBS_URL, {"job": name, "county": demo.county1.pk, "confirm": "1"})
        run = JobRun.objects.filter(job=name, division=demo.county1).order_by("-pk").first()
        assert run.status == "done", (name, run.error)
        unlabelled = set(run.result) - {"attempts"} - {key for key, _label in job.result_labels}
        assert not unlabelled, (name, unlabelled)
    html = client.get(JOBS_URL).content.decode()
    cells = re.findall(r'<tr data-status="done">.*?</tr>', html, flags=re.S)
    assert cells
    for cell in cells:
        result = re.sub(r"<[^>]+>", " ", cell)
        assert not re.search(r"[a-z_]{3,}\s*[:：]", result), result
        assert not re.search(r"\d{4}-\d{2}-\d{2}", result), result


def test_run_now_asks_for_confirmation_without_javascript(demo, login):
    """立即运行 acts at once on the whole county (the threshold check decides evaluations): the form carries a
    required box, and a POST without it runs nothing and says why (400)."""
    client = login("county_admin")
    page = client.get(JOBS_URL).content.decode()
    assert page.count('name="confirm" value="1" required') == len(JOBS)
    response = client.post(JOBS_URL, {"job": "threshold_check", "county": demo.county1.pk})
    assert response.status_code == 400
    assert "Tick the box to confirm" in response.content.decode() or "请勾选" in response.content.decode()
    assert not JobRun.objects.exists()
