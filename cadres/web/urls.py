"""Pages of the cadres area; each part owns its own URL module."""

from django.urls import include, path

app_name = "cadres"

urlpatterns = [
    path("", include("cadres.web.roster_urls")),
    path("", include("cadres.web.reserve_urls")),
    path("", include("cadres.web.training_urls")),
    path("", include("cadres.web.support_urls")),
    path("", include("cadres.web.organizer_urls")),
    path("", include("cadres.web.guarantee_urls")),
]
