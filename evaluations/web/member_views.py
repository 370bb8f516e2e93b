"""Pages of Party member star management: members, households, commitments, bulletins, the rating sheet."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.history import history_entries
from organizations.models import Organization
from organizations.permissions import can
from organizations.policies import effective_policy
from organizations.web.base import ScopedListView, form_errors_from, restrict_form_fields, scoped_to

from ..models import (
    Aspect,
    AssessmentKind,
    AssessmentStatus,
    ContactHousehold,
    MemberAssessment,
    MemberBulletin,
    MemberCommitment,
    PartyMember,
)
from ..selectors import stars as selectors
from ..services import members as services
from ..star_exports import member_sheet_response
from ..star_filters import MemberFilter
from ..stars import member_cap, notice_over
from .stars_forms import BulletinForm, CommitmentForm, HouseholdForm, MemberForm


def _organization(request, pk):
    return get_object_or_404(Organization.objects.visible_to(request.user).select_related("division", "township"),
                             pk=pk)


def _member(request, pk):
    return get_object_or_404(PartyMember.objects.visible_to(request.user).select_related(
        "organization__division"), pk=pk)


def _year(request, default: int) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or default)
    except ValueError:
        return default
    return year if 2000 <= year <= 2100 else default


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
        ids = [m.pk for m in context["object_list"]]
        latest = {}
        for a in MemberAssessment.objects.filter(member_id__in=ids, kind=AssessmentKind.YEAR_END,
                                                 status=AssessmentStatus.FINAL).order_by("year"):
            latest[a.member_id] = a
        for m in context["object_list"]:
            m.latest = latest.get(m.pk)
            m.reserve_candidate = bool(m.latest and m.latest.final_stars >= selectors.RESERVE_CANDIDATE_STARS)
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


@login_required
@scoped_to(Organization)
def member_add(request, pk):
    organization = _organization(request, pk)
    if not can(request.user, "member", "change", organization):
        raise PermissionDenied
    form = MemberForm(request.POST or None)
    restrict_form_fields(form, request.user)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_create(user=request.user, organization=organization,
                                            **{f: form.cleaned_data[f] for f in services.MEMBER_FIELDS})
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            messages.success(request, _("The Party member has been added."))
            return redirect("evaluations:member", pk=member.pk)
    return render(request, "evaluations/stars/member_form.html", {
        "organization": organization, "form": form, "member": None}, status=400 if form.errors else 200)


@login_required
@scoped_to(PartyMember)
def member_edit(request, pk):
    member = _member(request, pk)
    if not can(request.user, "member", "change", member):
        raise PermissionDenied
    form = MemberForm(request.POST or None, instance=None, initial={
        f: getattr(member, f) for f in services.MEMBER_FIELDS})
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(user=request.user, member=member,
                                   **{f: form.cleaned_data[f] for f in services.MEMBER_FIELDS})
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            messages.success(request, _("Saved."))
            return redirect("evaluations:member", pk=member.pk)
    return render(request, "evaluations/stars/member_form.html", {
        "organization": member.organization, "form": form, "member": member}, status=400 if form.errors else 200)


@login_required
@scoped_to(PartyMember)
def member_detail(request, pk):
    """A member: category and cap, "1+2" households, commitments and assessments; add or remove households."""
    member = _member(request, pk)
    may_change = can(request.user, "member", "change", member)
    form = HouseholdForm(request.POST or None)
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        if request.POST.get("action") == "remove_household":
            household = get_object_or_404(ContactHousehold.objects.visible_to(request.user).filter(member=member),
                                          pk=request.POST.get("household") or 0)
            services.household_remove(user=request.user, household=household)
            messages.success(request, _("The household has been removed."))
            return redirect("evaluations:member", pk=member.pk)
        if form.is_valid():
            try:
                services.household_add(user=request.user, member=member, **form.cleaned_data)
            except ValidationError as exc:
                form_errors_from(exc, form)
            else:
                messages.success(request, _("The household has been added."))
                return redirect("evaluations:member", pk=member.pk)
    policy = effective_policy(member.organization.division)
    commitments = list(MemberCommitment.objects.filter(member=member).order_by("-year"))
    for c in commitments:
        c.goal_list = [(label, (c.goals or {}).get(value, 0)) for value, label in Aspect.choices]
    return render(request, "evaluations/stars/member_detail.html", {
        "member": member, "cap": member_cap(policy, member.category), "may_change": may_change,
        "households": member.households.order_by("pk"), "commitments": commitments,
        "assessments": member.assessments.order_by("-year", "kind"),
        "reserve_candidate": selectors.is_reserve_candidate(member),
        "form": form if may_change else None, "history": history_entries(member),
        "this_year": timezone.localdate().year,
    }, status=400 if form.errors else 200)


@login_required
@scoped_to(PartyMember)
def commitment_edit(request, pk):
    member = _member(request, pk)
    if not can(request.user, "member", "change", member):
        raise PermissionDenied
    year = _year(request, timezone.localdate().year)
    existing = MemberCommitment.objects.filter(member=member, year=year).first()
    initial = {"year": year}
    if existing:
        initial.update(pledges=existing.pledges, signed_on=existing.signed_on, published=existing.published,
                       **{f"goal_{a}": v for a, v in (existing.goals or {}).items()})
    form = CommitmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.commitment_save(user=request.user, member=member, year=data["year"], goals=form.goals(),
                                     pledges=data["pledges"], signed_on=data["signed_on"],
                                     published=data["published"])
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            messages.success(request, _("The commitment has been saved."))
            return redirect("evaluations:member", pk=member.pk)
    policy = effective_policy(member.organization.division)
    return render(request, "evaluations/stars/commitment_form.html", {
        "member": member, "form": form, "cap": member_cap(policy, member.category),
        "goal_fields": [form[f"goal_{a}"] for a in Aspect.values]}, status=400 if form.errors else 200)


@login_required
@scoped_to(Organization)
def commitment_board(request, pk):
    """The printable list of an organization's members' star goals of a year (posted on the village wall)."""
    organization = _organization(request, pk)
    year = _year(request, timezone.localdate().year)
    may_change = can(request.user, "member", "change", organization)
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        count = services.commitments_publish(user=request.user, organization=organization, year=year)
        messages.success(request, _("%(count)s commitments are now publicly listed.") % {"count": count})
        return redirect(reverse("evaluations:commitment-board", args=[organization.pk]) + f"?year={year}")
    commitments = list(MemberCommitment.objects.visible_to(request.user).filter(
        organization=organization, year=year).select_related("member").order_by("member__name"))
    for c in commitments:
        c.goal_list = [(c.goals or {}).get(value, 0) for value in Aspect.values]
    return render(request, "evaluations/stars/commitment_board.html", {
        "organization": organization, "year": year, "commitments": commitments, "aspects": Aspect.labels,
        "unpublished": sum(1 for c in commitments if not c.published), "may_change": may_change,
    })


@login_required
@scoped_to(Organization)
def bulletins(request, pk):
    organization = _organization(request, pk)
    may_change = can(request.user, "member", "change", organization)
    today = timezone.localdate()
    form = BulletinForm(request.POST or None, initial={"year": today.year, "quarter": (today.month - 1) // 3 + 1,
                                                       "held_on": today})
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.bulletin_save(user=request.user, organization=organization, **form.cleaned_data)
            except ValidationError as exc:
                form_errors_from(exc, form)
            else:
                messages.success(request, _("The bulletin has been saved."))
                return redirect("evaluations:bulletins", pk=organization.pk)
    return render(request, "evaluations/stars/bulletins.html", {
        "organization": organization, "form": form if may_change else None,
        "bulletins": MemberBulletin.objects.visible_to(request.user).filter(organization=organization)
        .select_related("author"),
    }, status=400 if form.errors else 200)


def _sheet_default_year(organization) -> int:
    latest = MemberAssessment.objects.filter(organization=organization, kind=AssessmentKind.YEAR_END).order_by(
        "-year").values_list("year", flat=True).first()
    return latest or timezone.localdate().year


def _star_value(raw):
    raw = (raw or "").strip()
    if raw == "":
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise ValidationError(_("Stars are whole numbers.")) from exc


@login_required
@scoped_to(Organization)
def assessment_sheet(request, pk):
    """The rating grid of an organization and year: one row per member; save, publish for notice, finalise."""
    organization = _organization(request, pk)
    year = _year(request, _sheet_default_year(organization))
    kind = request.GET.get("kind") or request.POST.get("kind") or AssessmentKind.YEAR_END
    if kind not in AssessmentKind.values:
        kind = AssessmentKind.YEAR_END
    policy = effective_policy(organization.division)
    may_assess = can(request.user, "member", "assess", organization)
    may_finalize = can(request.user, "member", "finalize", organization)
    today = timezone.localdate()
    errors = []
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if (action == "finalize" and not may_finalize) or (action != "finalize" and not may_assess):
            raise PermissionDenied
        members = list(PartyMember.objects.filter(organization=organization, is_active=True, exempt=False))
        try:
            if action == "save":
                rows = {m.pk: {f: _star_value(request.POST.get(f"m{m.pk}-{f}")) for f in services.STAR_FIELDS
                               if f"m{m.pk}-{f}" in request.POST} for m in members}
                services.assessments_save_sheet(user=request.user, organization=organization, year=year, kind=kind,
                                                rows={k: v for k, v in rows.items() if v})
                messages.success(request, _("The ratings have been saved."))
            elif action == "notice" and kind == AssessmentKind.YEAR_END:
                start = request.POST.get("notice_start") or today.isoformat()
                from django.utils.dateparse import parse_date

                services.member_ratings_publish_notice(user=request.user, organization=organization, year=year,
                                                       start=parse_date(start) or today)
                messages.success(request, _("The preliminary ratings are under public notice."))
            elif action == "finalize" and kind == AssessmentKind.YEAR_END:
                final = {m.pk: _star_value(request.POST.get(f"m{m.pk}-final_stars")) for m in members
                         if request.POST.get(f"m{m.pk}-final_stars")}
                count = services.member_ratings_finalize(user=request.user, organization=organization, year=year,
                                                         today=today, final=final)
                messages.success(request, _("%(count)s ratings are final.") % {"count": count})
            else:
                raise ValidationError(_("Unknown action."))
        except ValidationError as exc:
            errors = exc.messages
        else:
            return redirect(reverse("evaluations:assessment-sheet", args=[organization.pk])
                            + f"?year={year}&kind={kind}")
    rows = selectors.sheet_rows(organization, year=year, kind=kind, policy=policy)
    assessments = [r.assessment for r in rows if r.assessment and not r.member.exempt]
    status = {a.status for a in assessments}
    notice_end = max((a.notice_end for a in assessments if a.notice_end), default=None)
    editable = not (status & {AssessmentStatus.PUBLIC_NOTICE, AssessmentStatus.FINAL})
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


@login_required
@scoped_to(Organization)
def assessment_sheet_export(request, pk):
    organization = _organization(request, pk)
    year = _year(request, _sheet_default_year(organization))
    kind = request.GET.get("kind") if request.GET.get("kind") in AssessmentKind.values else AssessmentKind.YEAR_END
    return member_sheet_response(organization, year=year, kind=kind, policy=effective_policy(organization.division))
