from django.urls import path
from rest_framework.routers import DefaultRouter

from .exports import ExportRunViewSet
from .views import DivisionViewSet, OrganizationViewSet, TokenView

router = DefaultRouter()
router.register("divisions", DivisionViewSet, basename="division")
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("exports", ExportRunViewSet, basename="export-run")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    *router.urls,
]
