"""Pages of star management: organization ratings (五星管理) and Party member star management."""

from django.urls import path

from . import member_star_views as members
from . import organization_star_views as ratings

urlpatterns = [
    path("stars/ratings/", ratings.RatingListView.as_view(), name="rating-list"),
    path("stars/ratings/export/", ratings.RatingExportView.as_view(), name="rating-export"),
    path("stars/ratings/<int:pk>/", ratings.rating_detail, name="rating"),
    path("stars/screening/", ratings.ScreeningView.as_view(), name="screening"),
    path("stars/screening/export/", ratings.ScreeningExportView.as_view(), name="screening-export"),
    path("stars/organizations/<int:pk>/ratings/", ratings.organization_ratings, name="organization-ratings"),
    path("stars/members/", members.MemberListView.as_view(), name="member-list"),
    path("stars/members/<int:pk>/", members.member_detail, name="member"),
    path("stars/members/<int:pk>/edit/", members.MemberEditView.as_view(), name="member-edit"),
    path("stars/members/<int:pk>/commitment/", members.CommitmentEditView.as_view(), name="commitment-edit"),
    path("stars/organizations/<int:pk>/members/", members.organization_members, name="organization-members"),
    path("stars/organizations/<int:pk>/members/add/", members.MemberAddView.as_view(), name="member-add"),
    path("stars/organizations/<int:pk>/commitments/", members.commitment_board, name="commitment-board"),
    path("stars/organizations/<int:pk>/bulletins/", members.bulletins, name="bulletins"),
    path("stars/organizations/<int:pk>/sheet/", members.assessment_sheet, name="assessment-sheet"),
    path("stars/organizations/<int:pk>/sheet/export/", members.MemberSheetExportView.as_view(),
         name="assessment-sheet-export"),
]
