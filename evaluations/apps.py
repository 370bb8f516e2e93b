from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from organizations.navigation import COUNTY, EVALUATOR, LEADERS, TOWNSHIP, VILLAGE
        from organizations.registry import (
            DemoSeeder,
            ExportColumns,
            Job,
            NavEntry,
            Panel,
            TodoSource,
            register_demo_seeder,
            register_export_columns,
            register_job,
            register_nav_entry,
            register_panel,
            register_todo_source,
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
        # The menu (organizations.navigation) and the home page's to-do list.
        register_nav_entry(NavEntry("evaluations", _("Satisfaction evaluations"), "evaluations:evaluation-list",
                                    roles=COUNTY | LEADERS | EVALUATOR, more=TOWNSHIP, first_for=EVALUATOR,
                                    active=("evaluations:evaluation*", "evaluations:voter-group*"), order=40))
        register_nav_entry(NavEntry("stars", _("Star management"), "evaluations:rating-list",
                                    roles=COUNTY | LEADERS | TOWNSHIP | VILLAGE, active=("evaluations:*",), order=50))
        register_nav_entry(NavEntry("recognition", _("Commendation"), "evaluations:exemplar-list",
                                    roles=VILLAGE, more=COUNTY | LEADERS | TOWNSHIP,
                                    active=("evaluations:exemplar*", "evaluations:commendation*",
                                            "evaluations:plaque*", "evaluations:organization-plaques"), order=55))
        register_todo_source(TodoSource("evaluations", _todo, order=20))
        register_todo_source(TodoSource("recognition", _recognition_todo, order=25))
        register_panel(Panel("designation.actions", "evaluations", "evaluations/panels/designation_evaluations.html",
                             _designation_panel, order=10))


def _todo(user, today):
    from .selectors.todo import todo_items

    return todo_items(user, today)


def _recognition_todo(user, today):
    from .selectors.recognition import todo_items

    return todo_items(user, today)


def _seed(county, *, accounts):
    from .demo import seed_evaluations

    seed_evaluations(county, accounts=accounts)


def _ledger_columns(designation_ids):
    from .selectors.satisfaction import ledger_evaluation_columns

    return ledger_evaluation_columns(designation_ids)


def _designation_panel(user, designation):
    from .selectors.satisfaction import designation_evaluations_panel

    return designation_evaluations_panel(user, designation)
