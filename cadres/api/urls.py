from rest_framework.routers import DefaultRouter

from . import guarantee, reserve, roster, support, training

router = DefaultRouter()
for area in (roster, reserve, training, support, guarantee):
    area.register(router)

urlpatterns = router.urls
