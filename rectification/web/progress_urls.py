from django.urls import path

from . import progress_views as views

urlpatterns = [
    path("progress/plans/<int:pk>/", views.plan_progress, name="plan-progress"),
    path("progress/plans/<int:pk>/add/", views.progress_add, name="progress-add"),
    path("progress/plans/<int:pk>/visit/", views.visit_add, name="visit-add"),
    path("progress/evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("reports/", views.ReportFlagsView.as_view(), name="reports"),
    path("reports/prepare/<int:pk>/", views.report_prepare_view, name="report-prepare"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("visits/", views.VisitListView.as_view(), name="visits"),
    path("visits/history/", views.VisitHistoryView.as_view(), name="visit-history"),
]
