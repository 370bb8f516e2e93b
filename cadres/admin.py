"""The cadres tables in the Django admin: platform operators only, read-only, personal numbers never shown.

Writes go through the pages, the API or the imports (the services check the role table and the post
rules, and record the author); the admin only looks, inside the same scope (``ScopedAdmin``). The ID and
mobile numbers are left out entirely, and so is the admin's history (it lists old and new values; each
page's history shows them masked): full numbers are shown only by the audited unmask action
(``cadres/masking.py``).
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied

from organizations.admin import ScopedAdmin

from .models import Cadre, ContactLeader, FirstSecretary, HelpingUnit, Pairing, ReserveCadre, TrainingEvent

PERSONAL_NUMBERS = ("id_number", "phone", "contact_phone")


class ReadOnlyCadresAdmin(ScopedAdmin):
    def get_exclude(self, request, obj=None):
        return [name for name in PERSONAL_NUMBERS if any(f.name == name for f in self.model._meta.fields)]

    def history_view(self, request, object_id, extra_context=None):
        """The admin's history lists old and new values, numbers included: the pages show it masked."""
        raise PermissionDenied

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        raise PermissionDenied

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Cadre)
class CadreAdmin(ReadOnlyCadresAdmin):
    list_display = ["name", "post", "organization", "post_started_on", "post_ended_on"]
    list_filter = ["post"]
    search_fields = ["name", "organization__name"]


@admin.register(ReserveCadre)
class ReserveCadreAdmin(ReadOnlyCadresAdmin):
    list_display = ["name", "organization", "reserve_type", "status"]
    list_filter = ["status", "reserve_type"]
    search_fields = ["name", "organization__name"]


@admin.register(FirstSecretary)
class FirstSecretaryAdmin(ReadOnlyCadresAdmin):
    list_display = ["name", "organization", "dispatching_unit", "term_start", "term_end", "recalled_on"]
    search_fields = ["name", "dispatching_unit"]


@admin.register(ContactLeader)
class ContactLeaderAdmin(ReadOnlyCadresAdmin):
    list_display = ["name", "post", "division"]


@admin.register(HelpingUnit)
class HelpingUnitAdmin(ReadOnlyCadresAdmin):
    list_display = ["name", "kind", "division"]


@admin.register(Pairing)
class PairingAdmin(ReadOnlyCadresAdmin):
    list_display = ["organization", "contact_leader", "helping_unit", "started_on", "ended_on"]


@admin.register(TrainingEvent)
class TrainingEventAdmin(ReadOnlyCadresAdmin):
    list_display = ["title", "division", "held_on", "for_secretaries"]
