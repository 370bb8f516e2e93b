"""Pages of the organization star rating (五星管理): list, detail with the step forms, history, screening.

Writes follow the kernel's write path (``organizations.web.base``): out of scope is 404, in scope without
the role ("rating": self_assess / review / approve) is 403, a refused POST (a rule of the service, or a
save over someone else's: the version moved on) is a 400 with the form shown again. The ratings and
screening exports are ``ScopedExportView`` pages.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from organizations.history import history_entries
from organizations.models import Organization
from organizations.permissions import can
from organizations.policies import POLICY_BY_KEY, effective_policy
from organizations.scoping import constant_in_scope
from organizations.services.common import ConflictError
from organizations.web.base import (
    ScopedExportView,
    ScopedListView,
    render_form,
    scoped_to,
    submit,
    write_gate,
)

from ..exports.stars import ratings_export_response, screening_export_response
from ..filters.stars import RatingFilter, ScreeningFilter
from ..models import Grade, OrganizationRating, RatingStep
from ..selectors import stars as selectors
from ..services import org_stars as services
from .star_forms import AppraiseForm, ApproveForm, NoticeForm, ReviewForm, SelfAssessForm, StartForm

STEP_FORMS = {
    "self_assess": SelfAssessForm,
    "appraise": AppraiseForm,
    "review": ReviewForm,
    "notice": NoticeForm,
    "approve": ApproveForm,
}


class RatingListView(ScopedListView):
    """Organization ratings in the user's scope; filters year, step, stars, township; Excel export."""

    model = OrganizationRating
    filterset_class = RatingFilter
    template_name = "evaluations/stars/rating_list.html"
    select_related = ("organization", "township")
    paginate_by = 50

    def get_queryset(self):
        return super().get_queryset().order_by("-year", "organization__division__code")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        before = selectors.previous_stars(context["object_list"])
        for rating in context["object_list"]:
            previous = before.get((rating.organization_id, rating.year))
            rating.change = (rating.stars - previous if previous is not None and rating.stars is not None
                             and rating.step == RatingStep.APPROVED else None)
        context["one_township"] = constant_in_scope(OrganizationRating, self.request.user, "township_id")
        return context


class RatingExportView(ScopedExportView):
    """The list's ratings (scope and filters) as an Excel workbook."""

    model = OrganizationRating
    filterset_class = RatingFilter
    export_name = "organization ratings"

    def get_queryset(self):
        return super().get_queryset().order_by("-year", "organization__division__code")

    def export_response(self, queryset, obj):
        return ratings_export_response(queryset, self.request.user)


def _mapping_text(policy) -> str:
    labels = dict(Grade.choices)
    return "; ".join(f"{labels[g]} → {' / '.join(str(s) for s in stars)}"
                     for g, stars in policy["organization_grade_stars"].items())


def _step_forms(request, rating, policy, bound_action=None, bound_form=None):
    """The forms of the actions the user may take now (others read the rating)."""
    forms = []
    for action in services.rating_actions_allowed(request.user, rating):
        if action == bound_action:
            form = bound_form
        else:
            kwargs = {"mapping": _mapping_text(policy)} if action == "review" else {}
            form = STEP_FORMS[action](initial={"version": rating.version}, prefix=action, **kwargs)
        forms.append((action, form))
    return forms


@login_required
@scoped_to(OrganizationRating)
def rating_detail(request, pk):
    rating = get_object_or_404(selectors.ratings_queryset(request.user), pk=pk)
    policy = effective_policy(rating.organization.division)
    bound_action = bound_form = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in STEP_FORMS:
            return HttpResponseBadRequest()
        write_gate(request.user, "rating", services.ACTIONS[action][1], rating)
        kwargs = {"mapping": _mapping_text(policy)} if action == "review" else {}
        form = STEP_FORMS[action](request.POST.copy(), prefix=action, **kwargs)

        def perform(data):
            try:
                return services.rating_act(user=request.user, rating=rating, action=action, data=data)
            except ConflictError as exc:
                # Shown again with the current version: saving once more is a deliberate overwrite.
                form.data[form.add_prefix("version")] = str(exc.current_version)
                raise

        done = submit(request, form, perform, success=reverse("evaluations:rating", args=[rating.pk]),
                      message=_("Saved."))
        if done:
            return done
        bound_action, bound_form = action, form
        rating.refresh_from_db()  # the page shows the rating as it is now
    steps = []
    reached = services.STEP_ORDER.index(rating.step)
    for index, step in enumerate(services.STEP_ORDER):
        steps.append({"label": step.label, "done": index < reached or rating.step == RatingStep.APPROVED,
                      "current": index == reached})
    today = timezone.localdate()
    forms = _step_forms(request, rating, policy, bound_action, bound_form)
    return render(request, "evaluations/stars/rating_detail.html", {
        "rating": rating, "steps": steps, "policy_mapping": _mapping_text(policy), "forms": forms,
        # A refused step whose form is no longer offered (someone took the step meanwhile): say why.
        "refused": bound_form.non_field_errors() if bound_form is not None and bound_action not in dict(forms)
        else None,
        "notice_running": rating.notice_end is not None and today <= rating.notice_end
        and rating.step == RatingStep.PUBLIC_NOTICE,
        "policy_used": [(POLICY_BY_KEY[k].label if k in POLICY_BY_KEY else k,
                         _mapping_text({"organization_grade_stars": v}) if k == "organization_grade_stars" else v)
                        for k, v in (rating.policy or {}).items()],
        "history": history_entries(rating),
        "organization_history": selectors.rating_history(request.user, rating.organization)[:10],
    }, status=400 if bound_form is not None else 200)


@login_required
@scoped_to(Organization)
def organization_ratings(request, pk):
    """An organization's ratings across years; a township or county starts the rating of a year."""
    organization = get_object_or_404(Organization.objects.visible_to(request.user).select_related("division"),
                                     pk=pk)
    form = StartForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        write_gate(request.user, "rating", "review", organization)
        done = submit(request, form, lambda data: services.rating_start(user=request.user, organization=organization,
                                                                        year=data["year"]),
                      success=lambda rating: reverse("evaluations:rating", args=[rating.pk]))
        if done:
            return done
    may_start = can(request.user, "rating", "review", organization)
    return render_form(request, "evaluations/stars/organization_ratings.html", {
        "organization": organization, "rows": selectors.rating_history(request.user, organization),
        "form": form if may_start else None,
    }, form)


def screening_rows(request):
    """The screening page's filter and candidates (shared with its export)."""
    filterset = ScreeningFilter(request.GET or None, queryset=OrganizationRating.objects.none(), request=request)
    if filterset.is_bound and not filterset.is_valid():
        return filterset, []
    data = filterset.form.cleaned_data if filterset.is_bound else {}
    return filterset, selectors.screening_candidates(request.user, county=data.get("county"),
                                                     township=data.get("township"),
                                                     query=(data.get("q") or "").strip())


class ScreeningView(LoginRequiredMixin, TemplateView):
    """Organizations whose latest approved rating is below the policy's stars: next year's screening."""

    model = OrganizationRating
    template_name = "evaluations/stars/screening.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset, rows = screening_rows(self.request)
        context.update(filter=filterset, rows=rows, querystring=self.request.GET.urlencode())
        return context


class ScreeningExportView(ScopedExportView):
    """The screening candidates of the page (scope, county, township, search) as an Excel workbook."""

    model = OrganizationRating
    export_name = "screening candidates"

    def export_response(self, queryset, obj):
        _filterset, rows = screening_rows(self.request)
        return screening_export_response(rows, self.request.user)
