from django.urls import path

from . import publishing_views as views

urlpatterns = [
    path("export.xlsx", views.LedgerExportView.as_view(), name="ledger-export"),
    path("summary/<int:pk>.xlsx", views.UpwardSummaryExportView.as_view(), name="summary-export"),
    path("boards/<int:pk>/", views.board_view, name="board"),
    path("public/boards/<str:token>/", views.board_public, name="board-public"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
]
