"""Filters shared by the organization list page, its export and the API (one definition)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Division, Organization, OrganizationCategory, OrganizationType
from .roles import Level


def _visible_divisions(level):
    def queryset(request):
        if request is None:
            return Division.objects.none()
        return Division.objects.visible_to(request.user).filter(level=level).order_by("code")

    return queryset


def _sees_many_townships(request) -> bool:
    """Users holding a role above county level (or the platform operator) see more townships than fit a list."""
    from .scoping import grants_for

    if request is None or not request.user.is_authenticated:
        return False
    if request.user.is_superuser:
        return True
    return any(level in (Level.PROVINCE, Level.CITY) for _role, _division, level in grants_for(request.user).divisions)


class OrganizationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    county = django_filters.ModelChoiceFilter(label=_("County"), field_name="county",
                                              queryset=_visible_divisions(Level.COUNTY), empty_label=_("All"))
    township = django_filters.ModelChoiceFilter(label=_("Township"), field_name="township",
                                                queryset=_visible_divisions(Level.TOWNSHIP), empty_label=_("All"))
    category = django_filters.ChoiceFilter(label=_("Category"), choices=OrganizationCategory.choices,
                                          empty_label=_("All"))
    org_type = django_filters.ChoiceFilter(label=_("Organization type"), choices=OrganizationType.choices,
                                          empty_label=_("All"))
    division_code = django_filters.CharFilter(label=_("Division code starts with"), field_name="division__code",
                                              lookup_expr="startswith")

    class Meta:
        model = Organization
        fields = ["q", "county", "township", "category", "org_type", "division_code"]

    @property
    def form(self):
        """Above county level the township choices are those of the chosen county (and the chosen township).

        A city or province has hundreds or thousands of townships: rendering them all as options
        cost ~100 ms of the list page for a province reviewer (2,000 options, 127 KB of HTML).
        Any visible township id is still accepted (it is always in the narrowed choices).
        """
        form = super().form
        if not getattr(self, "_townships_narrowed", False):
            self._townships_narrowed = True
            if _sees_many_townships(self.request):
                q = Q(pk__in=[])
                for key, column in (("county", "county_id"), ("township", "pk")):
                    value = str((self.data or {}).get(key) or "")
                    if value.isdigit():
                        q |= Q(**{column: int(value)})
                field = form.fields["township"]
                field.queryset = field.queryset.filter(q)
                field.help_text = _("Choose a county first to pick one of its townships.")
        return form

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(secretary_name__icontains=value) | Q(division__name__icontains=value)
            | Q(division__code__startswith=value)
        )


class DivisionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Level.choices, empty_label=_("All"))
    parent = django_filters.NumberFilter(label=_("Parent division"), field_name="parent_id")
    code = django_filters.CharFilter(label=_("Code starts with"), field_name="code", lookup_expr="startswith")

    class Meta:
        model = Division
        fields = ["q", "level", "parent", "code"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(code__startswith=value)) if value else queryset
