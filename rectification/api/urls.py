from rest_framework.routers import DefaultRouter

from . import annual_reports, bimonthly_reports, checks, ledger, planning, progress, publishing

router = DefaultRouter()
for area in (ledger, checks, progress, publishing, bimonthly_reports, annual_reports, planning):
    area.register(router)

urlpatterns = router.urls
