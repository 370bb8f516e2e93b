from django.urls import path

from . import supervision_views as views

urlpatterns = [
    path("supervision/", views.SupervisionTeamListView.as_view(), name="supervision-teams"),
    path("supervision/new/", views.supervision_team_create, name="supervision-team-create"),
    path("supervision/<int:pk>/", views.supervision_team_page, name="supervision-team"),
    path("supervision/<int:pk>/edit/", views.supervision_team_edit, name="supervision-team-edit"),
    path("supervision/<int:pk>/active/", views.supervision_team_active, name="supervision-team-active"),
    path("supervision/<int:pk>/inspections/new/", views.inspection_create, name="inspection-create"),
    path("supervision/findings/export.xlsx", views.FindingExportView.as_view(), name="inspection-findings-export"),
    path("inspections/<int:pk>/", views.inspection_page, name="inspection"),
    path("inspections/<int:pk>/findings/new/", views.inspection_finding_create, name="inspection-finding-create"),
]
