from rest_framework.routers import DefaultRouter

from . import reserve, roster, support, training

router = DefaultRouter()
for area in (roster, reserve, training, support):
    area.register(router)

urlpatterns = router.urls
