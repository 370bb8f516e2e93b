from rest_framework.routers import DefaultRouter

from . import ledger, progress, publishing, summaries

router = DefaultRouter()
for area in (ledger, progress, publishing, summaries):
    area.register(router)

urlpatterns = router.urls
