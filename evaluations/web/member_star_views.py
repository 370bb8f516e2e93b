"""Pages of Party member star management: members, households, commitments, bulletins, the rating sheet.

Writes follow the kernel's write path (``organizations.web.base``): out of scope is 404, in scope without
the role ("member": change / assess / finalize) is 403, a refused POST is a 400 with the form shown again.
The member star sheet export is a ``ScopedExportView``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organizations.filters import year_or_none
from organizations.history import history_entries
from organizations.models import Organization
from organizations.permissions import can
from organizations.policies import effective_policy
from organizations.web.base import (
    ScopedExportView,
    ScopedListView,
    ScopedWriteView,
    render_form,
    scoped_to,
    submit,
    write_gate,
)

from ..exports.stars import member_sheet_response
from ..filters.stars import MemberFilter
from ..models import (
    Aspect,
    AssessmentKind,
    AssessmentStatus,
    ContactHousehold,
    MemberBulletin,
    MemberCommitment,
    PartyMember,
)
from ..rules.star_rating import member_cap, notice_over
from ..selectors import stars as selectors
from ..services import members as services
from .star_forms import AssessmentSheetForm, BulletinForm, CommitmentForm, HouseholdForm, MemberForm


def _organization(request, pk):
    return get_object_or_404(Organization.objects.visible_to(request.user).select_related("division", "township"),
                             pk=pk)


def _member(request, pk):
    return get_object_or_404(PartyMember.objects.visible_to(request.user).select_related(
        "organization__division"), pk=pk)


def _year(request, default: int) -> int:
    return year_or_none(request.GET.get("year") or request.POST.get("year")) or default


def _kind(request) -> str:
    kind = request.GET.get("kind") or request.POST.get("kind")
    return kind if kind in AssessmentKind.values else AssessmentKind.YEAR_END


def _member_url(member) -> str:
    return reverse("evaluations:member", args=[member.pk])


class MemberListView(ScopedListView):
    """Party members in star management in the user's scope."""

    model = PartyMember
    filterset_class = MemberFilter
    template_name = "evaluations/stars/member_list.html"
    select_related = ("organization", "township")
    paginate_by = 50

    def get_queryset(self):
        return super().get_queryset().order_by("organization__division__code", "name", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        selectors.with_latest_final(context["object_list"])
        return context


@login_required
@scoped_to(Organization)
def organization_members(request, pk):
    organization = _organization(request, pk)
    year = _year(request, timezone.localdate().year)
    policy = effective_policy(organization.division)
    return render(request, "evaluations/stars/organization_members.html", {
        "organization": organization, "year": year,
        "rows": selectors.members_of(request.user, organization, year=year, policy=policy),
        "may_change": can(request.user, "member", "change", organization),
        "may_assess": can(request.user, "member", "assess", organization),
    })


class MemberAddView(ScopedWriteView):
    model = Organization
    select_related = ("division", "township")
    resource, action = "member", "change"
    form_class = MemberForm
    template_name = "evaluations/stars/member_form.html"
    success_message = gettext_lazy("The Party member has been added.")

    def perform(self, form, obj):
        return services.member_create(user=self.request.user, organization=obj,
                                      **{f: form.cleaned_data[f] for f in services.MEMBER_FIELDS})

    def success_url(self, result) -> str:
        return _member_url(result)

    def get_context_data(self, obj, form) -> dict:
        return {"organization": obj, "member": None}


class MemberEditView(ScopedWriteView):
    model = PartyMember
    select_related = ("organization__division",)
    resource, action = "member", "change"
    form_class = MemberForm
    template_name = "evaluations/stars/member_form.html"
    success_message = gettext_lazy("Saved.")

    def get_form_kwargs(self, obj) -> dict:
        return {**super().get_form_kwargs(obj), "initial": {f: getattr(obj, f) for f in services.MEMBER_FIELDS}}

    def perform(self, form, obj):
        return services.member_update(user=self.request.user, member=obj,
                                      **{f: form.cleaned_data[f] for f in services.MEMBER_FIELDS})

    def success_url(self, result) -> str:
        return _member_url(result)

    def get_context_data(self, obj, form) -> dict:
        return {"organization": obj.organization, "member": obj}


@login_required
@scoped_to(PartyMember)
def member_detail(request, pk):
    """A member: category and cap, "1+2" households, commitments and assessments; add or remove households."""
    member = _member(request, pk)
    may_change = can(request.user, "member", "change", member)
    form = HouseholdForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        write_gate(request.user, "member", "change", member)
        if request.POST.get("action") == "remove_household":
            household = get_object_or_404(ContactHousehold.objects.visible_to(request.user).filter(member=member),
                                          pk=request.POST.get("household") or 0)
            services.household_remove(user=request.user, household=household)
            messages.success(request, _("The household has been removed."))
            return redirect(_member_url(member))
        done = submit(request, form, lambda data: services.household_add(user=request.user, member=member, **data),
                      success=_member_url(member), message=_("The household has been added."))
        if done:
            return done
    policy = effective_policy(member.organization.division)
    return render_form(request, "evaluations/stars/member_detail.html", {
        "member": member, "cap": member_cap(policy, member.category), "may_change": may_change,
        "households": member.households.order_by("pk"), "commitments": selectors.member_commitments(member),
        "assessments": member.assessments.order_by("-year", "kind"),
        "reserve_candidate": selectors.is_reserve_candidate(member),
        "form": form if may_change else None, "history": history_entries(member),
        "this_year": timezone.localdate().year,
    }, form)


class CommitmentEditView(ScopedWriteView):
    """A member's annual commitment: star goals per aspect (within the cap) and pledges."""

    model = PartyMember
    select_related = ("organization__division",)
    resource, action = "member", "change"
    form_class = CommitmentForm
    template_name = "evaluations/stars/commitment_form.html"
    success_message = gettext_lazy("The commitment has been saved.")

    def get_form_kwargs(self, obj) -> dict:
        year = _year(self.request, timezone.localdate().year)
        existing = MemberCommitment.objects.filter(member=obj, year=year).first()
        initial = {"year": year}
        if existing:
            initial.update(pledges=existing.pledges, signed_on=existing.signed_on, published=existing.published,
                           **{f"goal_{a}": v for a, v in (existing.goals or {}).items()})
        return {**super().get_form_kwargs(obj), "initial": initial}

    def perform(self, form, obj):
        data = form.cleaned_data
        return services.commitment_save(user=self.request.user, member=obj, year=data["year"], goals=form.goals(),
                                        pledges=data["pledges"], signed_on=data["signed_on"],
                                        published=data["published"])

    def success_url(self, result) -> str:
        return reverse("evaluations:member", args=[result.member_id])

    def get_context_data(self, obj, form) -> dict:
        policy = effective_policy(obj.organization.division)
        return {"member": obj, "cap": member_cap(policy, obj.category),
                "goal_fields": [form[f"goal_{a}"] for a in Aspect.values]}


@login_required
@scoped_to(Organization)
def commitment_board(request, pk):
    """The printable list of an organization's members' star goals of a year (posted on the village wall)."""
    organization = _organization(request, pk)
    year = _year(request, timezone.localdate().year)
    if request.method == "POST":
        write_gate(request.user, "member", "change", organization)
        count = services.commitments_publish(user=request.user, organization=organization, year=year)
        messages.success(request, _("%(count)s commitments are now publicly listed.") % {"count": count})
        return redirect(reverse("evaluations:commitment-board", args=[organization.pk]) + f"?year={year}")
    commitments = selectors.commitment_board(request.user, organization, year=year)
    return render(request, "evaluations/stars/commitment_board.html", {
        "organization": organization, "year": year, "commitments": commitments, "aspects": Aspect.labels,
        "unpublished": sum(1 for c in commitments if not c.published),
        "may_change": can(request.user, "member", "change", organization),
    })


@login_required
@scoped_to(Organization)
def bulletins(request, pk):
    organization = _organization(request, pk)
    may_change = can(request.user, "member", "change", organization)
    today = timezone.localdate()
    form = BulletinForm(request.POST if request.method == "POST" else None, initial={
        "year": today.year, "quarter": (today.month - 1) // 3 + 1, "held_on": today})
    if request.method == "POST":
        write_gate(request.user, "member", "change", organization)
        done = submit(request, form, lambda data: services.bulletin_save(user=request.user, organization=organization,
                                                                         **data),
                      success=reverse("evaluations:bulletins", args=[organization.pk]),
                      message=_("The bulletin has been saved."))
        if done:
            return done
    return render_form(request, "evaluations/stars/bulletins.html", {
        "organization": organization, "form": form if may_change else None,
        "bulletins": MemberBulletin.objects.visible_to(request.user).filter(organization=organization)
        .select_related("author"),
    }, form)


@login_required
@scoped_to(Organization)
def assessment_sheet(request, pk):
    """The rating grid of an organization and year: one row per member; save, publish for notice, finalise."""
    organization = _organization(request, pk)
    year = _year(request, selectors.sheet_default_year(organization))
    kind = _kind(request)
    policy = effective_policy(organization.division)
    may_assess = can(request.user, "member", "assess", organization)
    may_finalize = can(request.user, "member", "finalize", organization)
    today = timezone.localdate()
    form = AssessmentSheetForm(request.POST if request.method == "POST" else None,
                               members=selectors.sheet_members(organization) if request.method == "POST" else ())
    if request.method == "POST":
        action = request.POST.get("action") or "save"
        write_gate(request.user, "member", "finalize" if action == "finalize" else "assess", organization)

        def perform(data):
            return _sheet_act(request.user, organization, form, action=data["action"] or "save", year=year,
                              kind=kind, today=today)

        done = submit(request, form, perform, message=lambda text: text,
                      success=reverse("evaluations:assessment-sheet", args=[organization.pk])
                      + f"?year={year}&kind={kind}")
        if done:
            return done
    rows = selectors.sheet_rows(organization, year=year, kind=kind, policy=policy)
    assessments = [r.assessment for r in rows if r.assessment and not r.member.exempt]
    status = {a.status for a in assessments}
    notice_end = max((a.notice_end for a in assessments if a.notice_end), default=None)
    editable = not (status & {AssessmentStatus.PUBLIC_NOTICE, AssessmentStatus.FINAL})
    errors = [error for field_errors in form.errors.values() for error in field_errors]
    return render(request, "evaluations/stars/assessment_sheet.html", {
        "organization": organization, "year": year, "kind": kind, "rows": rows, "errors": errors,
        "kinds": AssessmentKind.choices, "is_year_end": kind == AssessmentKind.YEAR_END,
        "aspects": Aspect.labels, "quota": services.quota_check(organization, year, policy=policy)
        if kind == AssessmentKind.YEAR_END else [],
        "may_save": may_assess and editable,
        "may_notice": may_assess and kind == AssessmentKind.YEAR_END and editable and assessments,
        "may_finalize": may_finalize and kind == AssessmentKind.YEAR_END
        and AssessmentStatus.PUBLIC_NOTICE in status,
        "notice_end": notice_end, "notice_over": notice_over(notice_end, today),
        "is_final": bool(assessments) and status == {AssessmentStatus.FINAL},
        "years": [year - 1, year, year + 1], "today": today,
    }, status=400 if errors else 200)


def _sheet_act(user, organization, form, *, action: str, year: int, kind: str, today) -> str:
    """One button of the sheet through its service; returns the message shown after the redirect."""
    if action == "save":
        services.assessments_save_sheet(user=user, organization=organization, year=year, kind=kind,
                                        rows=form.rows())
        return _("The ratings have been saved.")
    if action == "notice" and kind == AssessmentKind.YEAR_END:
        services.member_ratings_publish_notice(user=user, organization=organization, year=year,
                                               start=form.cleaned_data["notice_start"] or today)
        return _("The preliminary ratings are under public notice.")
    if action == "finalize" and kind == AssessmentKind.YEAR_END:
        count = services.member_ratings_finalize(user=user, organization=organization, year=year, today=today,
                                                 final=form.final())
        return _("%(count)s ratings are final.") % {"count": count}
    raise ValidationError(_("Unknown action."))


class MemberSheetExportView(ScopedExportView):
    """The member star sheet of an organization and year (§3f layout)."""

    model = Organization
    one_object = True
    export_name = "member star sheet"

    def export_response(self, queryset, obj):
        year = _year(self.request, selectors.sheet_default_year(obj))
        return member_sheet_response(obj, year=year, kind=_kind(self.request),
                                     policy=effective_policy(obj.division), user=self.request.user)
