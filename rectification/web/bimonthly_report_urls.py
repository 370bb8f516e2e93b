from django.urls import path

from . import bimonthly_report_views as views

urlpatterns = [
    path("summaries/", views.SummaryListView.as_view(), name="summaries"),
    path("summaries/<int:pk>/", views.SummaryDetailView.as_view(), name="summary"),
    path("summaries/<int:pk>/workbook.xlsx", views.ReportWorkbookView.as_view(), name="summary-workbook"),
]
