from django.apps import AppConfig


class CadresConfig(AppConfig):
    name = "cadres"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from organizations.registry import DemoSeeder, register_demo_seeder

        register_demo_seeder(DemoSeeder("cadres", _seed, order=30))


def _seed(county, *, accounts):
    from .demo import seed_cadres

    seed_cadres(county, accounts=accounts)
