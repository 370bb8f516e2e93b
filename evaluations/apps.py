from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from organizations.registry import (
            DemoSeeder,
            ExportColumns,
            Job,
            Panel,
            register_demo_seeder,
            register_export_columns,
            register_job,
            register_panel,
        )

        register_job(Job(
            "threshold_check", _("Satisfaction threshold check"), "evaluations.tasks.check_satisfaction_thresholds",
            _("Decides every closed, undecided satisfaction evaluation: accepted and closed out at or above the "
              "threshold, rectify again below it."),
            counties="rectification.selectors.designations.county_ids_with_designations",
            result_labels=(("accepted", _("Accepted and closed out")), ("re_rectify", _("To rectify again")),
                           ("no_decision", _("No decision (below the quorum)")), ("failed", _("Failed")))))
        register_demo_seeder(DemoSeeder("evaluations", _seed, order=20))
        register_export_columns(ExportColumns("ledger", "satisfaction", (
            ("satisfaction_evaluated_on", _("Satisfaction evaluation held on"), 14),
            ("satisfaction_rate", _("Satisfaction rate (%)"), 10),
            ("satisfaction_conclusion", _("Evaluation conclusion"), 14)), _ledger_columns))
        register_panel(Panel("designation.actions", "evaluations", "evaluations/panels/designation_evaluations.html",
                             _designation_panel, order=10))


def _seed(county, *, accounts):
    from .demo import seed_evaluations

    seed_evaluations(county, accounts=accounts)


def _ledger_columns(designation_ids):
    from .selectors.satisfaction import ledger_evaluation_columns

    return ledger_evaluation_columns(designation_ids)


def _designation_panel(user, designation):
    from .selectors.satisfaction import designation_evaluations_panel

    return designation_evaluations_panel(user, designation)
