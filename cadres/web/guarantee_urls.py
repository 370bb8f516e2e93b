"""Pages of the guarantee ledger (保障台账)."""

from django.urls import path

from . import guarantee_views as views

urlpatterns = [
    path("guarantee/", views.ledger_list, name="guarantee-list"),
    path("guarantee/export/", views.GuaranteeExportView.as_view(), name="guarantee-export"),
    path("guarantee/days-not-entered/", views.days_missing, name="guarantee-days-missing"),
    path("guarantee/organizations/<int:pk>/", views.ledger_detail, name="guarantee-ledger"),
    path("guarantee/organizations/<int:pk>/edit/", views.ledger_edit, name="guarantee-edit"),
    path("guarantee/organizations/<int:pk>/disbursements/add/", views.disbursement_add,
         name="guarantee-disbursement-add"),
    path("guarantee/organizations/<int:pk>/days/", views.presence_record, name="guarantee-days"),
    path("guarantee/disbursements/<int:pk>/delete/", views.disbursement_delete, name="guarantee-disbursement-delete"),
]
