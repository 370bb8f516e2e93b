"""Organization list export (placeholder until the shared Excel writer lands)."""

from django.http import HttpResponse


def organizations_export_response(queryset):
    return HttpResponse(status=501)
