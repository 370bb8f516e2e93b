from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import DivisionViewSet, OrganizationViewSet, TokenView

router = DefaultRouter()
router.register("divisions", DivisionViewSet, basename="division")
router.register("organizations", OrganizationViewSet, basename="organization")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    *router.urls,
]
