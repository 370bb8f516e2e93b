"""URLs of training: events, attendance, the untrained village secretaries (namespace ``cadres``)."""

from django.urls import path

from . import training_views as training

urlpatterns = [
    path("training/", training.TrainingListView.as_view(), name="training-list"),
    path("training/add/", training.training_add, name="training-add"),
    path("training/untrained/", training.untrained, name="training-untrained"),
    path("training/untrained/export/", training.UntrainedExportView.as_view(), name="training-untrained-export"),
    path("training/<int:pk>/", training.training_detail, name="training-detail"),
    path("training/<int:pk>/edit/", training.training_edit, name="training-edit"),
    path("training/<int:pk>/attendance/", training.attendance_add_view, name="training-attendance-add"),
    path("training/attendance/<int:pk>/remove/", training.attendance_remove_view,
         name="training-attendance-remove"),
]
