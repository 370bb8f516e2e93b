from rest_framework.routers import DefaultRouter

from . import satisfaction, stars

router = DefaultRouter()
for area in (satisfaction, stars):
    area.register(router)

urlpatterns = router.urls
