"""Base classes of every page: scope applied once (out of scope is 404), one write path, one export path.

Reads
    ``ScopedListView`` / ``ScopedDetailView`` start from ``model.objects.visible_to(user)``.

Writes (``ScopedWriteView``, or ``write_gate`` + ``submit`` in a function view)
    scope (an object outside it is a 404) → permission (the role table; a visible object the role may
    not change is the 403 page, a page the role cannot use at all a 404) → form (every model-choice
    field limited to the scope) → service → the service's ValidationError mapped back onto the form's
    fields, a 400 with the form shown again.

Exports (``ScopedExportView``)
    the list page's scoped, filtered queryset (or one scoped object) → ``export/run`` permission →
    the security log → a streamed response. An export cannot skip the check or the log: the base's
    ``get`` does both before ``export_response`` is called.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import DetailView, ListView

from ..keyset import InvalidCursor, keyset_order, keyset_page, last_cursor
from ..permissions import acting_division, can
from . import submission_keys

# ----------------------------------------------------------------------------------------------- reads


class ScopedQuerysetMixin(LoginRequiredMixin):
    model = None
    select_related: tuple[str, ...] = ()

    def scoped_queryset(self):
        queryset = self.model.objects.visible_to(self.request.user)
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        return queryset

    def get_queryset(self):
        return self.scoped_queryset()


class FilteredQuerysetMixin(ScopedQuerysetMixin):
    """The scoped queryset narrowed by ``filterset_class`` (a list page, its export, its API)."""

    filterset_class = None

    def get_queryset(self):
        queryset = super().get_queryset()
        self.filterset = None
        if self.filterset_class is not None:
            self.filterset = self.filterset_class(self.request.GET or None, queryset=queryset,
                                                  request=self.request)
            if self.filterset.is_bound:
                # An invalid filter (e.g. a township outside the scope) shows nothing, with the form's error.
                queryset = self.filterset.qs if self.filterset.is_valid() else queryset.none()
        return queryset


class ScopedListView(FilteredQuerysetMixin, ListView):
    """A scoped, filtered list in pages of ``paginate_by``.

    Pages are keyset pages (``organizations.keyset``): "next" and "previous" carry a ``cursor`` and the last
    page is the reversed order's first, so a deep page costs what the first costs. ``?page=N`` (typed or
    bookmarked) still shows page N by number. A view whose order the keyset cannot follow, or that sets
    ``keyset = False``, pages by number only.
    """

    paginate_by = 50
    keyset = True

    def paginate_queryset(self, queryset, page_size):
        keys = keyset_order(queryset) if self.keyset else None
        page = self.request.GET.get(self.page_kwarg)
        if keys is None or (page and page != "last"):
            return super().paginate_queryset(queryset, page_size)
        paginator = KeysetPaginator(queryset, page_size)
        cursor = last_cursor() if page == "last" else self.request.GET.get("cursor") or None
        try:
            window = keyset_page(queryset, keys, cursor=cursor, size=page_size, count=lambda: paginator.count)
        except InvalidCursor:
            raise Http404 from None
        page_obj = KeysetPageObject(window, paginator)
        return paginator, page_obj, window.rows, page_obj.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = getattr(self, "filterset", None)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("cursor", None)
        context["querystring"] = query.urlencode()
        return context


class KeysetPaginator:
    """What the list templates read of a paginator (``count``, ``num_pages``), for keyset pages."""

    def __init__(self, queryset, per_page: int):
        self.queryset = queryset
        self.per_page = per_page

    @property
    def object_list(self):
        """Every row of the list, all pages (as Django's ``Paginator.object_list``)."""
        return self.queryset

    @cached_property
    def count(self) -> int:
        return self.queryset.count()

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.per_page))


class KeysetPageObject:
    """A keyset page as the templates read a Django ``Page`` (``includes/pagination.html``); its links are
    ``first_query``, ``previous_query``, ``next_query``, ``last_query`` (query-string parts)."""

    keyset = True

    def __init__(self, window, paginator: KeysetPaginator):
        self.window = window
        self.paginator = paginator
        self.object_list = window.rows

    def __len__(self):
        return len(self.object_list)

    @property
    def number(self) -> int:
        return max(1, min(-(-self.end_index() // self.paginator.per_page), self.paginator.num_pages))

    def has_next(self) -> bool:
        return self.window.next_cursor is not None

    def has_previous(self) -> bool:
        return self.window.previous_cursor is not None

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def start_index(self) -> int:
        return self.window.start + 1 if self.object_list else 0

    def end_index(self) -> int:
        return self.window.start + len(self.object_list)

    @property
    def previous_query(self) -> str:
        return urlencode({"cursor": self.window.previous_cursor})

    @property
    def next_query(self) -> str:
        return urlencode({"cursor": self.window.next_cursor})


class ScopedDetailView(ScopedQuerysetMixin, DetailView):
    pass


def scoped_object_or_404(model_or_queryset, user, **lookup):
    """One object inside ``user``'s scope, or 404 (never 403: "can't see" and "doesn't exist" look alike)."""
    queryset = model_or_queryset if hasattr(model_or_queryset, "model") else model_or_queryset.objects
    return get_object_or_404(queryset.visible_to(user), **lookup)


def acting_division_or_404(user, resource: str, action: str, *, level: str = "county"):
    """The county (or division of ``level``) a page acts in for ``resource``/``action`` (a county's circular,
    its supervision teams): the user's own (``organizations.permissions.acting_division``), or 404 for a role
    that may not (a page it cannot use at all, as ``write_gate`` answers without an object)."""
    division = acting_division(user, resource, action, level=level)
    if division is None:
        raise Http404
    return division


def scoped_to(model):
    """Declare the model a function view's ``pk`` refers to (read by the tenancy matrix test)."""

    def decorate(view):
        view.scoped_model = model
        return view

    return decorate


# ---------------------------------------------------------------------------------------------- writes


def restrict_form_fields(form, user, *, resource: str | None = None, action: str | None = None) -> None:
    """Limit every model-choice field of ``form`` to objects the user may see."""
    for field in form.fields.values():
        if isinstance(field, ModelChoiceField | ModelMultipleChoiceField):
            queryset = field.queryset
            if hasattr(queryset, "visible_to"):
                field.queryset = queryset.visible_to(user)


def write_gate(user, resource: str, action: str, obj=None) -> None:
    """The one permission gate of a write page.

    The role may ``action`` on ``resource`` (at ``obj``): pass. Otherwise a page the role cannot use at all
    (no object), or an object outside the scope, is a 404; a visible object the role may not change is a
    403 (the error page says so).
    """
    if can(user, resource, action, obj):
        return
    if obj is None:
        raise Http404
    model = type(obj)
    if hasattr(model.objects, "visible_to") and not model.objects.visible_to(user).filter(pk=obj.pk).exists():
        raise Http404
    raise PermissionDenied


def form_errors_from(exc: ValidationError, form) -> None:
    """Copy a service's ValidationError onto a form, field by field when it names fields."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def dates_in_range(form) -> bool:
    """Every date of a valid form lies in the portal's range (``organizations.dates``), else a field error:
    a year 9999 typed into any date input would overflow the services' date arithmetic."""
    from ..dates import validate_date_range

    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if isinstance(field, forms.DateField) and isinstance(value, dt.date):
            try:
                validate_date_range(value)
            except ValidationError as exc:
                form.add_error(name, exc)
    return not form.errors


def submit(request, form, perform: Callable[[dict], Any], *, success: Callable[[Any], Any] | str,
           message: str | Callable[[Any], str] = "") -> HttpResponse | None:
    """The write path after the gate: a valid form → the service → a redirect; else None (errors on the form).

    ``perform(cleaned_data)`` calls the service; its ValidationError lands on the form's fields, its
    PermissionDenied (a rule the service checks, e.g. a state the role may not act in) as a form error.
    ``success(result)`` (or a URL) is where to go; ``message`` the flash shown there.
    """
    if request.method != "POST" or not form.is_valid() or not dates_in_range(form):
        return None
    key = submission_keys.key_of(request)
    try:
        # The write and its submission key (if the form has one) land together or not at all.
        with transaction.atomic() if key else contextlib.nullcontext():
            if key and not submission_keys.claim(request, key):
                return submission_keys.already_received(request, key)
            result = perform(form.cleaned_data)
            url = success(result) if callable(success) else success
            if key:
                submission_keys.record_result(request, key, url)
    except ValidationError as exc:
        form_errors_from(exc, form)
        return None
    except PermissionDenied as exc:
        from django.utils.translation import gettext as _

        form.add_error(None, str(exc) or _("Your role may not do this."))
        return None
    text = message(result) if callable(message) else message
    if text:
        messages.success(request, text)
    return redirect(url)


def render_form(request, template: str, context: dict, form) -> HttpResponse:
    """Render a form page: 400 when the form carries errors (a failed POST), 200 otherwise."""
    return render(request, template, {"form": form, **context}, status=400 if form.errors else 200)


class ScopedWriteView(LoginRequiredMixin, View):
    """A form page that writes through a service (see the module docstring for the path).

    Set ``model`` (the object named by ``pk`` in the URL; None for a page without one), ``resource`` and
    ``action`` (the role table), ``form_class``, ``template_name``; implement ``perform(form, obj)``
    (calls the service, returns its result) and ``success_url(result)``. Override ``get_object`` for a
    narrower queryset, ``get_form_kwargs`` for more form arguments, ``get_context_data`` for the page.
    """

    model = None
    resource: str = ""
    action: str = "change"
    form_class = None
    template_name = ""
    success_message: str = ""
    #: The object the gate checks when it is not the URL's object (e.g. an organization from ``?organization=``).
    select_related: tuple[str, ...] = ()

    def get_object(self):
        if "pk" not in self.kwargs or self.model is None:
            return None
        queryset = self.model.objects.visible_to(self.request.user)
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def gate_object(self, obj):
        """What the role table is asked about (default: the URL's object)."""
        return obj

    def get_form_kwargs(self, obj) -> dict:
        # A POST is always bound, even an empty one (a confirmation button); a GET never is.
        posted = self.request.method == "POST"
        return {"data": self.request.POST if posted else None, "files": self.request.FILES if posted else None}

    def get_form(self, obj):
        form = self.form_class(**self.get_form_kwargs(obj))
        restrict_form_fields(form, self.request.user)
        return form

    def perform(self, form, obj):
        raise NotImplementedError

    def success_url(self, result) -> str:
        raise NotImplementedError

    def get_success_message(self, result) -> str:
        return self.success_message

    def get_context_data(self, obj, form) -> dict:
        return {"object": obj}

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_object()
        write_gate(request.user, self.resource, self.action, self.gate_object(self.object))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        form = self.get_form(self.object)
        return render_form(request, self.template_name, self.get_context_data(self.object, form), form)

    def post(self, request, *args, **kwargs):
        form = self.get_form(self.object)
        response = submit(request, form, lambda _data: self.perform(form, self.object),
                          success=self.success_url, message=self.get_success_message)
        if response is not None:
            return response
        return render_form(request, self.template_name, self.get_context_data(self.object, form), form)


# --------------------------------------------------------------------------------------------- exports


class ScopedExportView(FilteredQuerysetMixin, View):
    """A download: permission ``export/run``, a security-log entry, then ``export_response``.

    List exports set ``model`` and ``filterset_class`` (the list page's): the queryset is the list's,
    scoped and filtered. Exports of one object set ``model`` and ``one_object = True``: the object named
    by ``pk`` is looked up in the scope (404 outside it). ``export_name`` names it in the security log.
    """

    http_method_names = ["get", "head", "options"]
    export_name: str = ""
    one_object = False
    permission = ("export", "run")

    def get_export_object(self):
        if not self.one_object:
            return None
        return scoped_object_or_404(self.model, self.request.user, pk=self.kwargs["pk"])

    def check_export(self, obj) -> None:
        """Beyond ``export/run``: an export with more to check (e.g. unmasked numbers) raises here."""

    def log_detail(self) -> dict:
        return {}

    def export_response(self, queryset, obj) -> HttpResponse:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        from ..services.security import security_event_record

        if not can(request.user, *self.permission):
            raise Http404
        obj = self.get_export_object()
        self.check_export(obj)
        queryset = None if self.one_object else self.get_queryset()
        filters = {key: value for key, value in request.GET.items() if key != "page"}
        detail = {"what": self.export_name or self.model._meta.model_name,
                  "filters": filters, **self.log_detail()}
        if obj is not None:
            detail["object"] = obj.pk
        security_event_record(kind="export", user=request.user, request=request, **detail)
        response = self.export_response(queryset, obj)
        response["Cache-Control"] = "no-store"
        return response
