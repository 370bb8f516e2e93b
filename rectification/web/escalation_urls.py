from django.urls import path

from . import escalation_views as views

urlpatterns = [
    path("escalations/", views.EscalationListView.as_view(), name="escalations"),
    path("escalations/export.xlsx", views.EscalationExportView.as_view(), name="escalations-export"),
    path("escalations/<int:pk>/", views.escalation_detail_page, name="escalation"),
    path("escalations/<int:pk>/escalate/", views.escalation_escalate_page, name="escalation-escalate"),
    path("escalations/<int:pk>/resolve/", views.escalation_resolve_page, name="escalation-resolve"),
    path("escalations/<int:pk>/instruction/", views.escalation_instruction_page, name="escalation-instruction"),
    path("organizations/<int:pk>/remind/", views.escalation_create_page, name="escalation-create"),
    path("organizations/<int:pk>/instruction/", views.organization_instruction_page, name="organization-instruction"),
    path("circulars/", views.CircularListView.as_view(), name="circulars"),
    path("circulars/new/", views.circular_create_page, name="circular-create"),
    path("circulars/<int:pk>/", views.circular_page, name="circular"),
    path("circulars/<int:pk>/export.xlsx", views.CircularExportView.as_view(), name="circular-export"),
]
