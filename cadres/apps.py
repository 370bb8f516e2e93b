from django.apps import AppConfig


class CadresConfig(AppConfig):
    name = "cadres"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from organizations.registry import DemoSeeder, register_demo_seeder, register_four_ones_provider

        from .selectors.four_ones import four_ones_of

        register_demo_seeder(DemoSeeder("cadres", _seed, order=30))
        # The visit log (rectification) chooses contact leaders among those paired with a village.
        from organizations.leaders import register_leader_directory

        from .selectors.visit_leaders import directory

        register_leader_directory(directory)
        # Before the ledger (order 10): its plans are submitted through the gate on the "four ones".
        register_demo_seeder(DemoSeeder("cadres-support", _seed_support, order=5))
        # The cadres records are the one truth of the "four ones" the ledger, its export and the board read.
        register_four_ones_provider(four_ones_of)


def _seed_support(county, *, accounts):
    from .demo.support import seed

    seed(county, accounts=accounts)


def _seed(county, *, accounts):
    from .demo import seed_cadres

    seed_cadres(county, accounts=accounts)
