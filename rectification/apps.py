from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "rectification"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import registrations

        registrations.register()
