"""Pages of star management: organization ratings (五星管理) and Party member star management."""

from django.urls import path

from . import member_views, org_star_views

urlpatterns = [
    path("stars/ratings/", org_star_views.RatingListView.as_view(), name="rating-list"),
    path("stars/ratings/export/", org_star_views.rating_export, name="rating-export"),
    path("stars/ratings/<int:pk>/", org_star_views.rating_detail, name="rating"),
    path("stars/screening/", org_star_views.ScreeningView.as_view(), name="screening"),
    path("stars/screening/export/", org_star_views.screening_export, name="screening-export"),
    path("stars/organizations/<int:pk>/ratings/", org_star_views.organization_ratings, name="organization-ratings"),
    path("stars/members/", member_views.MemberListView.as_view(), name="member-list"),
    path("stars/members/<int:pk>/", member_views.member_detail, name="member"),
    path("stars/members/<int:pk>/edit/", member_views.member_edit, name="member-edit"),
    path("stars/members/<int:pk>/commitment/", member_views.commitment_edit, name="commitment-edit"),
    path("stars/organizations/<int:pk>/members/", member_views.organization_members, name="organization-members"),
    path("stars/organizations/<int:pk>/members/add/", member_views.member_add, name="member-add"),
    path("stars/organizations/<int:pk>/commitments/", member_views.commitment_board, name="commitment-board"),
    path("stars/organizations/<int:pk>/bulletins/", member_views.bulletins, name="bulletins"),
    path("stars/organizations/<int:pk>/sheet/", member_views.assessment_sheet, name="assessment-sheet"),
    path("stars/organizations/<int:pk>/sheet/export/", member_views.assessment_sheet_export,
         name="assessment-sheet-export"),
]
