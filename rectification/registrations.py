"""What the ledger adds to the kernel (organizations.registry): jobs, the demo ledger, the province
ledger generator, and its panels on the home and organization pages."""

from django.utils.translation import gettext_lazy as _

from organizations.registry import (
    DemoSeeder,
    Job,
    Panel,
    ProvincePart,
    register_demo_seeder,
    register_job,
    register_panel,
    register_province_part,
)

LEDGER_COUNTIES = "rectification.selectors.designations.county_ids_with_designations"


def register() -> None:
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
    register_demo_seeder(DemoSeeder("ledger", _seed_ledger, order=10))
    register_province_part(ProvincePart("ledger", _province_arguments, _generate_province_ledger,
                                        delete=_delete_province_ledger, order=10))
    register_panel(Panel("home.division", "weak_counts", "rectification/panels/home_division.html",
                         _weak_counts, order=10))
    register_panel(Panel("organization.detail", "designations", "rectification/panels/organization_record.html",
                         _organization_record, order=10))
    register_panel(Panel("organization.detail", "follow_ups", "rectification/checks/organization_follow_ups.html",
                         _organization_follow_ups, order=11))
    register_panel(Panel("designation.records", "checks", "rectification/checks/_records.html",
                         _designation_records, order=10))


def _seed_ledger(county, *, accounts):
    from .demo.ledger import seed_bimonthly_reports, seed_round

    round_ = seed_round(county, accounts=accounts)
    seed_bimonthly_reports(county)
    return round_


def _weak_counts(user, division):
    from .selectors.designations import weak_counts_under

    return {"weak": weak_counts_under(user, division)}


def _organization_record(user, organization):
    from .selectors.designations import designations_of_organization

    return {"designations": designations_of_organization(user, organization)}


def _organization_follow_ups(user, organization):
    from .selectors.checks import follow_ups_of_organization

    return {"follow_ups": follow_ups_of_organization(user, organization)}


def _designation_records(user, designation):
    from .selectors.checks import designation_records

    return designation_records(user, designation)


def _province_arguments(parser):
    from .demo.generate import add_arguments

    add_arguments(parser)


def _generate_province_ledger(province, options, **kwargs):
    from .demo.generate import generate_from_command

    generate_from_command(province, options, **kwargs)


def _delete_province_ledger(province):
    from .demo.generate import delete_ledger

    return delete_ledger(province)
