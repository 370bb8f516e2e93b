from django.urls import path

from . import satisfaction_views as views

urlpatterns = [
    path("satisfaction/", views.EvaluationListView.as_view(), name="evaluation-list"),
    path("satisfaction/export/", views.evaluations_export, name="evaluation-export"),
    path("satisfaction/awaiting/", views.AwaitingListView.as_view(), name="evaluation-awaiting"),
    path("satisfaction/open/<int:pk>/", views.evaluation_open, name="evaluation-open"),
    path("satisfaction/<int:pk>/", views.evaluation_detail, name="evaluation"),
    path("satisfaction/<int:pk>/ballot/", views.ballot_enter, name="evaluation-ballot"),
    path("satisfaction/<int:pk>/close/", views.evaluation_close, name="evaluation-close"),
    path("satisfaction/<int:pk>/decide/", views.evaluation_decide, name="evaluation-decide"),
    path("satisfaction/groups/<int:pk>/counts/", views.group_counts, name="voter-group-counts"),
    path("satisfaction/groups/<int:pk>/links/", views.group_links, name="voter-group-links"),
    # Public: the anonymous ballot through a one-time link (listed in the tenancy matrix's PUBLIC_ROUTES).
    path("vote/<str:token>/", views.vote, name="vote"),
]
