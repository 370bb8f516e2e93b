from django.urls import path

from . import check_views as views
from . import discipline_views

urlpatterns = [
    path("designations/<int:pk>/checks/new/", views.check_create, name="check-create"),
    path("designations/<int:pk>/acceptance/new/", views.acceptance_create, name="acceptance-create"),
    path("designations/<int:pk>/follow-ups/new/", views.follow_up_create, name="follow-up-create"),
    path("checks/<int:pk>/edit/", views.check_edit, name="check-edit"),
    path("acceptance/<int:pk>/edit/", views.acceptance_edit, name="acceptance-edit"),
    path("follow-ups/<int:pk>/edit/", views.follow_up_edit, name="follow-up-edit"),
    path("tracking/", views.tracking_list, name="tracking"),
    path("designations/<int:pk>/discipline-cases/new/", discipline_views.discipline_case_create,
         name="discipline-case-create"),
]
