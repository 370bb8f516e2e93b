"""Pages of the satisfaction evaluation (满意度测评) and the public one-time voting page."""

from django.urls import path

from . import satisfaction_views as views

urlpatterns = [
    path("satisfaction/", views.EvaluationListView.as_view(), name="evaluation-list"),
    path("satisfaction/export/", views.EvaluationExportView.as_view(), name="evaluation-export"),
    path("satisfaction/awaiting/", views.AwaitingListView.as_view(), name="evaluation-awaiting"),
    path("satisfaction/open/<int:pk>/", views.EvaluationOpenView.as_view(), name="evaluation-open"),
    path("satisfaction/<int:pk>/", views.evaluation_detail, name="evaluation"),
    path("satisfaction/<int:pk>/ballot/", views.BallotEnterView.as_view(), name="evaluation-ballot"),
    path("satisfaction/<int:pk>/close/", views.EvaluationCloseView.as_view(), name="evaluation-close"),
    path("satisfaction/<int:pk>/decide/", views.EvaluationDecideView.as_view(), name="evaluation-decide"),
    path("satisfaction/groups/<int:pk>/counts/", views.VoterGroupCountsView.as_view(), name="voter-group-counts"),
    path("satisfaction/groups/<int:pk>/links/", views.VoterGroupLinksView.as_view(), name="voter-group-links"),
    # Public: the anonymous ballot through a one-time link (listed in the tenancy matrix's PUBLIC_ROUTES).
    path("vote/<str:token>/", views.vote, name="vote"),
]
