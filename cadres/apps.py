from django.apps import AppConfig


class CadresConfig(AppConfig):
    name = "cadres"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _
        from django.utils.translation import pgettext_lazy

        from organizations.navigation import COUNTY, LEADERS, TOWNSHIP, VILLAGE
        from organizations.registry import (
            DemoSeeder,
            NavEntry,
            ProvincePart,
            register_demo_seeder,
            register_four_ones_provider,
            register_nav_entry,
            register_province_part,
        )
        from organizations.roles import Role

        from .selectors.four_ones import four_ones_of

        register_demo_seeder(DemoSeeder("cadres", _seed, order=30))
        # The visit log (rectification) chooses contact leaders among those paired with a village.
        from organizations.leaders import register_leader_directory

        from .selectors.visit_leaders import directory

        register_leader_directory(directory)
        # Before the ledger (order 10): its plans are submitted through the gate on the "four ones".
        register_demo_seeder(DemoSeeder("cadres-support", _seed_support, order=5))
        # After the ledger (order 10): the guarantee ledger of the round's designated organizations.
        register_demo_seeder(DemoSeeder("cadres-guarantee", _seed_guarantee, order=40))
        # The cadres records are the one truth of the "four ones" the ledger, its export and the board read.
        register_four_ones_provider(four_ones_of)
        # The roster, trainings and first secretaries give columns of the upward statistical summary.
        from organizations.registry import register_summary_figures

        from .selectors.summary_figures import SUMMARY_FIGURES

        register_summary_figures(SUMMARY_FIGURES)
        # A generated province's designations get their "four ones" after the ledger (order 10) made them.
        register_province_part(ProvincePart("four-ones", _province_arguments, _generate_province_four_ones,
                                            delete=_delete_province_four_ones, order=20))
        # The menu (organizations.navigation): the cadres area; a village its reserve pool (后备干部).
        register_nav_entry(NavEntry("cadres", _("Cadres"), "cadres:home", roles=COUNTY | LEADERS | TOWNSHIP,
                                    active=("cadres:*",), order=60))
        register_nav_entry(NavEntry("reserve", pgettext_lazy("menu", "Reserve cadres"), "cadres:reserve-list",
                                    roles=VILLAGE, active=("cadres:reserve*",), order=61))
        # The guarantee ledger (保障台账): kept by the townships and the county, read by the leaders.
        # A first secretary enters their own days in the village there.
        register_nav_entry(NavEntry("guarantee", _("Guarantee ledger"), "cadres:guarantee-list",
                                    more=COUNTY | TOWNSHIP | LEADERS | {Role.FIRST_SECRETARY},
                                    active=("cadres:guarantee*",), order=62))
        # Its shortfalls on the leader dashboard (a panel of rectification's page, which never imports cadres).
        from organizations.registry import Panel, register_panel

        register_panel(Panel("dashboard.figures", "guarantee", "cadres/guarantee/_dashboard_panel.html",
                             _guarantee_panel, order=20))
        # The cadre dashboard's figures of each county, kept in the leader dashboard's summaries (for users above
        # the county), refreshed with them and marked stale by writes to the records they count.
        from rectification.services.dashboard_summary import CountyFigures, register_county_figures

        from .selectors.dashboard_summary import NAME, county_figures, stale_on

        register_county_figures(CountyFigures(NAME, county_figures, stale_on=stale_on()))
        # The home to-do line of the ledger's keepers: last month's days in the village not entered.
        from organizations.registry import TodoSource, register_todo_source

        register_todo_source(TodoSource("guarantee_days", _guarantee_days_todo, order=30))


def _guarantee_days_todo(user, today):
    from .selectors.guarantee import days_todo_items

    return days_todo_items(user, today)


def _guarantee_panel(user, county):
    from .selectors.dashboard import dashboard_panel

    return dashboard_panel(user, county)


def _seed_guarantee(county, *, accounts):
    from .demo.guarantee import seed

    seed(county, accounts=accounts)


def _seed_support(county, *, accounts):
    from .demo.support import seed

    seed(county, accounts=accounts)


def _seed(county, *, accounts):
    from .demo import seed_cadres

    seed_cadres(county, accounts=accounts)


def _province_arguments(parser):
    pass  # generated with the ledger, as the ledger's options say


def _generate_province_four_ones(province, options, *, stdout, **kwargs):
    from .demo.province import generate_four_ones

    generate_four_ones(province, seed=options["seed"], log=stdout.write)


def _delete_province_four_ones(province):
    from .demo.province import delete_four_ones

    return delete_four_ones(province)
