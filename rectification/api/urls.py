from rest_framework.routers import DefaultRouter

from . import ledger, progress, publishing

router = DefaultRouter()
for area in (ledger, progress, publishing):
    area.register(router)

urlpatterns = router.urls
