from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from organizations.web import pwa
from organizations.web import views as org_views

urlpatterns = [
    path("", org_views.home, name="home"),
    path("healthz", org_views.healthz, name="healthz"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service-worker"),
    path("accounts/login/", auth_views.LoginView.as_view(template_name="registration/login.html",
                                                         redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("organizations/", include("organizations.web.urls")),
    path("api/v1/", include("organizations.api.urls")),
    path("api/v1/ledger/", include("rectification.api.urls")),
    path("ledger/", include("rectification.web.urls")),
    path("api/v1/evaluations/", include("evaluations.api.urls")),
    path("evaluations/", include("evaluations.web.urls")),
    path("api/v1/cadres/", include("cadres.api.urls")),
    path("cadres/", include("cadres.web.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]
