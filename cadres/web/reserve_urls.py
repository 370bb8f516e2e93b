"""URLs of the reserve cadre pool (namespace ``cadres``)."""

from django.urls import path

from . import reserve_views as reserve

urlpatterns = [
    path("reserve/", reserve.ReserveListView.as_view(), name="reserve-list"),
    path("reserve/add/", reserve.reserve_add_view, name="reserve-add"),
    path("reserve/shortfall/", reserve.shortfall, name="reserve-shortfall"),
    path("reserve/candidates/", reserve.candidates, name="reserve-candidates"),
    path("reserve/import/", reserve.reserve_import, name="reserve-import"),
    path("reserve/import/template/", reserve.reserve_import_template, name="reserve-import-template"),
    path("reserve/export/", reserve.ReserveExportView.as_view(), name="reserve-export"),
    path("reserve/village/<int:pk>/", reserve.village_pool, name="reserve-village"),
    path("reserve/<int:pk>/", reserve.reserve_detail, name="reserve-detail"),
    path("reserve/<int:pk>/edit/", reserve.reserve_edit, name="reserve-edit"),
    path("reserve/<int:pk>/status/", reserve.reserve_status, name="reserve-status"),
    path("reserve/<int:pk>/review/", reserve.reserve_review, name="reserve-review"),
    path("reserve/<int:pk>/numbers/", reserve.reserve_unmask, name="reserve-unmask"),
]
