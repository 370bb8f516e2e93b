from django.urls import path

from . import roster_views as views

urlpatterns = [
    path("roster/", views.RosterListView.as_view(), name="roster"),
    path("roster/add/", views.cadre_add_view, name="roster-add"),
    path("roster/export/", views.RosterExportView.as_view(), name="roster-export"),
    path("roster/import/", views.roster_import_view, name="roster-import"),
    path("roster/import/template/", views.RosterTemplateView.as_view(), name="roster-template"),
    path("roster/<int:pk>/", views.cadre_detail, name="roster-cadre"),
    path("roster/<int:pk>/edit/", views.cadre_edit, name="roster-edit"),
    path("roster/<int:pk>/end/", views.cadre_end, name="roster-end"),
    path("roster/<int:pk>/unmask/", views.cadre_unmask, name="roster-unmask"),
    path("roster/organizations/<int:pk>/", views.organization_roster, name="roster-organization"),
]
