"""Pages of recognition: advanced models and experiences, commendation lists, 共产党员户 plaques, the public page."""

from django.urls import path

from . import recognition_views as views

urlpatterns = [
    path("recognition/", views.ExemplarListView.as_view(), name="exemplar-list"),
    path("recognition/export/", views.ExemplarExportView.as_view(), name="exemplar-export"),
    path("recognition/add/", views.ExemplarAddView.as_view(), name="exemplar-add"),
    path("recognition/<int:pk>/", views.exemplar_detail, name="exemplar"),
    path("recognition/<int:pk>/edit/", views.ExemplarEditView.as_view(), name="exemplar-edit"),
    path("recognition/commendations/", views.CommendationListView.as_view(), name="commendation-list"),
    path("recognition/commendations/propose/", views.CommendationProposeView.as_view(), name="commendation-propose"),
    path("recognition/commendations/<int:pk>/", views.commendation_detail, name="commendation"),
    path("recognition/commendations/<int:pk>/export/", views.CommendationExportView.as_view(),
         name="commendation-export"),
    path("recognition/plaques/", views.PlaqueListView.as_view(), name="plaque-list"),
    path("recognition/plaques/export/", views.PlaqueExportView.as_view(), name="plaque-export"),
    path("recognition/plaques/<int:pk>/remove/", views.PlaqueRemoveView.as_view(), name="plaque-remove"),
    path("recognition/organizations/<int:pk>/plaques/", views.organization_plaques, name="organization-plaques"),
    path("public/recognition/<str:code>/", views.recognition_public, name="recognition-public"),
]
