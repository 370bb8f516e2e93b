"""Serializers of the progress API: they parse and present; the services validate and write."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from organizations.api.base import ScopedPrimaryKeyRelatedField

from ..models import ContactVisit, EvidenceFile, PeriodReport, Plan, ProgressEntry, Task
from ..selectors.progress import report_flag


class EvidenceFileSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()
    plan = serializers.IntegerField(source="entry.plan_id", read_only=True)

    class Meta:
        model = EvidenceFile
        fields = ["id", "entry", "plan", "original_name", "content_type", "size", "uploaded_at", "download_url"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, obj) -> str:
        return reverse("evidence-file-download", args=[obj.pk])


class ProgressEntrySerializer(serializers.ModelSerializer):
    plan = ScopedPrimaryKeyRelatedField(queryset=Plan.objects.all(), label=_("plan"))
    task = ScopedPrimaryKeyRelatedField(queryset=Task.objects.all(), allow_null=True, required=False,
                                        label=_("task"))
    files = serializers.ListField(child=serializers.FileField(), write_only=True, required=False,
                                 help_text=_("Evidence files (multipart): images, PDF or Office documents."))
    evidence = EvidenceFileSerializer(many=True, read_only=True)
    author_name = serializers.CharField(source="author.display_name", read_only=True, default=None)
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = ProgressEntry
        fields = ["id", "plan", "task", "happened_on", "content", "author", "author_name", "organization",
                  "organization_name", "township", "created_at", "evidence", "files"]
        read_only_fields = ["author", "organization", "township", "created_at"]


class PeriodReportSerializer(serializers.ModelSerializer):
    flag = serializers.SerializerMethodField(help_text=_("missing, late, on_time or open (not yet due)"))
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    submitted_by_name = serializers.CharField(source="submitted_by.display_name", read_only=True, default=None)

    class Meta:
        model = PeriodReport
        fields = ["id", "plan", "organization", "organization_name", "township", "county", "period_start",
                  "period_end", "due_on", "status", "flag", "summary", "submitted_by", "submitted_by_name",
                  "submitted_at"]
        read_only_fields = fields

    def get_flag(self, obj) -> str:
        return report_flag(status=obj.status, due_on=obj.due_on, submitted_at=obj.submitted_at,
                           today=timezone.localdate())


class PeriodReportDetailSerializer(PeriodReportSerializer):
    content = serializers.SerializerMethodField(help_text=_("The frozen snapshot once submitted; the live "
                                                            "content of a draft."))
    changes = serializers.SerializerMethodField(help_text=_("What changed since the previous submitted report."))

    class Meta(PeriodReportSerializer.Meta):
        fields = [*PeriodReportSerializer.Meta.fields, "policy", "content", "changes"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_content(self, obj) -> dict:
        return self._content(obj)

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_changes(self, obj) -> dict:
        from ..selectors.progress import report_changes

        changes = report_changes(obj, self._content(obj))
        return {"previous_report": changes.previous.pk if changes.previous else None,
                "newly_done": [t["id"] for t in changes.newly_done],
                "progressed": [{"task": t["id"], "before": t["before"], "after": t["after"], "delta": t["delta"]}
                               for t in changes.progressed],
                "new_tasks": [t["id"] for t in changes.new_tasks],
                "entries": changes.entries_now, "entries_before": changes.entries_before,
                "visits": changes.visits_now, "visits_before": changes.visits_before}

    def _content(self, obj) -> dict:
        cache = self.context.setdefault("_content", {})
        if obj.pk not in cache:
            from ..selectors.progress import report_view_content

            cache[obj.pk] = report_view_content(obj)
        return cache[obj.pk]


class ReportSubmitSerializer(serializers.Serializer):
    summary = serializers.CharField(max_length=5000)


class ContactVisitSerializer(serializers.ModelSerializer):
    plan = ScopedPrimaryKeyRelatedField(queryset=Plan.objects.all(), label=_("plan"))
    leader_name = serializers.CharField(source="leader_label", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    #: Entering a visit for a contact leader (township organizer, county admin): the leader's record among those
    #: paired with the village; left out when the leader logs their own visit.
    leader_key = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1,
                                          label=_("contact leader record"))
    entered_by_name = serializers.CharField(source="entered_by.display_name", read_only=True, default="")
    solved_nothing = serializers.BooleanField(read_only=True)

    class Meta:
        model = ContactVisit
        fields = ["id", "plan", "organization", "organization_name", "township", "leader", "leader_key",
                  "leader_name", "entered_by", "entered_by_name", "visited_on", "discussed", "problems_solved",
                  "problems_solved_count", "solved_nothing", "created_at"]
        read_only_fields = ["organization", "township", "leader", "entered_by", "created_at"]
