from django.contrib import admin

from organizations.admin import ScopedAdmin

from .models import Category, Designation, Round


@admin.register(Round)
class RoundAdmin(ScopedAdmin):
    list_display = ["name", "county", "year"]


@admin.register(Designation)
class DesignationAdmin(ScopedAdmin):
    list_display = ["organization", "round", "status"]
    list_filter = ["status"]
    raw_id_fields = ["organization", "round"]
    exclude = ["county", "township"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "county"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    has_view_permission = has_add_permission = has_change_permission = has_delete_permission = (
        lambda self, request, obj=None: request.user.is_active and request.user.is_superuser
    )
