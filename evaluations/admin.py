"""The evaluations tables in the Django admin, for platform operators: read-only.

Evaluations, ballots, ratings and member assessments change only through the services (the decision is
taken once, under a lock; ratings carry versions; every write is audited), so the admin shows them with
their history and changes nothing.
"""

from django.contrib import admin

from organizations.admin import ScopedAdmin

from .models import Evaluation, MemberAssessment, OrganizationRating, PartyMember


class ReadOnlyScopedAdmin(ScopedAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyScopedAdmin):
    list_display = ["organization", "held_on", "status", "rate", "decision"]
    list_filter = ["status", "decision"]
    search_fields = ["organization__name", "title"]


@admin.register(OrganizationRating)
class OrganizationRatingAdmin(ReadOnlyScopedAdmin):
    list_display = ["organization", "year", "step", "stars"]
    list_filter = ["step", "year"]
    search_fields = ["organization__name"]


@admin.register(PartyMember)
class PartyMemberAdmin(ReadOnlyScopedAdmin):
    list_display = ["name", "organization", "category", "is_active"]
    search_fields = ["name", "organization__name"]


@admin.register(MemberAssessment)
class MemberAssessmentAdmin(ReadOnlyScopedAdmin):
    list_display = ["member", "year", "kind", "status", "final_stars"]
    list_filter = ["kind", "status"]
