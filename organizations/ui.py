"""Base classes of every page: scope applied once, out of scope is 404.

``ScopedQuerysetMixin`` gives list and detail views ``model.objects.visible_to(user)``;
``ScopedFormMixin`` limits every related-object field of a form to the user's scope, so
a dropdown never offers, and a POST never accepts, an object outside it.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.http import Http404
from django.views.generic import DetailView, ListView

from .permissions import can, writable


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


class ScopedListView(ScopedQuerysetMixin, ListView):
    paginate_by = 50
    filterset_class = None

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.filterset_class is not None:
            self.filterset = self.filterset_class(self.request.GET or None, queryset=queryset,
                                                  request=self.request)
            if self.filterset.is_bound:
                # An invalid filter (e.g. a township outside the scope) shows nothing, with the form's error.
                queryset = self.filterset.qs if self.filterset.is_valid() else queryset.none()
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = getattr(self, "filterset", None)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["querystring"] = query.urlencode()
        return context


class ScopedDetailView(ScopedQuerysetMixin, DetailView):
    pass


def restrict_form_fields(form, user, *, resource: str | None = None, action: str | None = None) -> None:
    """Limit every model-choice field of ``form`` to objects the user may see (or change)."""
    for field in form.fields.values():
        if isinstance(field, ModelChoiceField | ModelMultipleChoiceField):
            queryset = field.queryset
            if hasattr(queryset, "visible_to"):
                field.queryset = queryset.visible_to(user)


class ScopedFormMixin:
    """For create/update views: scoped choices, and only roles of the permission table may write."""

    resource: str = ""
    action: str = "change"

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        restrict_form_fields(form, self.request.user)
        return form

    def check_write(self, obj=None) -> None:
        if not can(self.request.user, self.resource, self.action, obj):
            if obj is None or not type(obj).objects.visible_to(self.request.user).filter(pk=obj.pk).exists():
                raise Http404  # a page the role cannot use, or an object outside the scope
            raise PermissionDenied  # visible, but the role may not change it

    def writable_queryset(self, queryset):
        return writable(queryset, self.request.user, self.resource, self.action)


def form_errors_from(exc: ValidationError, form) -> None:
    """Copy a service's ValidationError onto a form, field by field when it names fields."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def scoped_to(model):
    """Declare the model a function view's ``pk`` refers to (read by the tenancy matrix test)."""

    def decorate(view):
        view.scoped_model = model
        return view

    return decorate
