from django.urls import path

from . import downloads, jobs, views

app_name = "organizations"

urlpatterns = [
    path("", views.OrganizationListView.as_view(), name="list"),
    path("export.xlsx", views.OrganizationExportView.as_view(), name="export"),
    path("new/", views.OrganizationCreateView.as_view(), name="create"),
    path("<int:pk>/", views.OrganizationDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.OrganizationUpdateView.as_view(), name="edit"),
    path("divisions/<int:pk>/", views.DivisionDetailView.as_view(), name="division"),
    path("divisions/<int:pk>/policy/", views.policy_view, name="policy"),
    path("imports/", views.ImportListView.as_view(), name="import-list"),
    path("imports/new/", views.import_create, name="import-create"),
    path("imports/<int:pk>/", views.ImportDetailView.as_view(), name="import-detail"),
    path("jobs/", jobs.jobs_page, name="jobs"),
    path("notifications/", jobs.notification_list, name="notifications"),
    path("notifications/<int:pk>/", jobs.notification_open, name="notification"),
    path("downloads/<int:pk>/", downloads.download_page, name="download"),
    path("downloads/<int:pk>/file/", downloads.download_file, name="download-file"),
]
