from rest_framework.routers import DefaultRouter

from . import bimonthly_reports, ledger, progress, publishing

router = DefaultRouter()
for area in (ledger, progress, publishing, bimonthly_reports):
    area.register(router)

urlpatterns = router.urls
