"""The admin applies the same scope as the pages: querysets and foreign-key choices."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Division,
    ObjectAssignment,
    Organization,
    PolicySetting,
    RoleAssignment,
    SecurityEvent,
    User,
)


class ScopedAdmin(SimpleHistoryAdmin):
    def get_queryset(self, request):
        return self.model.objects.visible_to(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field.queryset, "visible_to"):
            field.queryset = field.queryset.visible_to(request.user)
        return field

    def history_view(self, request, object_id, extra_context=None):
        # Reverting from history would bypass the services; the trail is read-only here.
        extra_context = {**(extra_context or {}), "revert_disabled": True}
        return super().history_view(request, object_id, extra_context)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    has_view_permission = has_add_permission = has_change_permission = has_delete_permission = (
        lambda self, request, obj=None: request.user.is_active and request.user.is_superuser
    )


@admin.register(Division)
class DivisionAdmin(ScopedAdmin):
    list_display = ["code", "name", "level", "kind"]
    search_fields = ["code", "name"]
    list_filter = ["level"]
    raw_id_fields = ["parent"]
    exclude = ["province", "city", "county", "township", "village"]


@admin.register(Organization)
class OrganizationAdmin(ScopedAdmin):
    list_display = ["name", "org_type", "category", "division"]
    search_fields = ["name", "division__name"]
    list_filter = ["category", "org_type"]
    raw_id_fields = ["division", "parent"]
    exclude = ["province", "city", "county", "township", "village"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdmin):
    list_display = ["user", "role", "division"]
    raw_id_fields = ["division"]


@admin.register(ObjectAssignment)
class ObjectAssignmentAdmin(ScopedAdmin):
    list_display = ["user", "role", "organization"]
    raw_id_fields = ["organization"]


@admin.register(PolicySetting)
class PolicySettingAdmin(ScopedAdmin):
    list_display = ["division", "key", "value", "updated_at"]


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["username", "full_name", "is_active", "is_superuser"]
    search_fields = ["username", "full_name"]
    exclude = ["password"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    has_view_permission = has_add_permission = has_change_permission = has_delete_permission = (
        lambda self, request, obj=None: request.user.is_active and request.user.is_superuser
    )


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "username", "ip_address"]
    list_filter = ["kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser
