from django.urls import path

from . import annual_report_views as views

urlpatterns = [
    path("annual-reports/", views.AnnualReportListView.as_view(), name="annual-reports"),
    path("annual-reports/<int:pk>/", views.AnnualReportDetailView.as_view(), name="annual-report"),
    path("annual-reports/<int:pk>/submit/", views.annual_report_submit, name="annual-report-submit"),
    path("annual-reports/<int:pk>/review/", views.annual_report_review, name="annual-report-review"),
    path("annual-reports/<int:pk>/workbook.xlsx", views.AnnualReportWorkbookView.as_view(),
         name="annual-report-workbook"),
    path("annual-reports/divisions/<int:pk>/write/", views.annual_report_edit, name="annual-report-write"),
]
