from django.urls import path

from . import planning_views as views

urlpatterns = [
    path("planning/", views.PlanningListView.as_view(), name="planning"),
    path("planning/new/", views.plan_create, name="planning-create"),
    path("planning/<int:pk>/", views.PlanDetailView.as_view(), name="planning-plan"),
    path("planning/<int:pk>/edit/", views.plan_edit, name="planning-edit"),
    path("planning/<int:pk>/goal/", views.plan_goal, name="planning-goal"),
    path("planning/<int:pk>/entries/add/", views.plan_entry_add, name="planning-entry-add"),
    path("planning/entries/<int:pk>/remove/", views.plan_entry_remove, name="planning-entry-remove"),
    path("planning/<int:pk>/roll-forward/", views.plan_roll_forward, name="planning-roll-forward"),
    path("planning/<int:pk>/export.xlsx", views.PlanWorkbookView.as_view(), name="planning-export"),
]
