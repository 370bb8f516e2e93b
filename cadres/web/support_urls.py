"""Pages of the support of weak organizations, the cadres home page and the cadre dashboard."""

from django.urls import path

from . import dashboard_views
from . import support_views as views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    # First secretaries and work teams
    path("first-secretaries/", views.FirstSecretaryListView.as_view(), name="first-secretaries"),
    path("first-secretaries/expiring/", views.ExpiringFirstSecretaryListView.as_view(),
         name="first-secretaries-expiring"),
    path("first-secretaries/export/", views.FirstSecretaryExportView.as_view(), name="first-secretaries-export"),
    path("first-secretaries/<int:pk>/", views.first_secretary_detail, name="first-secretary"),
    path("first-secretaries/<int:pk>/edit/", views.first_secretary_edit, name="first-secretary-edit"),
    path("first-secretaries/<int:pk>/recall/", views.first_secretary_recall, name="first-secretary-recall"),
    path("organizations/<int:pk>/first-secretaries/add/", views.first_secretary_add, name="first-secretary-add"),
    # Contact leaders
    path("contact-leaders/", views.ContactLeaderListView.as_view(), name="contact-leaders"),
    path("contact-leaders/<int:pk>/", views.contact_leader_detail, name="contact-leader"),
    path("contact-leaders/<int:pk>/edit/", views.contact_leader_edit, name="contact-leader-edit"),
    path("contact-leaders/<int:pk>/delete/", views.contact_leader_delete, name="contact-leader-delete"),
    path("contact-leaders/<int:pk>/pair/", views.contact_leader_pair, name="contact-leader-pair"),
    path("counties/<int:pk>/contact-leaders/add/", views.contact_leader_add, name="contact-leader-add"),
    # Helping units
    path("helping-units/", views.HelpingUnitListView.as_view(), name="helping-units"),
    path("helping-units/<int:pk>/", views.helping_unit_detail, name="helping-unit"),
    path("helping-units/<int:pk>/edit/", views.helping_unit_edit, name="helping-unit-edit"),
    path("helping-units/<int:pk>/delete/", views.helping_unit_delete, name="helping-unit-delete"),
    path("helping-units/<int:pk>/pair/", views.helping_unit_pair, name="helping-unit-pair"),
    path("counties/<int:pk>/helping-units/add/", views.helping_unit_add, name="helping-unit-add"),
    # Pairings, coverage, own workload
    path("pairings/", views.PairingListView.as_view(), name="pairings"),
    path("pairings/export/", views.PairingExportView.as_view(), name="pairings-export"),
    path("pairings/<int:pk>/end/", views.pairing_end, name="pairing-end"),
    path("four-ones/", views.CoverageListView.as_view(), name="coverage"),
    path("my-workload/", views.my_workload, name="my-workload"),
]
