from rest_framework.routers import DefaultRouter

from . import reserve, roster, support

router = DefaultRouter()
for area in (roster, reserve, support):
    area.register(router)

urlpatterns = router.urls
