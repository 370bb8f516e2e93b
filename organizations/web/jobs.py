"""The jobs page (county admins only; anyone else gets a 404) and the notification inbox (one's own only)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from ..jobs import JOBS, admin_counties, result_text
from ..models import JobRun, JobStatus, Notification
from ..services.jobs import job_run_request
from ..services.notifications import notifications_mark_read
from .base import scoped_to

RUNS_SHOWN = 5


@login_required
@scoped_to(JobRun)
def jobs_page(request):
    """Each job with its last runs in the admin's counties and a "run now" button (POST)."""
    counties = admin_counties(request.user)
    if not counties:
        raise Http404
    if request.method == "POST":
        county = next((c for c in counties if str(c.pk) == request.POST.get("county", str(counties[0].pk))), None)
        name = request.POST.get("job")
        if county is None or name not in JOBS:
            raise Http404
        if not request.POST.get("confirm"):
            # Running a job acts at once on the whole county (the threshold check decides evaluations): the box
            # saying so must be ticked (a required checkbox, so it works without JavaScript).
            return _jobs_page(request, counties, unconfirmed=name, status=400)
        try:
            run = job_run_request(user=request.user, name=name, county=county)
        except PermissionDenied as exc:
            raise Http404 from exc
        if run.status == JobStatus.FAILED:
            messages.error(request, _("%(job)s could not be queued: the task queue is unavailable. Please try "
                                      "again later.") % {"job": JOBS[name].label})
            return redirect("organizations:jobs")
        messages.success(request, _("%(job)s has been queued for %(county)s.") % {"job": JOBS[name].label,
                                                                                 "county": county.name})
        return redirect("organizations:jobs")
    return _jobs_page(request, counties)


def _jobs_page(request, counties, *, unconfirmed: str = "", status: int = 200):
    runs = JobRun.objects.visible_to(request.user).filter(division__in=counties).select_related(
        "division", "requested_by")
    jobs = [{"job": job, "runs": list(runs.filter(job=job.name)[:RUNS_SHOWN]), "unconfirmed": job.name == unconfirmed}
            for job in JOBS.values()]
    for item in jobs:
        for run in item["runs"]:
            run.result_text = result_text(item["job"], run.result)
    return render(request, "organizations/jobs.html", {"jobs": jobs, "counties": counties}, status=status)


def _own(request, pk) -> Notification:
    return get_object_or_404(Notification.objects.filter(user=request.user), pk=pk)


@login_required
@scoped_to(Notification)
def notification_list(request):
    """The user's own notifications, newest first; POST marks them all read."""
    if request.method == "POST":
        notifications_mark_read(user=request.user)
        messages.success(request, _("All notifications are marked as read."))
        return redirect("organizations:notifications")
    rows = Notification.objects.filter(user=request.user)
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(request, "organizations/notifications.html", {
        "page_obj": page, "notifications": page.object_list, "unread_only": unread_only,
        "querystring": "unread=1" if unread_only else ""})


@login_required
@scoped_to(Notification)
def notification_open(request, pk):
    """Show one notification (GET); POST marks it read and follows its link."""
    notification = _own(request, pk)
    if request.method == "POST":
        notifications_mark_read(user=request.user, notification=notification)
        target = notification.url
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                      require_https=request.is_secure()):
            return redirect(target)
        return redirect("organizations:notifications")
    return render(request, "organizations/notification_detail.html", {"notification": notification})
