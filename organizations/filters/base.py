"""What every app's filters share: scoped choices, the yes/no/all widget, townships narrowed at scale.

A filter's choices come from the user's scope (``visible_*``): a foreign id in a filter is not a
valid choice, so it returns nothing (with the form's error), never another county's rows. Use them
as ``queryset=`` of django-filter's ``ModelChoiceFilter`` (django-filter calls them with the request).
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms import ModelChoiceField
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import BooleanWidget as _BooleanWidget

from ..models import Division, Organization
from ..roles import Level


def visible_divisions(level: str):
    """A ``queryset`` callable: the divisions of ``level`` in the requesting user's scope, by code."""

    def queryset(request):
        if request is None:
            return Division.objects.none()
        return Division.objects.visible_to(request.user).filter(level=level).order_by("code")

    return queryset


visible_counties = visible_divisions(Level.COUNTY)
visible_townships = visible_divisions(Level.TOWNSHIP)


def visible_organizations(request):
    """A ``queryset`` callable: the Party organizations in the requesting user's scope."""
    if request is None:
        return Organization.objects.none()
    return Organization.objects.visible_to(request.user).select_related("division").order_by("division__code")


class BooleanWidget(_BooleanWidget):
    """All / yes / no (django-filter's empty choice reads "unknown"); accepts 1/0 and true/false."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", _("All")), ("true", _("Yes")), ("false", _("No"))]


def sees_many_townships(request) -> bool:
    """Users holding a role above county level (or the platform operator) see more townships than fit a list."""
    from ..scoping import grants_for

    if request is None or not request.user.is_authenticated:
        return False
    if request.user.is_superuser:
        return True
    return any(level in (Level.PROVINCE, Level.CITY) for _role, _division, level in grants_for(request.user).divisions)


# The largest id (and integer) every database stores: a 64-bit signed integer (BigAutoField).
MAX_ID = 2**63 - 1
YEARS = (2000, 2100)


def is_id(value) -> bool:
    """``value`` (as typed in a URL or a query string) is a positive integer a database can hold."""
    text = str(value)
    return text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID


def year_or_none(value) -> int | None:
    """``value`` (from a query string) as a year of the portal's range, or None when it is not one."""
    text = str(value or "")
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        return None
    year = int(text)
    return year if YEARS[0] <= year <= YEARS[1] else None


class IdChoiceField(django_filters.fields.ModelChoiceField):
    """A model choice whose value is checked to be an id before the database sees it (no overflow)."""

    def to_python(self, value):
        if value not in self.empty_values and self.to_field_name is None and not is_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class BoundedFilterSet(django_filters.FilterSet):
    """A FilterSet whose numbers are checked at the edge: bad values are a form error (the API's 400).

    Every number filter becomes a whole number: a ``year`` between 2000 and 2100, an id (a ``*_id``
    column or a relation) a positive integer a database holds, any other number within the 64-bit
    range; a model choice refuses a value that is not an id before querying. Apps' filter sets start
    from this class (or ``ScopedFilterSet``), so ``?year=0`` or ``?parent=99999999999999999999`` never
    reaches the database.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, filter_ in self.filters.items():
            bound_filter(name, filter_, self._meta.model)


def bound_filter(name: str, filter_, model=None) -> None:
    """Harden one filter in place (its form field is built again)."""
    filter_.__dict__.pop("_field", None)
    if isinstance(filter_, django_filters.ModelChoiceFilter):
        if filter_.field_class is django_filters.fields.ModelChoiceField:
            filter_.field_class = IdChoiceField
        return
    if type(filter_) is not django_filters.NumberFilter or filter_.field_class is not forms.DecimalField:
        return
    field_name = filter_.field_name or name
    lookup = filter_.lookup_expr or "exact"
    filter_.field_class = forms.IntegerField
    if lookup == "year" or field_name.endswith("year") or name == "year":
        low, high = YEARS
    elif field_name.endswith("_id") or field_name == "id" or _is_relation(model, field_name):
        low, high = 1, MAX_ID
    else:
        low, high = -MAX_ID, MAX_ID
    filter_.extra.setdefault("min_value", low)
    filter_.extra.setdefault("max_value", high)


def _is_relation(model, field_name: str) -> bool:
    if model is None or "__" in field_name:
        return False
    try:
        return model._meta.get_field(field_name).is_relation
    except Exception:  # noqa: BLE001 - not a model field (a method filter): not a relation
        return False


class ScopedFilterSet(BoundedFilterSet):
    """A FilterSet whose ``township`` choices are narrowed to the chosen county above county level.

    A city or province has hundreds or thousands of townships: rendering them all as options cost
    ~100 ms of a list page for a province reviewer (2,000 options, 127 KB of HTML). Any visible
    township id is still accepted (it is always in the narrowed choices). ``county_param`` names the
    county filter of the set.
    """

    county_param = "county"
    #: Other choice fields narrowed the same way (their model has a ``county``): name -> the help text shown
    #: above county level, e.g. the ledger's rounds (one per county and year: 150 in a province).
    county_narrowed: dict[str, str] = {}

    @property
    def form(self):
        form = super().form
        if not getattr(self, "_townships_narrowed", False):
            self._townships_narrowed = True
            if sees_many_townships(self.request):
                self._narrow(form)
        return form

    def _value(self, key: str) -> int | None:
        value = str((self.data or {}).get(key) or "")
        return int(value) if is_id(value) else None

    def _narrow(self, form) -> None:
        county, township = self._value(self.county_param), self._value("township")
        if "township" in form.fields:
            q = Q(pk__in=[])
            if county is not None:
                q |= Q(county_id=county)
            if township is not None:
                q |= Q(pk=township)
            field = form.fields["township"]
            field.queryset = field.queryset.filter(q)
            field.help_text = _("Choose a county first to pick one of its townships.")
        for name, help_text in self.county_narrowed.items():
            field = form.fields.get(name)
            if isinstance(field, ModelChoiceField):
                q = Q(pk__in=[])
                if county is not None:
                    q |= Q(county_id=county)
                chosen = self._value(name)
                if chosen is not None:
                    q |= Q(pk=chosen)
                field.queryset = field.queryset.filter(q)
                field.help_text = help_text
        field = form.fields.get("organization")
        if isinstance(field, ModelChoiceField) and field.queryset.model is Organization:
            # A province holds ~52,000 organizations (2.4 MB of options): those of the chosen township (or
            # county when no township is chosen), and the chosen one, are the choices.
            q = Q(pk__in=[])
            if township is not None:
                q |= Q(township_id=township)
            elif county is not None:
                q |= Q(county_id=county)
            organization = self._value("organization")
            if organization is not None:
                q |= Q(pk=organization)
            field.queryset = field.queryset.filter(q)
            field.help_text = _("Choose a county or a township first to pick one of its organizations.")


_LOOKUPS = ("__icontains", "__istartswith", "__startswith", "__iexact", "__exact")


def text_search(*fields: str):
    """A filter ``method`` finding the text typed in any of ``fields`` (``icontains`` unless a field names its
    lookup, e.g. ``"division__code__startswith"``; an empty box filters nothing):
    ``filter_q = text_search("name", "organization__name")``."""

    def method(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        query = Q()
        for field in fields:
            query |= Q(**{field if field.endswith(_LOOKUPS) else f"{field}__icontains": value})
        return queryset.filter(query)

    return method


def organization_search(prefix: str = ""):
    """A filter ``method`` searching the organization's name or its division's name (``prefix`` reaches the
    organization from the filtered model, e.g. ``"plan__"``)."""
    return text_search(f"{prefix}organization__name", f"{prefix}organization__division__name")
