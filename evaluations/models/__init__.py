from .members import (
    CAPPED_CATEGORIES,
    Aspect,
    AssessmentKind,
    AssessmentStatus,
    ContactHousehold,
    MemberAssessment,
    MemberBulletin,
    MemberCategory,
    MemberCommitment,
    PartyMember,
    Sex,
)
from .org_stars import Grade, OrganizationRating, RatingStep
from .recognition import (
    EXEMPLAR_EDITABLE,
    Commendation,
    CommendationList,
    CommendationListStatus,
    CommendationOccasion,
    Exemplar,
    ExemplarKind,
    ExemplarStatus,
    MemberPlaque,
)
from .satisfaction import (
    Ballot,
    BallotSource,
    BallotToken,
    Choice,
    Decision,
    Evaluation,
    EvaluationStatus,
    VoterGroup,
    VoterGroupKind,
)

__all__ = [
    "CAPPED_CATEGORIES", "AssessmentKind", "AssessmentStatus", "Aspect", "Ballot", "BallotSource", "BallotToken",
    "Choice", "ContactHousehold", "Decision", "Evaluation", "EvaluationStatus", "Grade", "MemberAssessment",
    "MemberBulletin", "MemberCategory", "MemberCommitment", "OrganizationRating", "PartyMember", "RatingStep",
    "Sex", "VoterGroup", "VoterGroupKind",
    "EXEMPLAR_EDITABLE", "Commendation", "CommendationList", "CommendationListStatus", "CommendationOccasion",
    "Exemplar", "ExemplarKind", "ExemplarStatus", "MemberPlaque",
]
