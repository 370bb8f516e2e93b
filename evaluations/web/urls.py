"""Pages of evaluations and star management; each area owns its own URL module."""

from django.urls import include, path

app_name = "evaluations"

urlpatterns = [
    path("", include("evaluations.web.satisfaction_urls")),
    path("", include("evaluations.web.star_urls")),
    path("", include("evaluations.web.recognition_urls")),
]
