from rest_framework.routers import DefaultRouter

from . import (
    annual_reports,
    bimonthly_reports,
    checks,
    committee,
    escalations,
    ledger,
    planning,
    progress,
    publishing,
    supervision,
)

router = DefaultRouter()
for area in (ledger, checks, progress, publishing, bimonthly_reports, annual_reports, planning, escalations,
             supervision, committee):
    area.register(router)

urlpatterns = router.urls
