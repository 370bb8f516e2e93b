from rest_framework.routers import DefaultRouter

from . import annual_reports, bimonthly_reports, checks, ledger, progress, publishing

router = DefaultRouter()
for area in (ledger, checks, progress, publishing, bimonthly_reports, annual_reports):
    area.register(router)

urlpatterns = router.urls
