"""What the cadres pages share: the date input, the confirmation form and the all-or-nothing import page.

Every write page follows the kernel's write path (``organizations.web.base``): ``write_gate`` (outside the
scope or a page the role cannot use: 404; a visible object the role may not change: 403) → form →
service → the service's ValidationError on the form's fields, a 400 with the form shown again (``submit``
and ``render_form``).
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from organizations.permissions import can
from organizations.web.base import render_form, submit


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class HiddenNumbersMixin:
    """``hide_numbers(obj)`` on the edit form of a record holding personal numbers (roster, reserve pool, first
    secretaries, contact leaders, helping units): the ``HIDDEN_NUMBERS`` inputs start empty with the masked
    value as placeholder (a birth date shows its year only: beside a masked ID it is the ID's hidden digits),
    and ``clean()`` drops a blank one, so the service keeps what is stored. Full values are seen only through
    the audited unmask action."""

    HIDDEN_NUMBERS: tuple[str, ...] = ()
    keeps_blank_numbers = False

    def hide_numbers(self, obj):
        from ..masking import HISTORY_MASKERS

        self.keeps_blank_numbers = True
        for name in self.HIDDEN_NUMBERS:
            self.initial[name] = ""
            field = self.fields[name]
            stored = getattr(obj, name, None)
            field.widget.attrs.update({"autocomplete": "off",
                                       "placeholder": HISTORY_MASKERS[name](stored) if stored else ""})
            field.help_text = (_("Leave empty to keep the date on file (only its year is shown)."
                                 ) if name == "birth_date" else _("Leave empty to keep the current number (shown masked)."))
        return self

    def clean(self):
        cleaned = super().clean()
        if self.keeps_blank_numbers:
            for name in self.HIDDEN_NUMBERS:
                value = cleaned.get(name)
                if value is None or (isinstance(value, str) and not value.strip()):
                    cleaned.pop(name, None)
        return cleaned


class ConfirmForm(forms.Form):
    """A form without fields: the POST of a confirmation page (delete, remove); errors are non-field."""

    @classmethod
    def for_request(cls, request) -> ConfirmForm:
        """Bound on any POST (an empty POST body is still a confirmation), unbound otherwise."""
        return cls(request.POST if request.method == "POST" else None)


def import_page(request, form, run: Callable, *, template: str, context: dict, success: str,
                message: Callable) -> object:
    """An all-or-nothing import on the write path: ``run(cleaned_data)`` returns an ImportResult.

    A file with row errors writes nothing: the page comes back (400) with the result's row errors; a
    refused file (size, type, layout) shows the service's message on the form.
    """
    outcome = {"result": None}

    def perform(data):
        result = outcome["result"] = run(data)
        if not result.ok:
            raise ValidationError(_("The file was not accepted. Nothing has been imported."))
        return result

    done = submit(request, form, perform, success=success, message=message)
    return done or render_form(request, template, {"result": outcome["result"], **context}, form)


class UnmaskableExportMixin:
    """For a ScopedExportView of people: masked, unless ``unmasked=1`` is asked by a role holding
    personal_data/unmask (anyone else asking gets a 403). The security log of the export says which; the
    unmasking itself is logged per person by ``masking.unmask_for_export`` (``unmask_via`` names the place)."""

    unmask_via = ""

    def check_export(self, obj) -> None:
        self.unmasked = self.request.GET.get("unmasked") == "1"
        if self.unmasked and not can(self.request.user, "personal_data", "unmask"):
            raise PermissionDenied

    def log_detail(self) -> dict:
        return {"unmasked": self.unmasked}

    def unmasked_ids(self, queryset) -> set:
        from ..masking import unmask_for_export

        if not self.unmasked:
            return set()
        return unmask_for_export(self.request.user, queryset, self.request, via=self.unmask_via)
