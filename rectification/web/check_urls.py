from django.urls import path

from . import check_views as views

urlpatterns = [
    path("designations/<int:pk>/checks/new/", views.check_create, name="check-create"),
    path("designations/<int:pk>/acceptance/new/", views.acceptance_create, name="acceptance-create"),
    path("designations/<int:pk>/follow-ups/new/", views.follow_up_create, name="follow-up-create"),
    path("tracking/", views.tracking_list, name="tracking"),
]
