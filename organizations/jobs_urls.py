from django.urls import path

from . import jobs_views as views

urlpatterns = [
    path("jobs/", views.jobs_page, name="jobs"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/", views.notification_open, name="notification"),
]
