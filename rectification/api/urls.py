from rest_framework.routers import DefaultRouter

from . import bimonthly_reports, checks, ledger, progress, publishing

router = DefaultRouter()
for area in (ledger, checks, progress, publishing, bimonthly_reports):
    area.register(router)

urlpatterns = router.urls
