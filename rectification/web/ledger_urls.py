from django.urls import path

from . import ledger_designation_views as designations
from . import ledger_plan_views as plans
from . import ledger_views as ledger
from . import round_views as rounds

urlpatterns = [
    path("", ledger.LedgerView.as_view(), name="ledger"),
    path("mine/", ledger.MyLedgerView.as_view(), name="my-ledger"),
    path("rounds/", ledger.rounds_view, name="rounds"),
    path("rounds/<int:pk>/decision/", rounds.round_decision, name="round-decision"),
    path("categories/", ledger.categories_view, name="categories"),
    path("designations/new/", designations.designation_propose, name="designation-propose"),
    path("designations/import/", designations.designation_import_view, name="designation-import"),
    path("designations/<int:pk>/", designations.designation_detail, name="designation"),
    path("designations/<int:pk>/transition/", designations.designation_transition, name="designation-transition"),
    path("designations/<int:pk>/acceptance-exception/", designations.designation_acceptance_exception,
         name="designation-acceptance-exception"),
    path("plans/<int:pk>/", plans.plan_view, name="plan"),
    path("plan-problems/<int:pk>/", plans.problem_view, name="plan-problem"),
    path("measures/<int:pk>/", plans.measure_view, name="measure"),
    path("tasks/<int:pk>/", plans.task_view, name="task"),
]
