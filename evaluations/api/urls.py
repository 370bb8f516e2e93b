from rest_framework.routers import DefaultRouter

from . import recognition, satisfaction, stars

router = DefaultRouter()
for area in (satisfaction, stars, recognition):
    area.register(router)

urlpatterns = router.urls
