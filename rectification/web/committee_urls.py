from django.urls import path

from . import committee_views as views

urlpatterns = [
    path("committee/", views.CommitteeStudyView.as_view(), name="committee"),
    path("committee/study/", views.StudyListView.as_view(), name="committee-study"),
    path("committee/without-contact/", views.WithoutContactListView.as_view(), name="committee-without-contact"),
    path("committee/meetings/new/", views.meeting_create, name="committee-meeting-create"),
    path("committee/meetings/<int:pk>/", views.CommitteeMeetingDetailView.as_view(), name="committee-meeting"),
    path("committee/meetings/<int:pk>/edit/", views.meeting_edit, name="committee-meeting-edit"),
    path("committee/contacts/new/", views.contact_create, name="committee-contact-create"),
    path("committee/contacts/<int:pk>/end/", views.contact_end, name="committee-contact-end"),
    path("committee/export.xlsx", views.CommitteeWorkbookView.as_view(), name="committee-export"),
]
