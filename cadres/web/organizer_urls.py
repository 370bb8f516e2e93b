from django.urls import path

from . import organizer_views as views

urlpatterns = [
    path("township-organizers/", views.township_organizers, name="township-organizers"),
]
