"""What the ledger adds to the kernel (organizations.registry): jobs, the demo ledger, the province
ledger generator, and its panels on the home and organization pages."""

from django.utils.translation import gettext_lazy as _

from organizations.navigation import CONTACT, COUNTY, EVALUATOR, HELPING, LEADERS, TOWNSHIP, VILLAGE
from organizations.registry import (
    BackgroundExport,
    DemoSeeder,
    Job,
    NavEntry,
    Panel,
    ProvincePart,
    TodoSource,
    register_background_export,
    register_demo_seeder,
    register_job,
    register_nav_entry,
    register_panel,
    register_province_part,
    register_todo_source,
)
from organizations.roles import Role

#: The ledger's menu entries (organizations.navigation builds each user's menu from them).
NAV_ENTRIES = (
    NavEntry("ledger", _("Rectification ledger"), "rectification:ledger", roles=COUNTY | LEADERS | TOWNSHIP | EVALUATOR,
             active=("rectification:*",), order=10),
    # A village, a contact leader, a helping unit: their own organizations; the county and townships' queues
    # ("my work") under "More".
    NavEntry("my_ledger", _("My work"), "rectification:my-ledger", roles=VILLAGE | CONTACT | HELPING,
             more=COUNTY | TOWNSHIP, active=("rectification:my-ledger", "rectification:*"), order=11,
             labels=((Role.VILLAGE_SECRETARY, _("Our village's ledger")),
                     (Role.FIRST_SECRETARY, _("Our village's ledger")),
                     (Role.CONTACT_LEADER, _("My contact villages")),
                     (Role.HELPING_UNIT, _("My paired villages")))),
    NavEntry("reports", _("Bimonthly reports"), "rectification:reports",
             roles=COUNTY | LEADERS | TOWNSHIP | VILLAGE | CONTACT | HELPING,
             active=("rectification:report", "rectification:reports", "rectification:report-*",
                     "rectification:summar*"), order=20),
    NavEntry("visits", _("Visit log"), "rectification:visits", roles=TOWNSHIP | CONTACT, more=COUNTY | LEADERS,
             active=("rectification:visit*",), order=30),
    NavEntry("dashboard", _("Leader dashboard"), "rectification:dashboard", roles=COUNTY | LEADERS,
             first_for=LEADERS, active=("rectification:dashboard*",), order=70),
    # The escalation ladder (提醒 → 督办 → 约谈 → 通报 → 问责), its circulars and the supervision teams, under "More".
    NavEntry("escalations", _("Escalations"), "rectification:escalations", more=COUNTY | LEADERS | TOWNSHIP,
             active=("rectification:escalation*", "rectification:circular*", "rectification:supervision*",
                     "rectification:inspection*"), order=75),
    # The county's and the city's annual reports (shown once their pages exist), under "More".
    NavEntry("annual_reports", _("Annual reports"), "rectification:annual-reports", more=COUNTY | LEADERS,
             active=("rectification:annual-report*",), order=90),
    # The planning ledger (multi-year plan): the county keeps it, leaders and the city read it, under "More".
    NavEntry("planning", _("Planning ledger"), "rectification:planning", more=COUNTY | LEADERS | TOWNSHIP,
             active=("rectification:planning*",), order=91),
    # Party committee study of the rectification and the township secretaries' contact villages.
    NavEntry("committee", _("Party committee study"), "rectification:committee", more=COUNTY | LEADERS | TOWNSHIP,
             active=("rectification:committee*",), order=92),
)

LEDGER_COUNTIES = "rectification.selectors.designations.county_ids_with_designations"


def register() -> None:
    for entry in NAV_ENTRIES:
        register_nav_entry(entry)
    register_todo_source(TodoSource("ledger", _todo, order=10))
    register_todo_source(TodoSource("escalations", _escalation_todo, order=15))
    register_todo_source(TodoSource("committee", _committee_todo, order=16))
    register_job(Job(
        "summary_reports", _("Bimonthly progress reports"),
        "rectification.services.bimonthly_reports.make_county_summary_reports",
        _("Makes (or refreshes) the progress reports of the county and its townships for the period that "
          "just ended, with their Excel workbooks."), counties=LEDGER_COUNTIES,
        result_labels=(("reports", _("Reports made")), ("period_start", _("Period from")),
                       ("period_end", _("Period to")))))
    register_job(Job(
        "reminders", _("Check and acceptance reminders"), "rectification.services.reminders.send_county_reminders",
        _("Reminds the township organizers and secretaries and the county admins of the six-monthly check "
          "and, from December, of the year-end acceptance."), counties=LEDGER_COUNTIES,
        result_labels=(("check_reminders", _("Check reminders sent")),
                       ("acceptance_reminders", _("Acceptance reminders sent")))))
    register_job(Job(
        "digests", _("Daily digest"), "rectification.services.digests.send_county_digests",
        _("Sends each person concerned one message a day listing their overdue tasks and missing reports."),
        counties=LEDGER_COUNTIES, result_labels=(("recipients", _("People concerned")), ("sent", _("Digests sent")))))
    register_job(Job(
        "consolidation", _("End of consolidation periods"),
        "rectification.services.consolidation.complete_county_consolidations",
        _("Completes the consolidation of the closed-out organizations whose consolidation period has ended "
          "(recorded under the system account)."), counties=LEDGER_COUNTIES,
        result_labels=(("completed", _("Consolidations completed")),)))
    register_job(Job(
        "escalations", _("Escalation reminders"), "rectification.services.escalations.raise_county_escalations",
        _("Raises a reminder (the escalation ladder's first rung) on each organization with tasks overdue, "
          "progress reports missing or late, contact-leader visits short, a failed evaluation or a relapse, as the "
          "policy sets; resolves the reminders whose cause has cleared; issues the supervision notice (督办) on the "
          "reminders left unanswered past their deadline. One open escalation per organization and cause."),
        counties=LEDGER_COUNTIES,
        result_labels=(("raised", _("Reminders raised")), ("cleared", _("Reminders cleared")),
                       ("supervised", _("Supervision notices issued")), ("triggers", _("Causes found")))))
    register_job(Job(
        "dashboard_summaries", _("Dashboard figures"),
        "rectification.services.dashboard_summary.dashboard_summary_refresh_county",
        _("Recomputes the leader dashboard's figures of the county for today (nightly; during the day, the "
          "counties changed since their last refresh are recomputed every minute)."),
        result_labels=(("townships", _("Townships")), ("designations", _("Organizations counted")))))
    from .models import CommitteeMeeting, SecretaryContact
    from .selectors.committee import SUMMARY_NAME, county_study_counts
    from .services.dashboard_summary import CountyFigures, connect_stale_marks, register_county_figures

    connect_stale_marks()
    # The Party committee study figures of the leader dashboard, kept per county with the ledger's.
    register_county_figures(CountyFigures(SUMMARY_NAME, county_study_counts,
                                          stale_on=(CommitteeMeeting, SecretaryContact)))
    register_demo_seeder(DemoSeeder("ledger", _seed_ledger, order=10))
    register_demo_seeder(DemoSeeder("planning", _seed_planning, order=12))
    register_demo_seeder(DemoSeeder("escalations", _seed_escalations, order=40))
    register_demo_seeder(DemoSeeder("committee", _seed_committee, order=13))
    register_background_export(BackgroundExport(
        "ledger", _("Rectification ledger"), "rectification.exports.ledger.write_ledger_in_background",
        "rectification.exports.ledger.ledger_filename"))
    register_province_part(ProvincePart("ledger", _province_arguments, _generate_province_ledger,
                                        delete=_delete_province_ledger, order=10))
    register_panel(Panel("home.division", "weak_counts", "rectification/panels/home_division.html",
                         _weak_counts, order=10))
    register_panel(Panel("organization.detail", "designations", "rectification/panels/organization_record.html",
                         _organization_record, order=10))
    register_panel(Panel("organization.detail", "escalations", "rectification/escalations/_organization.html",
                         _organization_escalations, order=12))
    register_panel(Panel("organization.detail", "follow_ups", "rectification/checks/organization_follow_ups.html",
                         _organization_follow_ups, order=11))
    register_panel(Panel("dashboard.cards", "committee", "rectification/committee/dashboard_panel.html",
                         _committee_figures, order=10))
    register_panel(Panel("designation.records", "checks", "rectification/checks/_records.html",
                         _designation_records, order=10))
    register_panel(Panel("designation.records", "discipline_cases", "rectification/checks/_discipline_cases.html",
                         _discipline_cases, order=20))


def _todo(user, today):
    from .selectors.todo import todo_items

    return todo_items(user, today)


def _seed_ledger(county, *, accounts):
    from .demo.annual import seed_annual_reports
    from .demo.ledger import seed_bimonthly_reports, seed_round

    round_ = seed_round(county, accounts=accounts)
    seed_bimonthly_reports(county)
    seed_annual_reports(county, accounts=accounts, year=round_.year)
    return round_


def _seed_planning(county, *, accounts):
    from .demo.planning import seed_planning

    return seed_planning(county, accounts=accounts)


def _escalation_todo(user, today):
    from .selectors.escalations import escalation_todo_items

    return escalation_todo_items(user, today)


def _seed_escalations(county, *, accounts):
    from .demo.escalations import seed_escalations

    seed_escalations(county, accounts=accounts)


def _seed_committee(county, *, accounts):
    from .demo.committee import seed_committee

    return seed_committee(county, accounts=accounts)


def _committee_todo(user, today):
    from .selectors.committee import todo_items

    return todo_items(user, today)


def _committee_figures(user, _dashboard):
    from .selectors.committee import dashboard_study_counts

    return {"committee": dashboard_study_counts(user)}


def _weak_counts(user, division):
    from django.urls import reverse
    from django.utils.http import urlencode

    from .selectors.designations import weak_counts_under

    # Each number opens the list it counts: the ledger under the counting rule, the dashboard by status.
    scope = {division.level: division.pk} if division.level in ("county", "township") else {}
    return {"weak": weak_counts_under(user, division),
            "ledger_url": reverse("rectification:ledger") + "?" + urlencode({"counted": "current", **scope}),
            "dashboard_url": reverse("rectification:dashboard") + ("?" + urlencode(scope) if scope else "")}


def _organization_record(user, organization):
    from .selectors.designations import designations_of_organization

    return {"designations": designations_of_organization(user, organization)}


def _organization_escalations(user, organization):
    from .selectors.escalations import organization_escalations

    return organization_escalations(user, organization)


def _organization_follow_ups(user, organization):
    from .selectors.checks import follow_ups_of_organization

    return {"follow_ups": follow_ups_of_organization(user, organization)}


def _designation_records(user, designation):
    from .selectors.checks import designation_records

    return designation_records(user, designation)


def _discipline_cases(user, designation):
    from .selectors.checks import discipline_cases

    return discipline_cases(user, designation)


def _province_arguments(parser):
    from .demo.generate import add_arguments

    add_arguments(parser)


def _generate_province_ledger(province, options, **kwargs):
    from .demo.generate import generate_from_command

    generate_from_command(province, options, **kwargs)


def _delete_province_ledger(province):
    from .demo.generate import delete_ledger

    return delete_ledger(province)
