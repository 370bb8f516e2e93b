from django.apps import AppConfig


class CadresConfig(AppConfig):
    name = "cadres"
    default_auto_field = "django.db.models.BigAutoField"
