"""Pages of the rectification ledger; each area owns its own URL module."""

from django.urls import include, path

app_name = "rectification"

urlpatterns = [
    path("", include("rectification.web.ledger_urls")),
    path("", include("rectification.web.progress_urls")),
    path("", include("rectification.web.publishing_urls")),
    path("", include("rectification.web.bimonthly_report_urls")),
    path("", include("rectification.web.check_urls")),
    path("", include("rectification.web.annual_report_urls")),
    path("", include("rectification.web.planning_urls")),
    path("", include("rectification.web.escalation_urls")),
    path("", include("rectification.web.supervision_urls")),
    path("", include("rectification.web.committee_urls")),
]
